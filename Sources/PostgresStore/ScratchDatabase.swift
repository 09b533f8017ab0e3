import Foundation
import PostgresNIO

/// Empty databases on the server of a given URL, one per test (internal: tests and benchmarks only).
enum ScratchDatabase {
    /// Creates an empty database `PREFIX_<random>` with the URL's role as owner; returns its URL.
    static func create(adminURL: String, prefix: String = "vigil_test") async throws -> String {
        let name = "\(prefix)_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
        try await execute(adminURL: adminURL, "CREATE DATABASE \(name)")
        guard var components = URLComponents(string: adminURL) else { throw PostgresStoreError.badURL("unparsable") }
        components.percentEncodedPath = "/\(name)"
        return components.string!
    }

    /// Drops a database made by ``create(adminURL:prefix:)`` (disconnecting its sessions).
    static func drop(adminURL: String, url: String) async {
        guard let name = URLComponents(string: url)?.path.dropFirst(),
              name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !name.isEmpty else { return }
        try? await execute(adminURL: adminURL, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs one statement on a fresh connection to `adminURL`'s database.
    static func execute(adminURL: String, _ sql: String) async throws {
        let url = try PostgresURL(adminURL, applicationName: "vigil-test-admin")
        let client = PostgresClient(configuration: url.clientConfiguration(maxConnections: 1), backgroundLogger: PG.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            do {
                _ = try await client.query(PostgresQuery(unsafeSQL: sql), logger: PG.logger).collect()
            } catch {
                throw RawSQLError(message: PG.serverMessage(error) ?? String(reflecting: error))
            }
        }
    }
}
