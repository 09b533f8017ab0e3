import DetectorKit
import ECGDetectors
import ECGFormats
import Foundation
import TensorCore
import Testing

// Fixtures (Tools/ecg/real/make_af_fixtures.py, rr_fixtures): the real SampleData MIT-BIH 208 excerpt prepared by
// af_common.py (scipy), the beats and window features of af_rr.py (the Python side of AFRhythmFeatures and
// QRSDetector), and a tiny untrained two-input model (tiny-rr) with onnxruntime's logits on its first 16 windows.

@Suite("AFRhythmFeatures (RR-interval features of ecg-af 0.2.0)")
struct AFRhythmFeaturesTests {
    static let tinyRR = AFFixtures.dir.appendingPathComponent("tiny-rr")

    static func mitdb208() throws -> ECGRecord {
        try ECGReader.read(url: CNNFixtures.repositoryRoot.appendingPathComponent("SampleData/ecg/mitdb208_excerpt.hea"))
    }

    @Test("a regular rhythm: rate and zero irregularity; one premature beat leaves the median statistics at 0")
    func handMade() {
        let regular = Array(stride(from: 0, through: 900, by: 100))
        let f = AFRhythmFeatures.window(beats: regular, start: 0, length: 1000, sampleRate: 100)
        #expect(f.count == AFRhythmFeatures.count)
        #expect(f[0] == 1)
        #expect(abs(Double(f[1]) - log(60.0 / 75)) < 1e-6)
        #expect(f[2] == 0 && f[3] == 0 && f[4] == 0 && f[5] == 0 && f[6] == 0)
        #expect(abs(f[7] - 9.0 / 20) < 1e-6)
        // A premature beat at 270 (RR 0.7 s, then 1.3 s): RMSSD/mean jumps, median |ΔRR|/med stays 0,
        // 2 of 9 intervals are off the median by > 10 %, 3 of 8 successive differences exceed 10 %.
        var pac = regular
        pac[3] = 270
        let g = AFRhythmFeatures.window(beats: pac, start: 0, length: 1000, sampleRate: 100)
        #expect(g[2] == 0)
        #expect(abs(g[4] - 2.0 / 9) < 1e-6)
        #expect(abs(g[3] - 3.0 / 8) < 1e-6)
        #expect(g[5] > 0.2)
        // Beats outside the window do not count; fewer than 4 beats give all zeros.
        #expect(AFRhythmFeatures.window(beats: regular, start: 650, length: 300, sampleRate: 100) == [Float](repeating: 0, count: 8))
    }

    @Test("beats and features on the real MIT-BIH 208 excerpt match af_rr.py (same beats, features within 1e-4)")
    func parity() throws {
        let detector = try AFDetector(modelDirectory: Self.tinyRR, id: "ecg-af-rr-test")
        #expect(detector.spec.rhythmFeaturesInputName == "rr")
        let prepared = try AFModelInput.prepare(try Self.mitdb208(), spec: detector.spec).get()
        let beats = try NPYFile.read(AFFixtures.dir.appendingPathComponent("rr_mitdb208_beats.npy")).storage.map { Int($0) }
        let swiftBeats = try #require(prepared.beatsPerLead.first)
        #expect(swiftBeats.count == beats.count)
        #expect(zip(swiftBeats, beats).allSatisfy { $0 == $1 })
        let features = try NPYFile.read(AFFixtures.dir.appendingPathComponent("rr_mitdb208_features.npy"))
        #expect(prepared.rhythmFeatures.count == features.storage.count)
        #expect(CNNFixtures.maxAbsDiff(prepared.rhythmFeatures, features.storage) < 1e-4)
    }

    @Test("a two-input model (signal + RR features) runs through ONNXEngine as onnxruntime does (logits within 1e-4)")
    func twoInputModel() throws {
        let detector = try AFDetector(modelDirectory: Self.tinyRR, id: "ecg-af-rr-test")
        let windows = try NPYFile.read(AFFixtures.dir.appendingPathComponent("rr_mitdb208_windows16.npy"))
        let features = try NPYFile.read(AFFixtures.dir.appendingPathComponent("rr_mitdb208_features.npy"))
        let logits = try NPYFile.read(AFFixtures.dir.appendingPathComponent("tiny_rr_logits.npy"))
        let input = AFPreparedInput(leads: ["MLII"], skippedLeads: [:], windowStartsSeconds: Array(repeating: 0, count: 16),
                                    samples: windows.storage, lengthSamples: 1000, durationSeconds: 300,
                                    rhythmFeatures: Array(features.storage[0..<(16 * AFRhythmFeatures.count)]))
        let p = try detector.rowProbabilities(input)
        let want = logits.storage.map { CNNFixtures.sigmoid(Double($0) / 0.5) }
        #expect(p.count == 16)
        #expect(zip(p, want).allSatisfy { abs($0 - $1) < 1e-4 })
        // The RR input matters: other features, other outputs.
        let zeroed = AFPreparedInput(leads: ["MLII"], skippedLeads: [:], windowStartsSeconds: Array(repeating: 0, count: 16),
                                     samples: windows.storage, lengthSamples: 1000, durationSeconds: 300,
                                     rhythmFeatures: [Float](repeating: 0, count: 16 * AFRhythmFeatures.count))
        #expect(zip(try detector.rowProbabilities(zeroed), p).contains { abs($0 - $1) > 1e-6 })
        // Missing features are an error, not a silent zero.
        let missing = AFPreparedInput(leads: ["MLII"], skippedLeads: [:], windowStartsSeconds: [], samples: windows.storage,
                                      lengthSamples: 1000, durationSeconds: 300)
        #expect(throws: (any Error).self) { try detector.rowProbabilities(missing) }
    }

    @Test("the whole record through the two-input detector: one finding with the AF measurements")
    func analyze() async throws {
        let detector = try AFDetector(modelDirectory: Self.tinyRR, id: "ecg-af-rr-test")
        let finding = try #require(try await detector.analyze(try Self.mitdb208()).findings?.first)
        let p = try #require(finding.probability)
        #expect(p >= 0 && p <= 1)
        #expect(finding.measurements.contains { $0.name == "afBurden" })
    }
}
