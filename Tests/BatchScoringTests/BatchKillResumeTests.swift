import DetectorKit
import FindingsStore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The `vigil` executable `swift test` builds next to the test bundle.
enum VigilExecutable {
    static func locate() -> URL? {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
        ]
        for folder in candidates {
            let url = folder.appendingPathComponent("vigil")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    /// Runs vigil to completion; returns its exit status and standard output.
    static func run(_ vigil: URL, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = vigil
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

@Suite("Batch killed and resumed (real child process)", .serialized)
struct BatchKillResumeTests {
    /// A content SHA-256 → its findings (code, probability, decision), sorted: what a store holds, less
    /// the times and row ids that differ between runs.
    private func contents(_ path: String) async throws -> [String: [String]] {
        let store = try SQLiteFindingsStore(path: path, actor: "test")
        var out: [String: [String]] = [:]
        for input in try await store.inputs(kind: .ecg, after: nil, limit: 100_000) {
            let findings = try await store.findings(input: input.id).map {
                "\($0.finding.detector.id) \($0.finding.code) \($0.finding.probability.map { String($0) } ?? "-") \($0.finding.decision)"
            }
            let abstentions = try await store.abstentions(input: input.id).map { "abstained \($0.abstention.reason)" }
            let errors = try await store.errors(input: input.id).map { "error \($0.detectorID)" }
            out[input.contentSHA256] = (findings + abstentions + errors).sorted()
        }
        return out
    }

    @Test(.timeLimit(.minutes(10)))
    func aBatchKilledMidwayAndStartedAgainScoresEveryInputExactlyOnce() async throws {
        guard let vigil = VigilExecutable.locate() else {
            Issue.record("""
                the vigil executable was not found next to the test bundle (\(CommandLine.arguments[0])); \
                build it with `swift build --product vigil` (swift test normally builds it)
                """)
            return
        }
        let tmp = try TempFolder("BatchKill")
        defer { tmp.remove() }
        let data = tmp.url.appendingPathComponent("ecg")
        let count = 24
        let synth = try VigilExecutable.run(vigil, ["synth", "ecg", "--count", "\(count)", "--out", data.path, "--seed", "7", "--jobs", "2"])
        try #require(synth.status == 0, "vigil synth ecg failed")
        // The synthesiser's side files (labels.csv, beats.csv, manifest.csv) are recognised and skipped; a CSV
        // ECG without a sampling rate is an input the reader refuses: recorded as an error, which the
        // exactly-once rule covers too.
        try Data("time_s,I\n0,1\n".utf8).write(to: data.appendingPathComponent("no-rate.csv"))
        let inputs = try FileManager.default.contentsOfDirectory(atPath: data.path)
            .filter { URL(fileURLWithPath: $0).pathExtension == "hea" }.count + 1

        // The reference: the same batch, never interrupted. It starts one run per registered ECG detector.
        let reference = tmp.url.appendingPathComponent("reference.sqlite").path
        let whole = try VigilExecutable.run(vigil, ["batch", "ecg", data.path, "--db", reference])
        try #require(whole.status == 0, "the uninterrupted batch failed: \(whole.output)")
        let expected = try await contents(reference)
        #expect(expected.count == inputs)
        let referenceStore = try SQLiteFindingsStore(path: reference, actor: "test")
        var detectors = 0
        while try await referenceStore.run(id: RunID(rawValue: Int64(detectors + 1))) != nil { detectors += 1 }
        try #require(detectors >= 1)

        // The batch under test: killed (SIGKILL) once some inputs are committed, then started again.
        let db = tmp.url.appendingPathComponent("killed.sqlite").path
        let watcher = try SQLiteFindingsStore(path: db, actor: "test")  // creates the file before the child starts
        let child = Process()
        child.executableURL = vigil
        child.arguments = ["batch", "ecg", data.path, "--db", db]
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        func recorded(_ store: SQLiteFindingsStore, runs: ClosedRange<Int>) async throws -> [RunRecord] {
            var out: [RunRecord] = []
            for id in runs { if let run = try await store.run(id: RunID(rawValue: Int64(id))) { out.append(run) } }
            return out
        }
        var recordedAtKill = 0
        let deadline = Date().addingTimeInterval(300)
        while child.isRunning, Date() < deadline {
            try await Task.sleep(nanoseconds: 20_000_000)
            let done = try await recorded(watcher, runs: 1...detectors).map(\.counts.inputs).reduce(0, +)
            if done >= 2 {
                kill(child.processIdentifier, SIGKILL)
                recordedAtKill = done
                break
            }
        }
        child.waitUntilExit()
        try #require(child.terminationReason == .uncaughtSignal && child.terminationStatus == SIGKILL,
                     "the batch ended before it could be killed (\(recordedAtKill) recorded); the test proves nothing")
        #expect(recordedAtKill < inputs * detectors)

        let resumed = try VigilExecutable.run(vigil, ["batch", "ecg", data.path, "--db", db])
        try #require(resumed.status == 0, "the resumed batch failed: \(resumed.output)")

        let store = try SQLiteFindingsStore(path: db, actor: "test")
        let killedRuns = try await recorded(store, runs: 1...detectors)
        let resumedRuns = try await recorded(store, runs: (detectors + 1)...(2 * detectors))
        #expect(killedRuns.count == detectors && resumedRuns.count == detectors)
        #expect(killedRuns.allSatisfy { $0.finishedAt == nil })  // killed
        #expect(resumedRuns.allSatisfy { $0.finishedAt != nil })
        #expect(try await store.run(id: RunID(rawValue: Int64(2 * detectors + 1))) == nil)
        // Every input recorded exactly once per detector across the two invocations …
        let total = (killedRuns + resumedRuns).map(\.counts.inputs).reduce(0, +)
        #expect(total == inputs * detectors)
        #expect(killedRuns.map(\.counts.inputs).reduce(0, +) >= recordedAtKill)
        let records = try await store.auditLog(object: nil).filter { $0.action == "outcome.record" || $0.action == "error.record" }
        #expect(records.count == inputs * detectors)
        // … with exactly the results of the uninterrupted batch: nothing lost, nothing doubled.
        let got = try await contents(db)
        #expect(got == expected)
    }
}
