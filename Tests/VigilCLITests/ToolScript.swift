import Foundation
import Testing

/// Runs a Tools/ script of the repository the way a user does (from the repository root, no standard input),
/// with its output in a file rather than a pipe (a server the script starts could hold a pipe open), and stops it
/// with SIGTERM, which the scripts' EXIT traps turn into stopping their servers, after `timeout` seconds.
enum ToolScript {
    struct Result {
        let status: Int32
        let output: String
        let timedOut: Bool
    }

    static func run(_ path: String, _ arguments: [String] = [], environment: [String: String], timeout: TimeInterval) throws -> Result {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-tool-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        let p = Process()
        p.executableURL = VigilBinary.root.appendingPathComponent(path)
        p.arguments = arguments
        p.currentDirectoryURL = VigilBinary.root
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        let timedOut = p.isRunning
        if timedOut { p.terminate() }
        p.waitUntilExit()
        return Result(status: p.terminationStatus, output: (try? String(contentsOf: log, encoding: .utf8)) ?? "", timedOut: timedOut)
    }

    /// Files a test needs that are missing: in CI (CI=true) each is a recorded failure, since Tools/setup.sh
    /// installs them; elsewhere the test prints what is missing. Returns true when all are present.
    static func present(_ paths: [String], test: String, install: String) -> Bool {
        let missing = paths.filter { !FileManager.default.fileExists(atPath: $0) }
        guard !missing.isEmpty else { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("missing \(missing.joined(separator: ", ")): \(install)")
        } else {
            print("\(test): skipped, missing \(missing.joined(separator: ", "))")
        }
        return false
    }
}
