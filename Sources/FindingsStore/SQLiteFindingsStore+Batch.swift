import DetectorKit
import Foundation
import GRDB

extension SQLiteFindingsStore {
    /// See ``ResultsStore/recordBatch(_:)``.
    public func recordBatch(_ items: [InputResults]) async throws -> [BatchRecordResult] {
        guard !items.isEmpty else { return [] }
        // Validate and encode outside the transaction; an item that fails here is refused up front.
        var prepared: [Result<(NewInput, [(RunID, PreparedResult)]), FindingsStoreError>] = []
        prepared.reserveCapacity(items.count)
        for item in items {
            do {
                let input = try StoreRules.input(item.input)
                let results = try item.results.map { ($0.run, try PreparedResult.prepare($0.result)) }
                prepared.append(.success((input, results)))
            } catch let error as FindingsStoreError {
                prepared.append(.failure(error))
            } catch {
                prepared.append(.failure(.invalidValue(field: "outcome", problem: String(describing: error))))
            }
        }
        let at = Millis.from(now())
        let actor = actor
        let results = try await pool.write { [prepared] db -> [BatchRecordResult] in
            var out: [BatchRecordResult] = []
            out.reserveCapacity(prepared.count)
            for item in prepared {
                switch item {
                case let .failure(error):
                    out.append(.refused(error))
                case let .success((input, results)):
                    var outcome: BatchRecordResult = .refused(.unknownWorklistEntry)
                    do {
                        try db.inSavepoint {
                            let (stored, _) = try Self.register(db, input, at: at, actor: actor)
                            let recorded = try results.map { run, p in
                                try Self.write(db, p, input: stored.id, run: run, at: at, actor: actor)
                            }
                            outcome = .recorded(stored, recorded)
                            return .commit
                        }
                    } catch let error as FindingsStoreError {
                        outcome = .refused(error)
                    }
                    out.append(outcome)
                }
            }
            return out
        }
        let recorded = results.filter { if case .recorded = $0 { true } else { false } }.count
        self.log?("findings store: batch of \(items.count) inputs recorded (\(items.count - recorded) refused)")
        return results
    }

    /// See ``ResultsStore/outcomeStatuses(contentSHA256:)``.
    public func outcomeStatuses(contentSHA256: String) async throws -> [OutcomeKey: OutcomeStatus] {
        let sha = contentSHA256.lowercased()
        return try await pool.read { db in
            var out: [OutcomeKey: OutcomeStatus] = [:]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT o.detector_id, o.detector_version, o.status FROM outcomes o
                    JOIN inputs i ON i.id = o.input_id WHERE i.content_sha256 = ?
                    """,
                arguments: [sha])
            for row in rows {
                let text: String = row["status"]
                guard let status = OutcomeStatus(rawValue: text) else {
                    throw FindingsStoreError.corruptRow(table: "outcomes", id: 0, problem: "unknown status")
                }
                out[OutcomeKey(detectorID: row["detector_id"], detectorVersion: row["detector_version"])] = status
            }
            return out
        }
    }

    /// See ``ResultsStore/errors(input:)``.
    public func errors(input: InputID) async throws -> [StoredError] {
        try await fetchErrors("WHERE e.input_id = ? ORDER BY e.id", [input.rawValue])
    }

    /// See ``InputStore/inputs(kind:after:limit:)``.
    public func inputs(kind: InputKind?, after: InputID?, limit: Int) async throws -> [StoredInput] {
        guard limit > 0 else { throw FindingsStoreError.invalidValue(field: "limit", problem: "must be positive") }
        return try await pool.read { db in
            var sql = "SELECT * FROM inputs WHERE id > ?"
            var arguments: StatementArguments = [after?.rawValue ?? 0]
            if let kind {
                sql += " AND kind = ?"
                arguments += [kind.rawValue]
            }
            sql += " ORDER BY id LIMIT ?"
            arguments += [limit]
            var out: [StoredInput] = []
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try cursor.next() { out.append(Self.input(from: row)) }
            return out
        }
    }
}
