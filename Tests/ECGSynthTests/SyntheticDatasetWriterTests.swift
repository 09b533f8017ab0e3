import ECGFormats
import Foundation
import Testing
@testable import ECGSynth

@Suite("SyntheticDatasetWriter")
struct SyntheticDatasetWriterTests {
    private func tempDir() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("ecgsynth-\(UUID().uuidString)")
    }

    @Test("WFDB round trip: samples within 0.5 µV, beat and rhythm annotations, tables")
    func roundTrip() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let mix = try LabelMix.parse("lbbb+afib,pvc,paced,flat_line,noise_only")
        let o = SyntheticDatasetWriter.Options(count: 5, seed: 3, mix: mix, snrDB: 20, jobs: 2)
        #expect(try SyntheticDatasetWriter.write(o, to: dir) == 5)
        for i in 0..<5 {
            let name = SyntheticDatasetWriter.recordName(index: i, prefix: "syn")
            let e = try ECGSynthesizer.generate(SyntheticDatasetWriter.request(index: i, options: o))
            let rec = try ECGReader.read(url: dir.appendingPathComponent("\(name).hea"))
            #expect(rec.rhythm.leads.map(\.name) == LeadProjection.leadNames)
            #expect(rec.rhythm.samplingRateHz == 500 && rec.rhythm.sampleCount == 5000)
            var worst: Float = 0
            for k in 0..<12 { for s in 0..<5000 { worst = max(worst, abs(rec.rhythm.leads[k].samples[s] - e.leads[k][s])) } }
            #expect(worst <= 0.0005 + 1e-6)
            let beats = rec.annotations.filter(\.isBeat)
            #expect(beats.map(\.sample) == e.beats.map(\.fiducial))
            #expect(beats.map(\.symbol) == e.beats.map(\.symbol))
            let rhythm = rec.annotations.filter(\.isRhythmChange).map(\.auxText)
            #expect(rhythm == (e.rhythmAuxText.map { [$0] } ?? []))
        }
        let labels = try String(contentsOf: dir.appendingPathComponent("labels.csv"), encoding: .utf8).split(separator: "\n")
        #expect(labels.count == 6)
        #expect(labels[0].hasPrefix("record,labels,heart_rate_bpm,rr_mean_ms,pr_ms,qrs_ms,qt_ms,qtc_ms,snr_db"))
        #expect(labels[1].hasPrefix("syn000001,afib;lbbb,"))
        #expect(labels[4].hasPrefix("syn000004,flat_line,"))
        #expect(labels.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == 16 })
        let manifest = try String(contentsOf: dir.appendingPathComponent("manifest.csv"), encoding: .utf8).split(separator: "\n")
        #expect(manifest[0] == "path,patient_id,acquired_at")
        #expect(manifest[1] == "syn000001.hea,SYN-000001,2026-01-01T08:00:00Z")
        #expect(manifest[5] == "syn000005.hea,SYN-000005,2026-01-01T08:04:00Z")
        let beatsCSV = try String(contentsOf: dir.appendingPathComponent("beats.csv"), encoding: .utf8).split(separator: "\n")
        let expectedBeats = try (0..<5).map { try ECGSynthesizer.generate(SyntheticDatasetWriter.request(index: $0, options: o)).beats.count }.reduce(0, +)
        #expect(beatsCSV.count == 1 + expectedBeats)
    }

    @Test("the data set does not depend on the number of workers")
    func workersDoNotMatter() throws {
        let a = tempDir(), b = tempDir()
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        try SyntheticDatasetWriter.write(.init(count: 6, seed: 9, jobs: 1), to: a)
        try SyntheticDatasetWriter.write(.init(count: 6, seed: 9, jobs: 3), to: b)
        for f in ["labels.csv", "beats.csv", "syn000004.dat", "syn000006.atr"] {
            #expect(try Data(contentsOf: a.appendingPathComponent(f)) == Data(contentsOf: b.appendingPathComponent(f)))
        }
    }

    @Test("bad options are refused")
    func badOptions() {
        #expect(throws: ECGSynthError.self) { try SyntheticDatasetWriter.write(.init(count: 0), to: tempDir()) }
        #expect(throws: ECGSynthError.self) { try SyntheticDatasetWriter.write(.init(count: 1, prefix: "a/b"), to: tempDir()) }
        #expect(throws: ECGSynthError.self) { try SyntheticDatasetWriter.write(.init(count: 1, seconds: 0.5), to: tempDir()) }
    }
}
