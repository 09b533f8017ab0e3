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
