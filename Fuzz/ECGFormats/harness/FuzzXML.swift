// libFuzzer harness: XML tree + GE MUSE and HL7 aECG readers.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    _ = try? MUSEXMLReader.parse(bytes, file: "fuzz.xml")
    _ = try? HL7aECGReader.parse(bytes, file: "fuzz.xml")
    return 0
}
