@testable import BatchScoring
@testable import ECGBatchSources
import ECGSynth
import FindingsStore
import Foundation
import Testing

/// Side files of an ECG folder (manifests, labels and beats tables, READMEs, JSON, record lists) are
/// recognised by content and skipped with a reason; real ECGs — readable or not — stay inputs.
@Suite("ECG folder side files")
struct ECGSideFileTests {
    /// The repository's SampleData/ecg (the main job's folder).
    static let sampleECG = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("SampleData/ecg")

    private func write(_ text: String, _ url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    private func kinds(_ source: ECGFolderSource) -> [String: ECGSideFile.Kind] {
        var out: [String: ECGSideFile.Kind] = [:]
        for side in source.sideFiles() { out[side.url.lastPathComponent] = side.kind }
        return out
    }

    @Test func theSynthesiserSideFilesAndOtherNonECGFilesAreSkippedByContentWithAReason() throws {
        let tmp = try TempFolder("SideFiles")
        defer { tmp.remove() }
        let data = tmp.url.appendingPathComponent("data")
        // What `vigil synth ecg` writes: records + labels.csv, beats.csv, manifest.csv.
        try SyntheticDatasetWriter.write(.init(count: 3, seed: 5, mix: try LabelMix.parse("normal,afib"), snrDB: 20,
                                               sampleRate: 250, seconds: 4, prefix: "syn", jobs: 1), to: data)
        try write("# Notes\n\nThese records were made for a test of the folder scan and are not patient data.\n"
                  + "Each record has a header, a signal file and beat annotations.\n", data.appendingPathComponent("README.md"))
        try write("This folder holds the synthetic records of one test run, written by the generator.\n",
                  data.appendingPathComponent("README"))  // no extension: a candidate by name, prose by content
        try write("{\"generator\": \"ECGSynth\", \"records\": 3}\n", data.appendingPathComponent("dataset.json"))
        try write("syn000001\nsyn000002\nsyn000003\n", data.appendingPathComponent("RECORDS"))  // PhysioNet's record list
        let digest = String(repeating: "ab", count: 32)
        try write("\(digest)  syn000001.hea\n\(digest)  syn000002.hea\n", data.appendingPathComponent("SHA256SUMS.txt"))
        // Renamed side files are still recognised: content, not name.
        try FileManager.default.copyItem(at: data.appendingPathComponent("labels.csv"), to: data.appendingPathComponent("truth-table.csv"))

        let source = try ECGFolderSource(folder: data)
        let found = kinds(source)
        #expect(found["manifest.csv"] == .manifest)
        #expect(found["labels.csv"] == .recordTable)
        #expect(found["truth-table.csv"] == .recordTable)
        #expect(found["beats.csv"] == .recordTable)
        #expect(found["README.md"] == .document)
        #expect(found["README"] == .document)
        #expect(found["dataset.json"] == .json)
        #expect(found["RECORDS"] == .recordList)
        #expect(found["SHA256SUMS.txt"] == .checksums)
        #expect(found["syn000001.dat"] == .wfdbPart)
        #expect(source.count() == 3)  // the three .hea records only
        let inputs = source.items().map(\.label).sorted()
        #expect(inputs == ["syn000001.hea", "syn000002.hea", "syn000003.hea"])

        let skipped = source.skippedFiles()
        #expect(skipped.count == found.count)
        #expect(skipped.wfdbParts == 6)  // .dat + .atr of three records
        let text = skipped.render()
        #expect(text.contains("manifest.csv: a manifest"))
        #expect(text.contains("column 'path'"))
        #expect(text.contains("labels.csv: a table about records"))
        #expect(text.contains("column 'record'"))
        #expect(text.contains("6 signal and annotation files of WFDB records"))
        #expect(!text.contains("SYN-0"))  // no patient ids from the manifest in the reasons
    }

    @Test func realECGsThatCannotBeReadStayInputsAndAreRecordedAsErrors() async throws {
        let tmp = try TempFolder("SideFilesErrors")
        defer { tmp.remove() }
        let data = tmp.url.appendingPathComponent("data")
        try Records.writeWFDB(1...2, to: data)
        try Records.writeCSV(3, to: data.appendingPathComponent("good.csv"))
        try write("time_s,I\n0,abc\n0.002,0.1\n", data.appendingPathComponent("bad-cell.csv"))        // a corrupt sample
        try write("time_s,I\n0,1\n0.002,2\n", data.appendingPathComponent("no-rate.csv"))            // no sampling rate
        try write("time_s,I,II\n", data.appendingPathComponent("header-only.csv"))                  // no data rows
        try write("time,I,note\n08:00:00.000,0.1,start\n08:00:00.002,0.2,x\n", data.appendingPathComponent("text-column.csv"))
        try write("rec9 2 500\n", data.appendingPathComponent("broken.hea"))                         // signal lines missing
        try write("<?xml version=\"1.0\"?><PhilipsECG/>", data.appendingPathComponent("vendor.xml"))  // unknown XML
        var source = try ECGFolderSource(folder: data)
        let inputs = Set(source.items().map(\.label))
        #expect(inputs == ["rec1.hea", "rec2.hea", "good.csv", "bad-cell.csv", "no-rate.csv", "header-only.csv",
                           "text-column.csv", "broken.hea", "vendor.xml"])
        #expect(source.skippedFiles().listed.isEmpty)  // only the two records' .dat files are skipped
        #expect(source.skippedFiles().wfdbParts == 2)

        source = try ECGFolderSource(folder: data)
        let store = try SQLiteFindingsStore(path: tmp.database, actor: "test")
        let report = try await BatchEngine(store: store, detectors: [.init(FakeRhythmDetector())],
                                           configuration: .init(workers: 2, writeBatchSize: 4))
            .run(source.items(), total: source.count())
        let run = try #require(report.detectors.first).summary.run
        #expect(run.counts.scored == 3)
        #expect(run.counts.errors == 6)
        let reasons = try await store.errors(run: run.id).map(\.reason).joined(separator: "\n")
        for name in ["bad-cell.csv", "no-rate.csv", "header-only.csv", "text-column.csv", "broken.hea", "vendor.xml"] {
            #expect(reasons.contains(name), "\(name) should be an error naming the file")
        }
    }

    @Test func theSampleDataFolderHasNoSideFileAmongItsInputsAndNoECGAmongItsSkippedFiles() throws {
        let source = try ECGFolderSource(folder: Self.sampleECG)
        let inputs = Set(source.items().map { $0.path.replacingOccurrences(of: Self.sampleECG.path + "/", with: "") })
        #expect(inputs == [
            "mitdb208_excerpt.hea", "pydicom-3.0.2_waveform_ecg.dcm", "pyhrv-0.5.0_SampleECG.txt", "synth_annotated.hea",
            "synthetic_3lead.csv", "synthetic_aecg.xml", "synthetic_cardiosoft.xml", "synthetic_muse.xml",
            "synthetic/syn000001.hea", "synthetic/syn000002.hea", "synthetic/syn000003.hea", "synthetic/syn000004.hea",
            "synthetic/syn000005.hea", "synthetic/syn000006.hea", "synthetic/syn000007.hea", "synthetic/syn000008.hea",
        ])
        let skipped = source.skippedFiles()
        let listed = Dictionary(uniqueKeysWithValues: skipped.listed.map {
            ($0.url.path.replacingOccurrences(of: Self.sampleECG.path + "/", with: ""), $0.kind)
        })
        #expect(listed == ["README.md": .document, "synthetic/README.md": .document, "synthetic/manifest.csv": .manifest,
                           "synthetic/labels.csv": .recordTable, "synthetic/beats.csv": .recordTable])
        #expect(skipped.count == listed.count + skipped.wfdbParts)
    }

    @Test func tableRulesNeedEvidenceFromTheFolder() throws {
        let folder = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)")
        func recognise(_ text: String, _ ext: String = "csv") -> ECGSideFile.Kind? { recogniseBytes(Data(text.utf8), ext) }
        func recogniseBytes(_ bytes: Data, _ ext: String) -> ECGSideFile.Kind? {
            ECGSideFile.recognizeContent(bytes, url: folder.appendingPathComponent("f.\(ext)"), ext: ext,
                                         folder: folder, complete: true)?.kind
        }
        // Record names that are not in the folder: no evidence, so not a side file (the reader decides).
        #expect(recognise("record,label\nsyn1,afib\nsyn2,normal\n") == nil)
        // A manifest is recognised by its ECG file names even when the files live elsewhere.
        #expect(recognise("path,patient_id\na/r1.hea,P1\na/r2.hea,P2\n") == .manifest)
        // Numeric tables are signals.
        #expect(recognise("# sampling_rate_hz: 500\ntime_s,I\n0,0.1\n0.002,0.2\n") == nil)
        #expect(recognise("0.1 0.2\n0.3 0.4\n", "txt") == nil)
        // Prose is a document whatever its extension; JSON is JSON.
        #expect(recognise("Read me first. This folder holds the exports of the night shift.\nAsk the ECG team before deleting them.\n", "txt") == .document)
        #expect(recognise("[1, 2, 3]", "txt") == .json)
        // Pictures.
        #expect(recogniseBytes(Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]), "png") == .image)
        // Other binary content is left to the readers.
        #expect(recogniseBytes(Data([0x00, 0x01, 0x02, 0x03]), "dat") == nil)
    }
}
