// libFuzzer harness: WFDB header text parser.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    let text = String(decoding: bytes, as: UTF8.self)
    _ = try? WFDBHeader.parse(text, file: "fuzz.hea")
    return 0
}
