import DetectorKit
import ECGDetectors
import ECGFormats
import Foundation
import TensorCore
import Testing

/// The shipped Models/ecg-af: its card, and the Swift runtime against onnxruntime on the fixture windows
/// (Fixtures/af/shipped_logits.npy, written by Tools/ecg/real/make_af_fixtures.py --shipped-only).
@Suite("Models/ecg-af (shipped)")
struct AFShippedModelTests {
    @Test("the card: real training data only, every evaluation on real data, the peer named, research use")
    func card() throws {
        let detector = try AFDetector.shipped(modelsDirectory: CNNFixtures.repositoryRoot.appendingPathComponent("Models"))
        let card = try #require(detector.modelCard)
        #expect(detector.descriptor.id == "ecg-af")
        #expect(!card.trainingData.synthetic)
        #expect(!card.evaluation.isEmpty && card.evaluation.allSatisfy { !$0.dataset.synthetic })
        #expect(card.evaluation.contains { $0.dataset.name.contains("CinC 2017") })
        #expect(card.evaluation.contains { $0.dataset.name.contains("CinC 2021") })
        #expect(card.evaluation.contains { $0.dataset.name.contains("MIT-BIH") })
        #expect(card.evaluation.flatMap(\.metrics).contains { $0.subgroup?.contains("openvital") == true })
        #expect(card.intendedUse.contains("NOT for clinical use"))
        #expect(detector.spec.label.code == "ecg.af.afib")
        #expect(detector.spec.label.predictiveValues?.prevalence == 0.1)
    }

    @Test("the Swift runtime's logits match onnxruntime's within 1e-4 on the fixture windows (and their RR features)")
    func parity() throws {
        let detector = try AFDetector.shipped(modelsDirectory: CNNFixtures.repositoryRoot.appendingPathComponent("Models"))
        let logits = try NPYFile.read(AFFixtures.dir.appendingPathComponent("shipped_logits.npy"))
        let input: AFPreparedInput
        if detector.spec.rhythmFeaturesInputName != nil {
            // 0.2.0 takes RR features: the first 16 windows of the real MIT-BIH 208 excerpt with af_rr.py's features.
            let windows = try NPYFile.read(AFFixtures.dir.appendingPathComponent("rr_mitdb208_windows16.npy"))
            let features = try NPYFile.read(AFFixtures.dir.appendingPathComponent("rr_mitdb208_features.npy"))
            input = AFPreparedInput(leads: ["MLII"], skippedLeads: [:], windowStartsSeconds: [], samples: windows.storage,
                                    lengthSamples: 1000, durationSeconds: 300,
                                    rhythmFeatures: Array(features.storage[0..<(16 * AFRhythmFeatures.count)]))
        } else {
            let windows = try NPYFile.read(AFFixtures.dir.appendingPathComponent("expected_windows.npy"))
            input = AFPreparedInput(leads: ["II", "V1"], skippedLeads: [:], windowStartsSeconds: [],
                                    samples: windows.storage, lengthSamples: 1000, durationSeconds: 25)
        }
        let p = try detector.rowProbabilities(input)
        let t = detector.spec.label.temperature
        let want = logits.storage.map { CNNFixtures.sigmoid(Double($0) / t) }
        #expect(p.count == want.count)
        // 1e-4 on the logit scale bounds the probability difference by 2.5e-5 / T.
        #expect(zip(p, want).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    @Test("real SampleData records are scored (MIT-BIH 208 excerpt, pyhrv BITalino, DICOM 12-lead)",
          arguments: ["mitdb208_excerpt.hea", "pyhrv-0.5.0_SampleECG.txt", "pydicom-3.0.2_waveform_ecg.dcm"])
    func sampleData(file: String) async throws {
        let record = try ECGReader.read(url: CNNFixtures.repositoryRoot.appendingPathComponent("SampleData/ecg").appendingPathComponent(file))
        let detector = try AFDetector.shipped(modelsDirectory: CNNFixtures.repositoryRoot.appendingPathComponent("Models"))
        let finding = try #require(try await detector.analyze(record).findings?.first)
        let p = try #require(finding.probability)
        #expect(p >= 0 && p <= 1)
        #expect(finding.measurements.contains { $0.name == "afBurden" })
    }
}
