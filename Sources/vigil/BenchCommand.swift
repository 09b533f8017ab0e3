import ArgumentParser
import Foundation
import ONNXEngine
import TensorCore
import VigilBench

/// `vigil bench …`: performance reports as ratios against a peer run side by side.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks (ratios against peers run side by side, never pass/fail).",
        subcommands: [Tensor_.self, BenchECGCommand.self, BenchCTCommand.self, BenchBatchCommand.self,
                       BenchExplainCommand.self, BenchAFCommand.self, BenchRhythmAFCommand.self])

    struct Tensor_: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tensor",
            abstract: "GEMM ceiling, test-model throughput and achieved GFLOP/s, next to onnxruntime when installed.")

        @Option(help: "Models to time (default: Models/test/*.onnx).") var model: [String] = []
        @Option(help: "Thread counts to compare.") var threads: [Int] = [1, 2]
        @Option(help: "Batch sizes to compare.") var batch: [Int] = [1, 32]
        @Option(help: "Minimum seconds per configuration.") var seconds: Double = 2
        @Option(help: "Python interpreter with onnxruntime for the peer.") var python: String = "python3"
        @Flag(help: "Skip the onnxruntime peer.") var noPeer = false

        func validate() throws {
            guard !threads.isEmpty, threads.allSatisfy({ $0 >= 1 }) else { throw ValidationError("--threads must be at least 1") }
            guard !batch.isEmpty, batch.allSatisfy({ $0 >= 1 }) else { throw ValidationError("--batch must be at least 1") }
            try ArgumentChecks.positive(seconds, "--seconds")
            for m in model { try ArgumentChecks.existing(m, "--model") }
        }

        func run() throws {
            let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            var models = model.map { URL(fileURLWithPath: $0) }
            if models.isEmpty {
                let dir = root.appendingPathComponent("Models/test")
                models = ((try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? [])
                    .filter { $0.pathExtension == "onnx" }.sorted { $0.path < $1.path }
            }
            guard !models.isEmpty else { throw ValidationError("no models: run from the repository root or pass --model") }

            print("Vigil tensor benchmark  (\(ProcessInfo.processInfo.activeProcessorCount) cores visible)")
            print("")
            print("cblas_sgemm ceiling (OpenBLAS):")
            for t in threads {
                TensorThreads.count = t
                let g = [512, 1024].map { TensorBenchmark.sgemmGFLOPS(n: $0, minimumSeconds: 0.5) }
                print("  threads \(t): n=512 \(format(g[0])) GFLOP/s   n=1024 \(format(g[1])) GFLOP/s")
            }
            var ours: [TensorBenchmark.ModelResult] = []
            for url in models {
                let m = try ONNXModel(contentsOf: url)
                let session = try InferenceSession(model: m)
                for b in batch {
                    let x = TensorBenchmark.syntheticInputs(for: m, batch: b)
                    for t in threads {
                        ours.append(try TensorBenchmark.measure(session: session, inputs: x, name: url.deletingPathExtension().lastPathComponent,
                                                                threads: t, minimumSeconds: seconds))
                    }
                }
            }
            var peer: PeerBenchmark.Report?
            var peerNote = "peer skipped (--no-peer)"
            if !noPeer {
                printError("running the onnxruntime peer …")
                let (report, reason) = PeerBenchmark.onnxRuntime(
                    script: root.appendingPathComponent("Tools/bench/ort_peer.py"), models: models,
                    threads: threads, batches: batch, python: python)
                peer = report
                peerNote = reason ?? "onnxruntime \(report!.version), all graph optimisations on"
            }
            print("")
            print("Model throughput (inferences/s; higher is better)   peer: \(peerNote)")
            print("  model                 threads batch    vigil   GFLOP/s   onnxruntime   vigil/ort")
            for r in ours {
                let p = peer?.results.first { $0.model == r.model && $0.threads == r.threads && $0.batch == r.batch }
                let ratio = p.map { format(r.inferencesPerSecond / $0.inferencesPerSecond, 2) + "x" } ?? "-"
                let peerText = p.map { format($0.inferencesPerSecond) } ?? "-"
                print("  " + r.model.padding(toLength: 22, withPad: " ", startingAt: 0)
                      + String(format: "%6d %6d %9.1f %9.1f ", r.threads, r.batch, r.inferencesPerSecond, r.gflops ?? 0)
                      + String(repeating: " ", count: max(0, 13 - peerText.count)) + peerText
                      + String(repeating: " ", count: max(0, 12 - ratio.count)) + ratio)
            }
            print("")
            print("Ratios are from one run on this machine; they vary with load. Goals: ≥ 1.0x on the ECG-size model, ≥ 0.67x on the 2-D model.")
        }
    }
}
