import ContentHash
import DetectorKit
import Foundation

/// A ``FindingsStore`` kept in memory: for tests, and for ephemeral use (a one-off scoring whose results need not
/// outlive the process). Nothing is written to disk; everything is gone when the store is.
///
/// It means what ``SQLiteFindingsStore`` means, call for call: ids ascending from 1, inputs deduplicated by
/// content SHA-256, outcomes exactly once per (input, detector id, detector version), ``recordBatch(_:)`` all or
/// nothing per item, the same validation (through the rules both database engines share) and the same error
/// values, millisecond timestamps, an append-only audit log with the same entries, and the worklist's tag
/// history. Values are kept as the JSON the databases store and decoded on reading, so what comes back is what
/// the databases give back. It also implements the HTTP service's access data (``ServiceStore``).
///
/// Each call runs alone on the actor without suspending, so every write is atomic, like a transaction.
///
/// ```swift
/// let store = InMemoryFindingsStore(actor: "test")
/// ```
public actor InMemoryFindingsStore: FindingsStore {
    /// Who the store's own audit entries name as actor.
    public nonisolated let actor: String

    private nonisolated let log: (@Sendable (String) -> Void)?
    private nonisolated let now: @Sendable () -> Date

    // MARK: State (one array per table; a row's id is its index + 1)

    private struct InputRow {
        var contentSHA256: String
        var path: String
        var kind: InputKind
        var patientID: String?
        var studyID: String?
        var acquiredAt: Int64?
        var registeredAt: Int64
        var sourceMetadata: String?
    }

    private struct RunRow {
        var detector: DetectorProvenance
        var settings: String
        var startedAt: Int64
        var finishedAt: Int64?
        var counts = RunCounts()
    }

    private struct OutcomeKeyRow: Hashable {
        var input: Int64
        var detectorID: String
        var detectorVersion: String
    }

    private struct OutcomeRow {
        var input: Int64
        var detectorID: String
        var detectorVersion: String
        var run: Int64
        var status: OutcomeStatus
        var recordedAt: Int64
    }

    private struct FindingRow {
        var input: Int64
        var run: Int64
        var code: String
        var probability: Double?
        var decision: String
        var json: String
    }

    private struct AbstentionRow {
        var input: Int64
        var run: Int64
        var json: String
    }

    private struct ErrorRow {
        var outcome: Int
        var input: Int64
        var run: Int64
        var reason: String
    }

    private struct WorklistRow {
        var studyID: String
        var input: InputID?
        var arrivedAt: Int64
        var current: WorklistTag?
        var taggedAt: Int64?
    }

    private struct TagRow {
        var entry: Int
        var tag: WorklistTag
        var taggedAt: Int64
    }

    private struct AuditRow {
        var at: Int64
        var actor: String
        var action: String
        var object: String
        var details: String
    }

    private struct TokenRow {
        var digest: String
        var role: APIRole
        var name: String?
        var createdAt: Int64
        var revokedAt: Int64?
        var expiresAt: Int64?
        var site: String?
    }

    private struct IdempotencyKey: Hashable {
        var scope: String
        var keyDigest: String
    }

    private struct IdempotencyRow {
        var response: IdempotentResponse
        var createdAt: Int64
    }

    private var inputRows: [InputRow] = []
    private var inputBySHA: [String: Int64] = [:]
    private var runRows: [RunRow] = []
    private var outcomeRows: [OutcomeRow] = []
    private var outcomeByKey: [OutcomeKeyRow: Int] = [:]
    private var findingRows: [FindingRow] = []
    private var abstentionRows: [AbstentionRow] = []
    private var errorRows: [ErrorRow] = []
    private var worklistRows: [WorklistRow] = []
    private var worklistByStudy: [String: Int] = [:]
    private var tagRows: [TagRow] = []
    private var auditRows: [AuditRow] = []
    private var tokenRows: [TokenRow] = []
    private var tokenByDigest: [String: Int] = [:]
    private var inputSites: Set<SiteGrant> = []
    private var idempotency: [IdempotencyKey: IdempotencyRow] = [:]

    private struct SiteGrant: Hashable {
        var input: Int64
        var site: String
    }

    /// Creates an empty store.
    /// - Parameters:
    ///   - actor: the actor named in audit entries the store writes (`batch`, a user name); must not be blank.
    ///   - log: receives one line per notable event (safe to print: no identifiers), as the SQLite store's.
    ///   - now: the clock (tests pass a fixed one).
    /// - Throws: ``FindingsStoreError/invalidValue(field:problem:)`` for an empty actor.
    public init(actor: String, log: (@Sendable (String) -> Void)? = nil,
                now: @escaping @Sendable () -> Date = { Date() }) throws
    {
        guard !actor.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw FindingsStoreError.invalidValue(field: "actor", problem: "must not be empty")
        }
        self.actor = actor
        self.log = log
        self.now = now
        log?("findings store: opened, in memory")
    }

    // MARK: Inputs

    /// See ``InputStore/registerInput(_:)``.
    public func registerInput(_ input: NewInput) async throws -> StoredInput {
        let checked = try StoreRules.input(input)
        let plan = try planRegistration(checked)
        let (stored, isNew) = applyRegistration(plan, at: Millis.from(now()))
        if isNew { log?("findings store: registered \(stored.id) (\(stored.kind))") }
        return stored
    }

    /// What registering a checked input will do, decided without changing anything (so a batch item can be refused
    /// whole).
    private enum Registration {
        /// The content is registered; `fill` is the source metadata (JSON) to add when it had none.
        case existing(Int64, fill: (JSONValue, String)?)
        /// New content, with its source metadata as JSON.
        case new(NewInput, metadata: String?)
    }

    private func planRegistration(_ input: NewInput) throws -> Registration {
        let sha = input.contentSHA256
        if let id = inputBySHA[sha] {
            let existing = inputRows[Int(id - 1)]
            if existing.kind != input.kind { throw FindingsStoreError.conflictingInput(contentSHA256: sha, field: "kind") }
            if let p = input.patientID, existing.patientID != p {
                throw FindingsStoreError.conflictingInput(contentSHA256: sha, field: "patientID")
            }
            if let s = input.studyID, existing.studyID != s {
                throw FindingsStoreError.conflictingInput(contentSHA256: sha, field: "studyID")
            }
            if existing.sourceMetadata == nil, let meta = input.sourceMetadata {
                return .existing(id, fill: (meta, try StoreRules.json(meta, field: "sourceMetadata")))
            }
            return .existing(id, fill: nil)
        }
        return .new(input, metadata: try input.sourceMetadata.map { try StoreRules.json($0, field: "sourceMetadata") })
    }

    private func applyRegistration(_ plan: Registration, at: Int64) -> (StoredInput, Bool) {
        switch plan {
        case let .existing(id, fill):
            guard let (meta, json) = fill else { return (storedInput(id), false) }
            inputRows[Int(id - 1)].sourceMetadata = json
            var filled = storedInput(id)
            filled.sourceMetadata = meta
            return (filled, false)
        case let .new(input, metadata):
            inputRows.append(InputRow(contentSHA256: input.contentSHA256, path: input.path, kind: input.kind,
                                      patientID: input.patientID, studyID: input.studyID,
                                      acquiredAt: input.acquiredAt.map(Millis.from), registeredAt: at,
                                      sourceMetadata: metadata))
            let id = Int64(inputRows.count)
            inputBySHA[input.contentSHA256] = id
            audit(at: at, actor: actor, action: "input.register", object: "input:\(id)",
                  details: ["kind": .string(input.kind.rawValue)])
            return (storedInput(id), true)
        }
    }

    private func storedInput(_ id: Int64) -> StoredInput {
        let row = inputRows[Int(id - 1)]
        return StoredInput(
            id: InputID(rawValue: id), contentSHA256: row.contentSHA256, path: row.path, kind: row.kind,
            patientID: row.patientID, studyID: row.studyID, acquiredAt: row.acquiredAt.map(Millis.date),
            registeredAt: Millis.date(row.registeredAt),
            sourceMetadata: row.sourceMetadata.flatMap { try? VigilJSON.decode(JSONValue.self, from: Data($0.utf8)) })
    }

    private func inputExists(_ id: InputID) -> Bool { id.rawValue >= 1 && id.rawValue <= Int64(inputRows.count) }

    /// See ``InputStore/input(id:)``.
    public func input(id: InputID) async throws -> StoredInput? {
        inputExists(id) ? storedInput(id.rawValue) : nil
    }

    /// See ``InputStore/input(contentSHA256:)``.
    public func input(contentSHA256: String) async throws -> StoredInput? {
        inputBySHA[contentSHA256.lowercased()].map(storedInput)
    }

    /// See ``InputStore/inputs(kind:after:limit:)``.
    public func inputs(kind: InputKind?, after: InputID?, limit: Int) async throws -> [StoredInput] {
        guard limit > 0 else { throw FindingsStoreError.invalidValue(field: "limit", problem: "must be positive") }
        var out: [StoredInput] = []
        var id = max(after?.rawValue ?? 0, 0) + 1
        while id <= Int64(inputRows.count), out.count < limit {
            if kind == nil || inputRows[Int(id - 1)].kind == kind { out.append(storedInput(id)) }
            id += 1
        }
        return out
    }

    // MARK: Runs

    /// See ``ResultsStore/startRun(_:)``.
    public func startRun(_ run: NewRun) async throws -> RunRecord {
        let d = run.detector
        let settings = try StoreRules.runSettings(run)
        let at = Millis.from(now())
        runRows.append(RunRow(detector: d, settings: settings, startedAt: at))
        let id = Int64(runRows.count)
        audit(at: at, actor: actor, action: "run.start", object: "run:\(id)",
              details: ["detectorID": .string(d.id), "detectorVersion": .string(d.version)])
        let record = try runRecord(RunID(rawValue: id))!
        log?("findings store: started \(record.id) (\(d.id) \(d.version))")
        return record
    }

    /// See ``ResultsStore/finishRun(_:)``.
    public func finishRun(_ id: RunID) async throws -> RunRecord {
        let at = Millis.from(now())
        guard let run = try runRecord(id) else { throw FindingsStoreError.unknownRun(id) }
        if run.finishedAt != nil { throw FindingsStoreError.runFinished(id) }
        runRows[Int(id.rawValue - 1)].finishedAt = at
        let c = run.counts
        audit(at: at, actor: actor, action: "run.finish", object: "run:\(id.rawValue)",
              details: ["inputs": .number(Double(c.inputs)), "scored": .number(Double(c.scored)),
                        "abstained": .number(Double(c.abstained)), "errors": .number(Double(c.errors))])
        let record = try runRecord(id)!
        log?("findings store: finished \(id): \(c.inputs) inputs, \(c.scored) scored, \(c.abstained) abstained, \(c.errors) errors")
        return record
    }

    /// See ``ResultsStore/run(id:)``.
    public func run(id: RunID) async throws -> RunRecord? { try runRecord(id) }

    private func runRecord(_ id: RunID) throws -> RunRecord? {
        guard id.rawValue >= 1, id.rawValue <= Int64(runRows.count) else { return nil }
        let row = runRows[Int(id.rawValue - 1)]
        return RunRecord(id: id, detector: row.detector,
                         settings: try StoreRules.decode([String: JSONValue].self, row.settings, table: "runs", id: id.rawValue),
                         startedAt: Millis.date(row.startedAt), finishedAt: row.finishedAt.map(Millis.date), counts: row.counts)
    }

    // MARK: Outcomes

    /// See ``ResultsStore/recordOutcome(_:input:run:)``.
    public func recordOutcome(_ outcome: DetectorOutcome, input: InputID, run: RunID) async throws -> RecordResult {
        let prepared = try PreparedResult.prepare(.outcome(outcome))
        let result = try record(prepared, input: input, run: run, at: Millis.from(now()))
        StoreRules.recordLine(result, prepared.status, input: input, run: run).map { log?($0) }
        return result
    }

    /// See ``ResultsStore/recordError(input:run:reason:)``.
    public func recordError(input: InputID, run: RunID, reason: String) async throws -> RecordResult {
        let prepared = try PreparedResult.prepare(.error(reason))
        let result = try record(prepared, input: input, run: run, at: Millis.from(now()))
        StoreRules.recordLine(result, prepared.status, input: input, run: run).map { log?($0) }
        return result
    }


    /// Checks, in the SQLite store's order, everything that can refuse a result: the run exists and is open, every
    /// provenance is the run's detector, the input exists. Changes nothing.
    private func check(_ p: PreparedResult, input: InputID, run: RunID) throws {
        try checkRun(p, run: run)
        guard inputExists(input) else { throw FindingsStoreError.unknownInput(input) }
    }

    /// The run exists and is open, and every provenance the result names is the run's detector.
    private func checkRun(_ p: PreparedResult, run: RunID) throws {
        guard let record = try runRecord(run) else { throw FindingsStoreError.unknownRun(run) }
        if record.finishedAt != nil { throw FindingsStoreError.runFinished(run) }
        for provenance in p.provenances where provenance != record.detector {
            throw FindingsStoreError.provenanceMismatch(
                run: run, problem: "outcome names \(StoreRules.describe(provenance)), the run \(StoreRules.describe(record.detector))")
        }
    }

    /// Checks, then writes a result unless its exactly-once key is taken.
    private func record(_ p: PreparedResult, input: InputID, run: RunID, at: Int64) throws -> RecordResult {
        try check(p, input: input, run: run)
        return apply(p, input: input, run: run, at: at)
    }

    /// Writes a checked result (it cannot fail): claims the key, or reports the status already recorded under it.
    private func apply(_ p: PreparedResult, input: InputID, run: RunID, at: Int64) -> RecordResult {
        let runIndex = Int(run.rawValue - 1)
        let detector = runRows[runIndex].detector
        let key = OutcomeKeyRow(input: input.rawValue, detectorID: detector.id, detectorVersion: detector.version)
        if let existing = outcomeByKey[key] { return .alreadyRecorded(outcomeRows[existing].status) }
        outcomeRows.append(OutcomeRow(input: input.rawValue, detectorID: detector.id, detectorVersion: detector.version,
                                      run: run.rawValue, status: p.status, recordedAt: at))
        let outcome = outcomeRows.count - 1
        outcomeByKey[key] = outcome
        for row in p.findings {
            findingRows.append(FindingRow(input: input.rawValue, run: run.rawValue, code: row.code,
                                          probability: row.probability, decision: row.decision, json: row.json))
        }
        if let a = p.abstention {
            abstentionRows.append(AbstentionRow(input: input.rawValue, run: run.rawValue, json: a.json))
        }
        if let reason = p.errorReason {
            errorRows.append(ErrorRow(outcome: outcome, input: input.rawValue, run: run.rawValue, reason: reason))
        }
        runRows[runIndex].counts.inputs += 1
        switch p.status {
        case .scored: runRows[runIndex].counts.scored += 1
        case .abstained: runRows[runIndex].counts.abstained += 1
        case .error: runRows[runIndex].counts.errors += 1
        }
        if p.status == .error {
            audit(at: at, actor: actor, action: "error.record", object: "input:\(input.rawValue)",
                  details: ["run": .number(Double(run.rawValue))])
        } else {
            audit(at: at, actor: actor, action: "outcome.record", object: "input:\(input.rawValue)",
                  details: ["run": .number(Double(run.rawValue)), "status": .string(p.status.rawValue),
                            "findings": .number(Double(p.findings.count))])
        }
        return .recorded
    }

    /// See ``ResultsStore/outcomeStatus(input:detectorID:detectorVersion:)``.
    public func outcomeStatus(input: InputID, detectorID: String, detectorVersion: String) async throws -> OutcomeStatus? {
        outcomeByKey[OutcomeKeyRow(input: input.rawValue, detectorID: detectorID, detectorVersion: detectorVersion)]
            .map { outcomeRows[$0].status }
    }

    /// See ``ResultsStore/recordBatch(_:)``. Each item is checked whole before any of it is written, so a refused item
    /// leaves nothing behind (the SQLite store's savepoint per item).
    public func recordBatch(_ items: [InputResults]) async throws -> [BatchRecordResult] {
        guard !items.isEmpty else { return [] }
        let at = Millis.from(now())
        var out: [BatchRecordResult] = []
        out.reserveCapacity(items.count)
        for item in items {
            do {
                let input: NewInput
                let results: [(RunID, PreparedResult)]
                do {
                    input = try StoreRules.input(item.input)
                    results = try item.results.map { ($0.run, try PreparedResult.prepare($0.result)) }
                } catch let error as FindingsStoreError {
                    throw error
                } catch {
                    throw FindingsStoreError.invalidValue(field: "outcome", problem: String(describing: error))
                }
                let plan = try planRegistration(input)
                // The input is registered (or will be: a new one cannot be unknown); the runs and provenances decide.
                for (run, p) in results { try checkRun(p, run: run) }
                let (stored, _) = applyRegistration(plan, at: at)
                let recorded = results.map { run, p in apply(p, input: stored.id, run: run, at: at) }
                out.append(.recorded(stored, recorded))
            } catch let error as FindingsStoreError {
                out.append(.refused(error))
            }
        }
        let recorded = out.filter { if case .recorded = $0 { true } else { false } }.count
        log?("findings store: batch of \(items.count) inputs recorded (\(items.count - recorded) refused)")
        return out
    }

    /// See ``ResultsStore/outcomeStatuses(contentSHA256:)``.
    public func outcomeStatuses(contentSHA256: String) async throws -> [OutcomeKey: OutcomeStatus] {
        guard let id = inputBySHA[contentSHA256.lowercased()] else { return [:] }
        var out: [OutcomeKey: OutcomeStatus] = [:]
        for row in outcomeRows where row.input == id {
            out[OutcomeKey(detectorID: row.detectorID, detectorVersion: row.detectorVersion)] = row.status
        }
        return out
    }

    // MARK: Queries

    private func storedFindings(where include: (FindingRow) -> Bool) throws -> [(row: FindingRow, stored: StoredFinding)] {
        try findingRows.indices.compactMap { i in
            let row = findingRows[i]
            guard include(row) else { return nil }
            let id = Int64(i + 1)
            return (row, StoredFinding(id: id, input: InputID(rawValue: row.input), run: RunID(rawValue: row.run),
                                       finding: try StoreRules.decode(Finding.self, row.json, table: "findings", id: id)))
        }
    }

    /// See ``ResultsStore/findings(input:)``.
    public func findings(input: InputID) async throws -> [StoredFinding] {
        try storedFindings { $0.input == input.rawValue }.map(\.stored)
    }

    /// See ``ResultsStore/findings(code:probabilityAtLeast:)``.
    public func findings(code: String, probabilityAtLeast: Double) async throws -> [StoredFinding] {
        guard probabilityAtLeast.isFinite else {
            throw FindingsStoreError.invalidValue(field: "probabilityAtLeast", problem: "must be a finite number")
        }
        let matching = try storedFindings { row in
            row.code == code && row.probability.map { $0 >= probabilityAtLeast } == true
        }
        // Highest probability first, then in recording order (ORDER BY probability DESC, id).
        return matching.sorted { a, b in
            let pa = a.row.probability ?? 0, pb = b.row.probability ?? 0
            return pa != pb ? pa > pb : a.stored.id < b.stored.id
        }.map(\.stored)
    }

    /// See ``ResultsStore/findings(run:)``.
    public func findings(run: RunID) async throws -> [StoredFinding] {
        try storedFindings { $0.run == run.rawValue }.map(\.stored)
    }

    private func storedAbstentions(where include: (AbstentionRow) -> Bool) throws -> [StoredAbstention] {
        try abstentionRows.indices.compactMap { i in
            let row = abstentionRows[i]
            guard include(row) else { return nil }
            return StoredAbstention(
                input: InputID(rawValue: row.input), run: RunID(rawValue: row.run),
                abstention: try StoreRules.decode(Abstention.self, row.json, table: "abstentions", id: Int64(i + 1)))
        }
    }

    /// See ``ResultsStore/abstentions(input:)``.
    public func abstentions(input: InputID) async throws -> [StoredAbstention] {
        try storedAbstentions { $0.input == input.rawValue }
    }

    /// See ``ResultsStore/abstentions(run:)``.
    public func abstentions(run: RunID) async throws -> [StoredAbstention] {
        try storedAbstentions { $0.run == run.rawValue }
    }

    private func storedErrors(where include: (ErrorRow) -> Bool) -> [StoredError] {
        errorRows.filter(include).map { row in
            let outcome = outcomeRows[row.outcome]
            return StoredError(input: InputID(rawValue: row.input), run: RunID(rawValue: row.run),
                               detectorID: outcome.detectorID, detectorVersion: outcome.detectorVersion,
                               reason: row.reason, recordedAt: Millis.date(outcome.recordedAt))
        }
    }

    /// See ``ResultsStore/errors(run:)``.
    public func errors(run: RunID) async throws -> [StoredError] { storedErrors { $0.run == run.rawValue } }

    /// See ``ResultsStore/errors(input:)``.
    public func errors(input: InputID) async throws -> [StoredError] { storedErrors { $0.input == input.rawValue } }

    /// See ``ResultsStore/runSummary(_:)``.
    public func runSummary(_ id: RunID) async throws -> RunSummary {
        guard let run = try runRecord(id) else { throw FindingsStoreError.unknownRun(id) }
        var counts: [String: (findings: Int, flagged: Int)] = [:]
        for row in findingRows where row.run == id.rawValue {
            counts[row.code, default: (0, 0)].findings += 1
            if row.decision == "positive" { counts[row.code, default: (0, 0)].flagged += 1 }
        }
        // By code in byte order, as SQLite's ORDER BY code.
        let perCode = counts.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { code in
            CodeCount(code: code, findings: counts[code]!.findings, flagged: counts[code]!.flagged)
        }
        return RunSummary(run: run, perCode: perCode)
    }

    // MARK: Worklist

    /// See ``WorklistStore/addToWorklist(_:)``.
    public func addToWorklist(_ entry: NewWorklistEntry) async throws -> WorklistEntry {
        try StoreRules.worklistEntry(entry)
        let at = Millis.from(now())
        if let input = entry.input, !inputExists(input) { throw FindingsStoreError.unknownInput(input) }
        if let index = worklistByStudy[entry.studyID] { return worklistEntry(index) }
        worklistRows.append(WorklistRow(studyID: entry.studyID, input: entry.input, arrivedAt: Millis.from(entry.arrivedAt)))
        let index = worklistRows.count - 1
        worklistByStudy[entry.studyID] = index
        audit(at: at, actor: actor, action: "worklist.add", object: "worklist:\(index + 1)", details: [:])
        return worklistEntry(index)
    }

    /// See ``WorklistStore/tagWorklistEntry(studyID:tag:)``.
    public func tagWorklistEntry(studyID: String, tag: WorklistTag) async throws -> WorklistEntry {
        try StoreRules.worklistTag(tag)
        let at = Millis.from(now())
        guard let index = worklistByStudy[studyID] else { throw FindingsStoreError.unknownWorklistEntry }
        tagRows.append(TagRow(entry: index, tag: tag, taggedAt: at))
        worklistRows[index].current = tag
        worklistRows[index].taggedAt = at
        var details: [String: JSONValue] = ["tag": .string(tag.tag), "priority": .number(Double(tag.priority))]
        if let v = tag.modelVersion { details["modelVersion"] = .string(v) }
        audit(at: at, actor: actor, action: "worklist.tag", object: "worklist:\(index + 1)", details: details)
        return worklistEntry(index)
    }

    private func worklistEntry(_ index: Int) -> WorklistEntry {
        let row = worklistRows[index]
        return WorklistEntry(studyID: row.studyID, input: row.input, arrivedAt: Millis.date(row.arrivedAt),
                             current: row.current, taggedAt: row.taggedAt.map(Millis.date))
    }

    /// See ``WorklistStore/worklist()``.
    public func worklist() async throws -> [WorklistEntry] {
        // Tagged first by priority (highest first), untagged last, then by arrival and insertion.
        worklistRows.indices.sorted { a, b in
            let ra = worklistRows[a], rb = worklistRows[b]
            switch (ra.current?.priority, rb.current?.priority) {
            case let (pa?, pb?) where pa != pb: return pa > pb
            case (.some, nil): return true
            case (nil, .some): return false
            default: return (ra.arrivedAt, a) < (rb.arrivedAt, b)
            }
        }.map(worklistEntry)
    }

    /// See ``WorklistStore/worklistHistory(studyID:)``.
    public func worklistHistory(studyID: String) async throws -> [WorklistTagRecord] {
        guard let index = worklistByStudy[studyID] else { return [] }
        return tagRows.filter { $0.entry == index }.map { WorklistTagRecord(tag: $0.tag, taggedAt: Millis.date($0.taggedAt)) }
    }

    // MARK: Audit

    /// See ``AuditStore/appendAudit(_:)``.
    public func appendAudit(_ event: AuditEvent) async throws {
        for (field, value) in [("actor", event.actor), ("action", event.action), ("object", event.object)]
        where value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw FindingsStoreError.invalidValue(field: field, problem: "must not be empty")
        }
        let at = Millis.from(now())
        let details = try StoreRules.json(event.details, field: "details")
        auditRows.append(AuditRow(at: at, actor: event.actor, action: event.action, object: event.object, details: details))
    }

    /// See ``AuditStore/auditLog(object:)``.
    public func auditLog(object: String?) async throws -> [AuditEntry] {
        try auditRows.indices.compactMap { i in
            guard object == nil || auditRows[i].object == object else { return nil }
            return try auditEntry(i)
        }
    }

    private func auditEntry(_ index: Int) throws -> AuditEntry {
        let row = auditRows[index]
        let id = Int64(index + 1)
        return AuditEntry(id: id, at: Millis.date(row.at), actor: row.actor, action: row.action, object: row.object,
                          details: try StoreRules.decode([String: JSONValue].self, row.details, table: "audit_log", id: id))
    }

    /// Appends one of the store's own entries. Its details are the store's own values, which always encode.
    private func audit(at: Int64, actor: String, action: String, object: String, details: [String: JSONValue]) {
        let text = (try? StoreRules.json(details, field: "details")) ?? "{}"
        auditRows.append(AuditRow(at: at, actor: actor, action: action, object: object, details: text))
    }
}

// MARK: - The HTTP service's access data

extension InMemoryFindingsStore: APITokenStore, IdempotencyStore, PagedAuditLog, SiteAccessStore {
    /// See ``APITokenStore/createToken(role:name:expiresAt:site:)``. Appends a `token.create` audit entry (role,
    /// expiry, site; no secret). Only the secret's SHA-256 is kept.
    public func createToken(role: APIRole, name: String?, expiresAt: Date?, site: String?) async throws
        -> (secret: String, token: APIToken)
    {
        let new = try StoreRules.newToken(role: role, name: name, site: site)
        let (trimmed, site, secret, digest) = (new.name, new.site, new.secret, new.digest)
        let at = Millis.from(now())
        let expires = expiresAt.map(Millis.from)
        tokenRows.append(TokenRow(digest: digest, role: role, name: trimmed, createdAt: at, expiresAt: expires, site: site))
        let id = Int64(tokenRows.count)
        tokenByDigest[digest] = tokenRows.count - 1
        let details = StoreRules.tokenCreated(role: role, expiresAt: expires.map(Millis.date), site: site)
        audit(at: at, actor: actor, action: "token.create", object: "token:\(id)", details: details)
        return (secret, apiToken(tokenRows.count - 1))
    }

    private func apiToken(_ index: Int) -> APIToken {
        let row = tokenRows[index]
        return APIToken(id: Int64(index + 1), role: row.role, name: row.name, createdAt: Millis.date(row.createdAt),
                        revokedAt: row.revokedAt.map(Millis.date), expiresAt: row.expiresAt.map(Millis.date), site: row.site)
    }

    /// See ``APITokenStore/token(secret:)``.
    public func token(secret: String) async throws -> APIToken? {
        tokenByDigest[SHA256Digest.hex(of: Data(secret.utf8))].map(apiToken)
    }

    /// See ``APITokenStore/tokens()``.
    public func tokens() async throws -> [APIToken] { tokenRows.indices.map(apiToken) }

    /// See ``APITokenStore/revokeToken(id:)``. Appends a `token.revoke` audit entry the first time.
    public func revokeToken(id: Int64) async throws -> APIToken {
        guard id >= 1, id <= Int64(tokenRows.count) else { throw APITokenError.unknownToken(id) }
        let index = Int(id - 1)
        if tokenRows[index].revokedAt != nil { return apiToken(index) }
        let at = Millis.from(now())
        tokenRows[index].revokedAt = at
        audit(at: at, actor: actor, action: "token.revoke", object: "token:\(id)", details: [:])
        return apiToken(index)
    }

    /// See ``SiteAccessStore/grant(site:input:)``. Not audited, as in the SQLite store.
    public func grant(site: String, input: InputID) async throws {
        _ = try APIToken.checkedSite(site)
        guard inputExists(input) else { throw FindingsStoreError.unknownInput(input) }
        inputSites.insert(SiteGrant(input: input.rawValue, site: site))
    }

    /// See ``SiteAccessStore/inputs(_:grantedTo:)``.
    public func inputs(_ inputs: [InputID], grantedTo site: String) async throws -> Set<InputID> {
        Set(inputs.filter { inputSites.contains(SiteGrant(input: $0.rawValue, site: site)) })
    }

    /// See ``IdempotencyStore/idempotentResponse(scope:key:notBefore:)``.
    public func idempotentResponse(scope: String, key: String, notBefore: Date) async throws -> IdempotentResponse? {
        let since = Millis.from(max(notBefore, Date(timeIntervalSince1970: 0)))
        guard let row = idempotency[IdempotencyKey(scope: scope, keyDigest: SHA256Digest.hex(of: Data(key.utf8)))],
              row.createdAt >= since
        else { return nil }
        return row.response
    }

    /// See ``IdempotencyStore/keepIdempotentResponse(_:scope:key:notBefore:)``.
    public func keepIdempotentResponse(_ response: IdempotentResponse, scope: String, key: String, notBefore: Date) async throws
        -> IdempotentResponse
    {
        let id = IdempotencyKey(scope: scope, keyDigest: SHA256Digest.hex(of: Data(key.utf8)))
        var kept = response
        kept.requestSHA256 = try StoreRules.sha256(response.requestSHA256, field: "requestSHA256")
        let at = Millis.from(now())
        let since = Millis.from(max(notBefore, Date(timeIntervalSince1970: 0)))
        // A kept answer wins unless it has expired (kept before `notBefore`): then this one replaces it.
        if let existing = idempotency[id], existing.createdAt >= since { return existing.response }
        idempotency[id] = IdempotencyRow(response: kept, createdAt: at)
        return kept
    }

    /// See ``IdempotencyStore/deleteIdempotentResponses(before:)``.
    public func deleteIdempotentResponses(before date: Date) async throws -> Int {
        let before = Millis.from(max(date, Date(timeIntervalSince1970: 0)))
        let old = idempotency.filter { $0.value.createdAt < before }.keys
        for key in old { idempotency[key] = nil }
        return old.count
    }

    /// See ``PagedAuditLog/auditLog(after:limit:)``.
    public func auditLog(after: Int64?, limit: Int) async throws -> [AuditEntry] {
        guard limit > 0 else { throw FindingsStoreError.invalidValue(field: "limit", problem: "must be at least 1") }
        let start = Int(max(after ?? 0, 0))
        guard start < auditRows.count else { return [] }
        return try (start..<min(start + limit, auditRows.count)).map(auditEntry)
    }
}
