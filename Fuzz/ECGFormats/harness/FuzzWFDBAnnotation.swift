// libFuzzer harness: MIT annotation decoder, and encode → decode round trip of what it produced.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    if let c = try? WFDBAnnotationFile.parse(bytes, file: "fuzz.atr", samplingRateHz: 360),
       let again = try? WFDBAnnotationFile.encode(c.annotations.filter { ($0.code ?? 0) >= 1 && ($0.code ?? 0) <= 49 }) {
        _ = try? WFDBAnnotationFile.parse(again, file: "again.atr", samplingRateHz: 360)
    }
    return 0
}
