import PostgresStore
import VigilDoctor

/// A `--db` value: a SQLite file path (the embedded default) or a `postgresql://` URL (the shared store of
/// docs/scale-out.md). Jobs open it through ``PostgresStore/FindingsStores``; commands check it first.
public enum StoreArgument {
    /// Whether `db` names a PostgreSQL database.
    public static func isPostgres(_ db: String) -> Bool { FindingsStores.isPostgres(db) }

    /// Whether the store may exist (a PostgreSQL URL: the server says; SQLite: the file exists).
    public static func mayExist(_ db: String) -> Bool { FindingsStores.mayExist(db) }

    /// Checks `db` before anything is read, created or written: a PostgreSQL URL for its form (the server is
    /// asked when the job runs), a SQLite path for its folder (and, with `mustExist`, the file).
    /// - Throws: ``JobError`` naming `--db` and the defect.
    public static func check(_ db: String, mustExist: Bool) throws {
        if isPostgres(db) {
            do { _ = try PostgresURL(db) } catch { throw JobError("--db: \(error)") }
            return
        }
        do { _ = try StoreLocation.validate(db, mustExist: mustExist) } catch let e as StoreLocationError {
            throw JobError(e.description)
        }
    }

    /// Refuses a store that does not exist (for jobs that only read).
    static func requireExisting(_ db: String) throws {
        guard mayExist(db) else { throw JobError("\(db): no such findings store") }
    }
}
