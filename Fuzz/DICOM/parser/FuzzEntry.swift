// libFuzzer entry point for the DICOM parser (and the JPEG Lossless decoder behind it).
// Built by Fuzz/DICOM/build.sh together with Sources/DICOM; not part of the SwiftPM package.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var limits = DICOMLimits()
    limits.maxFileBytes = 1 << 22
    guard let file = try? DICOMFile.parse(bytes, name: "fuzz", limits: limits) else { return 0 }
    touch(file.meta, depth: 0)
    touch(file.dataSet, depth: 0)
    if case .encapsulated(let enc)? = file.dataSet[.pixelData]?.value, let first = enc.fragments.first {
        _ = try? JPEGLosslessDecoder.decode(first, file: "fuzz", maxSamples: 1 << 20)
    }
    return 0
}

/// Calls every typed accessor on every element, recursing into sequences.
private func touch(_ ds: DICOMDataSet, depth: Int) {
    for e in ds.elements {
        _ = try? ds.strings(e.tag)
        _ = try? ds.doubles(e.tag)
        _ = try? ds.int(e.tag)
        if let items = try? ds.sequence(e.tag) {
            for item in items { touch(item, depth: depth + 1) }
        }
    }
}
