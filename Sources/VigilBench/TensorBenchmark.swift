import Foundation
import ONNXEngine
import Randomness
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
        var rng = SplitMix64(seed: 1)
        for info in model.inputs {
            let shape = (info.shape ?? []).enumerated().map { i, d in d ?? (i == 0 ? batch : 1) }
            var t = Tensor(shape: shape)
            for i in 0..<t.count {
                t.storage[i] = Float(rng.next() % 2000) / 1000 - 1
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

/// onnxruntime run as a side-by-side peer through `Tools/bench/ort_peer.py` (a ``PythonPeer``).
public enum PeerBenchmark {
    /// The peer's report.
    public struct Report: Sendable {
        public var version: String
        public var results: [TensorBenchmark.ModelResult]
    }

    /// Runs the peer script; returns nil and a reason when it is unavailable (no Python, no onnxruntime,
    /// script missing).
    public static func onnxRuntime(script: String = "Tools/bench/ort_peer.py", models: [URL], threads: [Int], batches: [Int],
                                   python: String = "python3") -> (Report?, String?) {
        let arguments = models.map(\.path) + ["--threads"] + threads.map(String.init) + ["--batch"] + batches.map(String.init) + ["--json"]
        switch PythonPeer(python: python, script: script).run(arguments) {
        case .failure(let why):
            return (nil, "onnxruntime peer not available (\(why))")
        case .success(let json):
            let rows = json["results"]?.list?.compactMap(\.object) ?? []
            let results = rows.compactMap { r -> TensorBenchmark.ModelResult? in
                guard let model = r["model"]?.string, let threads = r["threads"]?.int, let batch = r["batch"]?.int,
                      let rate = r["inferences_per_s"]?.double, let ms = r["median_ms"]?.double else { return nil }
                return TensorBenchmark.ModelResult(model: model, threads: threads, batch: batch, inferencesPerSecond: rate,
                                                   medianMilliseconds: ms, gflops: nil)
            }
            guard let version = json["onnxruntime"]?.string, results.count == rows.count else {
                return (nil, "could not read the peer's JSON output")
            }
            return (Report(version: version, results: results), nil)
        }
    }
}

/// `vigil bench tensor`: the cblas_sgemm ceiling, then each model's throughput and achieved GFLOP/s at each
/// thread count and batch size, next to onnxruntime's on the same models (``PeerBenchmark``).
public struct TensorReport: Sendable {
    /// The ONNX models to time.
    public var models: [URL]
    /// Thread counts to compare.
    public var threads: [Int] = [1, 2]
    /// Batch sizes to compare.
    public var batches: [Int] = [1, 32]
    /// Minimum seconds per configuration.
    public var seconds = 2.0
    /// The interpreter with onnxruntime for the peer.
    public var python = "python3"
    /// Skip the onnxruntime peer.
    public var skipPeer = false

    /// A report over `models`.
    public init(models: [URL]) { self.models = models }

    /// The test models in `Models/test` of the current directory (the repository root).
    public static func testModels() -> [URL] {
        let dir = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Models/test")
        return ((try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "onnx" }.sorted { $0.path < $1.path }
    }

    /// Times every configuration and writes the table to `output`. Leaves `TensorThreads.count` as it found it.
    public func run(_ output: BenchOutput) throws {
        guard !models.isEmpty else { throw BenchError("no models: run from the repository root or pass --model") }
        let previous = TensorThreads.count
        defer { TensorThreads.count = previous }
        output.line("Vigil tensor benchmark  (\(ProcessInfo.processInfo.activeProcessorCount) cores visible)")
        output.line("")
        output.line("cblas_sgemm ceiling (OpenBLAS):")
        for t in threads {
            TensorThreads.count = t
            let g = [512, 1024].map { TensorBenchmark.sgemmGFLOPS(n: $0, minimumSeconds: 0.5) }
            output.line(String(format: "  threads %d: n=512 %.1f GFLOP/s   n=1024 %.1f GFLOP/s", t, g[0], g[1]))
        }
        var ours: [TensorBenchmark.ModelResult] = []
        for url in models {
            let m = try ONNXModel(contentsOf: url)
            let session = try InferenceSession(model: m)
            for b in batches {
                let x = TensorBenchmark.syntheticInputs(for: m, batch: b)
                for t in threads {
                    ours.append(try TensorBenchmark.measure(session: session, inputs: x, name: url.deletingPathExtension().lastPathComponent,
                                                            threads: t, minimumSeconds: seconds))
                }
            }
        }
        var peer: PeerBenchmark.Report?
        var peerNote = "peer skipped (--no-peer)"
        if !skipPeer {
            output.note("running the onnxruntime peer …")
            let (report, reason) = PeerBenchmark.onnxRuntime(models: models, threads: threads, batches: batches, python: python)
            peer = report
            peerNote = reason ?? "onnxruntime \(report!.version), all graph optimisations on"
        }
        output.line("")
        output.line("Model throughput (inferences/s; higher is better)   peer: \(peerNote)")
        output.line("  model                 threads batch    vigil   GFLOP/s   onnxruntime   vigil/ort")
        for r in ours {
            let p = peer?.results.first { $0.model == r.model && $0.threads == r.threads && $0.batch == r.batch }
            let ratio = p.map { String(format: "%.2fx", r.inferencesPerSecond / $0.inferencesPerSecond) } ?? "-"
            let peerText = p.map { String(format: "%.1f", $0.inferencesPerSecond) } ?? "-"
            output.line("  " + r.model.padding(toLength: 22, withPad: " ", startingAt: 0)
                        + String(format: "%6d %6d %9.1f %9.1f ", r.threads, r.batch, r.inferencesPerSecond, r.gflops ?? 0)
                        + String(repeating: " ", count: max(0, 13 - peerText.count)) + peerText
                        + String(repeating: " ", count: max(0, 12 - ratio.count)) + ratio)
        }
        output.line("")
        output.line("Ratios are from one run on this machine; they vary with load. Goals: ≥ 1.0x on the ECG-size model, ≥ 0.67x on the 2-D model.")
    }
}
