import DICOMWebIngest
import DetectorKit
import FindingsStore
import Foundation
import Hummingbird
import Testing
import VigilMCP
@testable import VigilService

/// The committed OpenAPI document and the router `vigil serve` builds (with its two mounts, `/mcp` and
/// `/dicomweb`) agree: every route is in the spec and every spec operation is a route (paths and methods, both
/// directions).
@Suite struct OpenAPIAgreementTests {
    /// The harness with the mounts `vigil serve` adds.
    static func served() async throws -> (Harness, URL) {
        let spoolRoot = FileManager.default.temporaryDirectory.appendingPathComponent("OpenAPIAgreement-\(UUID().uuidString)")
        let spool = try InstanceSpool(root: spoolRoot)
        let stow = STOWService(spool: spool, assembler: SeriesAssembler(spool: spool, quietTime: 10))
        // The MCP context's own store and registry: only the routes are compared.
        let store = try SQLiteFindingsStore(path: spoolRoot.appendingPathComponent("mcp.sqlite").path, actor: "test")
        let mcp = VigilMCPEndpoint(context: VigilMCPContext(registry: DetectorRegistry(), store: store))
        return (try await Harness.make(mounts: [.mcp(mcp), .dicomweb(stow)]), spoolRoot)
    }

    @Test func routerRoutesAndSpecOperationsAreTheSame() async throws {
        let (h, spool) = try await Self.served()
        defer { h.remove(); try? FileManager.default.removeItem(at: spool) }
        let routes = Set(h.api.router().routes.map { "\($0.method.rawValue) \($0.path)" })
        let spec = try #require(try JSONSerialization.jsonObject(with: OpenAPIDocument.data) as? [String: Any])
        let paths = try #require(spec["paths"] as? [String: [String: Any]])
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        var operations = Set<String>()
        for (path, item) in paths {
            for key in item.keys where methods.contains(key) { operations.insert("\(key.uppercased()) \(path)") }
        }
        #expect(routes.count >= 10)
        #expect(routes.subtracting(operations).isEmpty, "routes missing from the spec: \(routes.subtracting(operations).sorted())")
        #expect(operations.subtracting(routes).isEmpty, "spec operations without a route: \(operations.subtracting(routes).sorted())")
    }

    @Test func theSpecIsOpenAPI31WithResolvableReferences() throws {
        let text = OpenAPIDocument.text
        let spec = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(spec["openapi"] as? String == "3.1.0")
        // Every "$ref" names a component that exists.
        let components = try #require(spec["components"] as? [String: [String: Any]])
        let refs = text.matches(of: /"\$ref": "#\/components\/(\w+)\/(\w+)"/).map { (String($0.1), String($0.2)) }
        #expect(!refs.isEmpty)
        for (section, name) in refs { #expect(components[section]?[name] != nil, "dangling $ref \(section)/\(name)") }
        // Every token route (/v1, /mcp, /dicomweb) declares 401; the open routes declare no security.
        let paths = try #require(spec["paths"] as? [String: [String: [String: Any]]])
        let open: Set<String> = ["/healthz", "/readyz", "/metrics", "/openapi.json"]
        for (path, item) in paths {
            for (_, op) in item {
                let responses = op["responses"] as? [String: Any] ?? [:]
                if open.contains(path) { #expect((op["security"] as? [Any])?.isEmpty == true, "\(path) should be open") }
                else { #expect(responses["401"] != nil, "\(path) lacks 401"); #expect(op["security"] == nil, "\(path) needs the token") }
            }
        }
    }
}
