import Foundation

/// Checks Vigil's MCP endpoint makes on a POST before the SDK's transport sees it.
extension VigilMCPEndpoint {
    /// What makes a JSON-RPC message (or any message of a batch) invalid by JSON-RPC 2.0 §4–5 before the SDK
    /// sees it: `jsonrpc` not exactly "2.0", an `id` that is not a string, number or null, no `method` string,
    /// members other than jsonrpc, id, method and params (this server sends clients no requests, so it gets no
    /// responses), or `params` neither an object nor an array. Nil when it is fine or not JSON at all (the SDK
    /// answers a parse error then). The reason is fixed text, never the client's input.
    static func jsonRPCDefect(_ body: Data) -> String? {
        guard let value = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) else { return nil }
        let messages: [Any] = (value as? [Any]) ?? [value]
        for message in messages {
            guard let object = message as? [String: Any] else { return "a message must be a JSON object" }
            guard object["jsonrpc"] as? String == "2.0" else { return "the jsonrpc member must be 2.0" }
            // A boolean id reached the SDK, which then never answered (the request hung, found by schemathesis).
            if let id = object["id"], !(id is String || id is NSNull || isJSONNumber(id)) {
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

    /// True when the Accept values take JSON without naming it (RFC 9110 §12.5.1): none at all, or a `*/*` or
    /// `application/*` range (with any parameters, q > 0). The SDK looks for the literal application/json and would
    /// answer 406 to curl's default `*/*`.
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

    /// A JSON number as JSONSerialization gives it: an NSNumber that is not a boolean (booleans are NSNumbers of
    /// Objective-C type "c"; `is Bool` is true for 0 and 1 too, so it cannot tell them apart).
    static func isJSONNumber(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) != "c"
    }
}
