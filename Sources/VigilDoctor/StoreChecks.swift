import FindingsStore
import Foundation
import GRDB

/// The findings store named by `--db` (opened read-only: never created, never migrated) and a
/// PostgreSQL URL in `DATABASE_URL`.
enum StoreChecks {
    static func run(_ setup: DoctorSetup) -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        let current = SQLiteFindingsStore.schemaMigrations.last ?? "?"
        if let db = setup.database {
            switch StoreLocation(db) {
            case let .postgres(host):
                checks.append(DoctorCheck("postgresql", .warning, "--db names a PostgreSQL store (\(host)): \(StoreLocation.postgresNotChecked)",
                                          fix: "vigil worker --db URL --exit-when-idle connects, migrates and says what is queued"))
            case let .unsupportedURL(scheme):
                checks.append(DoctorCheck("store", .error, "--db '\(scheme)://…' is not a store Vigil can use", fix: "give --db FILE.sqlite"))
            case let .sqlite(path):
                checks.append(sqlite(path, current: current))
            }
        } else {
            checks.append(DoctorCheck("store", .ok, "SQLite (embedded, schema \(current)); no store checked: give --db FILE to check one"))
        }
        if let url = setup.environment["DATABASE_URL"], case let .postgres(host) = StoreLocation(url) {
            checks.append(DoctorCheck("postgresql", .warning,
                                      "DATABASE_URL names a PostgreSQL server (\(host)), but Vigil does not read it: commands take --db postgresql://…",
                                      fix: "give commands --db URL; unset DATABASE_URL to silence this line"))
        }
        return checks
    }

    static func sqlite(_ path: String, current: String) -> DoctorCheck {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isFolder) else {
            let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
            if !fm.fileExists(atPath: parent) {
                return DoctorCheck("store", .error, "\(path): no such file, and its folder \(parent) does not exist", fix: "create the folder, or give another --db path")
            }
            return DoctorCheck("store", .warning, "\(path): no findings store there yet",
                               fix: "`vigil batch ecg FOLDER --db \(path)` or `vigil worklist add … --db \(path)` creates it")
        }
        if isFolder.boolValue { return DoctorCheck("store", .error, "\(path) is a folder, not a SQLite file", fix: "give --db FOLDER/vigil.sqlite") }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "doctor"
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            let (applied, inputs, findings) = try queue.read { db -> ([String], Int?, Int?) in
                guard try db.tableExists("grdb_migrations") else { return ([], nil, nil) }
                let names = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
                let inputs = try? Int.fetchOne(db, sql: "SELECT count(*) FROM inputs")
                let findings = try? Int.fetchOne(db, sql: "SELECT count(*) FROM findings")
                return (names, inputs ?? nil, findings ?? nil)
            }
            try queue.close()
            let known = SQLiteFindingsStore.schemaMigrations
            let unknown = applied.filter { !known.contains($0) }
            let missing = known.filter { !applied.contains($0) }
            let contents = [inputs.map { "\($0) inputs" }, findings.map { "\($0) findings" }].compactMap { $0 }.joined(separator: ", ")
            if applied.isEmpty {
                return DoctorCheck("store", .error, "\(path) is a SQLite file but not a Vigil findings store (no schema)",
                                   fix: "give the --db file Vigil created, or a new path")
            }
            if !unknown.isEmpty {
                return DoctorCheck("store", .error, "\(path): migrated by a newer Vigil (\(unknown.joined(separator: ", "))); this build (schema \(current)) will not write to it",
                                   fix: "use the newer Vigil build with this store")
            }
            if !missing.isEmpty {
                return DoctorCheck("store", .warning, "\(path): schema \(applied.last ?? "?"); this build migrates it to \(current) the next time it opens it for writing",
                                   fix: "nothing to do (back the file up first if an older Vigil must still read it)")
            }
            return DoctorCheck("store", .ok, "\(path): reachable, schema \(current) (current)" + (contents.isEmpty ? "" : ", \(contents)"))
        } catch {
            return DoctorCheck("store", .error, "\(path): cannot be opened as a SQLite database (\(error))",
                               fix: "give the --db file Vigil created, or a new path")
        }
    }
}
