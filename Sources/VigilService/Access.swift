import FindingsStore
import Foundation
import HTTPTypes
import Hummingbird

/// The request context of every Vigil route: Hummingbird's core values and the bearer token that the
/// request was made with (set by the token middleware on the `/v1` routes).
public struct VigilRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The token of the request, once authenticated.
    public var token: APIToken?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.token = nil
    }

    /// JSON bodies decoded by Hummingbird (not the ECG uploads, which have their own limit) stay small.
    public var maxUploadSize: Int { 64 * 1024 }

    /// The authenticated token (the token middleware ran before every route that calls this).
    func requireToken() throws -> APIToken {
        guard let token else { throw Problem.unauthorized("a bearer token is required") }
        return token
    }
}

/// Authenticates `Authorization: Bearer <token>`: 401 without one, for an unknown or a revoked token, and for
/// any other scheme. Only the token's id goes into the logger's metadata, never the token.
struct TokenMiddleware: RouterMiddleware {
    typealias Context = VigilRequestContext
    let tokens: any APITokenStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let header = request.headers[.authorization] else {
            throw Problem.unauthorized("a bearer token is required (Authorization: Bearer <token>)")
        }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw Problem.unauthorized("the Authorization header must be \"Bearer <token>\"")
        }
        let secret = parts[1].trimmingCharacters(in: .whitespaces)
        guard !secret.isEmpty, secret.count <= 256, let token = try await tokens.token(secret: secret) else {
            throw Problem.unauthorized("the token is not valid")
        }
        guard token.revokedAt == nil else { throw Problem.unauthorized("the token is not valid") }
        guard token.isValid(at: Date()) else { throw Problem.unauthorized("the token has expired") }
        var context = context
        context.token = token
        return try await next(request, context)
    }
}

/// Lets only tokens of the given roles through (403 for another role).
struct RoleMiddleware: RouterMiddleware {
    typealias Context = VigilRequestContext
    let roles: [APIRole]

    init(_ roles: APIRole...) { self.roles = roles }
    init(_ roles: [APIRole]) { self.roles = roles }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let token = try context.requireToken()
        guard roles.contains(token.role) else {
            throw Problem.forbidden(token.role.rawValue, allowed: roles.map(\.rawValue))
        }
        return try await next(request, context)
    }
}

extension VigilAPI {
    /// The per-object check of every read of a stored input: 404 unless the token's site may see `input`
    /// (``InputScope``). An input of another site is answered exactly like one that does not exist, so a
    /// caller learns nothing about other sites' inputs; the attempt is audited (`access.denied`, for the admin).
    func requireVisible(_ input: InputID, to token: APIToken) async throws {
        guard try await SiteCheck.permits(input, scope: token.scope, actor: token.auditActor, in: store) else {
            throw Problem.notFound
        }
    }
}
