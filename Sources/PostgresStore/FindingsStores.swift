import FindingsStore
import Foundation

/// Opens the findings store a `--db` value names: a `postgresql://` (or `postgres://`) URL opens the
/// shared ``PostgresFindingsStore``; anything else is a SQLite file path (``SQLiteFindingsStore``, the
/// embedded default). Every command that takes `--db` opens its store here, so both engines work
/// wherever a store is accepted.
public enum FindingsStores {
    /// Whether `db` names a PostgreSQL database.
    public static func isPostgres(_ db: String) -> Bool { PostgresURL.isPostgresURL(db) }

    /// Opens (creating or migrating) the store `db` names.
    /// - Parameters:
    ///   - maxConnections: the PostgreSQL pool's size (ignored for SQLite).
    /// - Throws: the store's errors (``PostgresStoreError``, ``FindingsStoreError``, GRDB's for SQLite).
    public static func open(_ db: String, actor: String, maxConnections: Int = 8,
                            log: (@Sendable (String) -> Void)? = nil) async throws -> any FindingsStore
    {
        if isPostgres(db) {
            return try await PostgresFindingsStore(url: db, actor: actor, maxConnections: maxConnections, log: log)
        }
        return try SQLiteFindingsStore(path: sqlitePath(db), actor: actor, log: log)
    }

    /// The file path of a SQLite `--db` value (`file:` and `sqlite:` URLs give their path).
    static func sqlitePath(_ db: String) -> String {
        for scheme in ["file://", "sqlite://"] where db.lowercased().hasPrefix(scheme) {
            return URL(string: db)?.path ?? String(db.dropFirst(scheme.count))
        }
        return db
    }

    /// Opens the store `db` names with the HTTP service's access data (tokens, idempotency keys, audit pages):
    /// what `vigil serve` and `vigil token` run on. Both engines implement it.
    public static func openService(_ db: String, actor: String, maxConnections: Int = 16,
                                   log: (@Sendable (String) -> Void)? = nil) async throws -> any ServiceStore
    {
        if isPostgres(db) {
            return try await PostgresFindingsStore(url: db, actor: actor, maxConnections: maxConnections, log: log)
        }
        return try SQLiteFindingsStore(path: sqlitePath(db), actor: actor, log: log)
    }

    /// Whether the store `db` names may exist: always for a PostgreSQL URL (the server says), the file's
    /// existence for SQLite. Commands that only read use it to refuse a mistyped path instead of creating a store.
    public static func mayExist(_ db: String) -> Bool {
        isPostgres(db) || FileManager.default.fileExists(atPath: sqlitePath(db))
    }
}
