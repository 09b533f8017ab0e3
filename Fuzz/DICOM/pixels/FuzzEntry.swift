// libFuzzer entry point for the CT pixel path: DICOM parse → pixel decode (native, JPEG Lossless,
// JPEG 2000 through OpenJPEG) → HU planes. Built by Fuzz/DICOM/build.sh pixels, with Sources/DICOM and
// Sources/ImagingFormats compiled as one module; not part of the SwiftPM package.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var limits = DICOMLimits()
    limits.maxFileBytes = 1 << 22
    guard let file = try? DICOMFile.parse(bytes, name: "fuzz", limits: limits) else { return 0 }
    if let planes = try? CTSlices.planes(file), !planes.isEmpty {
        _ = try? SeriesAssembly.assemble(planes, name: "fuzz")
    }
    return 0
}
