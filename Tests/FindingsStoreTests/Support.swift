import DetectorKit
import Foundation
@testable import FindingsStore
@testable import PostgresStore

/// A temporary folder holding one database file, removed by ``remove()``.
struct TempDatabase {
    let folder: URL
    var path: String { folder.appendingPathComponent("vigil.sqlite").path }

    init() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("FindingsStoreTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}

/// Collects the store's log lines.
final class LogSink: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []

    var lines: [String] { lock.withLock { storage } }

    var log: @Sendable (String) -> Void {
        { [self] line in lock.withLock { storage.append(line) } }
    }
}

enum Sample {
    static let modelSHA = "2e378c598afc119e3806dd234e25e36d0e8fcf655081b06a17eadae3b1e651a5"
    static let created = Date(timeIntervalSince1970: 1_741_944_413.120)

    static let rhythm = DetectorProvenance(id: "ecg-rhythm", version: "1.0.0", modelName: "Example ECG rhythm",
                                           modelVersion: "0.1.0", modelSHA256: modelSHA)
    static let rhythm2 = DetectorProvenance(id: "ecg-rhythm", version: "1.1.0", modelName: "Example ECG rhythm",
                                            modelVersion: "0.2.0", modelSHA256: modelSHA)
    static let intervals = DetectorProvenance(id: "ecg-intervals", version: "1.0.0")

    /// A distinct valid SHA-256 per number.
    static func sha(_ n: Int) -> String {
        let hex = String(n, radix: 16)
        return String(repeating: "0", count: 64 - hex.count) + hex
    }

    static func input(_ n: Int, patient: String? = "P-0001", study: String? = nil) -> NewInput {
        NewInput(contentSHA256: sha(n), path: "/data/ecg/\(n).hea", kind: .ecg, patientID: patient, studyID: study,
                 acquiredAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(n)))
    }

    static func afib(_ p: Double, detector: DetectorProvenance = rhythm) throws -> Finding {
        try Finding(
            code: "afib",
            codings: [StandardCoding(system: "http://snomed.info/sct", code: "49436004", display: "Atrial fibrillation")],
            label: "Atrial fibrillation", probability: p, threshold: 0.42,
            decision: Decision(probability: p, threshold: 0.42),
            evidence: [.leadSpan(lead: "II", startSeconds: 0, endSeconds: 10, note: "irregular RR"),
                       .measurementRef(name: "ventricularRate"), .text("No consistent P waves")],
            measurements: [FindingMeasurement(name: "ventricularRate", value: 112, unit: "/min",
                                              reference: ReferenceValue(value: 114, source: "acquiring device"))],
            detector: detector, createdAt: created)
    }

    static func normalSinus(_ p: Double) throws -> Finding {
        try Finding(code: "normal_sinus", label: "Normal sinus rhythm", probability: p, threshold: 0.5,
                    decision: Decision(probability: p, threshold: 0.5), detector: rhythm, createdAt: created)
    }

    static func longQTc() throws -> Finding {
        try Finding(code: "long_qtc", label: "Prolonged QTc", probability: nil, threshold: nil, decision: .positive,
                    evidence: [.measurementRef(name: "QTc")],
                    measurements: [FindingMeasurement(name: "QTc", value: 492, unit: "ms")],
                    detector: intervals, createdAt: created)
    }

    static func abstention(_ detector: DetectorProvenance = rhythm) throws -> Abstention {
        try Abstention(reason: .signalUnreadable, message: "Leads V4–V6 are flat; repeat the ECG.",
                       detector: detector, details: ["flatLeads": ["V4", "V5", "V6"], "usableSeconds": 0],
                       createdAt: created)
    }
}

// MARK: - Every engine (the shared store tests run on SQLite and in memory always, on PostgreSQL when VIGIL_PG_URL is set)

/// A findings store engine the shared tests run against.
enum StoreEngine: String, CustomStringConvertible, Sendable {
    case sqlite
    case postgres
    /// ``InMemoryFindingsStore``.
    case memory

    /// SQLite and memory always; PostgreSQL too when `VIGIL_PG_URL` names a server (`Tools/postgres/cluster.sh start`
    /// prints one).
    static var enabled: [StoreEngine] { postgresURL == nil ? [.sqlite, .memory] : [.sqlite, .memory, .postgres] }

    /// The enabled engines that keep their data in a database (a file or a server), which a test can reopen or reach
    /// with raw SQL: all but memory, which has neither migrations to skip on reopening nor rows to damage.
    static var databases: [StoreEngine] { enabled.filter(\.isDatabase) }

    /// Whether the engine is a database (SQLite, PostgreSQL) rather than memory.
    var isDatabase: Bool { self != .memory }

    /// `VIGIL_PG_URL`, when set and not empty.
    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["VIGIL_PG_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    var description: String { rawValue }
}

/// What the shared tests need of a store beyond the protocol (internal helpers of each engine).
protocol TestableStore: FindingsStore {
    func appliedMigrations() async throws -> [String]
    func executeRaw(_ sql: String) async throws
    func schemaObjects() async throws -> [String]
}

extension SQLiteFindingsStore: TestableStore {}
extension PostgresFindingsStore: TestableStore {}

/// The in-memory store has no schema and speaks no SQL: tests that need either run on ``StoreEngine/databases`` only.
extension InMemoryFindingsStore: TestableStore {
    struct NoSQL: Error {}
    func appliedMigrations() async throws -> [String] { [] }
    func executeRaw(_ sql: String) async throws { throw NoSQL() }
    func schemaObjects() async throws -> [String] { [] }
}

/// The one in-memory store of a ``TestDatabase``: what every `open` of it returns, as every open of a file is the same
/// file (it keeps the actor, log and clock of the first open).
final class MemoryStoreBox: @unchecked Sendable {
    private let lock = NSLock()
    private var store: InMemoryFindingsStore?

    func open(actor: String, log: (@Sendable (String) -> Void)?, now: @escaping @Sendable () -> Date) throws -> InMemoryFindingsStore {
        try lock.withLock {
            if let store { return store }
            let made = try InMemoryFindingsStore(actor: actor, log: log, now: now)
            store = made
            return made
        }
    }
}

/// A fresh, empty database of one engine: a temp SQLite file, or a new database on the `VIGIL_PG_URL` server.
struct TestDatabase: Sendable {
    let engine: StoreEngine
    /// The SQLite file path, or the PostgreSQL URL (empty in memory).
    let location: String
    private let folder: URL?
    private let memory: MemoryStoreBox?

    init(_ engine: StoreEngine) async throws {
        self.engine = engine
        switch engine {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("FindingsStoreTests-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            self.folder = folder
            memory = nil
            location = folder.appendingPathComponent("vigil.sqlite").path
        case .postgres:
            folder = nil
            memory = nil
            location = try await ScratchDatabase.create(adminURL: StoreEngine.postgresURL!, prefix: "vigil_fst")
        case .memory:
            folder = nil
            memory = MemoryStoreBox()
            location = ""
        }
    }

    /// The store's migration names (each engine has its own list).
    var schemaMigrations: [String] {
        switch engine {
        case .sqlite: SQLiteFindingsStore.schemaMigrations
        case .postgres: PostgresFindingsStore.schemaMigrations
        case .memory: []
        }
    }

    /// Opens (migrating) the database.
    func open(actor: String, log: (@Sendable (String) -> Void)? = nil,
              now: @escaping @Sendable () -> Date = { Date() }) async throws -> any TestableStore
    {
        switch engine {
        case .sqlite: try SQLiteFindingsStore(path: location, actor: actor, log: log, now: now)
        case .postgres: try await PostgresFindingsStore(url: location, actor: actor, log: log, now: now)
        case .memory: try memory!.open(actor: actor, log: log, now: now)
        }
    }

    /// Opens (migrating) the database with the HTTP service's access data (tokens, idempotency keys, audit pages).
    func openService(actor: String, now: @escaping @Sendable () -> Date = { Date() }) async throws -> any ServiceStore {
        switch engine {
        case .sqlite: try SQLiteFindingsStore(path: location, actor: actor, now: now)
        case .postgres: try await PostgresFindingsStore(url: location, actor: actor, now: now)
        case .memory: try memory!.open(actor: actor, log: nil, now: now)
        }
    }

    /// Removes the file, or drops the database (in the background: `defer` cannot wait).
    func remove() {
        if let folder { try? FileManager.default.removeItem(at: folder) }
        if engine == .postgres, let admin = StoreEngine.postgresURL {
            let url = location
            Task.detached { await ScratchDatabase.drop(adminURL: admin, url: url) }
        }
    }

    /// Whether a raw statement's error says the audit log refused it (the trigger, or on PostgreSQL the
    /// privileges revoked from the application role, which come first).
    func isAppendOnlyRefusal(_ error: any Error) -> Bool {
        let text = String(describing: error)
        return text.contains("audit_log is append-only")
            || (engine == .postgres && text.contains("permission denied for table audit_log"))
    }
}
