import DetectorKit
import FindingsStore
import Foundation
import PostgresNIO

/// postgres-nio's logger, silenced: its messages may carry statement values (identifiers). The store
/// logs through its own `log` closure, row ids and counts only.
enum PG {
    static let logger: Logger = {
        var logger = Logger(label: "vigil.postgres")
        logger.logLevel = .critical
        return logger
    }()

    /// Maps a postgres-nio error to a ``PostgresStoreError`` that names the operation and SQLSTATE only
    /// (server messages can quote values, so only Vigil's own trigger messages, SQLSTATE P0001, are kept).
    static func map(_ error: any Error, _ operation: String) -> any Error {
        if error is FindingsStoreError || error is PostgresStoreError || error is CancellationError { return error }
        if let e = error as? PSQLError {
            if let state = e.serverInfo?[.sqlState] {
                let message = state == "P0001" ? e.serverInfo?[.message] : nil
                return PostgresStoreError.database(operation: operation, sqlState: state, message: message)
            }
            switch e.code {
            case .serverClosedConnection, .connectionError, .uncleanShutdown, .clientClosedConnection, .poolClosed:
                return PostgresStoreError.connectionLost(operation: operation)
            default:
                return PostgresStoreError.database(operation: operation, sqlState: "client \(e.code)", message: nil)
            }
        }
        if error is PostgresDecodingError {
            return FindingsStoreError.corruptRow(table: operation, id: 0, problem: "a column has an unexpected type")
        }
        return error
    }

    /// The full server message of an error (tests and raw statements only: it may quote values).
    static func serverMessage(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.message]
    }
}

extension PostgresConnection {
    /// Runs a statement and returns all its rows.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await self.query(query, logger: PG.logger).collect()
    }

    /// Runs a statement, discarding any rows.
    func run(_ query: PostgresQuery) async throws {
        _ = try await self.query(query, logger: PG.logger).collect()
    }
}

/// Dates at the store's precision: whole milliseconds (what DetectorKit and the SQLite store keep).
enum Millis {
    static func round(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(Int64((date.timeIntervalSince1970 * 1000).rounded())) / 1000)
    }
}

/// Validation and encoding shared by every write (the same rules as the SQLite store, docs/store.md).
enum Check {
    static func sha256(_ text: String, field: String) throws -> String {
        let lower = text.lowercased()
        guard lower.utf8.count == 64, lower.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw FindingsStoreError.invalidValue(field: field, problem: "must be 64 hexadecimal characters (a SHA-256)")
        }
        return lower
    }

    static func input(_ input: NewInput) throws -> NewInput {
        var checked = input
        checked.contentSHA256 = try sha256(input.contentSHA256, field: "contentSHA256")
        guard !input.path.isEmpty else { throw FindingsStoreError.invalidValue(field: "path", problem: "must not be empty") }
        guard !input.kind.rawValue.isEmpty else {
            throw FindingsStoreError.invalidValue(field: "kind", problem: "must not be empty")
        }
        for (field, value) in [("patientID", input.patientID), ("studyID", input.studyID)] {
            if let value, value.trimmingCharacters(in: .whitespaces).isEmpty {
                throw FindingsStoreError.invalidValue(field: field, problem: "must be absent or non-empty")
            }
        }
        return checked
    }

    static func json<T: Encodable>(_ value: T, field: String) throws -> String {
        do {
            return String(decoding: try VigilJSON.encode(value), as: UTF8.self)
        } catch {
            throw FindingsStoreError.invalidValue(field: field, problem: "cannot be encoded as JSON (\(error))")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String, table: String, id: Int64) throws -> T {
        do {
            return try VigilJSON.decode(T.self, from: Data(text.utf8))
        } catch {
            throw FindingsStoreError.corruptRow(table: table, id: id, problem: String(describing: error))
        }
    }

    static func describe(_ p: DetectorProvenance) -> String {
        "\(p.id) \(p.version)" + (p.modelSHA256.map { " model \($0.prefix(12))" } ?? " without model")
    }
}

/// A result encoded and checked outside any transaction, ready to be written.
struct PreparedResult: Sendable {
    struct FindingRow: Sendable {
        var code: String
        var probability: Double?
        var decision: String
        var json: String
    }

    var status: OutcomeStatus
    var findings: [FindingRow] = []
    var abstention: (reason: String, json: String)?
    var errorReason: String?
    var provenances: [DetectorProvenance] = []

    static func prepare(_ result: InputResult) throws -> PreparedResult {
        switch result {
        case let .outcome(.findings(findings)):
            var prepared = PreparedResult(status: .scored)
            for finding in findings {
                try finding.validate()
                prepared.findings.append(FindingRow(code: finding.code, probability: finding.probability,
                                                    decision: finding.decision.rawValue,
                                                    json: try Check.json(finding, field: "finding")))
                prepared.provenances.append(finding.detector)
            }
            return prepared
        case let .outcome(.abstained(abstention)):
            try abstention.validate()
            var prepared = PreparedResult(status: .abstained)
            prepared.abstention = (abstention.reason.rawValue, try Check.json(abstention, field: "abstention"))
            prepared.provenances = [abstention.detector]
            return prepared
        case let .error(reason):
            guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw FindingsStoreError.invalidValue(field: "reason", problem: "must not be empty")
            }
            var prepared = PreparedResult(status: .error)
            prepared.errorReason = reason
            return prepared
        }
    }
}
