import ContentHash
import DetectorKit
import Foundation
import GRDB

extension SQLiteFindingsStore: APITokenStore, IdempotencyStore, PagedAuditLog, SiteAccessStore {
    // MARK: Tokens

    /// See ``APITokenStore/createToken(role:name:expiresAt:site:)``. Appends a `token.create` audit entry (role, id,
    /// expiry, site; no secret).
    public func createToken(role: APIRole, name: String?, expiresAt: Date?, site: String?) async throws
        -> (secret: String, token: APIToken)
    {
        let new = try StoreRules.newToken(role: role, name: name, site: site)
        let (trimmed, site, secret, digest) = (new.name, new.site, new.secret, new.digest)
        let at = Millis.from(now())
        let expires = expiresAt.map(Millis.from)
        let actor = self.actor
        let id: Int64 = try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO api_tokens (token_sha256, role, name, created_at, expires_at, site) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [digest, role.rawValue, trimmed, at, expires, site])
            let id = db.lastInsertedRowID
            let details = StoreRules.tokenCreated(role: role, expiresAt: expires.map(Millis.date), site: site)
            try Self.audit(db, at: at, actor: actor, action: "token.create", object: "token:\(id)", details: details)
            return id
        }
        return (secret, APIToken(id: id, role: role, name: trimmed, createdAt: Millis.date(at), revokedAt: nil,
                                 expiresAt: expires.map(Millis.date), site: site))
    }

    /// See ``APITokenStore/token(secret:)``.
    public func token(secret: String) async throws -> APIToken? {
        let digest = SHA256Digest.hex(of: Data(secret.utf8))
        return try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_tokens WHERE token_sha256 = ?", arguments: [digest])
                .map(Self.tokenFromRow)
        }
    }

    /// See ``APITokenStore/tokens()``.
    public func tokens() async throws -> [APIToken] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_tokens ORDER BY id").map(Self.tokenFromRow)
        }
    }

    /// See ``APITokenStore/revokeToken(id:)``. Appends a `token.revoke` audit entry the first time.
    public func revokeToken(id: Int64) async throws -> APIToken {
        let at = Millis.from(now())
        let actor = self.actor
        return try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM api_tokens WHERE id = ?", arguments: [id]) else {
                throw APITokenError.unknownToken(id)
            }
            let token = try Self.tokenFromRow(row)
            if token.revokedAt != nil { return token }
            try db.execute(sql: "UPDATE api_tokens SET revoked_at = ? WHERE id = ?", arguments: [at, id])
            try Self.audit(db, at: at, actor: actor, action: "token.revoke", object: "token:\(id)", details: [:])
            return APIToken(id: token.id, role: token.role, name: token.name, createdAt: token.createdAt,
                            revokedAt: Millis.date(at), expiresAt: token.expiresAt, site: token.site)
        }
    }

    static func tokenFromRow(_ row: Row) throws -> APIToken {
        let id: Int64 = row["id"]
        let roleText: String = row["role"]
        guard let role = APIRole(rawValue: roleText) else {
            throw FindingsStoreError.corruptRow(table: "api_tokens", id: id, problem: "unknown role")
        }
        let revoked: Int64? = row["revoked_at"]
        let expires: Int64? = row["expires_at"]
        return APIToken(id: id, role: role, name: row["name"], createdAt: Millis.date(row["created_at"]),
                        revokedAt: revoked.map(Millis.date), expiresAt: expires.map(Millis.date), site: row["site"])
    }

    // MARK: Sites

    /// See ``SiteAccessStore/grant(site:input:)``. Not audited: the audit entry of the write it goes with
    /// (`ecg.score`, a job, a STOW-RS study) names the token, whose site is on record.
    public func grant(site: String, input: InputID) async throws {
        _ = try APIToken.checkedSite(site)
        let at = Millis.from(now())
        try await pool.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM inputs WHERE id = ?)", arguments: [input.rawValue]) == true
            else { throw FindingsStoreError.unknownInput(input) }
            try db.execute(sql: "INSERT OR IGNORE INTO input_sites (input_id, site, granted_at) VALUES (?, ?, ?)",
                           arguments: [input.rawValue, site, at])
        }
    }

    /// See ``SiteAccessStore/inputs(_:grantedTo:)``.
    public func inputs(_ inputs: [InputID], grantedTo site: String) async throws -> Set<InputID> {
        guard !inputs.isEmpty else { return [] }
        var seen = Set<InputID>()
        // SQLite binds at most 32,766 values per statement: ask in pieces.
        for start in stride(from: 0, to: inputs.count, by: 500) {
            let chunk = inputs[start..<min(start + 500, inputs.count)].map(\.rawValue)
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            let values: [(any DatabaseValueConvertible)?] = [site] + chunk.map { $0 }
            let arguments = StatementArguments(values)
            let ids = try await pool.read { db in
                try Int64.fetchAll(db, sql: "SELECT input_id FROM input_sites WHERE site = ? AND input_id IN (\(marks))",
                                   arguments: arguments)
            }
            seen.formUnion(ids.map(InputID.init(rawValue:)))
        }
        return seen
    }

    // MARK: Idempotency keys

    /// See ``IdempotencyStore/idempotentResponse(scope:key:notBefore:)``.
    public func idempotentResponse(scope: String, key: String, notBefore: Date) async throws -> IdempotentResponse? {
        let keyDigest = SHA256Digest.hex(of: Data(key.utf8))
        let since = Millis.from(max(notBefore, Date(timeIntervalSince1970: 0)))
        return try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM idempotency_keys WHERE scope = ? AND key_sha256 = ? AND created_at >= ?",
                             arguments: [scope, keyDigest, since]).map(Self.idempotentFromRow)
        }
    }

    /// See ``IdempotencyStore/keepIdempotentResponse(_:scope:key:notBefore:)``.
    public func keepIdempotentResponse(_ response: IdempotentResponse, scope: String, key: String, notBefore: Date) async throws
        -> IdempotentResponse
    {
        let keyDigest = SHA256Digest.hex(of: Data(key.utf8))
        let request = try StoreRules.sha256(response.requestSHA256, field: "requestSHA256")
        let at = Millis.from(now())
        let since = Millis.from(max(notBefore, Date(timeIntervalSince1970: 0)))
        return try await pool.write { db in
            // A kept answer wins unless it has expired (kept before `notBefore`): then this one replaces it.
            try db.execute(sql: """
                INSERT INTO idempotency_keys (scope, key_sha256, request_sha256, status, content_type, body, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (scope, key_sha256) DO UPDATE SET request_sha256 = excluded.request_sha256,
                    status = excluded.status, content_type = excluded.content_type, body = excluded.body,
                    created_at = excluded.created_at
                WHERE idempotency_keys.created_at < ?
                """, arguments: [scope, keyDigest, request, response.status, response.contentType, response.body, at, since])
            let row = try Row.fetchOne(db, sql: "SELECT * FROM idempotency_keys WHERE scope = ? AND key_sha256 = ?",
                                       arguments: [scope, keyDigest])
            return row.map(Self.idempotentFromRow) ?? response
        }
    }

    /// See ``IdempotencyStore/deleteIdempotentResponses(before:)``.
    public func deleteIdempotentResponses(before date: Date) async throws -> Int {
        let before = Millis.from(max(date, Date(timeIntervalSince1970: 0)))
        return try await pool.write { db in
            try db.execute(sql: "DELETE FROM idempotency_keys WHERE created_at < ?", arguments: [before])
            return db.changesCount
        }
    }

    static func idempotentFromRow(_ row: Row) -> IdempotentResponse {
        IdempotentResponse(requestSHA256: row["request_sha256"], status: row["status"], contentType: row["content_type"],
                           body: row["body"])
    }

    // MARK: Audit pages

    /// See ``PagedAuditLog/auditLog(after:limit:)``.
    public func auditLog(after: Int64?, limit: Int) async throws -> [AuditEntry] {
        guard limit > 0 else { throw FindingsStoreError.invalidValue(field: "limit", problem: "must be at least 1") }
        return try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT ?",
                                        arguments: [after ?? 0, limit])
            return try rows.map { row in
                let id: Int64 = row["id"]
                let text: String = row["details"]
                let details = try StoreRules.decode([String: JSONValue].self, text, table: "audit_log", id: id)
                return AuditEntry(id: id, at: Millis.date(row["at"]), actor: row["actor"], action: row["action"],
                                  object: row["object"], details: details)
            }
        }
    }
}
