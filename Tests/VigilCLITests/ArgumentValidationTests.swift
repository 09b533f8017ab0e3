import Foundation
import Testing
import VigilTestSupport

/// The built `vigil` executable, run as a user would: in a scratch folder, with wrong arguments.
enum VigilBinary {
    /// The repository root (SampleData, Models).
    static let root = Repository.root

    /// `vigil` next to the test bundle (`swift build --build-tests` / `swift test` build it).
    static func locate() -> URL? {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
        ]
        for folder in candidates {
            let url = folder.appendingPathComponent("vigil")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    struct Result {
        let status: Int32
        let output: String
        let error: String
    }

    /// Runs vigil in `folder` with `environment` added to this process's.
    static func run(_ vigil: URL, _ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = vigil
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes concurrently so a full one cannot block the child.
        nonisolated(unsafe) var errorData = Data()
        let reader = Thread { errorData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outputData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return Result(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                      error: String(decoding: errorData, as: UTF8.self))
    }

    /// Every path under `folder`, relative.
    static func contents(of folder: URL) -> [String] {
        let e = FileManager.default.enumerator(atPath: folder.path)
        var out: [String] = []
        while let next = e?.nextObject() as? String { out.append(next) }
        return out.sorted()
    }
}

/// Temporary folder.
struct Scratch {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("VigilCLITests-\(UUID().uuidString)")
    init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
    func remove() { try? FileManager.default.removeItem(at: url) }
}

@Suite("vigil arguments are checked before anything is written", .serialized)
struct ArgumentValidationTests {
    static let ecg = VigilBinary.root.appendingPathComponent("SampleData/ecg").path
    static let record = VigilBinary.root.appendingPathComponent("SampleData/ecg/synthetic/syn000002.hea").path
    static let ct = VigilBinary.root.appendingPathComponent("SampleData/ct/CT_small.dcm").path
    static let onnx = VigilBinary.root.appendingPathComponent("Models/test/ecg_resnet1d.onnx").path
    static let npy = VigilBinary.root.appendingPathComponent("SampleData/tensors/ecg_resnet1d_input.npy").path

    /// Wrong invocations of every command this test owns, each with a word its message must contain.
    /// Paths are relative, so a command that wrongly writes would write into the scratch folder.
    static let cases: [(arguments: [String], expect: String)] = [
        (["batch", "ecg", ecg, "--db", "b.sqlite", "--workers", "0"], "--workers"),
        (["batch", "ecg", ecg, "--db", "b.sqlite", "--units", "furlongs"], "--units"),
        (["batch", "ecg", ecg, "--db", "b.sqlite", "--rate", "-5"], "--rate"),
        (["batch", "ecg", ecg, "--db", "b.sqlite", "--progress-interval", "0"], "--progress-interval"),
        (["batch", "ecg", "no-such-folder", "--db", "b.sqlite"], "no-such-folder"),
        (["batch", "ecg", ecg, "--db", "missing-folder/b.sqlite"], "does not exist"),
        (["batch", "ecg", ecg, "--db", "postgres://localhost/vigil"], "no user name"),
        (["batch", "ecg", ecg, "--db", "postgresql://vigil@localhost/vigil?sslmode=maybe"], "sslmode"),
        (["batch", "ecg", ecg, "--db", "b.sqlite", "--enqueue"], "--enqueue needs --db postgresql://"),
        (["worker", "--db", "w.sqlite"], "postgresql:// URL"),
        (["worker", "--db", "postgresql://vigil@localhost/vigil", "--threads", "0"], "--threads"),
        (["batch", "ecg", ecg, "--db", "."], "is a folder"),
        (["worklist", "add", "no-such-study", "--db", "w.sqlite"], "no-such-study"),
        (["worklist", "add", "--db", "w.sqlite"], "--folder"),
        (["worklist", "add", "--folder", "no-such-folder", "--db", "w.sqlite"], "no-such-folder"),
        (["worklist", "tag", "--db", "w.sqlite"], "no such findings store"),
        (["worklist", "tag", "--db", "w.sqlite", "--threshold", "2"], "--threshold"),
        (["worklist", "list", "--db", "w.sqlite"], "no such findings store"),
        (["ecg", "convert", record], "--output"),
        (["ecg", "convert", record, "--output", "x.npy", "--rate", "0"], "--rate"),
        (["ecg", "convert", record, "--output", "no-folder/x.npy"], "does not exist"),
        (["ecg", "convert", "missing.hea", "--output", "x.npy", "--wfdb", "w"], "missing.hea"),
        (["ecg", "score", record, "--mains", "45"], "--mains"),
        (["ecg", "plot", record, "--output", "p.png", "--layout", "bogus"], "--layout"),
        (["ecg", "plot", record, "--output", "p.png", "--mains", "45"], "--mains"),
        (["ecg", "plot", record, "--output", "p.png", "--beats", "some"], "--beats"),
        (["ecg", "eval", record, "--beat-model", "m.json"], "--beat-classes"),
        (["ecg", "eval", record, "--pwaves", "--beat-classes"], "separate evaluations"),
        (["ecg", "eval", record, "--beat-classes", "--beat-model", "absent.json"], "absent.json"),
        (["ecg", "plot", record, "--output", "p.png", "--px-per-mm", "2"], "px-per-mm"),
        (["ecg", "plot", record, "--output", "p.png", "--speed", "30"], "speed"),
        (["ecg", "plot", record, "--output", "p.png", "--findings", "none.json"], "none.json"),
        (["ecg", "plot", "missing.hea", "--output", "p.png"], "missing.hea"),
        (["ct", "convert", "missing.dcm", "--output", "v.npy"], "missing.dcm"),
        (["ct", "score", ct, "--output", "overlays", "--localizer", "loc"], "--lesion"),
        (["ct", "score", "missing-study", "--output", "overlays"], "missing-study"),
        (["ct", "score", ct, "--output", "overlays", "--threads", "0"], "--threads"),
        (["synth", "ecg", "--out", "s", "--count", "0"], "--count"),
        (["synth", "ecg", "--out", "s", "--labels", "bogus"], "bogus"),
        (["synth", "ecg", "--out", "s", "--snr-db", "loud"], "--snr-db"),
        (["synth", "ecg", "--out", "s", "--rate", "0"], "--rate"),
        (["synth", "ecg", "--out", "s", "--jobs", "0"], "--jobs"),
        (["synth", "ecg", "--out", "s", "--prefix", "a/b"], "--prefix"),
        (["synth", "ct", "--out", "s", "--lesion", "bogus"], "--lesion"),
        (["synth", "ct", "--out", "s", "--lesion-probability", "2"], "--lesion-probability"),
        (["synth", "ct", "--out", "s", "--matrix", "0"], "--matrix"),
        (["model", "run", onnx, "--input", npy], "--output"),
        (["model", "run", onnx, "--input", "missing.npy", "--output-dir", "o"], "missing.npy"),
        (["model", "run", "missing.onnx", "--output", "o.npy"], "missing.onnx"),
        (["model", "bench", onnx, "--batch", "0"], "--batch"),
        (["bench", "ecg", "--records", "0", "--dir", "d"], "--records"),
        (["bench", "batch", "--count", "0"], "--count"),
        (["bench", "tensor", "--threads", "0"], "--threads"),
        (["bench", "ct", "--matrix", "1"], "--matrix"),
        (["demo", "--root", "no-such-root"], "no-such-root"),
        (["doctor", "--lm-timeout", "0"], "--lm-timeout"),
    ]

    @Test(.timeLimit(.minutes(10)))
    func wrongArgumentsFailWithAMessageAndLeaveNoFileBehind() throws {
        guard let vigil = VigilBinary.locate() else {
            Issue.record("the vigil executable was not found next to the test bundle (\(CommandLine.arguments[0])); build it with `swift build --build-tests`")
            return
        }
        for (arguments, expect) in Self.cases {
            let scratch = try Scratch()
            defer { scratch.remove() }
            let result = try VigilBinary.run(vigil, arguments, in: scratch.url)
            let shown = arguments.joined(separator: " ")
            #expect(result.status != 0, "vigil \(shown) succeeded")
            #expect(result.error.contains(expect), "vigil \(shown): the message does not name '\(expect)': \(result.error)")
            #expect(VigilBinary.contents(of: scratch.url).isEmpty,
                    "vigil \(shown) left \(VigilBinary.contents(of: scratch.url)) behind")
        }
    }

    @Test func versionAndCompletionScripts() throws {
        guard let vigil = VigilBinary.locate() else { Issue.record("vigil not built"); return }
        let scratch = try Scratch()
        defer { scratch.remove() }
        let version = try VigilBinary.run(vigil, ["--version"], in: scratch.url)
        #expect(version.status == 0)
        #expect(version.output.hasPrefix("vigil "))
        for shell in ["bash", "zsh", "fish"] {
            let script = try VigilBinary.run(vigil, ["--generate-completion-script", shell], in: scratch.url)
            #expect(script.status == 0)
            #expect(script.output.contains("doctor"), "\(shell) completion has no doctor subcommand")
        }
    }

    @Test func worklistAddSaysWhichStudiesWereAddedAndWhichWereAlreadyThere() throws {
        guard let vigil = VigilBinary.locate() else { Issue.record("vigil not built"); return }
        let scratch = try Scratch()
        defer { scratch.remove() }
        let slice = VigilBinary.root.appendingPathComponent("SampleData/ct/PancreasCT_0001_slice122_j2k.dcm").path
        let first = try VigilBinary.run(vigil, ["worklist", "add", Self.ct, "--db", "w.sqlite"], in: scratch.url)
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.contains("added          CT_small.dcm"))
        #expect(first.output.contains("1 of 1 studies added, 0 already on the worklist; 1 on the worklist in all"))
        let second = try VigilBinary.run(vigil, ["worklist", "add", Self.ct, slice, "--db", "w.sqlite"], in: scratch.url)
        #expect(second.status == 0, "\(second.error)")
        #expect(second.output.contains("already there  CT_small.dcm"))
        #expect(second.output.contains("added          PancreasCT_0001_slice122_j2k.dcm"))
        #expect(second.output.contains("1 of 2 studies added, 1 already on the worklist; 2 on the worklist in all"))
    }

    @Test func doctorInAFolderWithoutModelsFailsAndSaysWhere() throws {
        guard let vigil = VigilBinary.locate() else { Issue.record("vigil not built"); return }
        let scratch = try Scratch()
        defer { scratch.remove() }
        let port = 9  // discard: nothing listens on loopback here
        let result = try VigilBinary.run(vigil, ["doctor"], in: scratch.url, environment: [
            "VIGIL_MODELS": "", "VIGIL_OPENAI_BASE_URL": "http://127.0.0.1:\(port)/v1", "VIGIL_OPENAI_MODEL": "m",
        ])
        #expect(result.status == 1)
        #expect(result.output.contains("error   models"))
        #expect(result.output.contains(scratch.url.appendingPathComponent("Models").path)
                    || result.output.contains(scratch.url.resolvingSymlinksInPath().appendingPathComponent("Models").path))
        #expect(result.output.contains("error   language model"))
        #expect(VigilBinary.contents(of: scratch.url).isEmpty)

        let fine = try VigilBinary.run(vigil, ["doctor", "--models", VigilBinary.root.appendingPathComponent("Models").path],
                                       in: scratch.url, environment: ["VIGIL_OPENAI_BASE_URL": "", "VIGIL_OPENAI_MODEL": ""])
        #expect(fine.status == 0, "\(fine.output)")
        #expect(fine.output.contains("0 errors"))
    }
}
