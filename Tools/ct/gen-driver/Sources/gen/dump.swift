import Foundation
import ImagingFormats
/// Writes the HU voxels of a DICOM/PNG series as raw little-endian float32 and prints shape and spacing.
func dumpVolume(_ path: String, _ out: String) throws {
    let v = try ImageVolumeReader.read(paths: [URL(fileURLWithPath: path)])[0]
    let d = v.voxels.withUnsafeBufferPointer { Data(buffer: $0) }
    try d.write(to: URL(fileURLWithPath: out))
    print("\(v.slices) \(v.rows) \(v.columns) \(v.rowSpacingMM) \(v.columnSpacingMM)")
}
func orientation(_ path: String) throws {
    let v = try ImageVolumeReader.read(paths: [URL(fileURLWithPath: path)])[0]
    print(v.rowDirection, v.columnDirection, v.originMM, v.metadata.bodyPart ?? "-", v.metadata.contrastAgent ?? "-")
}
