import DetectorKit
import Foundation
import GRDB

/// The embedded ``FindingsStore``: one SQLite file in WAL mode, through GRDB.
///
/// One writer and several concurrent readers share the file (readers see the last committed state and
/// never block the writer); several processes may open the same file, writes waiting up to
/// ``busyTimeout`` for each other. Opening applies any missing schema migrations; a file migrated by a
/// newer build is refused rather than modified.
///
/// The store logs only row ids, counts and detector names through `log`, never patient or study
/// identifiers, paths or error reasons; SQL arguments are kept out of database error messages.
///
/// ```swift
/// let store = try SQLiteFindingsStore(path: "vigil.sqlite", actor: "batch", log: { print($0) })
/// ```
public final class SQLiteFindingsStore: FindingsStore {
    /// How long a write waits for another process's write to finish before failing.
    public static let busyTimeout: TimeInterval = 30

    /// The migration names this build knows, oldest first; the last is the current schema.
    public static var schemaMigrations: [String] { SQLiteSchema.migrationNames }

    /// The database file.
    public let path: String
    /// Who the store's own audit entries name as actor.
    public let actor: String

    let pool: DatabasePool
    let log: (@Sendable (String) -> Void)?
    let now: @Sendable () -> Date

    /// Opens (creating if needed) the database at `path` and migrates it to the current schema.
    /// - Parameters:
    ///   - path: the SQLite file; its folder must exist.
    ///   - actor: the actor named in audit entries the store writes (`batch`, a user name).
    ///   - log: receives one line per notable event (safe to print: no identifiers).
    ///   - now: the clock (tests pass a fixed one).
    /// - Throws: ``FindingsStoreError/newerSchema(unknownMigrations:)`` for a file from a newer build,
    ///   ``FindingsStoreError/invalidValue(field:problem:)`` for an empty actor, or GRDB's error when the
    ///   file cannot be opened.
    public init(path: String, actor: String, log: (@Sendable (String) -> Void)? = nil,
                now: @escaping @Sendable () -> Date = { Date() }) throws
    {
        guard !actor.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw FindingsStoreError.invalidValue(field: "actor", problem: "must not be empty")
        }
        var configuration = Configuration()
        configuration.label = "FindingsStore"
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.publicStatementArguments = false  // keep values (identifiers) out of error text
        // WAL + NORMAL: a commit survives the process being killed (SIGKILL included); only a power loss
        // or OS crash can lose the last commits, never half of one. Saves an fsync per transaction.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        let pool = try DatabasePool(path: path, configuration: configuration)
        let migrator = SQLiteSchema.migrator
        let (superseded, applied) = try pool.read { db in
            (try migrator.hasBeenSuperseded(db), try migrator.appliedIdentifiers(db))
        }
        if superseded {
            let unknown = applied.subtracting(SQLiteSchema.migrationNames).sorted()
            throw FindingsStoreError.newerSchema(unknownMigrations: unknown)
        }
        try migrator.migrate(pool)
        self.path = path
        self.actor = actor
        self.pool = pool
        self.log = log
        self.now = now
        let missing = SQLiteSchema.migrationNames.filter { !applied.contains($0) }
        if !missing.isEmpty { log?("findings store: applied migrations \(missing.joined(separator: ", "))") }
        log?("findings store: opened, schema \(SQLiteSchema.migrationNames.last!)")
    }

    /// The migrations applied to the file, oldest first.
    public func appliedMigrations() async throws -> [String] {
        try await pool.read { db in try SQLiteSchema.migrator.appliedMigrations(db) }
    }

    // MARK: Inputs

    /// See ``InputStore/registerInput(_:)``.
    public func registerInput(_ input: NewInput) async throws -> StoredInput {
        let checked = try StoreRules.input(input)
        let at = Millis.from(now())
        let actor = actor
        let (stored, isNew) = try await pool.write { db in
            try Self.register(db, checked, at: at, actor: actor)
        }
        if isNew { log?("findings store: registered \(stored.id) (\(stored.kind))") }
        return stored
    }

    /// Finds or inserts a checked input inside a write transaction; true when it was inserted.
    static func register(_ db: Database, _ input: NewInput, at: Int64, actor: String) throws -> (StoredInput, Bool) {
        let sha = input.contentSHA256
        if let existing = try Self.fetchInput(db, sql: "SELECT * FROM inputs WHERE content_sha256 = ?", [sha]) {
            if existing.kind != input.kind { throw FindingsStoreError.conflictingInput(contentSHA256: sha, field: "kind") }
            if let p = input.patientID, existing.patientID != p {
                throw FindingsStoreError.conflictingInput(contentSHA256: sha, field: "patientID")
            }
            if let s = input.studyID, existing.studyID != s {
                throw FindingsStoreError.conflictingInput(contentSHA256: sha, field: "studyID")
            }
            if existing.sourceMetadata == nil, let meta = input.sourceMetadata {
                try db.execute(sql: "UPDATE inputs SET source_metadata = ? WHERE id = ?",
                               arguments: [try StoreRules.json(meta, field: "sourceMetadata"), existing.id.rawValue])
                var filled = existing
                filled.sourceMetadata = meta
                return (filled, false)
            }
            return (existing, false)
        }
        try db.execute(
            sql: """
                INSERT INTO inputs (content_sha256, path, kind, patient_id, study_id, acquired_at, registered_at, source_metadata)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [sha, input.path, input.kind.rawValue, input.patientID, input.studyID,
                        input.acquiredAt.map(Millis.from), at, try input.sourceMetadata.map { try StoreRules.json($0, field: "sourceMetadata") }])
        let id = db.lastInsertedRowID
        try Self.audit(db, at: at, actor: actor, action: "input.register", object: "input:\(id)",
                       details: ["kind": .string(input.kind.rawValue)])
        guard let stored = try Self.fetchInput(db, sql: "SELECT * FROM inputs WHERE id = ?", [id]) else {
            throw FindingsStoreError.corruptRow(table: "inputs", id: id, problem: "not found after insert")
        }
        return (stored, true)
    }

    /// See ``InputStore/input(id:)``.
    public func input(id: InputID) async throws -> StoredInput? {
        try await pool.read { db in try Self.fetchInput(db, sql: "SELECT * FROM inputs WHERE id = ?", [id.rawValue]) }
    }

    /// See ``InputStore/input(contentSHA256:)``.
    public func input(contentSHA256: String) async throws -> StoredInput? {
        let sha = contentSHA256.lowercased()
        return try await pool.read { db in
            try Self.fetchInput(db, sql: "SELECT * FROM inputs WHERE content_sha256 = ?", [sha])
        }
    }

    // MARK: Runs

    /// See ``ResultsStore/startRun(_:)``.
    public func startRun(_ run: NewRun) async throws -> RunRecord {
        let d = run.detector
        let settings = try StoreRules.runSettings(run)
        let at = Millis.from(now())
        let actor = actor
        let record = try await pool.write { db -> RunRecord in
            try db.execute(
                sql: """
                    INSERT INTO runs (detector_id, detector_version, model_name, model_version, model_sha256,
                                      settings, started_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [d.id, d.version, d.modelName, d.modelVersion, d.modelSHA256, settings, at])
            let id = db.lastInsertedRowID
            try Self.audit(db, at: at, actor: actor, action: "run.start", object: "run:\(id)",
                           details: ["detectorID": .string(d.id), "detectorVersion": .string(d.version)])
            return try Self.fetchRun(db, RunID(rawValue: id))!
        }
        log?("findings store: started \(record.id) (\(d.id) \(d.version))")
        return record
    }

    /// See ``ResultsStore/finishRun(_:)``.
    public func finishRun(_ id: RunID) async throws -> RunRecord {
        let at = Millis.from(now())
        let actor = actor
        let record = try await pool.write { db -> RunRecord in
            guard let run = try Self.fetchRun(db, id) else { throw FindingsStoreError.unknownRun(id) }
            if run.finishedAt != nil { throw FindingsStoreError.runFinished(id) }
            try db.execute(sql: "UPDATE runs SET finished_at = ? WHERE id = ?", arguments: [at, id.rawValue])
            let c = run.counts
            try Self.audit(db, at: at, actor: actor, action: "run.finish", object: "run:\(id.rawValue)",
                           details: ["inputs": .number(Double(c.inputs)), "scored": .number(Double(c.scored)),
                                     "abstained": .number(Double(c.abstained)), "errors": .number(Double(c.errors))])
            return try Self.fetchRun(db, id)!
        }
        let c = record.counts
        log?("findings store: finished \(id): \(c.inputs) inputs, \(c.scored) scored, \(c.abstained) abstained, \(c.errors) errors")
        return record
    }

    /// See ``ResultsStore/run(id:)``.
    public func run(id: RunID) async throws -> RunRecord? {
        try await pool.read { db in try Self.fetchRun(db, id) }
    }

    // MARK: Outcomes

    /// See ``ResultsStore/recordOutcome(_:input:run:)``.
    public func recordOutcome(_ outcome: DetectorOutcome, input: InputID, run: RunID) async throws -> RecordResult {
        // Encode before the transaction: a value that cannot be stored fails before anything is written.
        let prepared = try PreparedResult.prepare(.outcome(outcome))
        let at = Millis.from(now())
        let actor = actor
        let result = try await pool.write { db in
            try Self.write(db, prepared, input: input, run: run, at: at, actor: actor)
        }
        StoreRules.recordLine(result, prepared.status, input: input, run: run).map { log?($0) }
        return result
    }

    /// See ``ResultsStore/recordError(input:run:reason:)``.
    public func recordError(input: InputID, run: RunID, reason: String) async throws -> RecordResult {
        let prepared = try PreparedResult.prepare(.error(reason))
        let at = Millis.from(now())
        let actor = actor
        let result = try await pool.write { db in
            try Self.write(db, prepared, input: input, run: run, at: at, actor: actor)
        }
        StoreRules.recordLine(result, prepared.status, input: input, run: run).map { log?($0) }
        return result
    }


    /// A result encoded and checked, ready to be written in a transaction.
    /// Checks the run and provenance, then claims the exactly-once key and writes the result, inside the
    /// caller's transaction.
    static func write(_ db: Database, _ p: PreparedResult, input: InputID, run: RunID, at: Int64,
                      actor: String) throws -> RecordResult
    {
        let runRecord = try openRun(db, run)
        for provenance in p.provenances where provenance != runRecord.detector {
            throw FindingsStoreError.provenanceMismatch(
                run: run, problem: "outcome names \(StoreRules.describe(provenance)), the run \(StoreRules.describe(runRecord.detector))")
        }
        guard let outcomeID = try claim(db, input: input, run: runRecord, status: p.status, at: at) else {
            return .alreadyRecorded(try existingStatus(db, input: input, detector: runRecord.detector))
        }
        for row in p.findings {
            try db.execute(
                sql: """
                    INSERT INTO findings (outcome_id, input_id, run_id, code, probability, decision, json)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [outcomeID, input.rawValue, run.rawValue, row.code, row.probability, row.decision, row.json])
        }
        if let a = p.abstention {
            try db.execute(
                sql: "INSERT INTO abstentions (outcome_id, input_id, run_id, reason, json) VALUES (?, ?, ?, ?, ?)",
                arguments: [outcomeID, input.rawValue, run.rawValue, a.reason, a.json])
        }
        if let reason = p.errorReason {
            try db.execute(sql: "INSERT INTO input_errors (outcome_id, input_id, run_id, reason) VALUES (?, ?, ?, ?)",
                           arguments: [outcomeID, input.rawValue, run.rawValue, reason])
        }
        let column = switch p.status {
        case .scored: "scored_count"
        case .abstained: "abstained_count"
        case .error: "error_count"
        }
        try db.execute(sql: "UPDATE runs SET inputs_count = inputs_count + 1, \(column) = \(column) + 1 WHERE id = ?",
                       arguments: [run.rawValue])
        if p.status == .error {
            try audit(db, at: at, actor: actor, action: "error.record", object: "input:\(input.rawValue)",
                      details: ["run": .number(Double(run.rawValue))])
        } else {
            try audit(db, at: at, actor: actor, action: "outcome.record", object: "input:\(input.rawValue)",
                      details: ["run": .number(Double(run.rawValue)), "status": .string(p.status.rawValue),
                                "findings": .number(Double(p.findings.count))])
        }
        return .recorded
    }

    /// See ``ResultsStore/outcomeStatus(input:detectorID:detectorVersion:)``.
    public func outcomeStatus(input: InputID, detectorID: String, detectorVersion: String) async throws -> OutcomeStatus? {
        try await pool.read { db in
            try String.fetchOne(
                db, sql: "SELECT status FROM outcomes WHERE input_id = ? AND detector_id = ? AND detector_version = ?",
                arguments: [input.rawValue, detectorID, detectorVersion]
            ).flatMap(OutcomeStatus.init(rawValue:))
        }
    }

    // MARK: Queries

    /// See ``ResultsStore/findings(input:)``.
    public func findings(input: InputID) async throws -> [StoredFinding] {
        try await fetchFindings("WHERE input_id = ? ORDER BY id", [input.rawValue])
    }

    /// See ``ResultsStore/findings(code:probabilityAtLeast:)``.
    public func findings(code: String, probabilityAtLeast: Double) async throws -> [StoredFinding] {
        guard probabilityAtLeast.isFinite else {
            throw FindingsStoreError.invalidValue(field: "probabilityAtLeast", problem: "must be a finite number")
        }
        return try await fetchFindings("WHERE code = ? AND probability >= ? ORDER BY probability DESC, id",
                                       [code, probabilityAtLeast])
    }

    /// See ``ResultsStore/findings(run:)``.
    public func findings(run: RunID) async throws -> [StoredFinding] {
        try await fetchFindings("WHERE run_id = ? ORDER BY id", [run.rawValue])
    }

    /// See ``ResultsStore/abstentions(input:)``.
    public func abstentions(input: InputID) async throws -> [StoredAbstention] {
        try await fetchAbstentions("WHERE input_id = ? ORDER BY id", [input.rawValue])
    }

    /// See ``ResultsStore/abstentions(run:)``.
    public func abstentions(run: RunID) async throws -> [StoredAbstention] {
        try await fetchAbstentions("WHERE run_id = ? ORDER BY id", [run.rawValue])
    }

    /// See ``ResultsStore/errors(run:)``.
    public func errors(run: RunID) async throws -> [StoredError] {
        try await fetchErrors("WHERE e.run_id = ? ORDER BY e.id", [run.rawValue])
    }

    func fetchErrors(_ clause: String, _ arguments: StatementArguments) async throws -> [StoredError] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT e.input_id, e.run_id, e.reason, o.detector_id, o.detector_version, o.recorded_at
                    FROM input_errors e JOIN outcomes o ON o.id = e.outcome_id
                    \(clause)
                    """,
                arguments: arguments
            ).map { row in
                StoredError(input: InputID(rawValue: row["input_id"]), run: RunID(rawValue: row["run_id"]),
                            detectorID: row["detector_id"], detectorVersion: row["detector_version"],
                            reason: row["reason"], recordedAt: Millis.date(row["recorded_at"]))
            }
        }
    }

    /// See ``ResultsStore/runSummary(_:)``.
    public func runSummary(_ id: RunID) async throws -> RunSummary {
        try await pool.read { db in
            guard let run = try Self.fetchRun(db, id) else { throw FindingsStoreError.unknownRun(id) }
            let perCode = try Row.fetchAll(
                db,
                sql: """
                    SELECT code, COUNT(*) AS n, SUM(decision = 'positive') AS flagged
                    FROM findings WHERE run_id = ? GROUP BY code ORDER BY code
                    """,
                arguments: [id.rawValue]
            ).map { CodeCount(code: $0["code"], findings: $0["n"], flagged: $0["flagged"]) }
            return RunSummary(run: run, perCode: perCode)
        }
    }

    // MARK: Worklist

    /// See ``WorklistStore/addToWorklist(_:)``.
    public func addToWorklist(_ entry: NewWorklistEntry) async throws -> WorklistEntry {
        try StoreRules.worklistEntry(entry)
        let at = Millis.from(now())
        let actor = actor
        return try await pool.write { db -> WorklistEntry in
            if let input = entry.input,
               try Int64.fetchOne(db, sql: "SELECT id FROM inputs WHERE id = ?", arguments: [input.rawValue]) == nil
            {
                throw FindingsStoreError.unknownInput(input)
            }
            try db.execute(
                sql: "INSERT INTO worklist_entries (study_id, input_id, arrived_at) VALUES (?, ?, ?) ON CONFLICT(study_id) DO NOTHING",
                arguments: [entry.studyID, entry.input?.rawValue, Millis.from(entry.arrivedAt)])
            if db.changesCount > 0 {
                try Self.audit(db, at: at, actor: actor, action: "worklist.add",
                               object: "worklist:\(db.lastInsertedRowID)", details: [:])
            }
            return try Self.fetchWorklist(db, "WHERE study_id = ?", [entry.studyID]).first!
        }
    }

    /// See ``WorklistStore/tagWorklistEntry(studyID:tag:)``.
    public func tagWorklistEntry(studyID: String, tag: WorklistTag) async throws -> WorklistEntry {
        try StoreRules.worklistTag(tag)
        let at = Millis.from(now())
        let actor = actor
        return try await pool.write { db -> WorklistEntry in
            guard let entryID = try Int64.fetchOne(db, sql: "SELECT id FROM worklist_entries WHERE study_id = ?",
                                                   arguments: [studyID])
            else { throw FindingsStoreError.unknownWorklistEntry }
            try db.execute(
                sql: """
                    INSERT INTO worklist_tags (entry_id, tag, priority, score, model_version, tagged_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [entryID, tag.tag, tag.priority, tag.score, tag.modelVersion, at])
            try db.execute(
                sql: "UPDATE worklist_entries SET tag = ?, priority = ?, score = ?, model_version = ?, tagged_at = ? WHERE id = ?",
                arguments: [tag.tag, tag.priority, tag.score, tag.modelVersion, at, entryID])
            var details: [String: JSONValue] = ["tag": .string(tag.tag), "priority": .number(Double(tag.priority))]
            if let v = tag.modelVersion { details["modelVersion"] = .string(v) }
            try Self.audit(db, at: at, actor: actor, action: "worklist.tag", object: "worklist:\(entryID)", details: details)
            return try Self.fetchWorklist(db, "WHERE id = ?", [entryID]).first!
        }
    }

    /// See ``WorklistStore/worklist()``.
    public func worklist() async throws -> [WorklistEntry] {
        try await pool.read { db in
            try Self.fetchWorklist(db, "ORDER BY priority IS NULL, priority DESC, arrived_at, id", [])
        }
    }

    /// See ``WorklistStore/worklistHistory(studyID:)``.
    public func worklistHistory(studyID: String) async throws -> [WorklistTagRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT t.* FROM worklist_tags t JOIN worklist_entries e ON e.id = t.entry_id
                    WHERE e.study_id = ? ORDER BY t.id
                    """,
                arguments: [studyID]
            ).map { row in
                WorklistTagRecord(
                    tag: WorklistTag(tag: row["tag"], priority: row["priority"], score: row["score"],
                                     modelVersion: row["model_version"]),
                    taggedAt: Millis.date(row["tagged_at"]))
            }
        }
    }

    // MARK: Audit

    /// See ``AuditStore/appendAudit(_:)``.
    public func appendAudit(_ event: AuditEvent) async throws {
        for (field, value) in [("actor", event.actor), ("action", event.action), ("object", event.object)]
        where value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw FindingsStoreError.invalidValue(field: field, problem: "must not be empty")
        }
        let at = Millis.from(now())
        _ = try StoreRules.json(event.details, field: "details")
        try await pool.write { db in
            try Self.audit(db, at: at, actor: event.actor, action: event.action, object: event.object,
                           details: event.details)
        }
    }

    /// See ``AuditStore/auditLog(object:)``.
    public func auditLog(object: String?) async throws -> [AuditEntry] {
        try await pool.read { db in
            let rows = if let object {
                try Row.fetchAll(db, sql: "SELECT * FROM audit_log WHERE object = ? ORDER BY id", arguments: [object])
            } else {
                try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY id")
            }
            return try rows.map { row in
                let id: Int64 = row["id"]
                let text: String = row["details"]
                let details = try StoreRules.decode([String: JSONValue].self, text, table: "audit_log", id: id)
                return AuditEntry(id: id, at: Millis.date(row["at"]), actor: row["actor"], action: row["action"],
                                  object: row["object"], details: details)
            }
        }
    }

    // MARK: Internals

    /// Runs raw SQL on the writer (tests: the audit triggers, corrupt rows).
    func executeRaw(_ sql: String) async throws {
        try await pool.write { db in try db.execute(sql: sql) }
    }

    /// The journal mode SQLite reports (`wal`).
    func journalMode() async throws -> String {
        try await pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// The `synchronous` setting of a connection (1 = NORMAL).
    func synchronousSetting() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// The names of the tables and triggers in the file (tests: migrations from empty).
    func schemaObjects() async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') ORDER BY name")
        }
    }

    static func audit(_ db: Database, at: Int64, actor: String, action: String, object: String,
                              details: [String: JSONValue]) throws
    {
        try db.execute(sql: "INSERT INTO audit_log (at, actor, action, object, details) VALUES (?, ?, ?, ?, ?)",
                       arguments: [at, actor, action, object, try StoreRules.json(details, field: "details")])
    }

    /// The run, which must exist and not be finished.
    static func openRun(_ db: Database, _ run: RunID) throws -> RunRecord {
        guard let record = try fetchRun(db, run) else { throw FindingsStoreError.unknownRun(run) }
        if record.finishedAt != nil { throw FindingsStoreError.runFinished(run) }
        return record
    }

    /// Inserts the outcome row for (input, run's detector id, version); nil when one already exists.
    static func claim(_ db: Database, input: InputID, run: RunRecord, status: OutcomeStatus, at: Int64) throws -> Int64? {
        guard try Int64.fetchOne(db, sql: "SELECT id FROM inputs WHERE id = ?", arguments: [input.rawValue]) != nil else {
            throw FindingsStoreError.unknownInput(input)
        }
        try db.execute(
            sql: """
                INSERT INTO outcomes (input_id, detector_id, detector_version, run_id, status, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (input_id, detector_id, detector_version) DO NOTHING
                """,
            arguments: [input.rawValue, run.detector.id, run.detector.version, run.id.rawValue, status.rawValue, at])
        return db.changesCount > 0 ? db.lastInsertedRowID : nil
    }

    static func existingStatus(_ db: Database, input: InputID, detector: DetectorProvenance) throws -> OutcomeStatus {
        let text = try String.fetchOne(
            db, sql: "SELECT status FROM outcomes WHERE input_id = ? AND detector_id = ? AND detector_version = ?",
            arguments: [input.rawValue, detector.id, detector.version])
        guard let text, let status = OutcomeStatus(rawValue: text) else {
            throw FindingsStoreError.corruptRow(table: "outcomes", id: input.rawValue, problem: "unknown status")
        }
        return status
    }

    static func fetchInput(_ db: Database, sql: String, _ arguments: StatementArguments) throws -> StoredInput? {
        guard let row = try Row.fetchOne(db, sql: sql, arguments: arguments) else { return nil }
        return input(from: row)
    }

    static func input(from row: Row) -> StoredInput {
        let acquired: Int64? = row["acquired_at"]
        let source: String? = row["source_metadata"]
        return StoredInput(
            id: InputID(rawValue: row["id"]), contentSHA256: row["content_sha256"], path: row["path"],
            kind: InputKind(rawValue: row["kind"]), patientID: row["patient_id"], studyID: row["study_id"],
            acquiredAt: acquired.map(Millis.date), registeredAt: Millis.date(row["registered_at"]),
            sourceMetadata: source.flatMap { try? VigilJSON.decode(JSONValue.self, from: Data($0.utf8)) })
    }

    static func fetchRun(_ db: Database, _ id: RunID) throws -> RunRecord? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id.rawValue]) else {
            return nil
        }
        let finished: Int64? = row["finished_at"]
        let settingsText: String = row["settings"]
        return RunRecord(
            id: id,
            detector: DetectorProvenance(id: row["detector_id"], version: row["detector_version"],
                                         modelName: row["model_name"], modelVersion: row["model_version"],
                                         modelSHA256: row["model_sha256"]),
            settings: try StoreRules.decode([String: JSONValue].self, settingsText, table: "runs", id: id.rawValue),
            startedAt: Millis.date(row["started_at"]), finishedAt: finished.map(Millis.date),
            counts: RunCounts(inputs: row["inputs_count"], scored: row["scored_count"],
                              abstained: row["abstained_count"], errors: row["error_count"]))
    }

    func fetchFindings(_ clause: String, _ arguments: StatementArguments) async throws -> [StoredFinding] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, input_id, run_id, json FROM findings \(clause)", arguments: arguments)
                .map { row in
                    let id: Int64 = row["id"]
                    return StoredFinding(id: id, input: InputID(rawValue: row["input_id"]),
                                         run: RunID(rawValue: row["run_id"]),
                                         finding: try StoreRules.decode(Finding.self, row["json"], table: "findings", id: id))
                }
        }
    }

    func fetchAbstentions(_ clause: String, _ arguments: StatementArguments) async throws -> [StoredAbstention] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, input_id, run_id, json FROM abstentions \(clause)", arguments: arguments)
                .map { row in
                    let id: Int64 = row["id"]
                    return StoredAbstention(
                        input: InputID(rawValue: row["input_id"]), run: RunID(rawValue: row["run_id"]),
                        abstention: try StoreRules.decode(Abstention.self, row["json"], table: "abstentions", id: id))
                }
        }
    }

    static func fetchWorklist(_ db: Database, _ clause: String, _ arguments: StatementArguments) throws -> [WorklistEntry] {
        try Row.fetchAll(db, sql: "SELECT * FROM worklist_entries \(clause)", arguments: arguments).map { row in
            let input: Int64? = row["input_id"]
            let tag: String? = row["tag"]
            let taggedAt: Int64? = row["tagged_at"]
            return WorklistEntry(
                studyID: row["study_id"], input: input.map(InputID.init(rawValue:)),
                arrivedAt: Millis.date(row["arrived_at"]),
                current: tag.map { WorklistTag(tag: $0, priority: row["priority"], score: row["score"],
                                               modelVersion: row["model_version"]) },
                taggedAt: taggedAt.map(Millis.date))
        }
    }
}

/// Timestamps as INTEGER milliseconds since 1970, UTC (what DetectorKit keeps of a date).
enum Millis {
    static func from(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func date(_ ms: Int64) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }
}
