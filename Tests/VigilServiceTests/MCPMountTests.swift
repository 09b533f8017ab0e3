import DetectorCatalog
import DetectorKit
import FindingsStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VigilMCP
@testable import VigilService

/// `POST /mcp` mounted in the service: the token and role checks in front of the MCP endpoint, and the token's
/// audit actor reaching the audit log.
@Suite struct MCPMountTests {
    static func service() async throws -> (VigilAPI, SQLiteFindingsStore, [APIRole: String], [APIRole: Int64], URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("MCPMountTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try SQLiteFindingsStore(path: folder.appendingPathComponent("vigil.sqlite").path, actor: "test")
        let registry = try DetectorCatalog.registry(settings: .init(), modelsDirectory: folder.appendingPathComponent("no-models"),
                                                    warn: { _ in })
        var secrets: [APIRole: String] = [:], ids: [APIRole: Int64] = [:]
        for role in APIRole.allCases {
            let (secret, token) = try await store.createToken(role: role, name: "test \(role.rawValue)")
            secrets[role] = secret
            ids[role] = token.id
        }
        let mcp = VigilMCPEndpoint(context: VigilMCPContext(registry: registry, store: store))
        return (VigilAPI(store: store, registry: registry, mounts: [.mcp(mcp)]), store, secrets, ids, folder)
    }

    static func headers(_ secret: String?) -> HTTPFields {
        var h = HTTPFields()
        h[.contentType] = "application/json"
        h[.accept] = "application/json, text/event-stream"
        if let secret { h[.authorization] = "Bearer \(secret)" }
        return h
    }

    static let listDetectors = ByteBuffer(string: #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_detectors","arguments":{}}}"#)

    @Test func onlyTheAssistantRoleReachesTheMCPServerAndItsCallsAreAudited() async throws {
        let (api, store, secrets, ids, folder) = try await Self.service()
        defer { try? FileManager.default.removeItem(at: folder) }
        let app = Application(router: api.router())
        try await app.test(.router) { client in
            try await client.execute(uri: "/mcp", method: .post, headers: Self.headers(nil), body: Self.listDetectors) { r in
                #expect(r.status == .unauthorized)
            }
            for role in APIRole.allCases where role != .assistant {
                try await client.execute(uri: "/mcp", method: .post, headers: Self.headers(secrets[role]), body: Self.listDetectors) { r in
                    #expect(r.status == .forbidden, "\(role)")
                }
            }
            let initialize = ByteBuffer(string: #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#)
            try await client.execute(uri: "/mcp", method: .post, headers: Self.headers(secrets[.assistant]), body: initialize) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "application/json")
                #expect((r.object["result"] as? [String: Any])?["protocolVersion"] as? String == "2025-06-18")
            }
            try await client.execute(uri: "/mcp", method: .post, headers: Self.headers(secrets[.assistant]), body: Self.listDetectors) { r in
                #expect(r.status == .ok)
                let result = r.object["result"] as? [String: Any]
                #expect(result?["isError"] as? Bool == false)
                let ids = ((result?["structuredContent"] as? [String: Any])?["detectors"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
                #expect(ids == ["ecg-rhythm"])
            }
            // No Accept header means any type, so JSON; an Accept without JSON is refused by the SDK (406).
            var noAccept = Self.headers(secrets[.assistant])
            noAccept[.accept] = nil
            try await client.execute(uri: "/mcp", method: .post, headers: noAccept, body: Self.listDetectors) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "application/json")
            }
            var htmlOnly = Self.headers(secrets[.assistant])
            htmlOnly[.accept] = "text/html"
            try await client.execute(uri: "/mcp", method: .post, headers: htmlOnly, body: Self.listDetectors) { r in
                #expect(r.status == .notAcceptable)
            }
            // Messages JSON-RPC 2.0 calls invalid are refused before the SDK: no "jsonrpc", params of the wrong type.
            for bad in [#"{"id":1,"method":"tools/list"}"#, #"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":"x"}"#,
                        #"[{"jsonrpc":"2.0","method":"notifications/initialized"},{"method":"x"}]"#, #"{"jsonrpc":"1.0","method":"x"}"#,
                        #"{"jsonrpc":"2.0"}"#, #"{"jsonrpc":"2.0","id":{},"method":"x"}"#, #"{"jsonrpc":"2.0","id":1,"method":5}"#,
                        #"{"jsonrpc":"2.0","id":false,"method":"tools/list"}"#,
                        #"{"jsonrpc":"2.0","id":1,"result":{}}"#, #"{"jsonrpc":"2.0","id":1,"method":"tools/list","extra":1}"#] {
                try await client.execute(uri: "/mcp", method: .post, headers: Self.headers(secrets[.assistant]), body: ByteBuffer(string: bad)) { r in
                    #expect(r.status == .badRequest, "\(bad)")
                    #expect((r.object["error"] as? [String: Any])?["code"] as? Int == -32600, "\(bad)")
                    #expect(r.object["jsonrpc"] as? String == "2.0")
                }
            }
            for method in [HTTPRequest.Method.get, .delete] {
                try await client.execute(uri: "/mcp", method: method, headers: Self.headers(secrets[.assistant])) { r in
                    #expect(r.status == .methodNotAllowed)
                    #expect(r.headers[.allow] == "POST")
                }
            }
        }
        let entries = try await store.auditLog(object: "detectors")
        #expect(entries.map(\.actor) == Array(repeating: "token:\(ids[.assistant]!)", count: 2))  // two list_detectors calls answered
        #expect(entries.first?.action == "detectors.list")
    }
}
