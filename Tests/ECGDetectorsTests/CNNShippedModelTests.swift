import DetectorKit
import ECGFormats
import Foundation
import ONNXEngine
import TensorCore
import Testing

@testable import ECGDetectors

/// The shipped model (Models/ecg-cnn, trained by Tools/ecg/train_cnn.py on synthetic records): parity
/// with onnxruntime, its card, and what it says on the real sample records (SampleData/ecg), which its
/// card reports.
@Suite("CNN ECG detector: the shipped model")
struct CNNShippedModelTests {
    @Test("the shipped model's logits match onnxruntime's within 1e-4 (two held-out test inputs)")
    func parityWithOnnxruntime() throws {
        let parity = CNNFixtures.dir.appendingPathComponent("shipped")
        let model = try ONNXModel(contentsOf: CNNFixtures.shipped.appendingPathComponent("model.onnx"))
        let x = try CNNFixtures.npy(parity.appendingPathComponent("input.npy"))
        let y = try CNNFixtures.npy(parity.appendingPathComponent("logits.npy"))
        #expect(x.shape == [2, 12, 1000] && y.shape == [2, 6])
        let out = try #require(try InferenceSession(model: model).run(x)["logits"])
        #expect(out.shape == y.shape)
        #expect(CNNFixtures.maxAbsDiff(out.storage, y.storage) <= 1e-4)
    }

    @Test("the shipped card's preprocessing (500 → 100 Hz, band-pass, crop) matches scipy within 1e-4 mV")
    func preprocessingMatchesScipy() throws {
        let detector = try CNNECGDetector(modelDirectory: CNNFixtures.shipped, id: "ecg-cnn")
        let prepared = try CNNModelInput.prepare(try CNNFixtures.record(), spec: detector.spec).get()
        let expected = try CNNFixtures.npy(CNNFixtures.dir.appendingPathComponent("shipped").appendingPathComponent("record_input.npy"))
        #expect(expected.shape == [1, 12, 1000])
        #expect(prepared.samples.count == expected.storage.count)
        #expect(CNNFixtures.maxAbsDiff(prepared.samples, expected.storage) <= 1e-4)
    }

    @Test("the shipped card: synthetic training data, research use only, the six ecg.cnn codes")
    func cardSaysWhatItIs() throws {
        let detector = try CNNECGDetector(modelDirectory: CNNFixtures.shipped, id: "ecg-cnn")
        let card = try #require(detector.modelCard)
        #expect(card.trainingData.synthetic)
        #expect(card.intendedUse.contains("NOT for clinical use"))
        #expect(card.io.outputs[0].labels.map(\.code) == [
            "ecg.cnn.afib", "ecg.cnn.lbbb", "ecg.cnn.rbbb", "ecg.cnn.lvh", "ecg.cnn.st_elevation", "ecg.cnn.pvc"])
        #expect(card.evaluation.contains { $0.dataset.synthetic })
        #expect(card.evaluation.contains { !$0.dataset.synthetic })
    }

    static let sampleData = CNNFixtures.repositoryRoot.appendingPathComponent("SampleData").appendingPathComponent("ecg")

    @Test("real records with fewer than 12 leads abstain as input_incomplete (as the card reports)",
          arguments: ["mitdb208_excerpt.hea", "pyhrv-0.5.0_SampleECG.txt"])
    func fewLeadRealRecordsAbstain(file: String) async throws {
        let record = try ECGReader.read(url: Self.sampleData.appendingPathComponent(file))
        let detector = try CNNECGDetector(modelDirectory: CNNFixtures.shipped, id: "ecg-cnn")
        let abstention = try #require(try await detector.analyze(record).abstention)
        #expect(abstention.reason == .inputIncomplete)
    }

    @Test("what the card reports for the real DICOM 12-lead record is what the detector says")
    func realDICOMRecordMatchesTheCard() async throws {
        let record = try ECGReader.read(url: Self.sampleData.appendingPathComponent("pydicom-3.0.2_waveform_ecg.dcm"))
        let detector = try CNNECGDetector(modelDirectory: CNNFixtures.shipped, id: "ecg-cnn")
        let card = try #require(detector.modelCard)
        let real = try #require(card.evaluation.first { !$0.dataset.synthetic })
        let findings = try #require(try await detector.analyze(record).findings)
        // ecg.cnn.afib is withheld by the card (a false-AF source on real 12-leads; ecg-af answers AF).
        #expect(findings.count == 5)
        #expect(!findings.contains { $0.code == "ecg.cnn.afib" })
        for finding in findings {
            let stated = try #require(real.metrics.first { $0.subgroup == finding.code }, "card has no value for \(finding.code)")
            // The card rounds to 6 decimals.
            #expect(abs(try #require(finding.probability) - stated.value) <= 1e-5, "\(finding.code)")
        }
    }
}
