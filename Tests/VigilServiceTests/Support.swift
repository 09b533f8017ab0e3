import DetectorCatalog
import DetectorKit
import FindingsStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import VigilTestSupport
@testable import VigilService

/// A service over a fresh SQLite store and the rule-based ECG detector only (no model weights), with one
/// token per role; its routes are driven in memory (`.router` test mode).
struct Harness: Sendable {
    static let sampleECG = Repository.sampleECG

    let folder: URL
    let store: SQLiteFindingsStore
    let api: VigilAPI
    /// One valid token per role.
    let tokens: [APIRole: String]
    let tokenIDs: [APIRole: Int64]

    static func make(options: VigilServiceOptions = .init(), mounts: [VigilServiceMount] = [], emptyRegistry: Bool = false)
        async throws -> Harness
    {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("VigilServiceTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try SQLiteFindingsStore(path: folder.appendingPathComponent("vigil.sqlite").path, actor: "test")
        let registry = emptyRegistry ? DetectorRegistry()
            : try DetectorCatalog.registry(settings: .init(), modelsDirectory: folder.appendingPathComponent("no-models"),
                                           warn: { _ in })
        var tokens: [APIRole: String] = [:]
        var ids: [APIRole: Int64] = [:]
        for role in APIRole.allCases {
            let (secret, token) = try await store.createToken(role: role, name: "test \(role.rawValue)")
            tokens[role] = secret
            ids[role] = token.id
        }
        let api = VigilAPI(store: store, registry: registry, options: options, notes: [], mounts: mounts)
        return Harness(folder: folder, store: store, api: api, tokens: tokens, tokenIDs: ids)
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    /// Runs `body` against the router in memory.
    func test<T: Sendable>(_ body: @Sendable @escaping (any TestClientProtocol) async throws -> T) async throws -> T {
        let app = Application(router: api.router())
        return try await app.test(.router) { client in try await body(client) }
    }

    /// Headers with `role`'s bearer token (and more).
    func headers(_ role: APIRole?, _ extra: [HTTPField.Name: String] = [:]) -> HTTPFields {
        var h = HTTPFields()
        if let role { h[.authorization] = "Bearer \(tokens[role]!)" }
        for (k, v) in extra { h[k] = v }
        return h
    }

    static func sample(_ name: String) throws -> Data { try Data(contentsOf: sampleECG.appendingPathComponent(name)) }
}

/// A `multipart/form-data` body with one part per file.
func multipart(_ files: [(name: String, data: Data)], boundary: String = "vigil-test-boundary") -> (ByteBuffer, String) {
    var out = Data()
    for f in files {
        out.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(f.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8))
        out.append(f.data)
        out.append(Data("\r\n".utf8))
    }
    out.append(Data("--\(boundary)--\r\n".utf8))
    return (ByteBuffer(bytes: out), "multipart/form-data; boundary=\(boundary)")
}

extension TestResponse {
    /// The body as a JSON object.
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }
    var text: String { String(buffer: body) }
    /// A problem+json answer with this status.
    func isProblem(_ code: Int) -> Bool {
        status.code == code && headers[.contentType] == "application/problem+json" && (object["status"] as? Int) == code
            && (object["detail"] as? String)?.isEmpty == false && (object["type"] as? String)?.hasPrefix("urn:vigil:problem:") == true
    }
}

extension HTTPField.Name {
    static let idempotencyKeyTest = HTTPField.Name("Idempotency-Key")!
}
