import DetectorKit
import FindingsStore
import Foundation
import PostgresNIO

extension PostgresFindingsStore {
    // MARK: Findings, abstentions, errors

    /// See ``ResultsStore/findings(input:)``.
    public func findings(input: InputID) async throws -> [StoredFinding] {
        try await fetchFindings("SELECT id, input_id, run_id, json::text FROM findings WHERE input_id = \(input.rawValue) ORDER BY id")
    }

    /// See ``ResultsStore/findings(code:probabilityAtLeast:)``.
    public func findings(code: String, probabilityAtLeast: Double) async throws -> [StoredFinding] {
        guard probabilityAtLeast.isFinite else {
            throw FindingsStoreError.invalidValue(field: "probabilityAtLeast", problem: "must be a finite number")
        }
        return try await fetchFindings("""
            SELECT id, input_id, run_id, json::text FROM findings
            WHERE code = \(code) AND probability >= \(probabilityAtLeast) ORDER BY probability DESC, id
            """)
    }

    /// See ``ResultsStore/findings(run:)``.
    public func findings(run: RunID) async throws -> [StoredFinding] {
        try await fetchFindings("SELECT id, input_id, run_id, json::text FROM findings WHERE run_id = \(run.rawValue) ORDER BY id")
    }

    func fetchFindings(_ query: PostgresQuery) async throws -> [StoredFinding] {
        try await read("reading findings") { conn in
            try await conn.rows(query).map { row in
                let (id, input, run, json) = try row.decode((Int64, Int64, Int64, String).self)
                return StoredFinding.make(id: id, input: InputID(rawValue: input), run: RunID(rawValue: run),
                                     finding: try StoreRules.decode(Finding.self, json, table: "findings", id: id))
            }
        }
    }

    /// See ``ResultsStore/abstentions(input:)``.
    public func abstentions(input: InputID) async throws -> [StoredAbstention] {
        try await fetchAbstentions(
            "SELECT id, input_id, run_id, json::text FROM abstentions WHERE input_id = \(input.rawValue) ORDER BY id")
    }

    /// See ``ResultsStore/abstentions(run:)``.
    public func abstentions(run: RunID) async throws -> [StoredAbstention] {
        try await fetchAbstentions(
            "SELECT id, input_id, run_id, json::text FROM abstentions WHERE run_id = \(run.rawValue) ORDER BY id")
    }

    func fetchAbstentions(_ query: PostgresQuery) async throws -> [StoredAbstention] {
        try await read("reading abstentions") { conn in
            try await conn.rows(query).map { row in
                let (id, input, run, json) = try row.decode((Int64, Int64, Int64, String).self)
                return StoredAbstention.make(input: InputID(rawValue: input), run: RunID(rawValue: run),
                                        abstention: try StoreRules.decode(Abstention.self, json, table: "abstentions", id: id))
            }
        }
    }

    /// See ``ResultsStore/errors(run:)``.
    public func errors(run: RunID) async throws -> [StoredError] {
        try await fetchErrors("""
            SELECT e.input_id, e.run_id, e.reason, o.detector_id, o.detector_version, o.recorded_at
            FROM input_errors e JOIN outcomes o ON o.id = e.outcome_id WHERE e.run_id = \(run.rawValue) ORDER BY e.id
            """)
    }

    /// See ``ResultsStore/errors(input:)``.
    public func errors(input: InputID) async throws -> [StoredError] {
        try await fetchErrors("""
            SELECT e.input_id, e.run_id, e.reason, o.detector_id, o.detector_version, o.recorded_at
            FROM input_errors e JOIN outcomes o ON o.id = e.outcome_id WHERE e.input_id = \(input.rawValue) ORDER BY e.id
            """)
    }

    func fetchErrors(_ query: PostgresQuery) async throws -> [StoredError] {
        try await read("reading errors") { conn in
            try await conn.rows(query).map { row in
                let (input, run, reason, detectorID, version, at) = try row.decode((Int64, Int64, String, String, String, Date).self)
                return StoredError.make(input: InputID(rawValue: input), run: RunID(rawValue: run), detectorID: detectorID,
                                   detectorVersion: version, reason: reason, recordedAt: Millis.round(at))
            }
        }
    }

    /// See ``InputStore/inputs(kind:after:limit:)``.
    public func inputs(kind: InputKind?, after: InputID?, limit: Int) async throws -> [StoredInput] {
        guard limit > 0 else { throw FindingsStoreError.invalidValue(field: "limit", problem: "must be positive") }
        let after = after?.rawValue ?? 0
        return try await read("reading inputs") { conn in
            let rows = if let kind {
                try await conn.rows("""
                    SELECT \(unescaped: Self.inputColumns) FROM inputs WHERE id > \(after) AND kind = \(kind.rawValue)
                    ORDER BY id LIMIT \(limit)
                    """)
            } else {
                try await conn.rows(
                    "SELECT \(unescaped: Self.inputColumns) FROM inputs WHERE id > \(after) ORDER BY id LIMIT \(limit)")
            }
            return try rows.map(Self.input(from:))
        }
    }

    /// See ``ResultsStore/runSummary(_:)``.
    public func runSummary(_ id: RunID) async throws -> RunSummary {
        try await read("reading a run summary") { conn in
            guard let run = try await Self.fetchRun(conn, id, lock: false) else { throw FindingsStoreError.unknownRun(id) }
            let perCode = try await conn.rows("""
                SELECT code, COUNT(*), COUNT(*) FILTER (WHERE decision = 'positive')
                FROM findings WHERE run_id = \(id.rawValue) GROUP BY code ORDER BY code
                """).map { row in
                let (code, n, flagged) = try row.decode((String, Int64, Int64).self)
                return CodeCount(code: code, findings: Int(n), flagged: Int(flagged))
            }
            return RunSummary.make(run: run, perCode: perCode)
        }
    }

    // MARK: Worklist

    static let worklistColumns = "study_id, input_id, arrived_at, tag, priority, score, model_version, tagged_at"

    /// See ``WorklistStore/addToWorklist(_:)``.
    public func addToWorklist(_ entry: NewWorklistEntry) async throws -> WorklistEntry {
        try StoreRules.worklistEntry(entry)
        let at = Millis.round(now())
        let arrived = Millis.round(entry.arrivedAt)
        let actor = actor
        return try await transaction("adding to the worklist") { conn in
            if let input = entry.input, try await conn.rows("SELECT 1 FROM inputs WHERE id = \(input.rawValue)").isEmpty {
                throw FindingsStoreError.unknownInput(input)
            }
            let inserted = try await conn.rows("""
                INSERT INTO worklist_entries (study_id, input_id, arrived_at) VALUES (\(entry.studyID), \(entry.input?.rawValue), \(arrived))
                ON CONFLICT (study_id) DO NOTHING RETURNING id
                """)
            if let id = try inserted.first?.decode(Int64.self) {
                try await Self.audit(conn, at: at, actor: actor, action: "worklist.add", object: "worklist:\(id)", details: [:])
            }
            return try await Self.fetchWorklist(conn, "SELECT \(unescaped: Self.worklistColumns) FROM worklist_entries WHERE study_id = \(entry.studyID)")[0]
        }
    }

    /// See ``WorklistStore/tagWorklistEntry(studyID:tag:)``.
    public func tagWorklistEntry(studyID: String, tag: WorklistTag) async throws -> WorklistEntry {
        try StoreRules.worklistTag(tag)
        let at = Millis.round(now())
        let actor = actor
        return try await transaction("tagging a worklist entry") { conn in
            guard let entryID = try await conn.rows(
                "SELECT id FROM worklist_entries WHERE study_id = \(studyID) FOR UPDATE").first?.decode(Int64.self)
            else { throw FindingsStoreError.unknownWorklistEntry }
            let priority = Int64(tag.priority)
            try await conn.run("""
                INSERT INTO worklist_tags (entry_id, tag, priority, score, model_version, tagged_at)
                VALUES (\(entryID), \(tag.tag), \(priority), \(tag.score), \(tag.modelVersion), \(at))
                """)
            try await conn.run("""
                UPDATE worklist_entries SET tag = \(tag.tag), priority = \(priority), score = \(tag.score),
                    model_version = \(tag.modelVersion), tagged_at = \(at)
                WHERE id = \(entryID)
                """)
            var details: [String: JSONValue] = ["tag": .string(tag.tag), "priority": .number(Double(tag.priority))]
            if let v = tag.modelVersion { details["modelVersion"] = .string(v) }
            try await Self.audit(conn, at: at, actor: actor, action: "worklist.tag", object: "worklist:\(entryID)", details: details)
            return try await Self.fetchWorklist(conn, "SELECT \(unescaped: Self.worklistColumns) FROM worklist_entries WHERE id = \(entryID)")[0]
        }
    }

    /// See ``WorklistStore/worklist()``.
    public func worklist() async throws -> [WorklistEntry] {
        try await read("reading the worklist") { conn in
            try await Self.fetchWorklist(conn, """
                SELECT \(unescaped: Self.worklistColumns) FROM worklist_entries
                ORDER BY priority IS NULL, priority DESC, arrived_at, id
                """)
        }
    }

    /// See ``WorklistStore/worklistHistory(studyID:)``.
    public func worklistHistory(studyID: String) async throws -> [WorklistTagRecord] {
        try await read("reading a worklist history") { conn in
            try await conn.rows("""
                SELECT t.tag, t.priority, t.score, t.model_version, t.tagged_at
                FROM worklist_tags t JOIN worklist_entries e ON e.id = t.entry_id
                WHERE e.study_id = \(studyID) ORDER BY t.id
                """).map { row in
                let (tag, priority, score, version, at) = try row.decode((String, Int64, Double?, String?, Date).self)
                return WorklistTagRecord.make(tag: WorklistTag(tag: tag, priority: Int(priority), score: score, modelVersion: version),
                                         taggedAt: Millis.round(at))
            }
        }
    }

    static func fetchWorklist(_ conn: PostgresConnection, _ query: PostgresQuery) async throws -> [WorklistEntry] {
        try await conn.rows(query).map { row in
            let (study, input, arrived, tag, priority, score, version, taggedAt) =
                try row.decode((String, Int64?, Date, String?, Int64?, Double?, String?, Date?).self)
            return WorklistEntry.make(
                studyID: study, input: input.map(InputID.init(rawValue:)), arrivedAt: Millis.round(arrived),
                current: tag.map { WorklistTag(tag: $0, priority: Int(priority ?? 0), score: score, modelVersion: version) },
                taggedAt: taggedAt.map(Millis.round))
        }
    }

    // MARK: Audit log

    /// See ``AuditStore/appendAudit(_:)``.
    public func appendAudit(_ event: AuditEvent) async throws {
        for (field, value) in [("actor", event.actor), ("action", event.action), ("object", event.object)]
        where value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw FindingsStoreError.invalidValue(field: field, problem: "must not be empty")
        }
        _ = try StoreRules.json(event.details, field: "details")
        let at = Millis.round(now())
        try await transaction("appending to the audit log") { conn in
            try await Self.audit(conn, at: at, actor: event.actor, action: event.action, object: event.object,
                                 details: event.details)
        }
    }

    /// See ``AuditStore/auditLog(object:)``.
    public func auditLog(object: String?) async throws -> [AuditEntry] {
        try await read("reading the audit log") { conn in
            let rows = if let object {
                try await conn.rows(
                    "SELECT id, at, actor, action, object, details::text FROM audit_log WHERE object = \(object) ORDER BY id")
            } else {
                try await conn.rows("SELECT id, at, actor, action, object, details::text FROM audit_log ORDER BY id")
            }
            return try rows.map { row in
                let (id, at, actor, action, object, details) = try row.decode((Int64, Date, String, String, String, String).self)
                return AuditEntry.make(id: id, at: Millis.round(at), actor: actor, action: action, object: object,
                                  details: try StoreRules.decode([String: JSONValue].self, details, table: "audit_log", id: id))
            }
        }
    }
}
