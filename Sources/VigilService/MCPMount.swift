import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VigilMCP

extension VigilServiceMount {
    /// `POST /mcp` for the AI assistant (role `assistant`): Vigil's MCP server (``VigilMCP/VigilMCPEndpoint``,
    /// stateless streamable HTTP) behind the service's bearer-token and role checks. The token's audit actor
    /// (`token:<id>`) names the audit entries of every tool call. Only POST is routed: GET (no SSE stream) and
    /// DELETE (no sessions) get the service's 405 with `Allow: POST`, as the MCP transport specification asks of a
    /// server without streams or sessions.
    public static func mcp(_ endpoint: VigilMCPEndpoint) -> VigilServiceMount {
        VigilServiceMount(path: "mcp", roles: [.assistant]) { group in
            let answer: @Sendable (Request, VigilRequestContext) async throws -> Response = { request, context in
                let token = try context.requireToken()
                let body = try await VigilAPI.collect(request, limit: VigilMCPEndpoint.maxBodyBytes)
                var headers: [String: String] = [:]
                for field in request.headers {
                    let name = field.name.canonicalName
                    headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
                }
                let r = await endpoint.handle(method: request.method.rawValue, headers: headers,
                                              body: Data(body.readableBytesView), caller: token.auditActor,
                                              scope: token.scope)
                var fields = HTTPFields()
                for (name, value) in r.headers { if let n = HTTPField.Name(name) { fields[n] = value } }
                return Response(status: .init(code: r.status), headers: fields,
                                body: .init(byteBuffer: ByteBuffer(bytes: r.body)))
            }
            group.post(use: answer)
        }
    }
}
