import DetectorKit
import ECGFormats
import Foundation
import ONNXEngine
import Randomness
import TensorCore
import Testing

@testable import ECGDetectors

@Suite("CNN ECG detector: card-driven input, parity, findings, saliency")
struct CNNECGDetectorTests {
    // MARK: preprocessing and model parity against scipy / onnxruntime

    @Test("preprocessing matches scipy (resample_poly, butter filtfilt, crop, standardise) within 1e-4 mV",
          arguments: ["tiny12", "low-ef"])
    func preprocessingMatchesScipy(model: String) throws {
        let folder = CNNFixtures.dir.appendingPathComponent(model)
        let card = try ModelCard.load(from: folder.appendingPathComponent("model.card.json"))
        let spec = try CNNModelSpec(card: card, cardPath: model)
        let prepared = try CNNModelInput.prepare(try CNNFixtures.record(), spec: spec).get()
        let expected = try CNNFixtures.npy(folder.appendingPathComponent("expected_input.npy"))
        #expect(expected.shape == [1, spec.leads.count, spec.lengthSamples])
        #expect(prepared.samples.count == expected.storage.count)
        // Float32 output of a float64 chain on both sides; values are O(1) mV (or O(1) standardised).
        #expect(CNNFixtures.maxAbsDiff(prepared.samples, expected.storage) <= 1e-4)
    }

    @Test("the runtime's outputs match onnxruntime's within 1e-4", arguments: ["tiny12", "low-ef"])
    func outputsMatchOnnxruntime(model: String) throws {
        let folder = CNNFixtures.dir.appendingPathComponent(model)
        let m = try ONNXModel(contentsOf: folder.appendingPathComponent("model.onnx"))
        let x = try CNNFixtures.npy(folder.appendingPathComponent("expected_input.npy"))
        let y = try CNNFixtures.npy(folder.appendingPathComponent("expected_output.npy"))
        let out = try InferenceSession(model: m).run(x)
        let got = try #require(out[m.outputs[0].name])
        #expect(got.shape == y.shape)
        #expect(CNNFixtures.maxAbsDiff(got.storage, y.storage) <= 1e-4)
    }

    // MARK: findings

    @Test("one finding per card label: temperature-scaled probability, card threshold, consistent decision")
    func findingsFollowTheCard() async throws {
        let detector = try CNNECGDetector(modelDirectory: CNNFixtures.tiny12)
        let card = try #require(detector.modelCard)
        let raw = try CNNFixtures.npy(CNNFixtures.tiny12.appendingPathComponent("expected_output.npy")).storage
        let outcome = try await detector.analyze(try CNNFixtures.record())
        let findings = try #require(outcome.findings, "abstained: \(outcome.abstention?.message ?? "")")
        let labels = card.io.outputs[0].labels
        #expect(findings.map(\.code) == labels.map(\.code))
        for (i, (finding, label)) in zip(findings, labels).enumerated() {
            let p = try #require(finding.probability)
            // End to end (record → Swift preprocessing → runtime → calibration) against scipy + onnxruntime.
            #expect(abs(p - CNNFixtures.sigmoid(Double(raw[i]) / label.temperature)) <= 1e-4)
            #expect(finding.threshold == label.operatingThreshold)
            #expect(finding.decision == (p >= label.operatingThreshold ? .positive : .negative))
            #expect(finding.detector.modelSHA256 == card.weightsSHA256)
        }
        // The labels have different temperatures, so calibration changed the probabilities.
        #expect(abs(findings[5].probability! - CNNFixtures.sigmoid(Double(raw[5]))) > 1e-3)
    }

    @Test("occlusion saliency names the lead each label reads, and only that lead")
    func saliencyFindsTheLead() async throws {
        let detector = try CNNECGDetector(modelDirectory: CNNFixtures.tiny12)
        let findings = try #require(try await detector.analyze(try CNNFixtures.record()).findings)
        for (code, lead) in CNNFixtures.tinyLabelLeads {
            let finding = try #require(findings.first { $0.code == code })
            var spans: [(String, Double, Double)] = []
            for item in finding.evidence { if case let .leadSpan(l, s, e, _) = item { spans.append((l, s, e)) } }
            #expect(!spans.isEmpty, "\(code): no lead span")
            #expect(spans.allSatisfy { $0.0 == lead }, "\(code): spans \(spans), expected lead \(lead)")
            #expect(spans.allSatisfy { $0.2 - $0.1 > 0.99 && $0.2 - $0.1 < 1.01 && $0.1 >= 0 && $0.2 <= 10.0001 })
        }
    }

    @Test("supporting measurements: rate from the record's beats, referenced from the evidence")
    func measurementsSupportFindings() async throws {
        let detector = try CNNECGDetector(modelDirectory: CNNFixtures.tiny12)
        let findings = try #require(try await detector.analyze(try CNNFixtures.record()).findings)
        let afib = try #require(findings.first { $0.code == "ecg.cnn.afib" })
        let rate = try #require(afib.measurements.first { $0.name == "ventricularRate" })
        #expect(abs(rate.value - 72) < 3)  // the fixture record is generated at 72 /min
        #expect(afib.evidence.contains(.measurementRef(name: "ventricularRate")))
        let lbbb = try #require(findings.first { $0.code == "ecg.cnn.lbbb" })
        let qrs = try #require(lbbb.measurements.first { $0.name == "qrsDuration" })
        #expect(qrs.value > 40 && qrs.value < 120)  // narrow synthetic QRS (Gaussians of 8–10 ms SD)
    }

    @Test("a hospital model with other leads, order, rate, length, scaling and output kind runs unchanged")
    func hospitalLowEFModelDropsIn() async throws {
        let detector = try CNNECGDetector(modelDirectory: CNNFixtures.lowEF)
        #expect(detector.descriptor.id == "low-ef")
        #expect(detector.spec.leads == ["V1", "V2", "V3", "V4", "V5", "V6", "I", "II"])
        #expect(detector.spec.sampleRateHz == 500 && detector.spec.lengthSamples == 4000)
        #expect(detector.spec.standardization == .perLead && detector.spec.bandPassHz == nil)
        let p0 = Double(try CNNFixtures.npy(CNNFixtures.lowEF.appendingPathComponent("expected_output.npy")).storage[0])
        let findings = try #require(try await detector.analyze(try CNNFixtures.record()).findings)
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.code == "ecg.low_ef")
        let expected = CNNFixtures.sigmoid(log(p0 / (1 - p0)) / 1.5)
        #expect(abs(try #require(finding.probability) - expected) <= 1e-4)
        #expect(finding.threshold == 0.3)
        // 10 s record, 8 s crop: centred, so spans lie within 1…9 s and are 2 s long (card's window).
        for item in finding.evidence {
            if case let .leadSpan(_, s, e, _) = item {
                #expect(s >= 0.9999 && e <= 9.0001 && abs(e - s - 2) < 1e-6)
            }
        }
    }

    @Test("the same record at 250 Hz is resampled to the low-EF model's 500 Hz")
    func resamplesToTheCardRate() async throws {
        let record = try CNNFixtures.record()
        let leads = record.rhythm.leads.map { lead in
            ECGLead(name: lead.name, originalLabel: lead.originalLabel, samples: stride(from: 0, to: lead.samples.count, by: 2).map { lead.samples[$0] })
        }
        let slow = try CNNFixtures.makeRecord(leads, rate: 250)
        let detector = try CNNECGDetector(modelDirectory: CNNFixtures.lowEF)
        let prepared = try CNNModelInput.prepare(slow, spec: detector.spec).get()
        #expect(prepared.samples.count == 8 * 4000)
        let outcome = try await detector.analyze(slow)
        #expect(outcome.findings?.count == 1)
    }

    // MARK: abstentions

    @Test("a missing lead abstains with input_incomplete naming it")
    func missingLeadAbstains() async throws {
        let record = try CNNFixtures.record()
        let leads = record.rhythm.leads.filter { $0.name != "V3" }
        let detector = try CNNECGDetector(modelDirectory: CNNFixtures.tiny12)
        let abstention = try #require(try await detector.analyze(try CNNFixtures.makeRecord(leads, rate: 500)).abstention)
        #expect(abstention.reason == .inputIncomplete)
        #expect(abstention.message.contains("lacks V3"))
        #expect(abstention.details["missingLeads"] == .array([.string("V3")]))
    }

    @Test("a record shorter than the model's window abstains (no padding), a longer one is centre-cropped")
    func lengthPolicy() async throws {
        let record = try CNNFixtures.record()
        let detector = try CNNECGDetector(modelDirectory: CNNFixtures.tiny12)
        let short = try CNNFixtures.mapped(record) { _, x in Array(x[0..<3000]) }  // 6 s
        let abstention = try #require(try await detector.analyze(short).abstention)
        #expect(abstention.reason == .inputIncomplete)
        #expect(abstention.message.contains("6.00 s") && abstention.message.contains("10.00 s"))
        // 14 s: the same 10 s strip padded with 2 s of the record on each side → crop starts at 2 s.
        let long = try CNNFixtures.mapped(record) { _, x in Array(x[0..<1000]) + x + Array(x[4000..<5000]) }
        let prepared = try CNNModelInput.prepare(long, spec: detector.spec).get()
        #expect(abs(prepared.cropStartSeconds - 2.0) < 1e-9)
    }

    @Test("flat-line and noise-only records abstain as unreadable, with the reason", arguments: ["flat", "noise"])
    func unreadableAbstains(kind: String) async throws {
        var rng = SplitMix64(seed: 7)
        let record = try CNNFixtures.mapped(try CNNFixtures.record()) { _, x in
            kind == "flat" ? [Float](repeating: 0.02, count: x.count) : x.map { _ in Float(0.5 * rng.gaussian()) }
        }
        let detector = try CNNECGDetector(modelDirectory: CNNFixtures.tiny12)
        let abstention = try #require(try await detector.analyze(record).abstention)
        #expect(abstention.reason == .signalUnreadable)
        #expect(abstention.message.contains(kind == "flat" ? "flat line" : "noise"), "\(abstention.message)")
    }

    @Test("one unusable lead among good ones abstains, naming the lead")
    func oneBadLeadAbstains() async throws {
        let record = try CNNFixtures.mapped(try CNNFixtures.record()) { name, x in
            name == "V4" ? [Float](repeating: 0, count: x.count) : x
        }
        let detector = try CNNECGDetector(modelDirectory: CNNFixtures.tiny12)
        let abstention = try #require(try await detector.analyze(record).abstention)
        #expect(abstention.reason == .signalUnreadable)
        #expect(abstention.message.contains("V4 (flat line)"))
    }

    @Test("a paced record abstains with paced_rhythm when the card puts pacing outside intended use")
    func pacedAbstains() async throws {
        let record = try CNNFixtures.record()
        let ii = try #require(record.rhythm.lead(named: "II")).samples
        // R peaks of the synthetic lead II (R ≈ 1.2 mV): local maxima above 0.6 mV.
        let peaks = (1..<(ii.count - 1)).filter { ii[$0] > 0.6 && ii[$0] >= ii[$0 - 1] && ii[$0] > ii[$0 + 1] }
        #expect(peaks.count >= 10)
        // A one-sample 1 mV pacing spike 80 ms before every QRS, in every lead.
        let paced = try CNNFixtures.mapped(record) { _, x in
            var y = x
            for r in peaks where r >= 40 { y[r - 40] += 1 }
            return y
        }
        let tiny = try CNNECGDetector(modelDirectory: CNNFixtures.tiny12)
        #expect(tiny.spec.pacedPolicy == .outsideIntendedUse)
        let abstention = try #require(try await tiny.analyze(paced).abstention)
        #expect(abstention.reason == .pacedRhythm, "\(abstention.reason): \(abstention.message)")
        // The low-EF card allows paced records: the same record is scored.
        let lowEF = try CNNECGDetector(modelDirectory: CNNFixtures.lowEF)
        #expect(lowEF.spec.pacedPolicy == .allowed)
        let lowOutcome = try await lowEF.analyze(paced)
        #expect(lowOutcome.findings?.count == 1, "\(lowOutcome.abstention?.message ?? "")")
    }

    @Test("missing samples abstain, naming the lead")
    func gapsAbstain() async throws {
        let record = try CNNFixtures.mapped(try CNNFixtures.record()) { name, x in
            var y = x
            if name == "aVL" { for i in 100..<110 { y[i] = .nan } }
            return y
        }
        let detector = try CNNECGDetector(modelDirectory: CNNFixtures.tiny12)
        let abstention = try #require(try await detector.analyze(record).abstention)
        #expect(abstention.reason == .signalUnreadable)
        #expect(abstention.message.contains("aVL has 10 missing"))
    }

    // MARK: model folder errors

    @Test("weights that do not match the card's SHA-256 are refused")
    func hashMismatchRefused() throws {
        let folder = try CNNFixtures.copyFolder(CNNFixtures.tiny12)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let onnx = folder.appendingPathComponent("model.onnx")
        var bytes = try Data(contentsOf: onnx)
        bytes[bytes.count - 1] ^= 0x01
        try bytes.write(to: onnx)
        #expect {
            _ = try CNNECGDetector(modelDirectory: folder)
        } throws: { error in
            if case .weightsHashMismatch? = error as? DetectorKitError { return true }
            return false
        }
    }

    @Test("a missing model folder is a clear error naming it")
    func missingFolder() throws {
        let url = URL(fileURLWithPath: "/nonexistent/vigil-models/ecg-cnn")
        #expect(throws: CNNDetectorError.modelFolderMissing(path: url.path)) {
            _ = try CNNECGDetector(modelDirectory: url)
        }
    }

    @Test("a card whose labels do not match the model's output width is refused at load")
    func cardModelMismatch() throws {
        let folder = try CNNFixtures.copyFolder(CNNFixtures.tiny12)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        try editCard(in: folder) { card in
            var io = card["io"] as! [String: Any]
            var outputs = io["outputs"] as! [[String: Any]]
            outputs[0]["labels"] = Array((outputs[0]["labels"] as! [Any]).prefix(5))
            io["outputs"] = outputs
            card["io"] = io
        }
        #expect {
            _ = try CNNECGDetector(modelDirectory: folder)
        } throws: { error in
            guard case let .modelCardMismatch(_, problem)? = error as? CNNDetectorError else { return false }
            return problem.contains("5 labels")
        }
    }

    @Test("card preprocessing keys the detector cannot honour are refused, naming the key")
    func unsupportedCardKeys() throws {
        let folder = try CNNFixtures.copyFolder(CNNFixtures.tiny12)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        try editCard(in: folder) { card in
            var io = card["io"] as! [String: Any]
            var inputs = io["inputs"] as! [[String: Any]]
            var p = inputs[0]["preprocessing"] as! [String: Any]
            p["scaling"] = "uV"
            inputs[0]["preprocessing"] = p
            io["inputs"] = inputs
            card["io"] = io
        }
        #expect {
            _ = try CNNECGDetector(modelDirectory: folder)
        } throws: { error in
            guard case let .unsupportedCard(_, problem)? = error as? CNNDetectorError else { return false }
            return problem.contains("scaling")
        }
    }

    /// Rewrites the card in `folder` (test-only JSON surgery on a copy).
    private func editCard(in folder: URL, _ edit: (inout [String: Any]) -> Void) throws {
        let url = folder.appendingPathComponent("model.card.json")
        var card = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        edit(&card)
        try JSONSerialization.data(withJSONObject: card).write(to: url)
    }
}
