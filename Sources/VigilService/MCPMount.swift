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
                let limit = VigilMCPEndpoint.maxBodyBytes
                if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
                    throw Problem.tooLarge(limit: limit)
                }
                let body: ByteBuffer
                do { body = try await request.body.collect(upTo: limit) } catch is NIOTooManyBytesError {
                    throw Problem.tooLarge(limit: limit)
                }
                var headers: [String: String] = [:]
                for field in request.headers {
                    let name = field.name.canonicalName
                    headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
                }
                // No Accept, or one with */* or application/*, takes JSON (RFC 9110 §12.5.1); the SDK looks for the
                // literal application/json and would answer 406. An Accept that rules JSON out still gets its 406.
                if Self.acceptsJSONByWildcard(request.headers[values: .accept]) { headers["accept"] = "application/json" }
                let data = Data(body.readableBytesView)
                if let defect = Self.jsonRPCDefect(data) {
                    // The SDK would dispatch such a message anyway (a missing "jsonrpc" as a notification, params of
                    // the wrong type into "method not found"); JSON-RPC 2.0 calls it an Invalid Request.
                    let error = #"{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid Request: "# + defect + #""}}"#
                    return Response(status: .badRequest, headers: [.contentType: "application/json"],
                                    body: .init(byteBuffer: ByteBuffer(string: error)))
                }
                let r = await endpoint.handle(method: request.method.rawValue, headers: headers,
                                              body: data, caller: token.auditActor)
                var fields = HTTPFields()
                for (name, value) in r.headers { if let n = HTTPField.Name(name) { fields[n] = value } }
                return Response(status: .init(code: r.status), headers: fields,
                                body: .init(byteBuffer: ByteBuffer(bytes: r.body)))
            }
            group.post(use: answer)
        }
    }

    /// What makes a JSON-RPC message (or any message of a batch) invalid by JSON-RPC 2.0 §4–5 before the SDK
    /// sees it: `jsonrpc` not exactly "2.0", an `id` that is not a string, number or null, no `method` string,
    /// members other than jsonrpc, id, method and params (this server sends clients no requests, so it gets no
    /// responses), or `params` neither an object nor an array. Nil when it is fine or not
    /// JSON at all (the SDK answers a parse error then). The reason is fixed text (no quotes, so it can sit in a JSON string), never the client's input.
    static func jsonRPCDefect(_ body: Data) -> String? {
        guard let value = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) else { return nil }
        let messages: [Any] = (value as? [Any]) ?? [value]
        for message in messages {
            guard let object = message as? [String: Any] else { return "a message must be a JSON object" }
            guard object["jsonrpc"] as? String == "2.0" else { return "the jsonrpc member must be 2.0" }
            // A boolean id reached the SDK, which then never answered (the request hung, found by schemathesis).
            // JSONSerialization gives booleans as NSNumber of type "c"; JSON numbers come as "i", "q" or "d".
            if let id = object["id"], !(id is String || id is NSNull || (id as? NSNumber).map({ String(cString: $0.objCType) != "c" }) == true) {
                return "id must be a string, a number or null"
            }
            // This server sends no requests to clients (stateless, no sampling), so a client sends requests and
            // notifications only: jsonrpc, id, method, params.
            guard object["method"] is String else { return "a message needs a method (a string)" }
            guard Set(object.keys).isSubset(of: ["jsonrpc", "id", "method", "params"]) else {
                return "a request has only the members jsonrpc, id, method and params"
            }
            if let params = object["params"], !(params is [String: Any]) && !(params is [Any]) {
                return "params must be an object or an array"
            }
        }
        return nil
    }

    /// True when the Accept values take JSON without naming it: none at all, or a `*/*` or `application/*` range
    /// (with any parameters, q > 0).
    static func acceptsJSONByWildcard(_ values: [String]) -> Bool {
        guard !values.isEmpty else { return true }
        let ranges = values.flatMap { $0.split(separator: ",") }.map { item -> (type: String, q: Double) in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            let q = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return (parts.first ?? "", q)
        }
        if ranges.contains(where: { $0.type == "application/json" }) { return false }
        return ranges.contains { ($0.type == "*/*" || $0.type == "application/*") && $0.q > 0 }
    }
}
