import CTSynth
import Foundation
/// Fast training export: per study int16 HU volume, uint8 labels and the truth JSON (no PNG compression).
func writeRaw(count: Int, out: URL, seed: UInt64, slices: Int) throws {
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    var rows = [PhantomWriter.csvHeader]
    for i in 0..<count {
        var p = PhantomParameters(seed: seed + UInt64(i))
        p.sliceCount = slices
        let s = try PhantomGenerator.generate(p)
        let name = String(format: "phantom-%06llu", p.seed)
        let hu = s.volume.voxels.map { Int16($0) }
        try hu.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: out.appendingPathComponent(name + ".i16"))
        try Data(s.labels).write(to: out.appendingPathComponent(name + ".u8"))
        let meta: [String: Any] = ["shape": [s.volume.slices, s.volume.rows, s.volume.columns], "pixelSpacingMM": s.truth.pixelSpacingMM,
                                   "sliceSpacingMM": s.truth.sliceSpacingMM, "diameter": s.truth.lesion?.diameterMM ?? 0]
        try JSONSerialization.data(withJSONObject: meta).write(to: out.appendingPathComponent(name + ".json"))
        rows.append(PhantomWriter.csvRow(s, name: name))
        FileHandle.standardError.write(Data("\(name)\n".utf8))
    }
    try (rows.joined(separator: "\n") + "\n").write(to: out.appendingPathComponent("labels.csv"), atomically: true, encoding: .utf8)
}
