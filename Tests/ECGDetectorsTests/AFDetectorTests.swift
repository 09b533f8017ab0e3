import DetectorKit
import ECGDetectors
import ECGFormats
import Foundation
import TensorCore
import Testing

// Fixtures in Fixtures/af/ are written by Tools/ecg/real/make_af_fixtures.py: a tiny untrained AFNet
// (PyTorch → ONNX) with its card, a synthetic 2-lead 360 Hz 25 s signal, the windows scipy makes from it
// (resample_poly, butter + filtfilt, per-window standardisation: af_common.py) and onnxruntime's logits.

enum AFFixtures {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("af")
    static let tiny = dir.appendingPathComponent("tiny")
    static let shipped = CNNFixtures.repositoryRoot.appendingPathComponent("Models").appendingPathComponent("ecg-af")

    static func record(zeroLead1: Bool = false, seconds: Double? = nil) throws -> ECGRecord {
        let t = try NPYFile.read(dir.appendingPathComponent("signal_360hz.npy"))
        let n = t.shape[1]
        let keep = seconds.map { Int($0 * 360) } ?? n
        let l0 = Array(t.storage[0..<keep])
        let l1 = zeroLead1 ? [Float](repeating: 0, count: keep) : Array(t.storage[n..<(n + keep)])
        return try CNNFixtures.makeRecord([ECGLead(name: "II", originalLabel: "MLII", samples: l0),
                                           ECGLead(name: "V1", originalLabel: "V1", samples: l1)], rate: 360)
    }

    struct Expected: Decodable {
        let windowStartsSeconds: [Double]
        let windowProbabilities: [Double]
        let recordProbability: Double
    }

    static func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: dir.appendingPathComponent("expected_record.json")))
    }
}

@Suite("AFDetector (windowed any-lead AF model through ONNXEngine)")
struct AFDetectorTests {
    @Test("windows match scipy's resample_poly + butter/filtfilt + standardisation (tolerance 2e-3 per sample)")
    func windowsMatchScipy() throws {
        let detector = try AFDetector(modelDirectory: AFFixtures.tiny, id: "ecg-af-test")
        let prepared = try AFModelInput.prepare(try AFFixtures.record(), spec: detector.spec).get()
        let expected = try NPYFile.read(AFFixtures.dir.appendingPathComponent("expected_windows.npy"))
        #expect(prepared.leads == ["II", "V1"])
        #expect(prepared.windowStartsSeconds == (try AFFixtures.expected()).windowStartsSeconds)
        #expect(expected.shape == [prepared.samples.count / 1000, 1000])
        #expect(CNNFixtures.maxAbsDiff(prepared.samples, expected.storage) < 2e-3)
    }

    @Test("the model's outputs on the scipy windows match onnxruntime (tolerance 1e-4)")
    func logitsMatchOnnxruntime() throws {
        let detector = try AFDetector(modelDirectory: AFFixtures.tiny, id: "ecg-af-test")
        let windows = try NPYFile.read(AFFixtures.dir.appendingPathComponent("expected_windows.npy"))
        let logits = try NPYFile.read(AFFixtures.dir.appendingPathComponent("expected_logits.npy"))
        let input = AFPreparedInput(leads: ["II", "V1"], skippedLeads: [:], windowStartsSeconds: [],
                                    samples: windows.storage, lengthSamples: 1000, durationSeconds: 25)
        let p = try detector.rowProbabilities(input)
        let want = logits.storage.map { CNNFixtures.sigmoid(Double($0) / 0.5) }
        #expect(p.count == want.count)
        #expect(zip(p, want).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    @Test("record probability is the mean over leads, then over the 30 s span, as af_common.py computes it")
    func recordProbabilityMatchesPython() async throws {
        let detector = try AFDetector(modelDirectory: AFFixtures.tiny, id: "ecg-af-test")
        let finding = try #require(try await detector.analyze(try AFFixtures.record()).findings?.first)
        let expected = try AFFixtures.expected()
        #expect(finding.code == "ecg.af.afib")
        #expect(abs(try #require(finding.probability) - expected.recordProbability) < 1e-3)
        #expect(finding.threshold == 0.5)
        #expect(finding.measurements.contains { $0.name == "afBurden" && $0.unit == "%" })
        #expect(finding.measurements.first { $0.name == "leadsRead" }?.value == 2)
        let positives = expected.windowProbabilities.filter { $0 >= 0.5 }.count
        let episodes = finding.measurements.first { $0.name == "afEpisodes" }!.value
        #expect(positives == 0 ? episodes == 0 : episodes >= 1)
    }

    @Test("a record shorter than one 10 s window abstains as input_incomplete, saying so")
    func shortRecordAbstains() async throws {
        let detector = try AFDetector(modelDirectory: AFFixtures.tiny, id: "ecg-af-test")
        let a = try #require(try await detector.analyze(try AFFixtures.record(seconds: 6)).abstention)
        #expect(a.reason == .inputIncomplete)
        #expect(a.message.contains("6.00 s"))
    }

    @Test("a flat lead is left out and named; the other lead is scored")
    func flatLeadIsSkipped() async throws {
        let detector = try AFDetector(modelDirectory: AFFixtures.tiny, id: "ecg-af-test")
        let f = try #require(try await detector.analyze(try AFFixtures.record(zeroLead1: true)).findings?.first)
        #expect(f.measurements.first { $0.name == "leadsRead" }?.value == 1)
        #expect(f.evidence.contains { if case let .text(t) = $0 { return t.contains("Leads left out: V1") } else { return false } })
    }

    @Test("no readable lead: abstains as signal_unreadable with the reasons")
    func noReadableLeadAbstains() async throws {
        let detector = try AFDetector(modelDirectory: AFFixtures.tiny, id: "ecg-af-test")
        let flat = try CNNFixtures.makeRecord([ECGLead(name: "I", originalLabel: "I", samples: [Float](repeating: 0.1, count: 3600))], rate: 360)
        let a = try #require(try await detector.analyze(flat).abstention)
        #expect(a.reason == .signalUnreadable)
        #expect(a.message.contains("Too few readable leads: 0 of 1"))
    }

    @Test("a SampleData record (MIT-BIH 208 excerpt, real) is scored, not refused")
    func sampleDataRecordIsScored() async throws {
        let url = CNNFixtures.repositoryRoot.appendingPathComponent("SampleData/ecg/mitdb208_excerpt.hea")
        let record = try ECGReader.read(url: url)
        let detector = try AFDetector(modelDirectory: AFFixtures.tiny, id: "ecg-af-test")
        let f = try #require(try await detector.analyze(record).findings?.first)
        let p = try #require(f.probability)
        #expect(p >= 0 && p <= 1)
    }

    @Test("episodes: windows at or above the threshold merge where they overlap; others split")
    func episodesMerge() {
        let e = AFEpisodes.from(windowStarts: [0, 5, 10, 15, 20, 25, 30], windowProbabilities: [0.9, 0.8, 0.1, 0.1, 0.1, 0.7, 0.2],
                                windowSeconds: 10, threshold: 0.5)
        #expect(e == [AFEpisodes.Episode(start: 0, end: 15, peak: 0.9), AFEpisodes.Episode(start: 25, end: 35, peak: 0.7)])
    }

    @Test("record probability: the mean for short records, the best 30 s run for long ones")
    func recordProbabilitySpan() throws {
        let spec = try AFDetector(modelDirectory: AFFixtures.tiny, id: "ecg-af-test").spec
        #expect(abs(spec.recordProbability(windowProbabilities: [0.2, 0.4, 0.6]) - 0.4) < 1e-12)
        // 30 s at hop 5 s = 5 windows.
        let p = [0.0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0]
        #expect(abs(spec.recordProbability(windowProbabilities: p) - 1.0) < 1e-12)
        #expect(spec.windowStarts(count: 2_345) == [0, 500, 1000, 1345])
        #expect(spec.windowStarts(count: 999).isEmpty)
    }
}
