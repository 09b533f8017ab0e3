import DetectorKit
import FindingsStore
import Foundation
import PostgresStore

/// `vigil token create|list|revoke`: the bearer tokens of `vigil serve`. Only a token's SHA-256 is stored;
/// the token itself is written once, alone, by ``create(db:role:name:expiresDays:site:output:)``.
public enum TokenJob {
    /// The role names a token may have.
    public static var roles: [String] { APIRole.allCases.map(\.rawValue) }

    /// Checks a new token's options before the store is opened.
    /// - Throws: ``JobError`` naming the option.
    public static func validateCreate(role: String, expiresDays: Int?, site: String?) throws {
        guard let parsed = APIRole(rawValue: role) else {
            throw JobError("--role must be one of \(roles.joined(separator: ", "))")
        }
        if let expiresDays, !(1...3650).contains(expiresDays) { throw JobError("--expires-days must be 1 to 3650") }
        do { _ = try APIToken.checkedSite(site, role: parsed) } catch let e as APITokenError {
            throw JobError("--site: \(e.description)")
        }
    }

    /// Creates a token: the secret to `output.line` (alone), what it is to `output.note`.
    public static func create(db: String, role: String, name: String?, expiresDays: Int?, site: String?,
                              output: JobOutput = .standard) async throws
    {
        try validateCreate(role: role, expiresDays: expiresDays, site: site)
        let store = try await FindingsStores.openService(db, actor: "cli")
        let expires = expiresDays.map { Date().addingTimeInterval(Double($0) * 86_400) }
        let (secret, token) = try await store.createToken(role: APIRole(rawValue: role)!, name: name, expiresAt: expires, site: site)
        output.line(secret)
        let until = token.expiresAt.map { "valid until \(ISO8601DateFormatter().string(from: $0))" } ?? "valid until revoked"
        let reach = token.site.map { "site \($0)" } ?? "hospital-wide"
        output.note("token #\(token.id) (\(token.role.rawValue), \(reach)) created, \(until); it is not shown again")
    }

    /// Lists the tokens (never the tokens themselves), as a tab-separated table or JSON.
    public static func list(db: String, json: Bool, output: JobOutput = .standard) async throws {
        try StoreArgument.requireExisting(db)
        let tokens = try await FindingsStores.openService(db, actor: "cli").tokens()
        if json {
            output.line(String(decoding: try VigilJSON.encode(tokens, pretty: true), as: UTF8.self))
            return
        }
        let f = ISO8601DateFormatter()
        output.line("id\trole\tsite\tcreated\texpires\trevoked\tname")
        for t in tokens {
            output.line("\(t.id)\t\(t.role.rawValue)\t\(t.site ?? "*")\t\(f.string(from: t.createdAt))\t\(t.expiresAt.map(f.string(from:)) ?? "-")\t\(t.revokedAt.map(f.string(from:)) ?? "-")\t\(t.name ?? "")")
        }
    }

    /// Revokes the token with this id.
    public static func revoke(db: String, id: Int64, output: JobOutput = .standard) async throws {
        try StoreArgument.requireExisting(db)
        let token = try await FindingsStores.openService(db, actor: "cli").revokeToken(id: id)
        output.note("token #\(token.id) revoked")
    }
}
