// libFuzzer harness: XML tree + GE CardioSoft reader. Build with `Fuzz/ECGFormats/build.sh CardioSoft`;
// seed it with SampleData/ecg/synthetic_cardiosoft.xml and the XML corpus.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    _ = try? CardioSoftXMLReader.parse(bytes, file: "fuzz.xml")
    return 0
}
