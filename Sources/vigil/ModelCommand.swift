import ArgumentParser
import Foundation
import ONNXEngine
import TensorCore
import VigilBench

/// `vigil model …`: run, inspect and time any ONNX model, the way a team checks its own export.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Run, inspect or time an ONNX model on the tensor core.",
        subcommands: [Run.self, Info.self, Bench.self])

    /// Parses `NAME=path.npy` pairs (a bare path is allowed for single-input models).
    static func loadInputs(_ specs: [String], model: ONNXModel) throws -> [String: Tensor] {
        var inputs: [String: Tensor] = [:]
        for spec in specs {
            let name: String, path: String
            if let eq = spec.firstIndex(of: "="), !spec[..<eq].contains("/") {
                name = String(spec[..<eq]); path = String(spec[spec.index(after: eq)...])
            } else {
                guard model.inputs.count == 1 else {
                    throw ValidationError("the model has inputs \(model.inputs.map(\.name).joined(separator: ", ")); give each as NAME=file.npy")
                }
                name = model.inputs[0].name; path = spec
            }
            guard model.inputs.contains(where: { $0.name == name }) else {
                throw ValidationError("the model has no input '\(name)' (its inputs: \(model.inputs.map(\.name).joined(separator: ", ")))")
            }
            inputs[name] = try NPYFile.read(URL(fileURLWithPath: path))
        }
        return inputs
    }

    /// Checks `NAME=file.npy` (or bare path) specs name existing files.
    static func checkInputFiles(_ specs: [String]) throws {
        for spec in specs {
            var path = spec
            if let eq = spec.firstIndex(of: "="), !spec[..<eq].contains("/") { path = String(spec[spec.index(after: eq)...]) }
            try ArgumentChecks.existing(path, "--input")
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a model on NumPy .npy inputs (float32, C order) and write its outputs as .npy.")

        @Argument(help: "The .onnx file.") var model: String
        @Option(name: .customLong("input"), help: "NAME=file.npy (repeat for several inputs).") var inputs: [String] = []
        @Option(help: "Where to write the first output.") var output: String?
        @Option(help: "Write every output to DIR/<output name>.npy.") var outputDir: String?
        @OptionGroup var compute: ComputeOptions

        func validate() throws {
            guard output != nil || outputDir != nil else { throw ValidationError("give --output FILE.npy or --output-dir DIR") }
            try ArgumentChecks.existing(model, "MODEL")
            try ModelCommand.checkInputFiles(inputs)
            if let output { try ArgumentChecks.outputFile(output, option: "--output") }
            if let outputDir { try ArgumentChecks.outputFolder(outputDir, option: "--output-dir") }
        }

        func run() throws {
            try compute.apply()
            let m = try ONNXModel(contentsOf: URL(fileURLWithPath: model))
            let session = try InferenceSession(model: m)
            let outputs = try session.run(try ModelCommand.loadInputs(inputs, model: m))
            if let output {
                let first = m.outputs[0].name
                try NPYFile.write(outputs[first]!, to: URL(fileURLWithPath: output))
                print("\(first) \(outputs[first]!.shape) → \(output)")
            }
            if let outputDir {
                try FileManager.default.createDirectory(atPath: outputDir, withIntermediateDirectories: true)
                for o in m.outputs {
                    let safe = o.name.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." ? $0 : "_" }
                    let path = URL(fileURLWithPath: outputDir).appendingPathComponent(String(safe) + ".npy")
                    try NPYFile.write(outputs[o.name]!, to: path)
                    print("\(o.name) \(outputs[o.name]!.shape) → \(path.path)")
                }
            }
        }
    }

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a model's inputs, outputs, operators, unsupported operators and the execution plan.")

        @Argument(help: "The .onnx file.") var model: String
        @Flag(help: "Also list every planned kernel step.") var plan = false

        func validate() throws { try ArgumentChecks.existing(model, "MODEL") }

        func run() throws {
            let info = try ModelInspection(contentsOf: URL(fileURLWithPath: model))
            print("model      \(info.path)")
            print("producer   \(info.producer.isEmpty ? "-" : info.producer)   IR \(info.irVersion)   opset \(info.opset.map(String.init) ?? "none")")
            print("parameters \(info.parameterCount)")
            func shape(_ v: ValueInfo) -> String {
                guard let s = v.shape else { return "unknown shape" }
                return "[" + zip(s, v.symbols + Array(repeating: nil, count: max(0, s.count - v.symbols.count)))
                    .map { d, sym in d.map(String.init) ?? sym ?? "?" }.joined(separator: ", ") + "]"
            }
            for i in info.inputs { print("input      \(i.name)  \(i.elementType)  \(shape(i))") }
            for o in info.outputs { print("output     \(o.name)  \(o.elementType)  \(shape(o))") }
            print("operators  " + info.operatorCounts.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " "))
            print("unsupported " + (info.unsupportedOperators.isEmpty ? "none" : info.unsupportedOperators.joined(separator: ", ")))
            if let error = info.loadError {
                print("status     cannot run: \(error)")
                throw ExitCode(2)
            }
            let session = try InferenceSession(model: info.model!)
            let summary = try session.planSummary()
            print("status     loads and plans (\(summary.steps.count) kernel steps for \(info.model!.nodes.count) nodes)")
            print("memory     arena \(summary.arenaBytes / 1024) KiB (without reuse \(summary.unsharedBytes / 1024) KiB), workspace \(summary.workspaceBytes / 1024) KiB, constants \(summary.constantBytes / 1024) KiB")
            print("compute    \(String(format: "%.1f", Double(summary.flops) / 1e6)) MFLOP per inference at the declared shapes")
            if plan {
                for (i, s) in summary.steps.enumerated() {
                    print(String(format: "  %3d  ", i) + s.label + "  → " + s.outputShapes.map { "\($0)" }.joined(separator: ", "))
                }
            }
        }
    }

    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time a model: inferences per second after warm-up, median of repeated runs.")

        @Argument(help: "The .onnx file.") var model: String
        @Option(name: .customLong("input"), help: "NAME=file.npy; random inputs of the declared shape when omitted.") var inputs: [String] = []
        @Option(help: "Batch size for random inputs (dynamic first axis).") var batch: Int = 1
        @Option(help: "Minimum seconds of timed runs.") var seconds: Double = 2
        @Flag(help: "Also print the time spent in each kernel step.") var profile = false
        @OptionGroup var compute: ComputeOptions

        func validate() throws {
            try ArgumentChecks.existing(model, "MODEL")
            try ModelCommand.checkInputFiles(inputs)
            try ArgumentChecks.atLeast(batch, 1, "--batch")
            try ArgumentChecks.positive(seconds, "--seconds")
        }

        func run() throws {
            try compute.apply()
            let m = try ONNXModel(contentsOf: URL(fileURLWithPath: model))
            let session = try InferenceSession(model: m)
            let x = inputs.isEmpty ? TensorBenchmark.syntheticInputs(for: m, batch: batch) : try ModelCommand.loadInputs(inputs, model: m)
            let r = try TensorBenchmark.measure(session: session, inputs: x, name: URL(fileURLWithPath: model).deletingPathExtension().lastPathComponent,
                                                threads: TensorThreads.count, minimumSeconds: seconds)
            if profile {
                let steps = try session.profile(x, repeats: 20)
                let total = steps.reduce(0) { $0 + $1.seconds }
                for (i, s) in steps.enumerated() {
                    print(String(format: "  %3d %6.2f ms %5.1f%%  ", i, s.seconds / 20 * 1000, s.seconds / total * 100) + s.label)
                }
            }
            print("\(r.model)  threads \(r.threads)  batch \(r.batch)  \(format(r.inferencesPerSecond)) inferences/s  median \(format(r.medianMilliseconds, 2)) ms  \(format(r.gflops ?? 0)) GFLOP/s")
        }
    }
}
