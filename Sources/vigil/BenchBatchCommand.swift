import ArgumentParser
import Foundation
import VigilBench

/// `vigil bench batch`: the batch into SQLite against the same batch into memory, and peak memory at two sizes
/// (``VigilBench/BatchThroughputBenchmark``).
struct BenchBatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Records/s through the whole batch (read → detectors → store) into SQLite vs into memory; peak memory at two sizes.",
        discussion: """
        Inputs are synthetic ECGs made on the fly (a pool of --pool generated records, each input a distinct \
        variant), scored by every registered ECG detector. Throughput runs alternate passes of the same batch engine into an \
        in-memory store and into SQLite, --repeats times on the same inputs, and report the best of each; memory runs one child \
        process per size and reads its peak resident set (VmHWM). Goals: SQLite store overhead ≤ 10 %, peak memory equal within 20 %.
        """)

    @Option(help: "Inputs per throughput pass.") var count: Int = 1000
    @Option(help: "Alternating passes of each kind.") var repeats: Int = 2
    @Option(help: "Batch sizes for the memory comparison.") var memoryCounts: [Int] = [1000, 20000]
    @Option(help: "Distinct generated records the inputs are varied from.") var pool: Int = 32
    @Option(help: "Workers (default: the number of cores).") var workers: Int?
    @Option(help: .hidden) var childMemory: Int?

    func validate() throws {
        try ArgumentChecks.atLeast(count, 1, "--count")
        try ArgumentChecks.atLeast(repeats, 1, "--repeats")
        try ArgumentChecks.atLeast(pool, 1, "--pool")
        try ArgumentChecks.atLeast(workers, 1, "--workers")
        guard memoryCounts.allSatisfy({ $0 >= 1 }) else { throw ValidationError("--memory-counts must each be at least 1") }
        if let childMemory { try ArgumentChecks.atLeast(childMemory, 1, "--child-memory") }
    }

    func run() async throws {
        var bench = BatchThroughputBenchmark()
        bench.count = count
        bench.repeats = repeats
        bench.memoryCounts = memoryCounts
        bench.pool = pool
        bench.workers = workers
        if let childMemory { try await bench.runChild(count: childMemory, output: .standard); return }
        try await bench.run(program: URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath(), output: .standard)
    }
}
