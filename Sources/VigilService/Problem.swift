import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// An RFC 7807 problem: every 4xx and 5xx answer of the service is one, as `application/problem+json`
/// `{"type", "title", "status", "detail"}`. `detail` says what the client can fix; it never holds internal
/// error text, paths on the server, tokens or patient data.
public struct Problem: Error, HTTPResponseError, Sendable {
    /// HTTP status.
    public var status: HTTPResponse.Status
    /// A short stable name of the problem type (`payload-too-large`); the `type` member is `urn:vigil:problem:<slug>`.
    public var slug: String
    /// What went wrong, for the client.
    public var detail: String
    /// Extra response headers (Retry-After, WWW-Authenticate).
    public var headers: HTTPFields

    /// A problem.
    public init(_ status: HTTPResponse.Status, _ slug: String, _ detail: String, headers: HTTPFields = [:]) {
        self.status = status
        self.slug = slug
        self.detail = detail
        self.headers = headers
    }

    /// The problem+json media type.
    public static let mediaType = "application/problem+json"

    /// The JSON body.
    public var body: Data {
        let object: [String: Any] = ["type": "urn:vigil:problem:\(slug)", "title": status.reasonPhrase,
                                     "status": status.code, "detail": detail]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }

    /// The problem as a response.
    public func response() -> Response {
        var fields = headers
        fields[.contentType] = Self.mediaType
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response { response() }

    // MARK: Common problems

    static func unauthorized(_ detail: String) -> Problem {
        Problem(.unauthorized, "unauthorized", detail, headers: [.wwwAuthenticate: "Bearer realm=\"vigil\""])
    }
    static func forbidden(_ role: APIRoleName, allowed: [APIRoleName]) -> Problem {
        Problem(.forbidden, "forbidden",
                "the \(role) role may not use this route (allowed: \(allowed.joined(separator: ", ")))")
    }
    static func badRequest(_ slug: String, _ detail: String) -> Problem { Problem(.badRequest, slug, detail) }
    static func tooLarge(limit: Int) -> Problem {
        Problem(.contentTooLarge, "payload-too-large", "the body is larger than this route's limit of \(limit) bytes")
    }
    static let notFound = Problem(.notFound, "not-found", "no such resource")
}

typealias APIRoleName = String

/// Turns every error into a problem response: ``Problem`` as it is, Hummingbird's HTTP errors (404 of an
/// unknown route, 413 of a body over the limit) as a problem with their status, anything else as a 500 whose
/// detail says nothing about the cause (the cause's type, never its message, goes to the log).
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The router's routes as (path pattern segments, method), filled once the router is built: a 404 for a
    /// path that a route takes with another method becomes 405 with `Allow`.
    final class Routes: Sendable {
        private let routes = Mutex<[(segments: [Substring], method: String)]>([])
        func set(_ r: [(segments: [Substring], method: String)]) { routes.withLock { $0 = r } }
        var all: [(segments: [Substring], method: String)] { routes.withLock { $0 } }
    }
    var table = Routes()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return problem.response()
        } catch let error as any HTTPResponseError {
            if error.status == .notFound, context.endpointPath?.hasPrefix("/") != true {
                let allowed = allowedMethods(path: request.uri.path)
                if !allowed.isEmpty {
                    return Problem(.methodNotAllowed, "method-not-allowed",
                                   "this route takes \(allowed.joined(separator: ", "))",
                                   headers: [.allow: allowed.joined(separator: ", ")]).response()
                }
            }
            return Self.problem(for: error.status).response()
        } catch {
            context.logger.error("internal error", metadata: ["error.type": "\(String(reflecting: type(of: error)))"])
            return Problem(.internalServerError, "internal-error", "the request could not be completed").response()
        }
    }

    /// The methods of the routes whose pattern matches `path` (`{name}` matches one non-empty segment).
    func allowedMethods(path: String) -> [String] {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        var out = Set<String>()
        for route in table.all where route.segments.count == parts.count {
            if zip(route.segments, parts).allSatisfy({ $0.hasPrefix("{") || $0 == $1 }) { out.insert(route.method) }
        }
        return out.sorted()
    }

    static func problem(for status: HTTPResponse.Status) -> Problem {
        switch status {
        case .notFound: return .notFound
        case .methodNotAllowed: return Problem(status, "method-not-allowed", "this route does not take this method")
        case .contentTooLarge: return Problem(status, "payload-too-large", "the body is larger than this route's limit")
        case .badRequest: return Problem(status, "bad-request", "the request is malformed")
        default:
            return Problem(status, "http-\(status.code)", status.code >= 500 ? "the request could not be completed"
                                                                            : status.reasonPhrase)
        }
    }
}
