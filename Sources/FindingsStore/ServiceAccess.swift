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

    /// A stored token (stores make these; see ``APITokenStore``).
    public init(id: Int64, role: APIRole, name: String?, createdAt: Date, revokedAt: Date?, expiresAt: Date? = nil) {
        self.id = id
        self.role = role
        self.name = name
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.expiresAt = expiresAt
    }

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
}

/// Why a token operation was refused.
public enum APITokenError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// No token has this id.
    case unknownToken(Int64)
    /// The name is not acceptable (reason).
    case invalidName(String)

    /// One line, safe to log.
    public var description: String {
        switch self {
        case .unknownToken(let id): "no API token #\(id)"
        case .invalidName(let reason): "token name: \(reason)"
        }
    }

    /// Same as ``description``.
    public var errorDescription: String? { description }
}

/// Bearer tokens of the HTTP service.
public protocol APITokenStore: Sendable {
    /// Creates a token with a fresh random secret (256 bits, `vigil_` + base64url) and stores its SHA-256;
    /// `expiresAt` nil: valid until revoked.
    /// - Returns: the secret (shown once, never stored) and the stored token.
    func createToken(role: APIRole, name: String?, expiresAt: Date?) async throws -> (secret: String, token: APIToken)
    /// The token whose secret this is (revoked ones included, with ``APIToken/revokedAt``), or nil.
    func token(secret: String) async throws -> APIToken?
    /// Every token, oldest first.
    func tokens() async throws -> [APIToken]
    /// Revokes a token (revoking it again keeps the first revocation time).
    /// - Throws: ``APITokenError/unknownToken(_:)``.
    func revokeToken(id: Int64) async throws -> APIToken
}

extension APITokenStore {
    /// A token valid until revoked.
    public func createToken(role: APIRole, name: String?) async throws -> (secret: String, token: APIToken) {
        try await createToken(role: role, name: name, expiresAt: nil)
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
public typealias ServiceStore = FindingsStore & APITokenStore & IdempotencyStore & PagedAuditLog

/// The audit log a page at a time.
public protocol PagedAuditLog: Sendable {
    /// Up to `limit` entries with an id greater than `after` (nil: from the first), oldest first.
    func auditLog(after: Int64?, limit: Int) async throws -> [AuditEntry]
}
