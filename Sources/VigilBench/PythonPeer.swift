import Foundation
import Synchronization

/// A peer implementation run side by side with Vigil: a Python script under `Tools/bench/` (NeuroKit2,
/// onnxruntime, scipy) started with a named interpreter, which prints one JSON object as its last line on
/// standard output. The one launcher every `vigil bench` peer goes through, so each reports an unavailable
/// peer the same way (script missing, interpreter missing, the script failing, no JSON) instead of failing.
public struct PythonPeer: Sendable {
    /// The interpreter (a name looked up on `PATH`, or a path), e.g. `python3` or a venv's `bin/python`.
    public let python: String
    /// The script.
    public let script: URL
    /// Environment variables set for the peer on top of this process's (e.g. one BLAS/OpenMP thread).
    public var environment: [String: String] = [:]

    /// A peer running `script` (relative paths: against the current directory, the repository root when
    /// `vigil bench` is run from it) with `python`.
    public init(python: String, script: String) {
        self.python = python
        self.script = URL(fileURLWithPath: script, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL
    }

    /// The environment that keeps a numerical Python peer on one thread (OpenMP, OpenBLAS, MKL, Numba).
    public static let singleThreaded: [String: String] = Dictionary(
        uniqueKeysWithValues: ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"].map { ($0, "1") })

    /// Why the peer gave no result (one line, for the report).
    public struct Unavailable: Error, CustomStringConvertible, Sendable {
        /// The reason.
        public let description: String
    }

    /// Runs the script with `arguments`; returns the JSON object of the last line of its standard output that
    /// starts with `{`.
    public func run(_ arguments: [String]) -> Result<[String: JSONScalar], Unavailable> {
        guard FileManager.default.fileExists(atPath: script.path) else {
            return .failure(Unavailable(description: "\(script.path) not found (run from the repository root)"))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script.path] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch {
            return .failure(Unavailable(description: "cannot start \(python): \(error.localizedDescription)"))
        }
        // Standard error is read beside standard output so that a peer writing much to it cannot block on a full pipe.
        let errorText = ErrorTail()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errorText.set(err.fileHandleForReading.readDataToEndOfFile()) }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        group.wait()
        guard process.terminationStatus == 0 else {
            let last = errorText.lastLine
            return .failure(Unavailable(description: "\(python) \(script.lastPathComponent) exited \(process.terminationStatus)"
                + (last.isEmpty ? "" : ": \(last)")))
        }
        guard let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last(where: { $0.hasPrefix("{") }),
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        else { return .failure(Unavailable(description: "\(script.lastPathComponent) printed no JSON result")) }
        return .success(object.compactMapValues(JSONScalar.init))
    }

    /// The last bytes of a peer's standard error.
    private final class ErrorTail: Sendable {
        private let data = Mutex(Data())
        func set(_ d: Data) { data.withLock { $0 = d } }
        var lastLine: String {
            let text = data.withLock { String(decoding: $0.suffix(2000), as: UTF8.self) }
            return text.split(separator: "\n").last.map { String($0.prefix(300)) } ?? ""
        }
    }
}

/// A value of a peer's JSON result: a number, a string, or a list or object of them (what the peer scripts print;
/// anything else is dropped).
public enum JSONScalar: Sendable, Equatable {
    case number(Double)
    case string(String)
    case list([JSONScalar])
    case object([String: JSONScalar])

    init?(_ any: Any) {
        switch any {
        case let n as Int: self = .number(Double(n))
        case let n as Double: self = .number(n)
        case let s as String: self = .string(s)
        case let a as [Any]: self = .list(a.compactMap(JSONScalar.init))
        case let o as [String: Any]: self = .object(o.compactMapValues(JSONScalar.init))
        default: return nil
        }
    }

    /// The number, if this is one.
    public var double: Double? { if case .number(let n) = self { n } else { nil } }
    /// The number as a whole number, if this is one.
    public var int: Int? { double.flatMap { $0.isFinite ? Int(exactly: $0.rounded()) : nil } }
    /// The string, if this is one.
    public var string: String? { if case .string(let s) = self { s } else { nil } }
    /// The list, if this is one.
    public var list: [JSONScalar]? { if case .list(let l) = self { l } else { nil } }
    /// The object, if this is one.
    public var object: [String: JSONScalar]? { if case .object(let o) = self { o } else { nil } }
}
