import Foundation
import Testing
@testable import PostgresStore

/// The built `vigil` executable (next to the test bundle: `swift build --build-tests` / `swift test` build it).
enum Vigil {
    static func locate() -> URL? {
        let candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                          Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        return candidates.map { $0.appendingPathComponent("vigil") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Starts vigil with stdout and stderr going to files in `folder` (read after it ends).
    static func start(_ vigil: URL, _ arguments: [String], in folder: URL, name: String) throws -> Process {
        let process = Process()
        process.executableURL = vigil
        process.arguments = arguments
        process.currentDirectoryURL = folder
        FileManager.default.createFile(atPath: folder.appendingPathComponent("\(name).out").path, contents: nil)
        FileManager.default.createFile(atPath: folder.appendingPathComponent("\(name).err").path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: folder.appendingPathComponent("\(name).out"))
        process.standardError = try FileHandle(forWritingTo: folder.appendingPathComponent("\(name).err"))
        try process.run()
        return process
    }

    /// Runs vigil to the end (at most `timeout` seconds); returns (status, stdout, stderr).
    static func run(_ vigil: URL, _ arguments: [String], in folder: URL, name: String,
                    timeout: Double = 300) async throws -> (Int32, String, String)
    {
        let process = try start(vigil, arguments, in: folder, name: name)
        try await wait(process, timeout: timeout)
        return (process.terminationStatus, output(folder, name, "out"), output(folder, name, "err"))
    }

    static func wait(_ process: Process, timeout: Double) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                throw TestTimeout(what: "vigil \(process.arguments?.prefix(2).joined(separator: " ") ?? "")", seconds: timeout)
            }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
    }

    static func output(_ folder: URL, _ name: String, _ stream: String) -> String {
        (try? String(contentsOf: folder.appendingPathComponent("\(name).\(stream)"), encoding: .utf8)) ?? ""
    }
}

struct TestTimeout: Error, CustomStringConvertible {
    let what: String
    let seconds: Double
    var description: String { "\(what) did not finish within \(Int(seconds)) s" }
}

/// Three `vigil worker` processes on one queue; one is SIGKILLed mid-run and one database connection of
/// another is cut (pg_terminate_backend). Every (input, detector) must end with exactly one outcome.
///
/// Records: `VIGIL_PG_KILL_RECORDS` (default 1000) synthetic 10 s 12-lead ECGs from `vigil synth ecg`, three in
/// four flat lines (the detector abstains on them, cheaply) and one in four normal (scored with findings): the
/// debug build scores a normal record in about 0.8 s of CPU, a flat line in about 0.3 s, so 1,000 records take
/// about 7 CPU-minutes in all (synthesis included), a few minutes on 2 cores.
@Suite("vigil worker: kill and connection cut", .serialized, .enabled(if: PGTest.available, "set VIGIL_PG_URL (Tools/postgres/cluster.sh start)"))
struct WorkerKillTests {
    static var records: Int {
        ProcessInfo.processInfo.environment["VIGIL_PG_KILL_RECORDS"].flatMap(Int.init) ?? 1000
    }

    @Test func threeWorkersOneKilledOneConnectionCutEveryOutcomeExactlyOnce() async throws {
        guard let vigil = Vigil.locate() else {
            Issue.record("the vigil executable was not found next to the test bundle; build it with `swift build --build-tests`")
            return
        }
        let db = try await ScratchDB()
        defer { db.remove() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("WorkerKillTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let n = Self.records
        let records = folder.appendingPathComponent("records").path

        let synth = try await Vigil.run(vigil, ["synth", "ecg", "--count", "\(n)", "--out", records, "--seed", "17",
                                                   "--labels", "flat_line,flat_line,flat_line,normal"],
                                        in: folder, name: "synth", timeout: 600)
        try #require(synth.0 == 0, "vigil synth ecg failed: \(synth.2)")
        let enqueue = try await Vigil.run(vigil, ["batch", "ecg", records, "--db", db.url, "--enqueue"], in: folder, name: "enqueue")
        try #require(enqueue.0 == 0, "enqueue failed: \(enqueue.2)")
        #expect(enqueue.1.contains("enqueue: \(n) inputs (\(n) new)"), "\(enqueue.1)")

        let store = try await db.open(actor: "observer")
        defer { Task { await store.close() } }
        let jobs = try await store.integer("SELECT count(*) FROM jobs")
        let detectors = Int(jobs) / n
        try #require(detectors >= 1 && Int(jobs) == n * detectors, "\(jobs) jobs for \(n) inputs")
        let total = Int64(n * detectors)
        let outcomes = { try await store.integer("SELECT count(*) FROM outcomes") }

        let workerArguments = { (name: String) in
            ["worker", "--db", db.url, "--threads", "1", "--exit-when-idle", "--lease", "4", "--backoff", "0.2",
             "--name", name, "--progress-interval", "0"]
        }
        let workers = try (1...3).map { try Vigil.start(vigil, workerArguments("w\($0)"), in: folder, name: "w\($0)") }
        defer { for w in workers where w.isRunning { w.terminate() } }

        // SIGKILL worker 1 once a fifth is done; cut one connection of the others at two fifths.
        let deadline = Date().addingTimeInterval(1500)
        func waitFor(_ fraction: Double) async throws {
            while try await outcomes() < Int64(Double(total) * fraction) {
                if Date() > deadline { throw TestTimeout(what: "the workers", seconds: 1500) }
                if workers.allSatisfy({ !$0.isRunning }) { return }
                try await Task.sleep(nanoseconds: 200_000_000)
            }
        }
        try await waitFor(0.2)
        let atKill = try await outcomes()
        kill(workers[0].processIdentifier, SIGKILL)
        try await waitFor(0.4)
        let cut = try await store.integer("""
            SELECT count(pg_terminate_backend(pid)) FROM (
                SELECT pid FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = 'vigil-worker' AND pid <> pg_backend_pid()
                ORDER BY backend_start LIMIT 1) AS victim
            """)
        for w in workers.dropFirst() { try await Vigil.wait(w, timeout: max(1, deadline.timeIntervalSinceNow)) }
        try await Vigil.wait(workers[0], timeout: 10)

        #expect(workers[0].terminationReason == .uncaughtSignal && workers[0].terminationStatus == SIGKILL)
        #expect(atKill > 0 && atKill < total, "worker 1 was killed at \(atKill) of \(total) outcomes")
        #expect(cut == 1, "no worker connection was cut")
        for (i, w) in workers.enumerated().dropFirst() {
            #expect(w.terminationStatus == 0, "w\(i + 1): \(Vigil.output(folder, "w\(i + 1)", "err"))")
        }
        // Exactly one outcome per (input, detector): none lost, none doubled.
        #expect(try await outcomes() == total)
        #expect(try await store.integer("""
            SELECT count(*) FROM inputs i WHERE (SELECT count(*) FROM outcomes o WHERE o.input_id = i.id) <> \(detectors)
            """) == 0)
        #expect(try await store.integer("""
            SELECT count(*) FROM (SELECT 1 FROM outcomes GROUP BY input_id, detector_id, detector_version HAVING count(*) > 1) d
            """) == 0)
        // Each outcome counted in exactly one run, audited once, its findings written once.
        #expect(try await store.integer("SELECT sum(inputs_count)::bigint FROM runs") == total)
        #expect(try await store.integer("SELECT count(*) FROM audit_log WHERE action IN ('outcome.record', 'error.record')") == total)
        #expect(try await store.integer("""
            SELECT count(*) FROM (SELECT 1 FROM findings GROUP BY outcome_id, code HAVING count(*) > 1) d
            """) == 0)
        #expect(try await store.integer("""
            SELECT count(*) FROM findings f JOIN outcomes o ON o.id = f.outcome_id WHERE o.status <> 'scored'
            """) == 0)
        #expect(try await PostgresWorkQueue(store: store).counts() == QueueCounts())

        // A rerun of the batch queues nothing, and a worker scores nothing new.
        let again = try await Vigil.run(vigil, ["batch", "ecg", records, "--db", db.url, "--enqueue"], in: folder, name: "enqueue2")
        #expect(again.0 == 0 && again.1.contains("0 jobs queued, \(total) already recorded"), "\(again.1)")
        let idle = try await Vigil.run(vigil, workerArguments("w4"), in: folder, name: "w4", timeout: 60)
        #expect(idle.0 == 0 && idle.1.contains("worker: 0 inputs, 0 outcomes recorded"), "\(idle.1) \(idle.2)")
        #expect(try await outcomes() == total)
    }
}
