import BatchScoring
import ECGBatchSources
import DetectorInputs
import DetectorKit
import ECGFormats
import FindingsStore
import Foundation
import Testing

@Suite("Batch engine")
struct BatchEngineTests {
    private func engine(_ store: any FindingsStore, _ detectors: [any Detector], workers: Int = 2,
                        batch: Int = 3) throws -> BatchEngine
    {
        let any = detectors.map { d -> AnyDetector in
            switch d {
            case let d as FakeRhythmDetector: AnyDetector(d)
            case let d as FakeLeadCountDetector: AnyDetector(d)
            case let d as ThrowingDetector: AnyDetector(d)
            default: fatalError("unknown test detector")
            }
        }
        return BatchEngine(store: store, detectors: any,
                           configuration: .init(workers: workers, writeBatchSize: batch, flushInterval: 60))
    }

    @Test func scoresEveryFileOfAFolderRecursivelyAndRecordsABadOneAsAnErrorWithItsReason() async throws {
        let tmp = try TempFolder()
        defer { tmp.remove() }
        let data = tmp.url.appendingPathComponent("data")
        try Records.writeWFDB(1...7, to: data)
        try Records.writeCSV(8, to: data.appendingPathComponent("r8.csv"))
        try Data("time_s,I\n0,abc\n".utf8).write(to: data.appendingPathComponent("bad.csv"))
        try Data("{}".utf8).write(to: data.appendingPathComponent("notes.json"))

        let source = try ECGFolderSource(folder: data)
        #expect(source.count() == 9)
        #expect(source.ignoredCount() == 8)  // 7 .dat files + notes.json
        let store = try SQLiteFindingsStore(path: tmp.database, actor: "test")
        var lines: [BatchProgress] = []
        let report = try await engine(store, [FakeRhythmDetector()]).run(source.items(), total: source.count()) {
            lines.append($0)
        }
        #expect(report.inputs == 9)
        #expect(report.skipped == 0)
        #expect(report.unreadable.isEmpty)
        let counts = try #require(report.detectors.first).summary.run.counts
        #expect(counts == RunCounts(inputs: 9, scored: 8, abstained: 0, errors: 1))
        let run = try #require(report.detectors.first).summary.run.id
        let errors = try await store.errors(run: run)
        #expect(errors.count == 1)
        #expect(errors.first?.reason.contains("bad.csv") == true)
        #expect(try await store.findings(run: run).count == 8)
        // Amplitudes 0.1…0.8 mV → afib flagged (p ≥ 0.5) for records 5…8.
        #expect(report.detectors.first?.summary.perCode == [CodeCount(code: "afib", findings: 8, flagged: 4)])
        #expect(lines.last?.done == 9)
        #expect(lines.last?.recorded == 9)
        let some = try await store.inputs(kind: .ecg, after: nil, limit: 100)
        #expect(some.count == 9)
        #expect(some.allSatisfy { $0.patientID == nil })  // WFDBWriter writes no identifiers
    }

    @Test func aSecondRunSkipsWhatIsDoneAndANewDetectorVersionScoresAgain() async throws {
        let tmp = try TempFolder()
        defer { tmp.remove() }
        try Records.writeWFDB(1...5, to: tmp.url.appendingPathComponent("data"))
        let source = try ECGFolderSource(folder: tmp.url.appendingPathComponent("data"))
        let store = try SQLiteFindingsStore(path: tmp.database, actor: "test")
        _ = try await engine(store, [FakeRhythmDetector()]).run(source.items(), total: 5)
        let again = try await engine(store, [FakeRhythmDetector()]).run(source.items(), total: 5)
        #expect(again.skipped == 5)
        #expect(again.detectors.first?.summary.run.counts == RunCounts())
        let newer = try await engine(store, [FakeRhythmDetector(version: "1.1.0")]).run(source.items(), total: 5)
        #expect(newer.skipped == 0)
        #expect(newer.detectors.first?.summary.run.counts.scored == 5)
        // 5 inputs, 5 findings per version, no duplicates.
        #expect(try await store.inputs(kind: nil, after: nil, limit: 100).count == 5)
        var total = 0
        for input in try await store.inputs(kind: nil, after: nil, limit: 100) {
            total += try await store.findings(input: input.id).count
        }
        #expect(total == 10)
    }

    @Test func theSameContentUnderTwoNamesIsScoredOnce() async throws {
        let tmp = try TempFolder()
        defer { tmp.remove() }
        let data = tmp.url.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for name in ["a.csv", "b.csv", "c.csv"] { try Records.writeCSV(4, to: data.appendingPathComponent(name)) }
        let source = try ECGFolderSource(folder: data)
        let store = try SQLiteFindingsStore(path: tmp.database, actor: "test")
        let report = try await engine(store, [FakeRhythmDetector()], workers: 2, batch: 8).run(source.items(), total: 3)
        #expect(report.inputs == 3)
        #expect(report.skipped == 2)
        #expect(report.detectors.first?.summary.run.counts == RunCounts(inputs: 1, scored: 1, abstained: 0, errors: 0))
        #expect(try await store.inputs(kind: .ecg, after: nil, limit: 10).count == 1)
    }

    @Test func aThrowingDetectorIsAnErrorPerInputAndTheOtherDetectorsStillScore() async throws {
        let tmp = try TempFolder()
        defer { tmp.remove() }
        try Records.writeWFDB(1...4, to: tmp.url.appendingPathComponent("data"))
        let source = try ECGFolderSource(folder: tmp.url.appendingPathComponent("data"))
        let store = try SQLiteFindingsStore(path: tmp.database, actor: "test")
        let report = try await engine(store, [FakeRhythmDetector(), FakeLeadCountDetector(), ThrowingDetector()], workers: 1)
            .run(source.items(), total: 4)
        let byID = Dictionary(uniqueKeysWithValues: report.detectors.map { ($0.descriptor.id, $0.summary.run.counts) })
        #expect(byID["fake-rhythm"] == RunCounts(inputs: 4, scored: 4, abstained: 0, errors: 0))
        #expect(byID["fake-leads"] == RunCounts(inputs: 4, scored: 0, abstained: 4, errors: 0))
        #expect(byID["fake-broken"] == RunCounts(inputs: 4, scored: 0, abstained: 0, errors: 4))
        let broken = try #require(report.detectors.first { $0.descriptor.id == "fake-broken" })
        #expect(broken.errors.allSatisfy { $0.reason.contains("the model could not be run") })
        #expect(report.render().contains("errors:"))
    }

    @Test func refusesToStartWithoutDetectors() async throws {
        let tmp = try TempFolder()
        defer { tmp.remove() }
        let store = try SQLiteFindingsStore(path: tmp.database, actor: "test")
        await #expect(throws: BatchError.noDetectors(kind: nil)) {
            _ = try await BatchEngine(store: store, detectors: []).run(AnySequence<any BatchItem>([]), total: 0)
        }
        #expect(BatchError.noDetectors(kind: .ecg).description == "no ECG detector registered")
    }

    @Test func aManifestGivesPatientAndTimeAndAMissingFileIsReportedUnreadable() async throws {
        let tmp = try TempFolder()
        defer { tmp.remove() }
        try Records.writeWFDB(1...2, to: tmp.url)
        let manifest = tmp.url.appendingPathComponent("manifest.csv")
        try Data("""
            # exported list
            acquired_at,path,patient_id
            2024-03-01T09:30:00Z,odd/deeper/rec1.hea,"PX-1"
            2024-03-02,even/rec2.hea,
            ,missing.hea,PX-3

            """.utf8).write(to: manifest)
        let source = try ECGManifestSource(manifest: manifest)
        #expect(source.count() == 3)
        let store = try SQLiteFindingsStore(path: tmp.database, actor: "test")
        let report = try await engine(store, [FakeRhythmDetector()]).run(source.items(), total: 3)
        #expect(report.unreadable.count == 1)
        #expect(report.unreadable.first?.contains("missing.hea") == true)
        let inputs = try await store.inputs(kind: .ecg, after: nil, limit: 10).sorted { $0.path < $1.path }
        #expect(inputs.count == 2)
        #expect(inputs.map(\.patientID) == [nil, "PX-1"])  // even/ (none in the row or the record), odd/ (the row's)
        #expect(inputs.map { $0.acquiredAt?.timeIntervalSince1970 } == [1_709_337_600, 1_709_285_400])
    }

    @Test func aMalformedManifestIsRefusedBeforeTheBatchStartsNamingTheLine() throws {
        let tmp = try TempFolder()
        defer { tmp.remove() }
        let manifest = tmp.url.appendingPathComponent("list.csv")
        try Data("path,acquired_at\na.hea,yesterday\n".utf8).write(to: manifest)
        #expect(throws: BatchItemError.badManifestRow(
            file: "list.csv", line: 2,
            problem: "acquired_at 'yesterday' is not an ISO 8601 time with a zone (2024-03-01T09:30:00Z) or a date (2024-03-01)")) {
            _ = try ECGManifestSource(manifest: manifest)
        }
        try Data("file,patient\na.hea,P\n".utf8).write(to: manifest)
        #expect(throws: BatchItemError.self) { _ = try ECGManifestSource(manifest: manifest) }
        try Data("path,patient_id\n\"a.hea,P\n".utf8).write(to: manifest)
        #expect(throws: BatchItemError.badManifestRow(file: "list.csv", line: 2, problem: "unterminated quoted field")) {
            _ = try ECGManifestSource(manifest: manifest)
        }
    }

    @Test func theSummaryGivesRatesAndExpectedTruePositivesFromTheCardsPPV() async throws {
        let tmp = try TempFolder()
        defer { tmp.remove() }
        try Records.writeWFDB(1...10, to: tmp.url.appendingPathComponent("data"))
        let source = try ECGFolderSource(folder: tmp.url.appendingPathComponent("data"))
        let store = try SQLiteFindingsStore(path: tmp.database, actor: "test")
        let report = try await engine(store, [FakeRhythmDetector(card: try Cards.rhythm())]).run(source.items(), total: 10)
        let code = try #require(report.detectors.first?.codes.first)
        // Peaks 0.1…1.0 mV (capped 0.99): 6 of 10 at or above 0.5.
        #expect(code.flagged == 6)
        #expect(code.findings == 10)
        #expect(code.rate == 0.6)
        #expect(code.expectedTruePositives == 6 * 0.6)
        let text = report.render()
        #expect(text.contains("6 / 10"))
        #expect(text.contains("60.0%"))
        #expect(text.contains("3.6 (PPV 0.60 at prevalence 5.0%"))
        #expect(!text.contains("P-1"))  // no patient identifiers
    }

    @Test func contentIdentityCoversEveryFileOfAWFDBRecord() throws {
        let tmp = try TempFolder()
        defer { tmp.remove() }
        try WFDBWriter.write(record: try Records.record(3), to: tmp.url, name: "a")
        let item = ECGFileItem(url: tmp.url.appendingPathComponent("a.hea"))
        let before = try item.contentSHA256()
        let dat = tmp.url.appendingPathComponent("a.dat")
        var bytes = try Data(contentsOf: dat)
        bytes[bytes.count - 1] ^= 0xFF
        try bytes.write(to: dat)
        #expect(try item.contentSHA256() != before)
        #expect(ContentDigest.wfdbFiles(header: tmp.url.appendingPathComponent("a.hea")).map(\.lastPathComponent) == ["a.hea", "a.dat"])
    }
}

@Suite("Batch progress")
struct BatchProgressTests {
    @Test func rateAndETA() {
        let p = BatchProgress(done: 25, total: 100, recorded: 20, skipped: 3, errors: 2, elapsed: 5)
        #expect(p.rate == 5)
        #expect(p.eta == 15)
        #expect(p.line == "25/100 inputs (25%), 20 recorded, 3 skipped, 2 errors, 5.0/s, ETA 15s")
        #expect(p.bar(width: 4).hasPrefix("[#---] "))
        #expect(BatchProgress.duration(3725) == "1h02m")
        #expect(BatchProgress(done: 1, total: nil, recorded: 1, skipped: 0, errors: 0, elapsed: 1).eta == nil)
    }

    @Test func plainLinesAreThrottledWhenNotATerminal() {
        final class Sink: @unchecked Sendable { var text: [String] = [] }
        let sink = Sink()
        let printer = ProgressPrinter(isTerminal: false, interval: 5) { sink.text.append($0) }
        for t in 0..<12 {
            printer.update(BatchProgress(done: t, total: 12, recorded: t, skipped: 0, errors: 0, elapsed: Double(t)))
        }
        printer.update(BatchProgress(done: 12, total: 12, recorded: 12, skipped: 0, errors: 0, elapsed: 12), final: true)
        #expect(sink.text.count == 4)  // t = 0, 5, 10, final
        #expect(sink.text.allSatisfy { !$0.contains("\r") })
    }
}
