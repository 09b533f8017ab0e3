import DetectorKit
import FindingsStore
import Foundation
import Testing
@testable import PostgresStore

@Suite("PostgreSQL URLs and the store factory (no server needed)")
struct PostgresURLTests {
    @Test func parsesTheLibpqFormAndNeverShowsThePassword() throws {
        let url = try PostgresURL("postgresql://vigil:s3cr%40t@db.example:6543/findings?sslmode=require&application_name=w1",
                                  environment: [:])
        #expect(url.host == "db.example" && url.port == 6543 && url.username == "vigil" && url.password == "s3cr@t")
        #expect(url.database == "findings" && url.tls == .require && url.applicationName == "w1")
        #expect(url.description == "postgresql://vigil@db.example:6543/findings")
        #expect(!url.description.contains("s3cr"))

        let defaults = try PostgresURL("postgres://vigil@localhost", environment: ["PGPASSWORD": "pw"])
        #expect(defaults.port == 5432 && defaults.database == "vigil" && defaults.tls == .prefer && defaults.password == "pw")

        let socket = try PostgresURL("postgresql://vigil@/vigil?host=/run/postgresql&port=5433", environment: [:])
        #expect(socket.socketFolder == "/run/postgresql" && socket.host == nil && socket.port == 5433)
    }

    @Test func badURLsSayWhatIsWrong() {
        let cases: [(String, String)] = [
            ("postgresql://localhost/vigil", "no user name"),
            ("postgresql://vigil@localhost:99999/vigil", "port"),
            ("postgresql://vigil@localhost/vigil?sslmode=maybe", "sslmode"),
            ("postgresql://vigil@localhost/vigil?colour=blue", "unknown parameter"),
            ("mysql://vigil@localhost/vigil", "postgresql://"),
        ]
        for (text, expected) in cases {
            #expect {
                _ = try PostgresURL(text, environment: [:])
            } throws: { error in
                String(describing: error).contains(expected) && !String(describing: error).contains("secret")
            }
        }
    }

    @Test func theFactoryOpensSQLiteForPathsAndRecognisesPostgreSQLURLs() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pgfactory-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try await FindingsStores.open(folder.appendingPathComponent("v.sqlite").path, actor: "test")
        #expect(store is SQLiteFindingsStore)
        #expect(FindingsStores.isPostgres("postgresql://u@h/db") && FindingsStores.isPostgres("POSTGRES://u@h/db"))
        #expect(!FindingsStores.isPostgres("vigil.sqlite") && !FindingsStores.isPostgres("file:///tmp/v.sqlite"))
        #expect(FindingsStores.sqlitePath("file:///tmp/v.sqlite") == "/tmp/v.sqlite")
    }

    @Test func anUnreachableServerIsAClearErrorWithoutThePassword() async throws {
        // Port 1 on loopback: nothing listens there.
        await #expect {
            _ = try await PostgresFindingsStore(url: "postgresql://vigil:hunter2@127.0.0.1:1/vigil?sslmode=disable",
                                                actor: "test", connectTimeout: 5)
        } throws: { error in
            let text = String(describing: error)
            return text.contains("cannot connect to postgresql://vigil@127.0.0.1:1/vigil") && !text.contains("hunter2")
        }
    }
}

@Suite("PostgreSQL store: schema and migrations", .enabled(if: PGTest.available, "set VIGIL_PG_URL (Tools/postgres/cluster.sh start)"))
struct PostgresStoreTests {
    @Test func migratesAnEmptyDatabaseWithTheTablesOfDocsStore() async throws {
        let db = try await ScratchDB()
        defer { db.remove() }
        let lines = Lines()
        let store = try await db.open(log: lines.log)
        #expect(try await store.appliedMigrations() == PostgresFindingsStore.schemaMigrations)
        #expect(lines.all.contains { $0.contains("applied migrations v1-initial, v2-work-queue") })
        let objects = Set(try await store.schemaObjects())
        for name in ["inputs", "runs", "outcomes", "findings", "abstentions", "input_errors", "worklist_entries",
                     "worklist_tags", "audit_log", "audit_log_no_update", "audit_log_no_delete", "audit_log_no_truncate",
                     "jobs", "vigil_migrations"]
        {
            #expect(objects.contains(name), "missing \(name)")
        }
        await store.close()
    }

    @Test func workersStartingTogetherMigrateOnce() async throws {
        let db = try await ScratchDB()
        defer { db.remove() }
        let url = db.url
        let opened = try await withThrowingTaskGroup(of: [String].self) { group in
            for i in 0..<4 {
                group.addTask {
                    let store = try await PostgresFindingsStore(url: url, actor: "worker-\(i)")
                    defer { Task { await store.close() } }
                    return try await store.appliedMigrations()
                }
            }
            return try await group.reduce(into: [[String]]()) { $0.append($1) }
        }
        #expect(opened.count == 4 && opened.allSatisfy { $0 == PostgresFindingsStore.schemaMigrations })
    }

    @Test func refusesADatabaseMigratedByANewerBuild() async throws {
        let db = try await ScratchDB()
        defer { db.remove() }
        let store = try await db.open()
        try await store.executeRaw("INSERT INTO vigil_migrations (name) VALUES ('v99-future')")
        await store.close()
        await #expect(throws: FindingsStoreError.newerSchema(unknownMigrations: ["v99-future"])) {
            _ = try await db.open()
        }
    }

    @Test func theAuditLogTriggerStopsEvenASuperuser() async throws {
        let db = try await ScratchDB()
        defer { db.remove() }
        let store = try await db.open()
        try await store.appendAudit(AuditEvent(actor: "dr.reader", action: "findings.read", object: "input:1"))
        // The application role lost UPDATE/DELETE/TRUNCATE on audit_log.
        await #expect { try await store.executeRaw("DELETE FROM audit_log") } throws: { error in
            String(describing: error).contains("permission denied for table audit_log")
        }
        // A superuser bypasses privileges, not the triggers (the test cluster's superuser is `postgres`).
        guard var components = URLComponents(string: db.url) else { return }
        components.user = "postgres"
        let superuser = components.string!
        for sql in ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"] {
            do {
                try await ScratchDatabase.execute(adminURL: superuser, sql)
                Issue.record("\(sql) succeeded")
            } catch {
                let text = String(describing: error)
                if text.contains("role \"postgres\" does not exist") || text.contains("authentication") { return }  // not the test cluster
                #expect(text.contains("audit_log is append-only"), "\(sql): \(text)")
            }
        }
        #expect(try await store.auditLog(object: nil).map(\.action) == ["findings.read"])
        await store.close()
    }

    @Test func databaseErrorsNameTheOperationAndSQLStateButNoValues() async throws {
        let db = try await ScratchDB()
        defer { db.remove() }
        let store = try await db.open()
        let input = try await store.registerInput(NewInput(contentSHA256: Fixture.sha(1), path: "/x/PAT-123.hea", kind: .ecg,
                                                           patientID: "PAT-123"))
        try await store.executeRaw("ALTER TABLE outcomes ADD CONSTRAINT no_abstain CHECK (status <> 'scored')")
        let run = try await store.startRun(NewRun(detector: Fixture.rhythm))
        await #expect {
            _ = try await store.recordOutcome(.findings([try Fixture.afib(0.9)]), input: input.id, run: run.id)
        } throws: { error in
            let text = String(describing: error)
            return text.contains("recording an outcome failed (SQLSTATE 23514)") && !text.contains("PAT-123")
        }
        // Nothing of the refused outcome stayed behind.
        #expect(try await store.findings(input: input.id).isEmpty)
        #expect(try await store.run(id: run.id)?.counts == RunCounts())
        await store.close()
    }
}
