import ContentHash
import Foundation
import Testing
@testable import FindingsStore
@testable import PostgresStore

/// API tokens, idempotency keys and audit pages (migration v3-service-access) on both engines: SQLite, and
/// PostgreSQL when `VIGIL_PG_URL` is set (what several `vigil serve` instances share).
@Suite struct ServiceAccessTests {
    @Test func tokenSecretIsNotStoredOnlyItsDigest() async throws {
        let db = try TempDatabase()
        defer { db.remove() }
        let store = try SQLiteFindingsStore(path: db.path, actor: "admin-cli")
        let (secret, token) = try await store.createToken(role: .scorer, name: "cardiology system")
        #expect(secret.hasPrefix("vigil_"))
        #expect(secret.count == 6 + 43)
        #expect(token.role == .scorer && token.name == "cardiology system" && token.revokedAt == nil)
        #expect(try await store.token(secret: secret) == token)
        #expect(try await store.token(secret: secret + "x") == nil)
        // The file holds the digest and never the secret.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: db.path))
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: db.path + "-wal"))) ?? Data()
        #expect(bytes.range(of: Data(secret.utf8)) == nil && wal.range(of: Data(secret.utf8)) == nil)
        let digest = SHA256Digest.hex(of: Data(secret.utf8))
        #expect(bytes.range(of: Data(digest.utf8)) != nil || wal.range(of: Data(digest.utf8)) != nil)
        // Creation is audited without the secret.
        let audit = try await store.auditLog(object: "token:\(token.id)")
        #expect(audit.map(\.action) == ["token.create"])
        #expect(audit[0].actor == "admin-cli")
        #expect(!"\(audit[0].details)".contains(secret))
    }

    @Test(arguments: StoreEngine.enabled) func secretsAreDistinctAndRevocationIsKept(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let store = try await db.openService(actor: "cli")
        let a = try await store.createToken(role: .reader, name: nil)
        let b = try await store.createToken(role: .admin, name: "ops")
        #expect(a.secret != b.secret)
        #expect(try await store.tokens().map(\.id) == [a.token.id, b.token.id])
        let revoked = try await store.revokeToken(id: a.token.id)
        #expect(revoked.revokedAt != nil)
        let again = try await store.revokeToken(id: a.token.id)
        #expect(again.revokedAt == revoked.revokedAt)
        #expect(try await store.token(secret: a.secret)?.revokedAt != nil)
        #expect(try await store.token(secret: b.secret)?.revokedAt == nil)
        #expect(try await store.auditLog(object: "token:\(a.token.id)").map(\.action) == ["token.create", "token.revoke"])
        await #expect(throws: APITokenError.unknownToken(999)) { try await store.revokeToken(id: 999) }
        await #expect(throws: APITokenError.self) { try await store.createToken(role: .reader, name: "  ") }
        await #expect(throws: APITokenError.self) { try await store.createToken(role: .reader, name: "a\u{7}b") }
    }

    @Test(arguments: StoreEngine.enabled) func anExpiryIsKeptAndEndsTheTokensValidity(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let store = try await db.openService(actor: "cli")
        let until = Date(timeIntervalSince1970: 1_800_000_000.123)
        let a = try await store.createToken(role: .reader, name: "expiring", expiresAt: until)
        let b = try await store.createToken(role: .reader, name: "open-ended")
        let stored = try #require(try await store.token(secret: a.secret))
        #expect(stored == a.token)
        #expect(abs(try #require(stored.expiresAt).timeIntervalSince(until)) < 0.001)  // kept to the millisecond
        #expect(try await store.token(secret: b.secret)?.expiresAt == nil)
        #expect(stored.isValid(at: until.addingTimeInterval(-1)))
        #expect(!stored.isValid(at: until))
        #expect(try await store.tokens().map(\.expiresAt) == [stored.expiresAt, nil])
        // Revoking keeps the expiry; the creation's audit entry states it.
        #expect(try await store.revokeToken(id: a.token.id).expiresAt == stored.expiresAt)
        let created = try await store.auditLog(object: "token:\(a.token.id)").first
        #expect(created?.details["expiresAt"] != nil)
    }

    @Test(arguments: StoreEngine.enabled) func aSiteIsKeptOnTheTokenAndCheckedAtCreation(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let store = try await db.openService(actor: "cli")
        let north = try await store.createToken(role: .reader, name: "north ward", expiresAt: nil, site: "cardiology-north")
        let wide = try await store.createToken(role: .reader, name: "hospital")
        #expect(north.token.site == "cardiology-north" && north.token.scope == .site("cardiology-north"))
        #expect(try await store.token(secret: north.secret) == north.token)
        #expect(try await store.token(secret: wide.secret)?.scope == .all)
        #expect(try await store.tokens().map(\.site) == ["cardiology-north", nil])
        #expect(try await store.revokeToken(id: north.token.id).site == "cardiology-north")
        #expect(try await store.auditLog(object: "token:\(north.token.id)").first?.details["site"] == .string("cardiology-north"))
        for bad in ["", "a b", "north/..", "ward\n2", String(repeating: "x", count: 65), "café"] {
            await #expect(throws: APITokenError.self, "site \(bad.debugDescription)") {
                try await store.createToken(role: .reader, name: nil, expiresAt: nil, site: bad)
            }
        }
        await #expect(throws: APITokenError.siteNotAllowed(.admin)) {
            try await store.createToken(role: .admin, name: nil, expiresAt: nil, site: "north")
        }
        #expect(try await store.tokens().count == 2)  // nothing was stored by the refused calls
    }

    @Test(arguments: StoreEngine.enabled) func inputsAreGrantedToSitesAndSeenOnlyThere(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let store = try await db.openService(actor: "cli")
        let a = try await store.registerInput(Sample.input(1)).id
        let b = try await store.registerInput(Sample.input(2)).id
        let c = try await store.registerInput(Sample.input(3)).id
        try await store.grant(site: "north", input: a)
        try await store.grant(site: "north", input: a)  // again: no change
        try await store.grant(site: "south", input: a)  // one input, two sites
        try await store.grant(site: "south", input: b)
        #expect(try await store.inputs([a, b, c], grantedTo: "north") == [a])
        #expect(try await store.inputs([a, b, c], grantedTo: "south") == [a, b])
        #expect(try await store.inputs([c], grantedTo: "south").isEmpty)
        #expect(try await store.inputs([], grantedTo: "south").isEmpty)
        #expect(try await store.isVisible(c, in: .all))
        #expect(try await !store.isVisible(c, in: .site("north")))
        #expect(try await store.isVisible(a, in: .site("north")))
        await #expect(throws: FindingsStoreError.unknownInput(InputID(rawValue: 999))) {
            try await store.grant(site: "north", input: InputID(rawValue: 999))
        }
        await #expect(throws: APITokenError.self) { try await store.grant(site: "no such/site", input: a) }
        // More inputs than one statement binds (SQLite asks in pieces).
        let many = (1...1200).map { InputID(rawValue: Int64($0)) }
        #expect(try await store.inputs(many, grantedTo: "south") == [a, b])
        // The worklist as a site sees it: only studies whose input is granted to it, in the store's order.
        _ = try await store.addToWorklist(NewWorklistEntry(studyID: "1.2.1", input: c, arrivedAt: Date(timeIntervalSince1970: 1)))
        _ = try await store.addToWorklist(NewWorklistEntry(studyID: "1.2.2", input: b, arrivedAt: Date(timeIntervalSince1970: 2)))
        _ = try await store.addToWorklist(NewWorklistEntry(studyID: "1.2.3", arrivedAt: Date(timeIntervalSince1970: 3)))
        let list = try await store.worklist()
        #expect(try await store.visible(list, in: .all).map(\.studyID) == ["1.2.1", "1.2.2", "1.2.3"])
        #expect(try await store.visible(list, in: .site("south")).map(\.studyID) == ["1.2.2"])
        #expect(try await store.visible(list, in: .site("north")).isEmpty)
    }

    @Test(arguments: StoreEngine.enabled) func idempotentResponsesKeepTheFirstAnswerPerScope(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let store = try await db.openService(actor: "cli")
        #expect(try await store.idempotentResponse(scope: "token:1", key: "k1") == nil)
        let first = IdempotentResponse(requestSHA256: Sample.sha(1), status: 200, contentType: "application/json",
                                       body: Data("{\"a\":1}".utf8))
        let second = IdempotentResponse(requestSHA256: Sample.sha(2), status: 200, contentType: "application/json",
                                        body: Data("{\"a\":2}".utf8))
        #expect(try await store.keepIdempotentResponse(first, scope: "token:1", key: "k1") == first)
        #expect(try await store.keepIdempotentResponse(second, scope: "token:1", key: "k1") == first)
        #expect(try await store.idempotentResponse(scope: "token:1", key: "k1") == first)
        #expect(try await store.idempotentResponse(scope: "token:2", key: "k1") == nil)
        #expect(try await store.keepIdempotentResponse(second, scope: "token:2", key: "k1") == second)
    }

    /// A clock the test moves.
    final class TestClock: @unchecked Sendable {
        private let lock = NSLock()
        private var time: Date
        init(_ start: Date) { time = start }
        var now: Date { lock.withLock { time } }
        func advance(_ seconds: TimeInterval) { lock.withLock { time += seconds } }
    }

    @Test(arguments: StoreEngine.enabled) func expiredAnswersAreNotFoundReplacedAndDeleted(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let clock = TestClock(Date(timeIntervalSince1970: 1_790_000_000))
        let store = try await db.openService(actor: "cli", now: { clock.now })
        let day: TimeInterval = 86_400
        let first = IdempotentResponse(requestSHA256: Sample.sha(1), status: 200, contentType: "application/json", body: Data("1".utf8))
        let second = IdempotentResponse(requestSHA256: Sample.sha(2), status: 200, contentType: "application/json", body: Data("2".utf8))
        #expect(try await store.keepIdempotentResponse(first, scope: "token:1", key: "k", notBefore: clock.now - day) == first)
        clock.advance(3600)  // within the lifetime: found, and it wins over a new answer
        #expect(try await store.idempotentResponse(scope: "token:1", key: "k", notBefore: clock.now - day) == first)
        #expect(try await store.keepIdempotentResponse(second, scope: "token:1", key: "k", notBefore: clock.now - day) == first)
        clock.advance(day)  // expired: not found, and replaced by the next answer
        #expect(try await store.idempotentResponse(scope: "token:1", key: "k", notBefore: clock.now - day) == nil)
        #expect(try await store.idempotentResponse(scope: "token:1", key: "k") == first)  // still there until deleted
        #expect(try await store.keepIdempotentResponse(second, scope: "token:1", key: "k", notBefore: clock.now - day) == second)
        #expect(try await store.idempotentResponse(scope: "token:1", key: "k", notBefore: clock.now - day) == second)
        // Deleting: only answers kept before the cut go.
        _ = try await store.keepIdempotentResponse(first, scope: "token:1", key: "old", notBefore: clock.now - day)
        clock.advance(2 * day)
        _ = try await store.keepIdempotentResponse(first, scope: "token:1", key: "new", notBefore: clock.now - day)
        #expect(try await store.deleteIdempotentResponses(before: clock.now - day) == 2)
        #expect(try await store.idempotentResponse(scope: "token:1", key: "k") == nil)
        #expect(try await store.idempotentResponse(scope: "token:1", key: "old") == nil)
        #expect(try await store.idempotentResponse(scope: "token:1", key: "new") == first)
    }

    @Test(arguments: StoreEngine.enabled) func auditPagesCoverTheLogOnceInOrder(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let store = try await db.openService(actor: "cli")
        for i in 0..<7 { try await store.appendAudit(AuditEvent(actor: "t", action: "findings.read", object: "input:\(i)")) }
        var seen: [String] = []
        var after: Int64?
        while true {
            let page = try await store.auditLog(after: after, limit: 3)
            guard let last = page.last else { break }
            #expect(page.count <= 3)
            seen += page.map(\.object)
            after = last.id
        }
        #expect(seen == (0..<7).map { "input:\($0)" })
        await #expect(throws: FindingsStoreError.self) { try await store.auditLog(after: nil, limit: 0) }
    }

    @Test func migrationAddsTheAccessTables() async throws {
        let db = try TempDatabase()
        defer { db.remove() }
        let store = try SQLiteFindingsStore(path: db.path, actor: "cli")
        #expect(SQLiteFindingsStore.schemaMigrations.suffix(3) == ["v3-service-access", "v4-token-expiry", "v5-input-sites"])
        let objects = Set(try await store.schemaObjects())
        #expect(objects.isSuperset(of: ["api_tokens", "idempotency_keys", "input_sites"]))
    }

    @Test(.enabled(if: StoreEngine.postgresURL != nil, "set VIGIL_PG_URL")) func postgresKeepsOnlyTheDigestAndMigrates() async throws {
        let db = try await TestDatabase(.postgres)
        defer { db.remove() }
        let store = try await db.openService(actor: "admin-cli")
        let (secret, token) = try await store.createToken(role: .scorer, name: "cardiology system")
        #expect(secret.hasPrefix("vigil_") && secret.count == 6 + 43)
        #expect(try await store.token(secret: secret) == token)
        #expect(try await store.token(secret: secret + "x") == nil)
        let pg = try #require(store as? PostgresFindingsStore)
        let digest = SHA256Digest.hex(of: Data(secret.utf8))
        #expect(try await pg.integer("SELECT count(*) FROM api_tokens WHERE token_sha256 = '\(digest)'") == 1)
        #expect(try await pg.integer("SELECT count(*) FROM api_tokens WHERE token_sha256 = '\(secret)' OR name = '\(secret)'") == 0)
        #expect(PostgresFindingsStore.schemaMigrations.suffix(3) == ["v3-service-access", "v4-token-expiry", "v5-input-sites"])
        let objects = Set(try await pg.schemaObjects())
        #expect(objects.isSuperset(of: ["api_tokens", "idempotency_keys", "input_sites"]))
        let audit = try await store.auditLog(object: "token:\(token.id)")
        #expect(audit.map(\.action) == ["token.create"] && audit[0].actor == "admin-cli")
        // The factory `vigil serve` and `vigil token` use opens the same database and sees the token.
        let again = try await FindingsStores.openService(db.location, actor: "service")
        #expect(try await again.token(secret: secret)?.id == token.id)
    }
}
