// libFuzzer harness: DICOM Part 10 parser + ECG waveform decoding (DICOMECGReader). Build with
// `Fuzz/ECGFormats/build.sh DICOMECG`; seeds: the real pydicom ECG and the synthetic test file.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    _ = try? DICOMECGReader.parse(bytes, file: "fuzz.dcm")
    return 0
}
