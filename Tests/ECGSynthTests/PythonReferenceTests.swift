import ECGFormats
import ECGSignal
import Foundation
import Testing
import VigilTestSupport
@testable import ECGSynth

/// Checks the generator against tools that share no code with it: wfdb-python's decoding and neurokit2's R-peak
/// detector, run by `Tools/ecg/synth_reference.py` on the committed sample records (`SampleData/ecg/synthetic`),
/// and checks that today's generator still reproduces those records from their seeds.
@Suite("Python reference (wfdb-python, neurokit2) and sample records")
struct PythonReferenceTests {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixture = here.appendingPathComponent("Fixtures/python_reference.json")
    static let samples = Repository.sampleECG.appendingPathComponent("synthetic")

    /// The options the sample records were made with (SampleData/ecg/synthetic/README.md gives the command).
    static func sampleOptions() throws -> SyntheticDatasetWriter.Options {
        .init(count: 8, seed: 2026, mix: try LabelMix.parse("normal,afib,lbbb,rbbb,st_elevation,pvc,flat_line,noise_only"), snrDB: 25)
    }

    struct Reference: Decodable {
        struct Record: Decodable {
            var record: String
            var labels: String
            var relation_error_mv: Double
            var lead: String?
            var neurokit_r_peaks: [Int]?
            var neurokit_heart_rate_bpm: Double?
        }
        var tool: String
        var records: [Record]
    }

    @Test("neurokit2 finds the generator's beats and heart rate; wfdb-python sees the lead relations to 1 µV quantisation")
    func neurokitAgrees() throws {
        let ref = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Self.fixture))
        let o = try Self.sampleOptions()
        #expect(ref.records.count == o.count)
        for (i, r) in ref.records.enumerated() {
            let e = try ECGSynthesizer.generate(SyntheticDatasetWriter.request(index: i, options: o))
            #expect(r.labels == e.request.kind.labelText)
            // Each lead is rounded to 1 µV on its own, so III − (II − I) can be off by up to 1.5 µV.
            #expect(r.relation_error_mv <= 0.0015, "\(r.record)")
            guard let peaks = r.neurokit_r_peaks, let hr = r.neurokit_heart_rate_bpm else {
                #expect(e.beats.isEmpty, "\(r.record)")
                continue
            }
            let m = BeatMatch.compare(reference: e.beats.map(\.fiducial), detected: peaks, sampleRate: e.sampleRate)
            // neurokit2 works on one lead and may miss an ectopic beat that is small in that lead.
            #expect((m.sensitivity ?? 0) >= 0.9 && (m.positivePredictivity ?? 0) >= 0.95, "\(r.record) \(r.labels): \(m)")
            #expect(abs(hr - (e.truth.heartRateBpm ?? 0)) < 5, "\(r.record): neurokit2 \(hr) bpm, truth \(e.truth.heartRateBpm ?? 0)")
        }
    }

    @Test("today's generator reproduces the committed sample records from their seeds")
    func sampleRecordsReproduce() throws {
        let o = try Self.sampleOptions()
        for i in 0..<o.count {
            let name = SyntheticDatasetWriter.recordName(index: i, prefix: o.prefix)
            let rec = try ECGReader.read(url: Self.samples.appendingPathComponent("\(name).hea"))
            let e = try ECGSynthesizer.generate(SyntheticDatasetWriter.request(index: i, options: o))
            var worst: Float = 0
            for k in 0..<12 { for s in 0..<e.sampleCount { worst = max(worst, abs(rec.rhythm.leads[k].samples[s] - e.leads[k][s])) } }
            // 0.5 µV quantisation, plus 1 µV for last-bit differences of the maths library between platforms.
            #expect(worst <= 0.0015, "\(name): regenerate SampleData/ecg/synthetic (see its README) after changing the generator")
            #expect(rec.annotations.filter(\.isBeat).map(\.sample) == e.beats.map(\.fiducial), "\(name)")
        }
    }
}
