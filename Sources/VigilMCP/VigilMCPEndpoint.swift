import FindingsStore
import Foundation
import Logging
import MCP

/// An HTTP response of ``VigilMCPEndpoint``, for the host framework to copy into its own response type.
public struct VigilMCPResponse: Sendable {
    /// HTTP status (200 with a JSON-RPC answer, 202 for notifications, 4xx for refused requests).
    public let status: Int
    /// Response headers (`Content-Type: application/json`, `Allow` on 405).
    public let headers: [String: String]
    /// The body (a JSON-RPC message), empty for 202.
    public let body: Data
}

/// Vigil's MCP server on the streamable HTTP transport, **stateless**: each HTTP request is answered by a
/// fresh MCP server on the SDK's `StatelessHTTPServerTransport` (no `Mcp-Session-Id`, JSON responses, no SSE),
/// so any instance behind a load balancer can answer any request, and concurrent clients using the same
/// JSON-RPC ids never meet. Framework-agnostic: the host authenticates the request (bearer token, role
/// `assistant`) and passes the token's id as `caller`, which names the audit entries.
///
/// `vigil serve` mounts it with `VigilServiceMount.mcp(endpoint)` (Sources/VigilService/MCPMount.swift):
///
/// ```swift
/// let mcp = VigilMCPEndpoint(context: VigilMCPContext(registry: registry, store: store))
/// let api = VigilAPI(store: store, registry: registry, mounts: [.mcp(mcp)])   // POST /mcp, role assistant
/// ```
public struct VigilMCPEndpoint: Sendable {
    /// The largest request body accepted (JSON-RPC requests are small): 1 MiB.
    public static let maxBodyBytes = 1 << 20

    /// The tools and resources served.
    public let tools: VigilMCPTools
    /// Hosts (and origins) accepted in `Host`/`Origin`: DNS-rebinding protection. Default: loopback only.
    public let hostCheck: HostCheck

    /// Which `Host` and `Origin` headers the endpoint accepts.
    public enum HostCheck: Sendable {
        /// `localhost`, `127.0.0.1`, `[::1]` on any port (`vigil serve` binds loopback by default).
        case loopback
        /// Only these `host:port` values (`"vigil.hospital.local:8443"`, `*` as port wildcard `"host:*"`) and origins.
        case allow(hosts: [String], origins: [String])
        /// No check (behind a proxy that enforces it).
        case disabled
    }

    /// An endpoint over `context`.
    public init(context: VigilMCPContext, hostCheck: HostCheck = .loopback) {
        tools = VigilMCPTools(context: context)
        self.hostCheck = hostCheck
    }

    /// The server's name and version in `initialize`.
    public static let serverName = "vigil"
    /// Version reported in `initialize`.
    public static let serverVersion = "0.1.0"

    /// Answers one HTTP request to the MCP endpoint. `headers` as sent (names in any case; repeated headers
    /// joined with ", "); `caller` is the authenticated token's id (never a person's name or data), `scope` the
    /// inputs its token may see (``FindingsStore/InputScope``).
    public func handle(method: String, headers: [String: String], body: Data, caller: String, scope: InputScope) async
        -> VigilMCPResponse
    {
        guard !caller.trimmingCharacters(in: .whitespaces).isEmpty else {
            return Self.errorResponse(401, code: -32600, "Unauthorized: no caller")
        }
        guard body.count <= Self.maxBodyBytes else {
            return Self.errorResponse(413, code: -32600, "Request body larger than \(Self.maxBodyBytes) bytes")
        }
        var headers = headers
        if method.uppercased() == "POST" {
            let accept = headers.keys.first { $0.lowercased() == "accept" }
            if Self.acceptsJSONByWildcard(accept.flatMap { headers[$0] }.map { [$0] } ?? []) {
                headers[accept ?? "Accept"] = "application/json"
            }
            // The SDK would dispatch such a message anyway (a boolean id even hung it; a missing "jsonrpc" became a
            // notification); JSON-RPC 2.0 calls it an Invalid Request.
            if let defect = Self.jsonRPCDefect(body) { return Self.errorResponse(400, code: -32600, "Invalid Request: \(defect)") }
        }
        let transport = StatelessHTTPServerTransport(validationPipeline: validation)
        let server = await makeServer(caller: caller, scope: scope)
        do {
            try await server.start(transport: transport)
        } catch {
            tools.context.log("mcp: server did not start: \(error)")
            return Self.errorResponse(500, code: -32603, "Internal error")
        }
        let response = await transport.handleRequest(HTTPRequest(method: method, headers: headers, body: body, path: "/mcp"))
        if case .accepted = response {
            // A notification (e.g. notifications/initialized): give the server its turn to read it before it stops;
            // nothing in Vigil reacts to one, so this only keeps the log quiet.
            await Task.yield()
        }
        await server.stop()
        return VigilMCPResponse(status: response.statusCode, headers: response.headers, body: response.bodyData ?? Data())
    }

    private var validation: any HTTPRequestValidationPipeline {
        let origin: OriginValidator = switch hostCheck {
        case .loopback: .localhost()
        case let .allow(hosts, origins): OriginValidator(allowedHosts: hosts, allowedOrigins: origins)
        case .disabled: .disabled
        }
        return StandardValidationPipeline(validators: [
            origin, AcceptHeaderValidator(mode: .jsonOnly), ContentTypeValidator(), ProtocolVersionValidator(),
        ])
    }

    private func makeServer(caller: String, scope: InputScope) async -> Server {
        let server = Server(name: Self.serverName, version: Self.serverVersion, title: "Vigil findings",
                            instructions: "Read-only access to Vigil's disease-detection findings: list the detectors, "
                                + "read an input's findings by inputId, explain them to a patient or a clinician (grounded "
                                + "only in the findings, not a diagnosis), and read the radiology worklist.",
                            capabilities: .init(resources: .init(subscribe: false, listChanged: false),
                                                tools: .init(listChanged: false)))
        let tools = self.tools
        await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: VigilMCPTools.tools) }
        await server.withMethodHandler(CallTool.self) { params in
            try await tools.call(params.name, arguments: params.arguments, caller: caller, scope: scope)
        }
        await server.withMethodHandler(ListResources.self) { _ in ListResources.Result(resources: tools.resources()) }
        await server.withMethodHandler(ReadResource.self) { params in
            try await tools.readResource(uri: params.uri, caller: caller)
        }
        return server
    }

    static func errorResponse(_ status: Int, code: Int, _ message: String) -> VigilMCPResponse {
        let body: [String: Any] = ["jsonrpc": "2.0", "error": ["code": code, "message": message], "id": NSNull()]
        return VigilMCPResponse(status: status, headers: ["Content-Type": "application/json"],
                                body: (try? JSONSerialization.data(withJSONObject: body)) ?? Data())
    }
}

