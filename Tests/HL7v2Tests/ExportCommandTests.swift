import Foundation
import Testing
import VigilTestSupport

/// `vigil export` checks every argument before it creates any file (run as a process: the executable
/// `swift test` builds next to the test bundle), and sends ORU messages over MLLP end to end.
@Suite("vigil export arguments")
struct ExportCommandTests {
    static func vigil() -> URL? {
        for folder in [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(), Bundle.main.bundleURL,
                       Bundle.main.bundleURL.deletingLastPathComponent()]
        {
            let url = folder.appendingPathComponent("vigil")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    /// Exit status and standard error.
    static func run(_ vigil: URL, _ args: [String]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = vigil
        p.arguments = args
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func badArgumentsAreRefusedBeforeAnyFileIsCreated() async throws {
        guard let vigil = Self.vigil() else {
            Issue.record("the vigil executable was not found next to the test bundle; build it with `swift build --product vigil`")
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("export-args-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("v.sqlite").path
        _ = try await ecgStore(db)
        let out = folder.appendingPathComponent("out").path
        let file = folder.appendingPathComponent("plain.txt").path
        FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        let cases: [([String], String)] = [
            (["--db", db, "--format", "pdf", "--output", out], "--format must be one of"),
            (["--db", folder.appendingPathComponent("none.sqlite").path, "--format", "csv", "--output", out], "no such findings store"),
            (["--db", db, "--format", "csv", "--kind", "mri", "--output", out], "--kind must be"),
            (["--db", db, "--format", "csv", "--mllp", "localhost:2575", "--output", out], "--mllp is for --format hl7v2"),
            (["--db", db, "--format", "hl7v2", "--mllp", "localhost", "--output", out], "HOST:PORT"),
            (["--db", db, "--format", "hl7v2", "--mllp", "localhost:70000", "--output", out], "HOST:PORT"),
            (["--db", db, "--format", "dicom-sr"], "needs --output DIR"),
            (["--db", db, "--format", "dicom-sr", "--output", file], "not a folder"),
            (["--db", db, "--format", "fhir", "--output", folder.path], "is a folder"),
            (["--db", db, "--format", "hl7v2", "--output", folder.appendingPathComponent("no/such/x.hl7").path], "parent folder"),
        ]
        for (args, message) in cases {
            let (status, err) = try Self.run(vigil, ["export"] + args)
            #expect(status != 0, "\(args)")
            #expect(err.contains(message), "\(args): \(err)")
            #expect(!FileManager.default.fileExists(atPath: out), "\(args) created \(out)")
        }
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "x")
    }

    @Test func hl7v2ExportSendsEveryMessageOverMLLP() async throws {
        guard let vigil = Self.vigil() else {
            Issue.record("the vigil executable was not found next to the test bundle")
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("export-mllp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("v.sqlite").path
        _ = try await ecgStore(db)
        let listener = try LoopbackListener(answers: ["AA", "AA", "AA"])
        let out = folder.appendingPathComponent("f.hl7").path
        let (status, err) = try Self.run(vigil, ["export", "--db", db, "--format", "hl7v2", "--output", out, "--mllp", "127.0.0.1:\(listener.port)"])
        let received = listener.finish()
        #expect(status == 0, "\(err)")
        #expect(err.contains("3 sent"))
        #expect(received.count == 3)
        #expect(received.joined() == (try String(contentsOfFile: out, encoding: .utf8)))

        // The independent check: python-hl7 parses every message, in the file and as MLLP frames.
        guard let python = Self.validatorPython() else { return }
        let framed = folder.appendingPathComponent("f.mllp")
        try Data(received.map { "\u{0B}\($0)\u{1C}\r" }.joined().utf8).write(to: framed)
        for arguments in [[out], [framed.path, "--mllp"]] {
            let (status, report) = try Self.runAll(python, [Self.repository.appendingPathComponent("Tools/hl7/validate.py").path] + arguments)
            #expect(status == 0, "Tools/hl7/validate.py \(arguments.joined(separator: " ")): \(report.suffix(1200))")
            #expect(report.contains("3 messages, all OK"), "\(report.suffix(800))")
        }
    }

    static let repository = Repository.root

    /// The Python with python-hl7 that Tools/hl7/validators-venv.sh made (VIGIL_VALIDATORS, default
    /// /var/cache/vigil/validators); nil after a CI failure or a local skip message when there is none.
    static func validatorPython() -> URL? {
        let dir = ProcessInfo.processInfo.environment["VIGIL_VALIDATORS"] ?? "/var/cache/vigil/validators"
        let python = URL(fileURLWithPath: dir).appendingPathComponent("bin/python")
        if FileManager.default.isExecutableFile(atPath: python.path) { return python }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("no python-hl7 environment at \(dir): Tools/setup.sh makes it (Tools/hl7/validators-venv.sh)")
        } else {
            print("skipping the python-hl7 check: no \(python.path) (run Tools/hl7/validators-venv.sh)")
        }
        return nil
    }

    /// Exit status and standard output + error.
    static func runAll(_ tool: URL, _ args: [String]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = tool
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
