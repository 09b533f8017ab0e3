import DetectorKit
import Foundation

// The HTTP service's access data: bearer tokens with roles, answers kept under an Idempotency-Key, and the
// audit log read a page at a time. Separate protocols (not new FindingsStore requirements); both stores,
// SQLiteFindingsStore and PostgresFindingsStore, implement all three (``ServiceStore``).

/// What a bearer token may do on the HTTP service.
public enum APIRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// Submits ECGs to be scored (and stored).
    case scorer
    /// Reads stored findings, FHIR bundles and explanations.
    case reader
    /// An AI assistant: asks for explanations, sees only patient-safe fields.
    case assistant
    /// Reads the audit log.
    case admin
}

/// A stored API token (the token itself is never stored, only its SHA-256).
public struct APIToken: Sendable, Hashable, Codable {
    /// The token's id: what audit entries name (`token:ID`).
    public let id: Int64
    /// Its role.
    public let role: APIRole
    /// A label given at creation (what the token is for, never a person's data), if any.
    public let name: String?
    /// When it was created.
    public let createdAt: Date
    /// When it was revoked; nil while it is valid.
    public let revokedAt: Date?
    /// When it stops being accepted; nil: until it is revoked.
    public let expiresAt: Date?
    /// The site (hospital, department: an access partition) whose stored inputs it may see and whose inputs it
    /// stores; nil: hospital-wide (every input). See ``InputScope``.
    public let site: String?

    /// A stored token (stores make these; see ``APITokenStore``).
    public init(id: Int64, role: APIRole, name: String?, createdAt: Date, revokedAt: Date?, expiresAt: Date? = nil,
                site: String? = nil)
    {
        self.id = id
        self.role = role
        self.name = name
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.expiresAt = expiresAt
        self.site = site
    }

    /// The inputs requests made with this token may see.
    public var scope: InputScope { site.map(InputScope.site) ?? .all }

    /// Not revoked and not expired at `date`.
    public func isValid(at date: Date) -> Bool {
        revokedAt == nil && (expiresAt.map { date < $0 } ?? true)
    }

    /// The actor that audit entries name for requests made with this token.
    public var auditActor: String { "token:\(id)" }

    /// A new secret: `vigil_` + 43 base64url characters of 32 bytes from the system's secure generator.
    /// Every ``APITokenStore`` makes its secrets here.
    public static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let b64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "vigil_" + b64
    }

    /// A token label as stored: trimmed; nil stays nil.
    /// - Throws: ``APITokenError/invalidName(_:)`` when empty after trimming, over 100 characters, or holding
    ///   control characters.
    public static func checkedName(_ name: String?) throws -> String? {
        guard let trimmed = name?.trimmingCharacters(in: .whitespacesAndNewlines) else { return nil }
        guard !trimmed.isEmpty else { throw APITokenError.invalidName("must not be empty") }
        guard trimmed.count <= 100 else { throw APITokenError.invalidName("at most 100 characters") }
        guard !trimmed.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw APITokenError.invalidName("must not contain control characters")
        }
        return trimmed
    }

    /// A site name as stored: 1 to 64 characters of ASCII letters, digits, `.`, `-` and `_` (an identifier such as
    /// `cardiology-north`, never a person's data); nil stays nil.
    /// - Throws: ``APITokenError/invalidSite(_:)``.
    public static func checkedSite(_ site: String?) throws -> String? {
        guard let site else { return nil }
        guard (1...64).contains(site.utf8.count) else { throw APITokenError.invalidSite("must be 1 to 64 characters") }
        guard site.utf8.allSatisfy({ b in
            (0x30...0x39).contains(b) || (0x41...0x5a).contains(b) || (0x61...0x7a).contains(b) || b == 0x2e || b == 0x2d || b == 0x5f
        }) else { throw APITokenError.invalidSite("only ASCII letters, digits, '.', '-' and '_'") }
        return site
    }
}

/// Which stored inputs a caller may see (the per-object check of the HTTP service and MCP, OWASP API1:2023).
/// Inputs are seen by the sites of the tokens that stored them: a site-scoped scorer's uploads, jobs and
/// STOW-RS studies are granted to its site (``SiteAccessStore/grant(site:input:)``); inputs stored by the CLI or
/// by hospital-wide tokens belong to no site and are seen only hospital-wide.
public enum InputScope: Sendable, Hashable {
    /// Every input (a token without a site; the CLI).
    case all
    /// Only inputs granted to this site.
    case site(String)
}

/// Which sites may see which stored inputs (table `input_sites`). An input may belong to several sites (the
/// same record stored by two sites is one input).
public protocol SiteAccessStore: Sendable {
    /// Lets `site` see `input` (again: no change).
    func grant(site: String, input: InputID) async throws
    /// The inputs among `inputs` that `site` may see.
    func inputs(_ inputs: [InputID], grantedTo site: String) async throws -> Set<InputID>
}

extension SiteAccessStore {
    /// Whether a caller with `scope` may see `input`.
    public func isVisible(_ input: InputID, in scope: InputScope) async throws -> Bool {
        switch scope {
        case .all: true
        case .site(let site): try await !inputs([input], grantedTo: site).isEmpty
        }
    }

    /// The entries of `worklist` a caller with `scope` may see, in the same order: all of them hospital-wide; for a
    /// site, the studies whose input is granted to it (an entry without an input belongs to no site).
    public func visible(_ worklist: [WorklistEntry], in scope: InputScope) async throws -> [WorklistEntry] {
        guard case .site(let site) = scope else { return worklist }
        let seen = try await inputs(worklist.compactMap(\.input), grantedTo: site)
        return worklist.filter { $0.input.map(seen.contains) ?? false }
    }

    /// Grants `input` to the scope's site (nothing for ``InputScope/all``).
    public func grant(_ input: InputID, to scope: InputScope) async throws {
        if case .site(let site) = scope { try await grant(site: site, input: input) }
    }
}

/// The per-object check every reader of a stored input makes (the HTTP routes, the MCP tools): one definition, so
/// they refuse and audit alike.
public enum SiteCheck {
    /// The audit action of a read refused by the check.
    public static let deniedAction = "access.denied"

    /// Whether a caller with `scope` may read `input`. When it may not and the input exists (it belongs to other
    /// sites), an ``deniedAction`` entry naming `actor` and the scope's site (plus `details`) is appended; the caller
    /// then answers exactly as for an input that does not exist.
    public static func permits(_ input: InputID, scope: InputScope, actor: String, details: [String: JSONValue] = [:],
                               in store: any InputStore & AuditStore & SiteAccessStore) async throws -> Bool {
        guard try await !store.isVisible(input, in: scope) else { return true }
        if try await store.input(id: input) != nil {
            var d = details
            if case .site(let site) = scope { d["site"] = .string(site) }
            try await store.appendAudit(AuditEvent(actor: actor, action: deniedAction, object: "input:\(input.rawValue)", details: d))
        }
        return false
    }
}

/// Why a token operation was refused.
public enum APITokenError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// No token has this id.
    case unknownToken(Int64)
    /// The name is not acceptable (reason).
    case invalidName(String)
    /// The site is not acceptable (reason).
    case invalidSite(String)
    /// Admin tokens read the whole audit log: they cannot be limited to a site.
    case siteNotAllowed(APIRole)

    /// One line, safe to log.
    public var description: String {
        switch self {
        case .unknownToken(let id): "no API token #\(id)"
        case .invalidName(let reason): "token name: \(reason)"
        case .invalidSite(let reason): "token site: \(reason)"
        case .siteNotAllowed(let role): "\(role.rawValue) tokens are hospital-wide and take no site"
        }
    }

    /// Same as ``description``.
    public var errorDescription: String? { description }
}

/// Bearer tokens of the HTTP service.
public protocol APITokenStore: Sendable {
    /// Creates a token with a fresh random secret (256 bits, `vigil_` + base64url) and stores its SHA-256;
    /// `expiresAt` nil: valid until revoked; `site` nil: hospital-wide (see ``APIToken/site``).
    /// - Returns: the secret (shown once, never stored) and the stored token.
    /// - Throws: ``APITokenError`` for a bad name or site, or a site on an admin token.
    func createToken(role: APIRole, name: String?, expiresAt: Date?, site: String?) async throws
        -> (secret: String, token: APIToken)
    /// The token whose secret this is (revoked ones included, with ``APIToken/revokedAt``), or nil.
    func token(secret: String) async throws -> APIToken?
    /// Every token, oldest first.
    func tokens() async throws -> [APIToken]
    /// Revokes a token (revoking it again keeps the first revocation time).
    /// - Throws: ``APITokenError/unknownToken(_:)``.
    func revokeToken(id: Int64) async throws -> APIToken
}

extension APITokenStore {
    /// A hospital-wide token valid until revoked.
    public func createToken(role: APIRole, name: String?) async throws -> (secret: String, token: APIToken) {
        try await createToken(role: role, name: name, expiresAt: nil, site: nil)
    }

    /// A hospital-wide token.
    public func createToken(role: APIRole, name: String?, expiresAt: Date?) async throws -> (secret: String, token: APIToken) {
        try await createToken(role: role, name: name, expiresAt: expiresAt, site: nil)
    }
}

extension APIToken {
    /// The checked site of a new token of `role` (see ``APITokenStore/createToken(role:name:expiresAt:site:)``).
    public static func checkedSite(_ site: String?, role: APIRole) throws -> String? {
        let site = try checkedSite(site)
        if site != nil, role == .admin { throw APITokenError.siteNotAllowed(role) }
        return site
    }
}

/// An answer kept under an `Idempotency-Key`.
public struct IdempotentResponse: Sendable, Hashable {
    /// SHA-256 (hex) of the request it answered (method, route, content type and body).
    public var requestSHA256: String
    /// HTTP status code.
    public var status: Int
    /// Its Content-Type.
    public var contentType: String
    /// Its body.
    public var body: Data

    /// Creates an answer.
    public init(requestSHA256: String, status: Int, contentType: String, body: Data) {
        self.requestSHA256 = requestSHA256
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

/// Answers kept under idempotency keys, per scope (the token that sent them). An answer kept before a given time
/// counts as expired: it is not found, and a new answer under the same key replaces it.
public protocol IdempotencyStore: Sendable {
    /// The answer kept for `key` in `scope` at `notBefore` or later, or nil.
    func idempotentResponse(scope: String, key: String, notBefore: Date) async throws -> IdempotentResponse?
    /// Keeps `response` for `key` in `scope` unless an answer kept at `notBefore` or later is there already (an
    /// older one is replaced); returns the one that is kept.
    func keepIdempotentResponse(_ response: IdempotentResponse, scope: String, key: String, notBefore: Date) async throws
        -> IdempotentResponse
    /// Deletes the answers kept before `date`; returns how many.
    func deleteIdempotentResponses(before date: Date) async throws -> Int
}

extension IdempotencyStore {
    /// The answer kept for `key` in `scope`, however old, or nil.
    public func idempotentResponse(scope: String, key: String) async throws -> IdempotentResponse? {
        try await idempotentResponse(scope: scope, key: key, notBefore: .distantPast)
    }

    /// Keeps `response` for `key` in `scope` unless one is kept already, however old; returns the one that is kept.
    public func keepIdempotentResponse(_ response: IdempotentResponse, scope: String, key: String) async throws
        -> IdempotentResponse
    {
        try await keepIdempotentResponse(response, scope: scope, key: key, notBefore: .distantPast)
    }
}

/// A findings store the HTTP service can run on: findings, tokens, idempotency keys and audit pages.
public typealias ServiceStore = FindingsStore & APITokenStore & IdempotencyStore & PagedAuditLog & SiteAccessStore

/// The audit log a page at a time.
public protocol PagedAuditLog: Sendable {
    /// Up to `limit` entries with an id greater than `after` (nil: from the first), oldest first.
    func auditLog(after: Int64?, limit: Int) async throws -> [AuditEntry]
}
