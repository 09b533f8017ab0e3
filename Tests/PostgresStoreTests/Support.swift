import DetectorKit
import FindingsStore
import Foundation
import Testing
@testable import PostgresStore

/// `VIGIL_PG_URL` (a server the tests may create databases on), when set: `Tools/postgres/cluster.sh start`
/// prints one, and `.ci/run` exports it. Tests that need a server are skipped without it.
enum PGTest {
    static var url: String? { ProcessInfo.processInfo.environment["VIGIL_PG_URL"].flatMap { $0.isEmpty ? nil : $0 } }
    static var available: Bool { url != nil }
}

/// A fresh database on the `VIGIL_PG_URL` server, dropped by ``remove()`` (in the background).
struct ScratchDB: Sendable {
    let url: String

    init() async throws {
        url = try await ScratchDatabase.create(adminURL: PGTest.url!, prefix: "vigil_pst")
    }

    func open(actor: String = "test", log: (@Sendable (String) -> Void)? = nil) async throws -> PostgresFindingsStore {
        try await PostgresFindingsStore(url: url, actor: actor, log: log)
    }

    /// Runs one statement on the database (as the URL's role), failing with the server's message.
    func execute(_ sql: String) async throws { try await ScratchDatabase.execute(adminURL: url, sql) }

    func remove() {
        let admin = PGTest.url!, url = url
        Task.detached { await ScratchDatabase.drop(adminURL: admin, url: url) }
    }
}

/// Runs `body` with a store on a fresh scratch database and that store's work queue; closes the store and
/// drops the database afterwards, also when `body` throws.
func withQueue(_ body: (PostgresFindingsStore, PostgresWorkQueue) async throws -> Void) async throws {
    let db = try await ScratchDB()
    defer { db.remove() }
    let store = try await db.open()
    do {
        try await body(store, PostgresWorkQueue(store: store))
    } catch {
        await store.close()
        throw error
    }
    await store.close()
}

/// Collects log lines.
final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []
    var all: [String] { lock.withLock { storage } }
    var log: @Sendable (String) -> Void { { [self] line in lock.withLock { storage.append(line) } } }
}

enum Fixture {
    static let rhythm = DetectorProvenance(id: "ecg-rhythm", version: "1.0.0", modelName: "Example", modelVersion: "0.1.0",
                                           modelSHA256: String(repeating: "ab", count: 32))
    static let intervals = DetectorProvenance(id: "ecg-intervals", version: "1.0.0")
    static var keys: [OutcomeKey] {
        [rhythm, intervals].map { OutcomeKey(detectorID: $0.id, detectorVersion: $0.version) }
    }

    static func sha(_ n: Int) -> String {
        let hex = String(n, radix: 16)
        return String(repeating: "0", count: 64 - hex.count) + hex
    }

    static func entry(_ n: Int, patient: String? = nil) -> QueueEntry {
        QueueEntry(input: NewInput(contentSHA256: sha(n), path: "/data/\(n).hea", kind: .ecg, patientID: patient),
                   item: JobItem(path: "/data/\(n).hea", patientID: patient))
    }

    static func afib(_ p: Double, detector: DetectorProvenance = rhythm) throws -> Finding {
        try Finding(code: "afib", label: "Atrial fibrillation", probability: p, threshold: 0.5,
                    decision: Decision(probability: p, threshold: 0.5), detector: detector,
                    createdAt: Date(timeIntervalSince1970: 1_741_944_413))
    }

    static func qtc() throws -> Finding {
        try Finding(code: "long_qtc", label: "Prolonged QTc", probability: nil, threshold: nil, decision: .negative,
                    measurements: [FindingMeasurement(name: "QTc", value: 420, unit: "ms")], detector: intervals,
                    createdAt: Date(timeIntervalSince1970: 1_741_944_413))
    }
}
