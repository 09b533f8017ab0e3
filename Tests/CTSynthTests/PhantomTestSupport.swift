@testable import CTSynth
import Foundation

/// Small phantoms that build fast in debug test runs.
enum TestPhantoms {
    /// A 256 × 256 phantom at 1.6 mm (the full abdomen) with `slices` slices.
    static func parameters(seed: UInt64, slices: Int = 6, spacing: Double = 1.6, matrix: Int = 256) -> PhantomParameters {
        var p = PhantomParameters(seed: seed)
        p.matrix = matrix
        p.pixelSpacingMM = spacing
        p.sliceCount = slices
        return p
    }

    /// Voxels of `study` whose tissue (at the slice centre) is `tissue`.
    static func values(_ study: PhantomStudy, _ tissue: Tissue) -> [Float] {
        var out: [Float] = []
        for i in study.tissues.indices where study.tissues[i] == tissue.rawValue { out.append(study.volume.voxels[i]) }
        return out
    }

    static func median(_ v: [Float]) -> Double {
        let s = v.sorted()
        return s.isEmpty ? .nan : Double(s[s.count / 2])
    }

    static func mean(_ v: [Float]) -> Double { v.isEmpty ? .nan : v.reduce(0.0) { $0 + Double($1) } / Double(v.count) }

    static func fixtureURL(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(name)
    }
}
