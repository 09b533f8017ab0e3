import Foundation
import ONNXEngine
import TensorCore

/// `vigil bench tensor` and `vigil model bench`: the GEMM ceiling, model throughput and achieved GFLOP/s,
/// side by side with onnxruntime when it is installed.
public enum TensorBenchmark {
    /// Throughput of one model configuration.
    public struct ModelResult: Sendable, Codable {
        public var model: String
        public var threads: Int
        public var batch: Int
        public var inferencesPerSecond: Double
        public var medianMilliseconds: Double
        /// Achieved GFLOP/s in convolutions and matrix products (nil for the peer, whose plan we don't see).
        public var gflops: Double?
    }

    /// `cblas_sgemm` GFLOP/s for square matrices of size `n` with the current thread setting.
    public static func sgemmGFLOPS(n: Int, minimumSeconds: Double = 0.5) -> Double {
        var a = [Float](repeating: 0, count: n * n), b = a, c = a
        for i in 0..<(n * n) { a[i] = Float(i % 7) * 0.1; b[i] = Float(i % 5) * 0.2 }
        let t = a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    Stopwatch.measure(minimumSeconds: minimumSeconds) {
                        Gemm.sgemm(m: n, n: n, k: n, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: n,
                                   c: pc.baseAddress!, ldc: n)
                    }
                }
            }
        }
        return 2 * Double(n * n * n) / t.medianSeconds / 1e9
    }

    /// Input tensors for a model at batch size `batch` (dynamic axes other than the first become 1),
    /// filled with a deterministic pseudo-random signal.
    public static func syntheticInputs(for model: ONNXModel, batch: Int) -> [String: Tensor] {
        var inputs: [String: Tensor] = [:]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for info in model.inputs {
            let shape = (info.shape ?? []).enumerated().map { i, d in d ?? (i == 0 ? batch : 1) }
            var t = Tensor(shape: shape)
            for i in 0..<t.count {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                t.storage[i] = Float(Int64(bitPattern: state >> 11) % 2000) / 1000 - 1
            }
            inputs[info.name] = t
        }
        return inputs
    }

    /// Median throughput of `session` on `inputs` with `threads` threads.
    public static func measure(session: InferenceSession, inputs: [String: Tensor], name: String, threads: Int,
                               minimumSeconds: Double = 1.5) throws -> ModelResult {
        let previous = TensorThreads.count
        TensorThreads.count = threads
        defer { TensorThreads.count = previous }
        let batch = inputs.values.first?.shape.first ?? 1
        let flops = try session.planSummary(for: inputs.mapValues(\.shape)).flops
        let t = try Stopwatch.measure(minimumSeconds: minimumSeconds) { _ = try session.run(inputs) }
        return ModelResult(model: name, threads: threads, batch: batch,
                           inferencesPerSecond: Double(batch) / t.medianSeconds,
                           medianMilliseconds: t.medianSeconds * 1000,
                           gflops: Double(flops) / t.medianSeconds / 1e9)
    }
}

/// onnxruntime run as a side-by-side peer through `Tools/bench/ort_peer.py`.
public enum PeerBenchmark {
    /// The peer's report, or why it could not run (no Python, no onnxruntime, script missing).
    public struct Report: Sendable {
        public var version: String
        public var results: [TensorBenchmark.ModelResult]
    }

    /// Runs the peer script; returns nil and a reason when it is unavailable.
    public static func onnxRuntime(script: URL, models: [URL], threads: [Int], batches: [Int],
                                   python: String = "python3") -> (Report?, String?) {
        guard FileManager.default.fileExists(atPath: script.path) else { return (nil, "peer script \(script.path) not found") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments: [String] = [python, script.path]
        arguments += models.map { $0.path }
        arguments.append("--threads")
        arguments += threads.map { String($0) }
        arguments.append("--batch")
        arguments += batches.map { String($0) }
        arguments.append("--json")
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { return (nil, "cannot start \(python): \(error)") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let msg = String(decoding: errData, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
            return (nil, "onnxruntime peer not available (\(msg.isEmpty ? "exit \(process.terminationStatus)" : msg))")
        }
        struct Raw: Decodable {
            struct R: Decodable { var model: String; var threads: Int; var batch: Int; var inferences_per_s: Double; var median_ms: Double }
            var onnxruntime: String
            var results: [R]
        }
        guard let json = String(decoding: data, as: UTF8.self).split(separator: "\n").last(where: { $0.hasPrefix("{") }),
              let raw = try? JSONDecoder().decode(Raw.self, from: Data(json.utf8)) else {
            return (nil, "could not read the peer's JSON output")
        }
        return (Report(version: raw.onnxruntime, results: raw.results.map {
            TensorBenchmark.ModelResult(model: $0.model, threads: $0.threads, batch: $0.batch,
                                        inferencesPerSecond: $0.inferences_per_s, medianMilliseconds: $0.median_ms, gflops: nil)
        }), nil)
    }
}
