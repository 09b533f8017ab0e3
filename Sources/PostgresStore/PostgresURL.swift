import Foundation
import PostgresNIO

/// Where a PostgreSQL database is, from a `postgresql://` URL (the libpq form):
/// `postgresql://user[:password]@host[:port]/database[?sslmode=disable|prefer|require&host=/socket/dir&application_name=NAME]`.
///
/// Without a password in the URL, `PGPASSWORD` is used when set. The ``description`` never shows the
/// password, so it is safe for logs and error messages an operator reads.
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    /// How to negotiate TLS (libpq's `sslmode`, the three modes postgres-nio has).
    public enum TLSMode: String, Sendable, Hashable {
        /// Plain TCP.
        case disable
        /// TLS if the server offers it (libpq's default).
        case prefer
        /// TLS or fail (`require`, `verify-ca`, `verify-full`: the certificate is verified by the system's trust store).
        case require
    }

    /// Host name or address (nil with a Unix socket).
    public var host: String?
    /// TCP port (also names the socket file `.s.PGSQL.PORT`).
    public var port: Int
    /// Folder of the server's Unix socket, from `?host=/path`.
    public var socketFolder: String?
    /// Role name.
    public var username: String
    /// Password, when given.
    public var password: String?
    /// Database name.
    public var database: String
    /// TLS negotiation.
    public var tls: TLSMode
    /// `application_name` shown in `pg_stat_activity`.
    public var applicationName: String

    /// Whether `text` is a PostgreSQL URL (and not a SQLite path).
    public static func isPostgresURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://")
    }

    /// Parses a URL.
    /// - Throws: ``PostgresStoreError/badURL(_:)`` naming what is wrong (never quoting a password).
    public init(_ text: String, applicationName: String = "vigil",
                environment: [String: String] = ProcessInfo.processInfo.environment) throws
    {
        guard Self.isPostgresURL(text), let components = URLComponents(string: text) else {
            throw PostgresStoreError.badURL("expected postgresql://user@host:port/database")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") },
                               uniquingKeysWith: { _, last in last })
        let known: Set<String> = ["sslmode", "host", "application_name", "port", "user", "password", "dbname"]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw PostgresStoreError.badURL("unknown parameter '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        let portText = query["port"] ?? components.port.map(String.init)
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p) else {
                throw PostgresStoreError.badURL("port must be 1-65535")
            }
            port = p
        } else {
            port = 5432
        }
        if let socket = query["host"], socket.hasPrefix("/") {
            socketFolder = socket
            host = nil
        } else {
            socketFolder = nil
            let h = query["host"] ?? components.percentEncodedHost.flatMap { $0.removingPercentEncoding } ?? ""
            host = h.isEmpty ? "localhost" : h.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        }
        let user = query["user"] ?? components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? ""
        guard !user.isEmpty else { throw PostgresStoreError.badURL("no user name (postgresql://USER@host/db)") }
        username = user
        password = query["password"] ?? components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
            ?? environment["PGPASSWORD"]
        let path = components.percentEncodedPath.removingPercentEncoding ?? ""
        let db = query["dbname"] ?? String(path.drop(while: { $0 == "/" }))
        database = db.isEmpty ? user : db
        guard !database.contains("/") else { throw PostgresStoreError.badURL("the database name must not contain '/'") }
        switch query["sslmode"] ?? "prefer" {
        case "disable", "allow": tls = .disable
        case "prefer": tls = .prefer
        case "require", "verify-ca", "verify-full": tls = .require
        case let other: throw PostgresStoreError.badURL("unknown sslmode '\(other)' (disable, prefer, require)")
        }
        self.applicationName = query["application_name"] ?? applicationName
    }

    /// The URL without its password: `postgresql://vigil@127.0.0.1:5432/vigil`.
    public var description: String {
        let at = socketFolder.map { "\($0) (socket)" } ?? "\(host ?? "localhost"):\(port)"
        return "postgresql://\(username)@\(at)/\(database)"
    }

    /// The same server and role, another database (tests make one each).
    public func with(database: String) -> PostgresURL {
        var copy = self
        copy.database = database
        return copy
    }

    /// The postgres-nio client configuration.
    func clientConfiguration(maxConnections: Int) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketFolder {
            configuration = PostgresClient.Configuration(
                unixSocketPath: "\(socketFolder)/.s.PGSQL.\(port)", username: username, password: password, database: database)
        } else {
            let tlsConfiguration: PostgresClient.Configuration.TLS = switch tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
            configuration = PostgresClient.Configuration(
                host: host ?? "localhost", port: port, username: username, password: password, database: database,
                tls: tlsConfiguration)
        }
        configuration.options.maximumConnections = max(1, maxConnections)
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        return configuration
    }
}

/// Why the PostgreSQL store failed, without values bound to statements, patient identifiers or passwords.
public enum PostgresStoreError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// The `--db` URL is malformed.
    case badURL(String)
    /// The server could not be reached or refused the connection.
    case cannotConnect(url: String, problem: String)
    /// A statement failed on the server: the operation, SQLSTATE and (for Vigil's own triggers only) the message.
    case database(operation: String, sqlState: String, message: String?)
    /// The connection broke during the operation.
    case connectionLost(operation: String)

    /// One line, safe to log.
    public var description: String {
        switch self {
        case let .badURL(problem): "PostgreSQL URL: \(problem)"
        case let .cannotConnect(url, problem): "PostgreSQL: cannot connect to \(url): \(problem)"
        case let .database(operation, state, message):
            "PostgreSQL: \(operation) failed (SQLSTATE \(state))" + (message.map { ": \($0)" } ?? "")
        case let .connectionLost(operation): "PostgreSQL: the connection was lost during \(operation)"
        }
    }

    /// Same as ``description``.
    public var errorDescription: String? { description }

    /// Whether retrying the operation may succeed (deadlock, serialization failure, lost connection).
    public var isTransient: Bool {
        switch self {
        case .connectionLost, .cannotConnect: true
        case let .database(_, state, _): state == "40001" || state == "40P01" || state.hasPrefix("08") || state == "57P01"
        case .badURL: false
        }
    }
}
