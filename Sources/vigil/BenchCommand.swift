import ArgumentParser
import Foundation
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
            var report = TensorReport(models: model.isEmpty ? TensorReport.testModels() : model.map { URL(fileURLWithPath: $0) })
            report.threads = threads
            report.batches = batch
            report.seconds = seconds
            report.python = python
            report.skipPeer = noPeer
            try report.run(.standard)
        }
    }
}
