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
}
