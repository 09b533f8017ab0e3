import Foundation

/// What a `--db` value names: a SQLite file (the only store Vigil has), or a URL Vigil cannot use yet.
///
/// Commands check it before they create anything, so that `--db postgres://…` or a path in a folder
/// that does not exist fails with a clear message instead of a stray file or a database error.
public enum StoreLocation: Sendable, Hashable {
    /// A SQLite file path.
    case sqlite(path: String)
    /// A PostgreSQL URL (`postgres://`, `postgresql://`): not supported yet.
    case postgres(host: String)
    /// Some other URL scheme.
    case unsupportedURL(scheme: String)

    /// Classifies a `--db` value.
    public init(_ value: String) {
        if let colon = value.range(of: "://") {
            let scheme = value[..<colon.lowerBound].lowercased()
            if scheme == "postgres" || scheme == "postgresql" {
                self = .postgres(host: Self.host(of: value))
            } else if scheme == "file" || scheme == "sqlite" {
                self = .sqlite(path: URL(string: value)?.path ?? String(value[colon.upperBound...]))
            } else {
                self = .unsupportedURL(scheme: String(scheme))
            }
        } else {
            self = .sqlite(path: value)
        }
    }

    /// The host of a URL, without user, password or database (never shown: credentials).
    static func host(of value: String) -> String {
        guard let components = URLComponents(string: value), let host = components.host, !host.isEmpty else { return "?" }
        return host + (components.port.map { ":\($0)" } ?? "")
    }

    /// What the doctor says of a PostgreSQL `--db` (the PostgresStore target opens it; the doctor does not connect).
    public static let postgresNotChecked =
        "the doctor does not connect to PostgreSQL; the commands that take --db open it (docs/scale-out.md)"

    /// The message for a store that is not supported yet.
    public static let postgresNotSupported =
        "PostgreSQL is not supported yet: Vigil's findings store is SQLite only (docs/store.md, 'A PostgreSQL implementation', describes the plan)"

    /// Checks `value` for a command that writes a store (`mustExist` false: the file is created if
    /// missing) or reads one (`mustExist` true). Creates nothing.
    /// - Returns: the SQLite path.
    /// - Throws: ``StoreLocationError`` saying what is wrong and what to give instead.
    public static func validate(_ value: String, option: String = "--db", mustExist: Bool) throws -> String {
        switch StoreLocation(value) {
        case .postgres:
            throw StoreLocationError("\(option): \(postgresNotSupported); give a SQLite file path (e.g. \(option) vigil.sqlite)")
        case let .unsupportedURL(scheme):
            throw StoreLocationError("\(option): '\(scheme)://' is not a store Vigil can use; give a SQLite file path (e.g. \(option) vigil.sqlite)")
        case let .sqlite(path):
            guard !path.isEmpty else { throw StoreLocationError("\(option): empty path") }
            let fm = FileManager.default
            var isFolder: ObjCBool = false
            if fm.fileExists(atPath: path, isDirectory: &isFolder) {
                if isFolder.boolValue { throw StoreLocationError("\(option) \(path): is a folder; give a SQLite file path inside it (e.g. \(path)/vigil.sqlite)") }
                return path
            }
            if mustExist {
                throw StoreLocationError("\(option) \(path): no such findings store (`vigil batch ecg … --db \(path)` or `vigil worklist add … --db \(path)` creates one)")
            }
            let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
            guard fm.fileExists(atPath: parent, isDirectory: &isFolder), isFolder.boolValue else {
                throw StoreLocationError("\(option) \(path): the folder \(parent) does not exist (create it first)")
            }
            guard fm.isWritableFile(atPath: parent) else {
                throw StoreLocationError("\(option) \(path): the folder \(parent) is not writable")
            }
            return path
        }
    }
}

/// A `--db` value that cannot be used, with what to give instead.
public struct StoreLocationError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// The message.
    public let description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
    /// Same as ``description``.
    public var errorDescription: String? { description }
}
