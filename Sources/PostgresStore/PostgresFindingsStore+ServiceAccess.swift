import ContentHash
import DetectorKit
import FindingsStore
import Foundation
import PostgresNIO

/// The HTTP service's access data on PostgreSQL (migration `v3-service-access`), so that several `vigil serve`
/// instances share tokens, idempotency keys and the audit log. Same rules as the SQLite store: only a
/// secret's SHA-256 is stored, token creation and revocation are audited, an idempotency key is stored as
/// its SHA-256 and the first answer kept wins.
extension PostgresFindingsStore: APITokenStore, IdempotencyStore, PagedAuditLog, SiteAccessStore {
    static let tokenColumns = "id, role, name, created_at, revoked_at, expires_at, site"

    // MARK: Tokens

    /// See ``APITokenStore/createToken(role:name:expiresAt:site:)``. Appends a `token.create` audit entry (role, id,
    /// expiry, site; no secret).
    public func createToken(role: APIRole, name: String?, expiresAt: Date?, site: String?) async throws
        -> (secret: String, token: APIToken)
    {
        let new = try StoreRules.newToken(role: role, name: name, site: site)
        let (trimmed, site, secret, digest) = (new.name, new.site, new.secret, new.digest)
        let at = Millis.round(now())
        let expires = expiresAt.map(Millis.round)
        let actor = actor
        let id: Int64 = try await transaction("creating an API token") { conn in
            guard let row = try await conn.rows("""
                INSERT INTO api_tokens (token_sha256, role, name, created_at, expires_at, site)
                VALUES (\(digest), \(role.rawValue), \(trimmed), \(at), \(expires), \(site)) RETURNING id
                """).first else { throw FindingsStoreError.corruptRow(table: "api_tokens", id: 0, problem: "no id returned") }
            let id = try row.decode(Int64.self)
            let details = StoreRules.tokenCreated(role: role, expiresAt: expires, site: site)
            try await Self.audit(conn, at: at, actor: actor, action: "token.create", object: "token:\(id)", details: details)
            return id
        }
        return (secret, APIToken(id: id, role: role, name: trimmed, createdAt: at, revokedAt: nil, expiresAt: expires,
                                 site: site))
    }

    /// See ``APITokenStore/token(secret:)``.
    public func token(secret: String) async throws -> APIToken? {
        let digest = SHA256Digest.hex(of: Data(secret.utf8))
        return try await read("reading an API token") { conn in
            try await conn.rows("SELECT \(unescaped: Self.tokenColumns) FROM api_tokens WHERE token_sha256 = \(digest)")
                .first.map(Self.token(from:))
        }
    }

    /// See ``APITokenStore/tokens()``.
    public func tokens() async throws -> [APIToken] {
        try await read("listing API tokens") { conn in
            try await conn.rows("SELECT \(unescaped: Self.tokenColumns) FROM api_tokens ORDER BY id").map(Self.token(from:))
        }
    }

    /// See ``APITokenStore/revokeToken(id:)``. Appends a `token.revoke` audit entry the first time.
    public func revokeToken(id: Int64) async throws -> APIToken {
        let at = Millis.round(now())
        let actor = actor
        return try await transaction("revoking an API token") { conn in
            guard let row = try await conn.rows(
                "SELECT \(unescaped: Self.tokenColumns) FROM api_tokens WHERE id = \(id) FOR UPDATE").first
            else { throw APITokenError.unknownToken(id) }
            let token = try Self.token(from: row)
            if token.revokedAt != nil { return token }
            try await conn.run("UPDATE api_tokens SET revoked_at = \(at) WHERE id = \(id)")
            try await Self.audit(conn, at: at, actor: actor, action: "token.revoke", object: "token:\(id)", details: [:])
            return APIToken(id: token.id, role: token.role, name: token.name, createdAt: token.createdAt, revokedAt: at,
                            expiresAt: token.expiresAt, site: token.site)
        }
    }

    static func token(from row: PostgresRow) throws -> APIToken {
        let (id, roleText, name, created, revoked, expires, site) =
            try row.decode((Int64, String, String?, Date, Date?, Date?, String?).self)
        guard let role = APIRole(rawValue: roleText) else {
            throw FindingsStoreError.corruptRow(table: "api_tokens", id: id, problem: "unknown role")
        }
        return APIToken(id: id, role: role, name: name, createdAt: Millis.round(created),
                        revokedAt: revoked.map(Millis.round), expiresAt: expires.map(Millis.round), site: site)
    }

    // MARK: Sites

    /// See ``SiteAccessStore/grant(site:input:)``. Not audited: the audit entry of the write it goes with names
    /// the token, whose site is on record.
    public func grant(site: String, input: InputID) async throws {
        _ = try APIToken.checkedSite(site)
        let at = Millis.round(now())
        try await transaction("granting an input to a site") { conn in
            guard try await !conn.rows("SELECT 1 FROM inputs WHERE id = \(input.rawValue)").isEmpty else {
                throw FindingsStoreError.unknownInput(input)
            }
            try await conn.run("""
                INSERT INTO input_sites (input_id, site, granted_at) VALUES (\(input.rawValue), \(site), \(at))
                ON CONFLICT DO NOTHING
                """)
        }
    }

    /// See ``SiteAccessStore/inputs(_:grantedTo:)``.
    public func inputs(_ inputs: [InputID], grantedTo site: String) async throws -> Set<InputID> {
        guard !inputs.isEmpty else { return [] }
        let ids = inputs.map(\.rawValue)
        return try await read("reading the inputs of a site") { conn in
            let rows = try await conn.rows(
                "SELECT input_id FROM input_sites WHERE site = \(site) AND input_id = ANY(\(ids)::int8[])")
            return Set(try rows.map { InputID(rawValue: try $0.decode(Int64.self)) })
        }
    }

    // MARK: Idempotency keys

    static let idempotentColumns = "request_sha256, status, content_type, body"

    /// See ``IdempotencyStore/idempotentResponse(scope:key:notBefore:)``.
    public func idempotentResponse(scope: String, key: String, notBefore: Date) async throws -> IdempotentResponse? {
        let keyDigest = SHA256Digest.hex(of: Data(key.utf8))
        let since = Millis.round(max(notBefore, Date(timeIntervalSince1970: 0)))
        return try await read("reading an idempotency key") { conn in
            try await conn.rows("""
                SELECT \(unescaped: Self.idempotentColumns) FROM idempotency_keys
                WHERE scope = \(scope) AND key_sha256 = \(keyDigest) AND created_at >= \(since)
                """).first.map(Self.idempotent(from:))
        }
    }

    /// See ``IdempotencyStore/keepIdempotentResponse(_:scope:key:notBefore:)``. Two servers keeping an answer under
    /// one key at once: the first insert wins and both return it; an expired answer is replaced.
    public func keepIdempotentResponse(_ response: IdempotentResponse, scope: String, key: String, notBefore: Date) async throws
        -> IdempotentResponse
    {
        let keyDigest = SHA256Digest.hex(of: Data(key.utf8))
        let request = try StoreRules.sha256(response.requestSHA256, field: "requestSHA256")
        let at = Millis.round(now())
        let since = Millis.round(max(notBefore, Date(timeIntervalSince1970: 0)))
        let body = ByteBuffer(bytes: response.body)
        return try await transaction("keeping an idempotent answer") { conn in
            try await conn.run("""
                INSERT INTO idempotency_keys (scope, key_sha256, request_sha256, status, content_type, body, created_at)
                VALUES (\(scope), \(keyDigest), \(request), \(response.status), \(response.contentType), \(body), \(at))
                ON CONFLICT (scope, key_sha256) DO UPDATE SET request_sha256 = excluded.request_sha256,
                    status = excluded.status, content_type = excluded.content_type, body = excluded.body,
                    created_at = excluded.created_at
                WHERE idempotency_keys.created_at < \(since)
                """)
            let row = try await conn.rows("""
                SELECT \(unescaped: Self.idempotentColumns) FROM idempotency_keys
                WHERE scope = \(scope) AND key_sha256 = \(keyDigest)
                """).first
            return try row.map(Self.idempotent(from:)) ?? response
        }
    }

    /// See ``IdempotencyStore/deleteIdempotentResponses(before:)``.
    public func deleteIdempotentResponses(before date: Date) async throws -> Int {
        let before = Millis.round(max(date, Date(timeIntervalSince1970: 0)))
        return try await transaction("deleting expired idempotent answers") { conn in
            let rows = try await conn.rows("DELETE FROM idempotency_keys WHERE created_at < \(before) RETURNING 1")
            return rows.count
        }
    }

    static func idempotent(from row: PostgresRow) throws -> IdempotentResponse {
        let (request, status, contentType, body) = try row.decode((String, Int, String, ByteBuffer).self)
        return IdempotentResponse(requestSHA256: request, status: status, contentType: contentType,
                                  body: Data(body.readableBytesView))
    }

    // MARK: Audit pages

    /// See ``PagedAuditLog/auditLog(after:limit:)``.
    public func auditLog(after: Int64?, limit: Int) async throws -> [AuditEntry] {
        guard limit > 0 else { throw FindingsStoreError.invalidValue(field: "limit", problem: "must be at least 1") }
        let from = after ?? 0
        return try await read("reading the audit log") { conn in
            try await conn.rows("""
                SELECT id, at, actor, action, object, details::text FROM audit_log
                WHERE id > \(from) ORDER BY id LIMIT \(limit)
                """).map { row in
                let (id, at, actor, action, object, details) = try row.decode((Int64, Date, String, String, String, String).self)
                return AuditEntry.make(id: id, at: Millis.round(at), actor: actor, action: action, object: object,
                                       details: try StoreRules.decode([String: JSONValue].self, details, table: "audit_log", id: id))
            }
        }
    }
}
