// libFuzzer harness: CSV ECG parser and the OpenSignals text reader (both delimited text).
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    _ = try? CSVECGReader.parse(bytes, file: "fuzz.csv")
    _ = try? OpenSignalsReader.parse(bytes, file: "fuzz.txt")
    return 0
}
