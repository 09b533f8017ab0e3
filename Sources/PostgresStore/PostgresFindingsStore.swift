import DetectorKit
import FindingsStore
import Foundation
import PostgresNIO

/// The ``FindingsStore`` on PostgreSQL, for several nodes: the same tables and meaning as the SQLite
/// store (docs/store.md), shared by any number of `vigil worker` and `vigil batch` processes.
///
/// - **Exactly once.** `outcomes` has a unique (input, detector id, detector version) key; a record
///   inserts it with `ON CONFLICT DO NOTHING` and writes the findings, abstention or error, the run's
///   counts and the audit entry only when the insert took place, all in one transaction.
/// - **Concurrency.** Every write is one transaction (READ COMMITTED); a record locks its run's row, so
///   two writers of one run queue behind each other and writers of different runs do not. A deadlock or
///   serialization failure is retried (3 tries).
/// - **Migrations.** Applied in order under an advisory lock, one transaction each, names kept in
///   `vigil_migrations`; a database migrated by a newer build is refused.
/// - **Privacy.** The store logs row ids, counts and detector names only; database errors become
///   ``PostgresStoreError`` values naming the operation and SQLSTATE, never statement values.
///
/// ```swift
/// let store = try await PostgresFindingsStore(url: "postgresql://vigil@127.0.0.1:5432/vigil", actor: "batch")
/// defer { Task { await store.close() } }
/// ```
public final class PostgresFindingsStore: FindingsStore {
    /// The migration names this build knows, oldest first.
    public static var schemaMigrations: [String] { PostgresSchema.migrationNames }

    /// Where the database is (its description has no password).
    public let url: PostgresURL
    /// Who the store's own audit entries name as actor.
    public let actor: String

    let client: PostgresClient
    let runner: Task<Void, Never>
    /// Receives one line per notable event (no identifiers); workers log through it too.
    public let log: (@Sendable (String) -> Void)?
    let now: @Sendable () -> Date

    /// Connects (a pool of up to `maxConnections`) and migrates the database to the current schema.
    /// - Parameters:
    ///   - url: a `postgresql://` URL (``PostgresURL``).
    ///   - actor: the actor named in audit entries the store writes.
    ///   - maxConnections: the pool's size (a worker needs about one per thread plus one).
    ///   - connectTimeout: how long to wait for the server to answer at first.
    /// - Throws: ``PostgresStoreError/badURL(_:)``, ``PostgresStoreError/cannotConnect(url:problem:)``,
    ///   ``FindingsStoreError/newerSchema(unknownMigrations:)``.
    public init(url: String, actor: String, maxConnections: Int = 8, connectTimeout: Double = 15,
                log: (@Sendable (String) -> Void)? = nil, now: @escaping @Sendable () -> Date = { Date() }) async throws
    {
        guard !actor.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw FindingsStoreError.invalidValue(field: "actor", problem: "must not be empty")
        }
        let parsed = try PostgresURL(url, applicationName: "vigil-\(actor)")
        let client = PostgresClient(configuration: parsed.clientConfiguration(maxConnections: maxConnections),
                                    backgroundLogger: PG.logger)
        self.url = parsed
        self.actor = actor
        self.client = client
        self.runner = Task { await client.run() }
        self.log = log
        self.now = now
        do {
            try await Self.ping(client, url: parsed, timeout: connectTimeout)
            let applied = try await Self.migrate(client)
            if !applied.isEmpty { log?("findings store: applied migrations \(applied.joined(separator: ", "))") }
        } catch {
            runner.cancel()
            throw error
        }
        log?("findings store: opened \(parsed), schema \(PostgresSchema.migrationNames.last!)")
    }

    deinit { runner.cancel() }

    /// Closes the connections (queries after this fail).
    public func close() async {
        runner.cancel()
        await runner.value
    }

    static func ping(_ client: PostgresClient, url: PostgresURL, timeout: Double) async throws {
        let result = await withTaskGroup(of: (any Error)?.self) { group in
            group.addTask {
                do {
                    _ = try await client.query("SELECT 1", logger: PG.logger).collect()
                    return nil
                } catch { return error }
            }
            group.addTask {
                try? await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
                return PostgresStoreError.cannotConnect(url: url.description, problem: "no answer within \(Int(timeout)) s")
            }
            let first = await group.next()!
            group.cancelAll()
            return first
        }
        if let error = result {
            if let e = error as? PostgresStoreError { throw e }
            let problem: String
            if let state = (error as? PSQLError)?.serverInfo?[.sqlState] {
                problem = switch state {
                case "28P01", "28000": "authentication failed (SQLSTATE \(state))"
                case "3D000": "no database '\(url.database)' (SQLSTATE \(state))"
                default: "the server refused (SQLSTATE \(state))"
                }
            } else {
                problem = "no connection (\((error as? PSQLError).map { "\($0.code)" } ?? "\(type(of: error))"))"
            }
            throw PostgresStoreError.cannotConnect(url: url.description, problem: problem)
        }
    }

    /// Applies the missing migrations, one transaction each, under an advisory lock; returns their names.
    static func migrate(_ client: PostgresClient) async throws -> [String] {
        var appliedNow: [String] = []
        while true {
            let next: String? = try await client.withConnection { conn in
                try await conn.run("BEGIN")
                do {
                    try await conn.run("SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLock))")
                    try await conn.run("""
                        CREATE TABLE IF NOT EXISTS vigil_migrations (
                            name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                        """)
                    var applied = Set<String>()
                    for row in try await conn.rows("SELECT name FROM vigil_migrations") {
                        applied.insert(try row.decode(String.self))
                    }
                    let unknown = applied.subtracting(PostgresSchema.migrationNames).sorted()
                    if !unknown.isEmpty { throw FindingsStoreError.newerSchema(unknownMigrations: unknown) }
                    guard let migration = PostgresSchema.migrations.first(where: { !applied.contains($0.name) }) else {
                        try await conn.run("COMMIT")
                        return nil
                    }
                    for statement in migration.statements {
                        try await conn.run(PostgresQuery(unsafeSQL: statement))
                    }
                    try await conn.run("INSERT INTO vigil_migrations (name) VALUES (\(migration.name))")
                    try await conn.run("COMMIT")
                    return migration.name
                } catch {
                    _ = try? await conn.run("ROLLBACK")
                    throw error
                }
            }
            guard let next else { return appliedNow }
            appliedNow.append(next)
        }
    }

    /// The migrations applied to the database, oldest first.
    public func appliedMigrations() async throws -> [String] {
        try await read("reading migrations") { conn in
            try await conn.rows("SELECT name FROM vigil_migrations ORDER BY applied_at, name").map { try $0.decode(String.self) }
        }.sorted { (PostgresSchema.migrationNames.firstIndex(of: $0) ?? .max) < (PostgresSchema.migrationNames.firstIndex(of: $1) ?? .max) }
    }

    // MARK: Transactions

    /// Runs `body` in one transaction; retried (3 tries) on deadlock and serialization failure.
    func transaction<T: Sendable>(_ operation: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await client.withConnection { conn in
                    try await conn.run("BEGIN")
                    do {
                        let value = try await body(conn)
                        try await conn.run("COMMIT")
                        return value
                    } catch {
                        _ = try? await conn.run("ROLLBACK")
                        throw error
                    }
                }
            } catch {
                let mapped = PG.map(error, operation)
                if attempt < 3, case let .database(_, state, _)? = mapped as? PostgresStoreError,
                   state == "40P01" || state == "40001"
                {
                    continue
                }
                throw mapped
            }
        }
    }

    /// Runs reads on one pooled connection (no transaction).
    func read<T: Sendable>(_ operation: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { conn in try await body(conn) }
        } catch {
            throw PG.map(error, operation)
        }
    }

    // MARK: Inputs

    static let inputColumns = """
        id, content_sha256, path, kind, patient_id, study_id, acquired_at, registered_at, source_metadata::text
        """

    /// See ``InputStore/registerInput(_:)``.
    public func registerInput(_ input: NewInput) async throws -> StoredInput {
        let checked = try StoreRules.input(input)
        let metadata = try checked.sourceMetadata.map { try StoreRules.json($0, field: "sourceMetadata") }
        let at = Millis.round(now())
        let actor = actor
        let (stored, isNew) = try await transaction("registering an input") { conn in
            try await Self.register(conn, checked, metadata: metadata, at: at, actor: actor)
        }
        if isNew { log?("findings store: registered \(stored.id) (\(stored.kind))") }
        return stored
    }

    /// Finds or inserts a checked input inside a transaction; true when it was inserted.
    /// - Parameter fillIdentity: when true (queue workers, who learn a record's patient and study from the
    ///   file after `--enqueue` registered it by content), a NULL patient, study or acquisition time is
    ///   filled in; a different non-NULL value is still a conflict.
    static func register(_ conn: PostgresConnection, _ input: NewInput, metadata: String?, at: Date, actor: String,
                         fillIdentity: Bool = false) async throws -> (StoredInput, Bool)
    {
        let sha = input.contentSHA256
        let acquired = input.acquiredAt.map(Millis.round)
        let inserted = try await conn.rows("""
            INSERT INTO inputs (content_sha256, path, kind, patient_id, study_id, acquired_at, registered_at, source_metadata)
            VALUES (\(sha), \(input.path), \(input.kind.rawValue), \(input.patientID), \(input.studyID), \(acquired),
                    \(at), \(metadata)::jsonb)
            ON CONFLICT (content_sha256) DO NOTHING
            RETURNING \(unescaped: inputColumns)
            """)
        if let row = inserted.first {
            let stored = try Self.input(from: row)
            try await audit(conn, at: at, actor: actor, action: "input.register", object: "input:\(stored.id.rawValue)",
                            details: ["kind": .string(input.kind.rawValue)])
            return (stored, true)
        }
        guard let row = try await conn.rows(
            "SELECT \(unescaped: inputColumns) FROM inputs WHERE content_sha256 = \(sha) FOR UPDATE").first
        else {
            throw FindingsStoreError.corruptRow(table: "inputs", id: 0, problem: "not found after a conflicting insert")
        }
        var existing = try Self.input(from: row)
        if existing.kind != input.kind { throw FindingsStoreError.conflictingInput(contentSHA256: sha, field: "kind") }
        var fill: [String] = []
        if let p = input.patientID, existing.patientID != p {
            if fillIdentity, existing.patientID == nil { fill.append("patient_id") } else {
                throw FindingsStoreError.conflictingInput(contentSHA256: sha, field: "patientID")
            }
        }
        if let s = input.studyID, existing.studyID != s {
            if fillIdentity, existing.studyID == nil { fill.append("study_id") } else {
                throw FindingsStoreError.conflictingInput(contentSHA256: sha, field: "studyID")
            }
        }
        if fillIdentity, existing.acquiredAt == nil, acquired != nil { fill.append("acquired_at") }
        if existing.sourceMetadata == nil, metadata != nil { fill.append("source_metadata") }
        if !fill.isEmpty {
            let id = existing.id.rawValue
            let updated = try await conn.rows("""
                UPDATE inputs SET
                    patient_id = COALESCE(patient_id, \(input.patientID)),
                    study_id = COALESCE(study_id, \(input.studyID)),
                    acquired_at = CASE WHEN \(fillIdentity) THEN COALESCE(acquired_at, \(acquired)) ELSE acquired_at END,
                    source_metadata = COALESCE(source_metadata, \(metadata)::jsonb)
                WHERE id = \(id)
                RETURNING \(unescaped: inputColumns)
                """)
            if let row = updated.first { existing = try Self.input(from: row) }
        }
        return (existing, false)
    }

    /// See ``InputStore/input(id:)``.
    public func input(id: InputID) async throws -> StoredInput? {
        try await read("reading an input") { conn in
            try await conn.rows("SELECT \(unescaped: Self.inputColumns) FROM inputs WHERE id = \(id.rawValue)")
                .first.map(Self.input(from:))
        }
    }

    /// See ``InputStore/input(contentSHA256:)``.
    public func input(contentSHA256: String) async throws -> StoredInput? {
        let sha = contentSHA256.lowercased()
        return try await read("reading an input") { conn in
            try await conn.rows("SELECT \(unescaped: Self.inputColumns) FROM inputs WHERE content_sha256 = \(sha)")
                .first.map(Self.input(from:))
        }
    }

    static func input(from row: PostgresRow) throws -> StoredInput {
        let (id, sha, path, kind, patient, study, acquired, registered, source) =
            try row.decode((Int64, String, String, String, String?, String?, Date?, Date, String?).self)
        return StoredInput.make(
            id: InputID(rawValue: id), contentSHA256: sha, path: path, kind: InputKind(rawValue: kind),
            patientID: patient, studyID: study, acquiredAt: acquired.map(Millis.round),
            registeredAt: Millis.round(registered),
            sourceMetadata: source.flatMap { try? VigilJSON.decode(JSONValue.self, from: Data($0.utf8)) })
    }

    // MARK: Runs

    static let runColumns = """
        id, detector_id, detector_version, model_name, model_version, model_sha256, settings::text, started_at,
        finished_at, inputs_count, scored_count, abstained_count, error_count
        """

    /// See ``ResultsStore/startRun(_:)``.
    public func startRun(_ run: NewRun) async throws -> RunRecord {
        let d = run.detector
        let settings = try StoreRules.runSettings(run)
        let at = Millis.round(now())
        let actor = actor
        let record = try await transaction("starting a run") { conn -> RunRecord in
            let rows = try await conn.rows("""
                INSERT INTO runs (detector_id, detector_version, model_name, model_version, model_sha256, settings, started_at)
                VALUES (\(d.id), \(d.version), \(d.modelName), \(d.modelVersion), \(d.modelSHA256), \(settings)::jsonb, \(at))
                RETURNING \(unescaped: Self.runColumns)
                """)
            let record = try Self.run(from: rows[0])
            try await Self.audit(conn, at: at, actor: actor, action: "run.start", object: "run:\(record.id.rawValue)",
                                 details: ["detectorID": .string(d.id), "detectorVersion": .string(d.version)])
            return record
        }
        log?("findings store: started \(record.id) (\(d.id) \(d.version))")
        return record
    }

    /// See ``ResultsStore/finishRun(_:)``.
    public func finishRun(_ id: RunID) async throws -> RunRecord {
        let at = Millis.round(now())
        let actor = actor
        let record = try await transaction("finishing a run") { conn -> RunRecord in
            guard let run = try await Self.fetchRun(conn, id, lock: true) else { throw FindingsStoreError.unknownRun(id) }
            if run.finishedAt != nil { throw FindingsStoreError.runFinished(id) }
            let rows = try await conn.rows(
                "UPDATE runs SET finished_at = \(at) WHERE id = \(id.rawValue) RETURNING \(unescaped: Self.runColumns)")
            let c = run.counts
            try await Self.audit(conn, at: at, actor: actor, action: "run.finish", object: "run:\(id.rawValue)",
                                 details: ["inputs": .number(Double(c.inputs)), "scored": .number(Double(c.scored)),
                                           "abstained": .number(Double(c.abstained)), "errors": .number(Double(c.errors))])
            return try Self.run(from: rows[0])
        }
        let c = record.counts
        log?("findings store: finished \(id): \(c.inputs) inputs, \(c.scored) scored, \(c.abstained) abstained, \(c.errors) errors")
        return record
    }

    /// See ``ResultsStore/run(id:)``.
    public func run(id: RunID) async throws -> RunRecord? {
        try await read("reading a run") { conn in try await Self.fetchRun(conn, id, lock: false) }
    }

    static func fetchRun(_ conn: PostgresConnection, _ id: RunID, lock: Bool) async throws -> RunRecord? {
        let rows = try await conn.rows(
            "SELECT \(unescaped: runColumns) FROM runs WHERE id = \(id.rawValue) \(unescaped: lock ? "FOR NO KEY UPDATE" : "")")
        return try rows.first.map(Self.run(from:))
    }

    static func run(from row: PostgresRow) throws -> RunRecord {
        let (id, detectorID, version, modelName, modelVersion, modelSHA, settings, started, finished, n, s, a, e) =
            try row.decode((Int64, String, String, String?, String?, String?, String, Date, Date?, Int64, Int64, Int64, Int64).self)
        return RunRecord.make(
            id: RunID(rawValue: id),
            detector: DetectorProvenance(id: detectorID, version: version, modelName: modelName, modelVersion: modelVersion,
                                         modelSHA256: modelSHA),
            settings: try StoreRules.decode([String: JSONValue].self, settings, table: "runs", id: id),
            startedAt: Millis.round(started), finishedAt: finished.map(Millis.round),
            counts: RunCounts(inputs: Int(n), scored: Int(s), abstained: Int(a), errors: Int(e)))
    }

    // MARK: Outcomes

    /// See ``ResultsStore/recordOutcome(_:input:run:)``.
    public func recordOutcome(_ outcome: DetectorOutcome, input: InputID, run: RunID) async throws -> RecordResult {
        try await record(try PreparedResult.prepare(.outcome(outcome)), input: input, run: run)
    }

    /// See ``ResultsStore/recordError(input:run:reason:)``.
    public func recordError(input: InputID, run: RunID, reason: String) async throws -> RecordResult {
        try await record(try PreparedResult.prepare(.error(reason)), input: input, run: run)
    }

    func record(_ prepared: PreparedResult, input: InputID, run: RunID) async throws -> RecordResult {
        let at = Millis.round(now())
        let actor = actor
        let result = try await transaction("recording an outcome") { conn in
            try await Self.write(conn, prepared, input: input, run: run, at: at, actor: actor)
        }
        StoreRules.recordLine(result, prepared.status, input: input, run: run).map { log?($0) }
        return result
    }


    /// Checks the run and provenance, then claims the exactly-once key and writes the result, inside the
    /// caller's transaction.
    static func write(_ conn: PostgresConnection, _ p: PreparedResult, input: InputID, run: RunID, at: Date,
                      actor: String) async throws -> RecordResult
    {
        guard let runRecord = try await fetchRun(conn, run, lock: true) else { throw FindingsStoreError.unknownRun(run) }
        if runRecord.finishedAt != nil { throw FindingsStoreError.runFinished(run) }
        for provenance in p.provenances where provenance != runRecord.detector {
            throw FindingsStoreError.provenanceMismatch(
                run: run, problem: "outcome names \(StoreRules.describe(provenance)), the run \(StoreRules.describe(runRecord.detector))")
        }
        guard try await !conn.rows("SELECT 1 FROM inputs WHERE id = \(input.rawValue)").isEmpty else {
            throw FindingsStoreError.unknownInput(input)
        }
        let d = runRecord.detector
        let claimed = try await conn.rows("""
            INSERT INTO outcomes (input_id, detector_id, detector_version, run_id, status, recorded_at)
            VALUES (\(input.rawValue), \(d.id), \(d.version), \(run.rawValue), \(p.status.rawValue), \(at))
            ON CONFLICT (input_id, detector_id, detector_version) DO NOTHING
            RETURNING id
            """)
        guard let outcomeID = try claimed.first?.decode(Int64.self) else {
            let rows = try await conn.rows("""
                SELECT status FROM outcomes
                WHERE input_id = \(input.rawValue) AND detector_id = \(d.id) AND detector_version = \(d.version)
                """)
            guard let text = try rows.first?.decode(String.self), let status = OutcomeStatus(rawValue: text) else {
                throw FindingsStoreError.corruptRow(table: "outcomes", id: input.rawValue, problem: "unknown status")
            }
            return .alreadyRecorded(status)
        }
        for row in p.findings {
            try await conn.run("""
                INSERT INTO findings (outcome_id, input_id, run_id, code, probability, decision, json)
                VALUES (\(outcomeID), \(input.rawValue), \(run.rawValue), \(row.code), \(row.probability), \(row.decision),
                        \(row.json)::jsonb)
                """)
        }
        if let a = p.abstention {
            try await conn.run("""
                INSERT INTO abstentions (outcome_id, input_id, run_id, reason, json)
                VALUES (\(outcomeID), \(input.rawValue), \(run.rawValue), \(a.reason), \(a.json)::jsonb)
                """)
        }
        if let reason = p.errorReason {
            try await conn.run("""
                INSERT INTO input_errors (outcome_id, input_id, run_id, reason)
                VALUES (\(outcomeID), \(input.rawValue), \(run.rawValue), \(reason))
                """)
        }
        let column = switch p.status {
        case .scored: "scored_count"
        case .abstained: "abstained_count"
        case .error: "error_count"
        }
        try await conn.run(
            "UPDATE runs SET inputs_count = inputs_count + 1, \(unescaped: column) = \(unescaped: column) + 1 WHERE id = \(run.rawValue)")
        if p.status == .error {
            try await audit(conn, at: at, actor: actor, action: "error.record", object: "input:\(input.rawValue)",
                            details: ["run": .number(Double(run.rawValue))])
        } else {
            try await audit(conn, at: at, actor: actor, action: "outcome.record", object: "input:\(input.rawValue)",
                            details: ["run": .number(Double(run.rawValue)), "status": .string(p.status.rawValue),
                                      "findings": .number(Double(p.findings.count))])
        }
        return .recorded
    }

    /// See ``ResultsStore/outcomeStatus(input:detectorID:detectorVersion:)``.
    public func outcomeStatus(input: InputID, detectorID: String, detectorVersion: String) async throws -> OutcomeStatus? {
        try await read("reading an outcome") { conn in
            try await conn.rows("""
                SELECT status FROM outcomes
                WHERE input_id = \(input.rawValue) AND detector_id = \(detectorID) AND detector_version = \(detectorVersion)
                """).first.flatMap { OutcomeStatus(rawValue: try $0.decode(String.self)) }
        }
    }

    /// See ``ResultsStore/recordBatch(_:)``.
    public func recordBatch(_ items: [InputResults]) async throws -> [BatchRecordResult] {
        guard !items.isEmpty else { return [] }
        let prepared = Self.prepareBatch(items)
        let at = Millis.round(now())
        let actor = actor
        let results = try await transaction("recording a batch") { conn in
            try await Self.writeBatch(conn, prepared, at: at, actor: actor, fillIdentity: false)
        }
        let recorded = results.filter { if case .recorded = $0 { true } else { false } }.count
        log?("findings store: batch of \(items.count) inputs recorded (\(items.count - recorded) refused)")
        return results
    }

    /// A batch item validated and encoded, or why it is refused.
    typealias PreparedItem = Result<(input: NewInput, metadata: String?, results: [(RunID, PreparedResult)]), FindingsStoreError>

    static func prepareBatch(_ items: [InputResults]) -> [PreparedItem] {
        items.map { item in
            do {
                let input = try StoreRules.input(item.input)
                let metadata = try input.sourceMetadata.map { try StoreRules.json($0, field: "sourceMetadata") }
                let results = try item.results.map { ($0.run, try PreparedResult.prepare($0.result)) }
                return .success((input, metadata, results))
            } catch let error as FindingsStoreError {
                return .failure(error)
            } catch {
                return .failure(.invalidValue(field: "outcome", problem: String(describing: error)))
            }
        }
    }

    /// Writes prepared items inside the caller's transaction, each in its own savepoint.
    static func writeBatch(_ conn: PostgresConnection, _ prepared: [PreparedItem], at: Date, actor: String,
                           fillIdentity: Bool) async throws -> [BatchRecordResult]
    {
        var out: [BatchRecordResult] = []
        out.reserveCapacity(prepared.count)
        for item in prepared {
            switch item {
            case let .failure(error):
                out.append(.refused(error))
            case let .success((input, metadata, results)):
                try await conn.run("SAVEPOINT vigil_item")
                do {
                    let (stored, _) = try await register(conn, input, metadata: metadata, at: at, actor: actor,
                                                         fillIdentity: fillIdentity)
                    var recorded: [RecordResult] = []
                    for (run, p) in results {
                        recorded.append(try await write(conn, p, input: stored.id, run: run, at: at, actor: actor))
                    }
                    try await conn.run("RELEASE SAVEPOINT vigil_item")
                    out.append(.recorded(stored, recorded))
                } catch let error as FindingsStoreError {
                    try await conn.run("ROLLBACK TO SAVEPOINT vigil_item")
                    try await conn.run("RELEASE SAVEPOINT vigil_item")
                    out.append(.refused(error))
                }
            }
        }
        return out
    }

    /// See ``ResultsStore/outcomeStatuses(contentSHA256:)``.
    public func outcomeStatuses(contentSHA256: String) async throws -> [OutcomeKey: OutcomeStatus] {
        let sha = contentSHA256.lowercased()
        return try await read("reading outcomes") { conn in
            var out: [OutcomeKey: OutcomeStatus] = [:]
            for row in try await conn.rows("""
                SELECT o.detector_id, o.detector_version, o.status FROM outcomes o
                JOIN inputs i ON i.id = o.input_id WHERE i.content_sha256 = \(sha)
                """)
            {
                let (id, version, text) = try row.decode((String, String, String).self)
                guard let status = OutcomeStatus(rawValue: text) else {
                    throw FindingsStoreError.corruptRow(table: "outcomes", id: 0, problem: "unknown status")
                }
                out[OutcomeKey(detectorID: id, detectorVersion: version)] = status
            }
            return out
        }
    }

    // MARK: Audit

    static func audit(_ conn: PostgresConnection, at: Date, actor: String, action: String, object: String,
                      details: [String: JSONValue]) async throws
    {
        let json = try StoreRules.json(details, field: "details")
        try await conn.run("""
            INSERT INTO audit_log (at, actor, action, object, details)
            VALUES (\(at), \(actor), \(action), \(object), \(json)::jsonb)
            """)
    }

    // MARK: Test and maintenance helpers

    /// Runs raw SQL in its own transaction (tests: the audit triggers, damaged rows). Errors carry the
    /// server's message, which may quote values: not for production paths.
    func executeRaw(_ sql: String) async throws {
        do {
            try await client.withConnection { conn in try await conn.run(PostgresQuery(unsafeSQL: sql)) }
        } catch {
            throw RawSQLError(message: PG.serverMessage(error) ?? String(reflecting: error))
        }
    }

    /// The first column of the first row of a raw query, as an integer (tests and benchmarks: counts).
    func integer(_ sql: String) async throws -> Int64 {
        do {
            return try await client.withConnection { conn in
                guard let row = try await conn.rows(PostgresQuery(unsafeSQL: sql)).first else { return 0 }
                return try row.decode(Int64?.self) ?? 0
            }
        } catch {
            throw RawSQLError(message: PG.serverMessage(error) ?? String(reflecting: error))
        }
    }

    /// The names of the tables and triggers in the database (tests: migrations from empty).
    func schemaObjects() async throws -> [String] {
        try await read("reading the schema") { conn in
            try await conn.rows("""
                SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()
                UNION SELECT t.tgname::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND NOT t.tgisinternal
                ORDER BY 1
                """).map { try $0.decode(String.self) }
        }
    }
}

/// A raw statement's failure, with the server's message (tests only).
struct RawSQLError: Error, CustomStringConvertible {
    let message: String
    var description: String { "raw SQL failed: \(message)" }
}
