import Foundation
import ONNXEngine
import TensorCore

/// `vigil model run|info|bench` and `vigil demo`: run, inspect and time any ONNX model on the tensor core, the
/// way a team checks its own export. Inputs are NumPy `.npy` files (float32, C order) given as `NAME=file.npy`
/// (a bare path for a single-input model).
public enum ModelTools {
    /// Reads `NAME=path.npy` specs (a bare path for single-input models) into the model's inputs.
    /// - Throws: ``BenchError`` naming an input the model does not have, or reader errors naming the file.
    public static func loadInputs(_ specs: [String], model: ONNXModel) throws -> [String: Tensor] {
        var inputs: [String: Tensor] = [:]
        for spec in specs {
            let (given, path) = split(spec)
            guard let name = given ?? (model.inputs.count == 1 ? model.inputs[0].name : nil) else {
                throw BenchError("the model has inputs \(model.inputs.map(\.name).joined(separator: ", ")); give each as NAME=file.npy")
            }
            guard model.inputs.contains(where: { $0.name == name }) else {
                throw BenchError("the model has no input '\(name)' (its inputs: \(model.inputs.map(\.name).joined(separator: ", ")))")
            }
            inputs[name] = try NPYFile.read(URL(fileURLWithPath: path))
        }
        return inputs
    }

    /// The file of each `NAME=file.npy` (or bare path) spec.
    public static func inputFiles(_ specs: [String]) -> [String] { specs.map { split($0).path } }

    /// `NAME=path` as (NAME, path); a bare path (no `=` before the first `/`) as (nil, path).
    static func split(_ spec: String) -> (name: String?, path: String) {
        guard let eq = spec.firstIndex(of: "="), !spec[..<eq].contains("/") else { return (nil, spec) }
        return (String(spec[..<eq]), String(spec[spec.index(after: eq)...]))
    }

    /// Runs `model` on `inputs` and writes its first output to `output` and/or every output to `outputDir`.
    public static func run(model: URL, inputs: [String], output firstOutput: URL?, outputDir: URL?, _ output: BenchOutput) throws {
        let m = try ONNXModel(contentsOf: model)
        let session = try InferenceSession(model: m)
        let outputs = try session.run(try loadInputs(inputs, model: m))
        if let file = firstOutput {
            let first = m.outputs[0].name
            try NPYFile.write(outputs[first]!, to: file)
            output.line("\(first) \(outputs[first]!.shape) → \(file.path)")
        }
        if let outputDir {
            try FileManager.default.createDirectory(at: outputDir, withIntermediateDirectories: true)
            for o in m.outputs {
                let safe = o.name.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." ? $0 : "_" }
                let path = outputDir.appendingPathComponent(String(safe) + ".npy")
                try NPYFile.write(outputs[o.name]!, to: path)
                output.line("\(o.name) \(outputs[o.name]!.shape) → \(path.path)")
            }
        }
    }

    /// Prints a model's inputs, outputs, operators, unsupported operators and execution plan.
    /// - Returns: false when the model cannot run on the tensor core (the reason printed).
    public static func info(model: URL, plan: Bool, _ output: BenchOutput) throws -> Bool {
        let info = try ModelInspection(contentsOf: model)
        output.line("model      \(info.path)")
        output.line("producer   \(info.producer.isEmpty ? "-" : info.producer)   IR \(info.irVersion)   opset \(info.opset.map(String.init) ?? "none")")
        output.line("parameters \(info.parameterCount)")
        func shape(_ v: ValueInfo) -> String {
            guard let s = v.shape else { return "unknown shape" }
            return "[" + zip(s, v.symbols + Array(repeating: nil, count: max(0, s.count - v.symbols.count)))
                .map { d, sym in d.map(String.init) ?? sym ?? "?" }.joined(separator: ", ") + "]"
        }
        for i in info.inputs { output.line("input      \(i.name)  \(i.elementType)  \(shape(i))") }
        for o in info.outputs { output.line("output     \(o.name)  \(o.elementType)  \(shape(o))") }
        output.line("operators  " + info.operatorCounts.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " "))
        output.line("unsupported " + (info.unsupportedOperators.isEmpty ? "none" : info.unsupportedOperators.joined(separator: ", ")))
        if let error = info.loadError {
            output.line("status     cannot run: \(error)")
            return false
        }
        let session = try InferenceSession(model: info.model!)
        let summary = try session.planSummary()
        output.line("status     loads and plans (\(summary.steps.count) kernel steps for \(info.model!.nodes.count) nodes)")
        output.line("memory     arena \(summary.arenaBytes / 1024) KiB (without reuse \(summary.unsharedBytes / 1024) KiB), workspace \(summary.workspaceBytes / 1024) KiB, constants \(summary.constantBytes / 1024) KiB")
        output.line("compute    \(String(format: "%.1f", Double(summary.flops) / 1e6)) MFLOP per inference at the declared shapes")
        if plan {
            for (i, s) in summary.steps.enumerated() {
                output.line(String(format: "  %3d  ", i) + s.label + "  → " + s.outputShapes.map { "\($0)" }.joined(separator: ", "))
            }
        }
        return true
    }

    /// Times `model`: inferences per second after warm-up, median of repeated runs (random inputs of the
    /// declared shapes, batch `batch`, when `inputs` is empty); `profile` adds the time of each kernel step.
    public static func bench(model: URL, inputs: [String], batch: Int, seconds: Double, profile: Bool, _ output: BenchOutput) throws {
        let m = try ONNXModel(contentsOf: model)
        let session = try InferenceSession(model: m)
        let x = inputs.isEmpty ? TensorBenchmark.syntheticInputs(for: m, batch: batch) : try loadInputs(inputs, model: m)
        let r = try TensorBenchmark.measure(session: session, inputs: x, name: model.deletingPathExtension().lastPathComponent,
                                            threads: TensorThreads.count, minimumSeconds: seconds)
        if profile {
            let steps = try session.profile(x, repeats: 20)
            let total = steps.reduce(0) { $0 + $1.seconds }
            for (i, s) in steps.enumerated() {
                output.line(String(format: "  %3d %6.2f ms %5.1f%%  ", i, s.seconds / 20 * 1000, s.seconds / total * 100) + s.label)
            }
        }
        output.line("\(r.model)  threads \(r.threads)  batch \(r.batch)  \(String(format: "%.1f", r.inferencesPerSecond)) inferences/s  median \(String(format: "%.2f", r.medianMilliseconds)) ms  \(String(format: "%.1f", r.gflops ?? 0)) GFLOP/s")
    }

    /// The test models of `root/Models/test` on `root/SampleData/tensors`: their outputs and first-run time.
    public static func demo(root: URL, _ output: BenchOutput) throws {
        let base = root
        let cases = [("ecg_resnet1d", "ecg_resnet1d_input.npy"), ("ct_cnn2d", "ct_cnn2d_input.npy")]
        for (name, input) in cases {
            let modelURL = base.appendingPathComponent("Models/test/\(name).onnx")
            let inputURL = base.appendingPathComponent("SampleData/tensors/\(input)")
            let model = try ONNXModel(contentsOf: modelURL)
            let session = try InferenceSession(model: model)
            let x = try NPYFile.read(inputURL)
            let start = Date()
            let outputs = try session.run(x)
            let ms = Date().timeIntervalSince(start) * 1000
            output.line("\(name).onnx  (\(model.parameterCount) parameters, \(model.nodes.count) nodes, opset \(model.opset))")
            output.line("  input  \(model.inputs[0].name) \(x.shape) from \(inputURL.lastPathComponent)")
            for o in model.outputs {
                let t = outputs[o.name]!
                output.line("  output \(o.name) \(t.shape) = [" + t.storage.prefix(8).map { String(format: "%.5g", $0) }.joined(separator: ", ") + (t.count > 8 ? ", …" : "") + "]")
            }
            output.line("  \(String(format: "%.1f", ms)) ms (first run, \(TensorThreads.count) threads)")
        }
    }
}
