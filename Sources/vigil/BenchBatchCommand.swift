import ArgumentParser
import BatchScoring
import DetectorCatalog
import DetectorKit
import ECGFormats
import ECGSynth
import FindingsStore
import Foundation

/// `vigil bench batch`: batch throughput against detector-only throughput on the same synthetic records,
/// and peak memory for two batch sizes (each measured in its own child process).
struct BenchBatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Records/s through the whole batch (read → detectors → store) vs detector-only; peak memory at two sizes.",
        discussion: """
        Inputs are synthetic ECGs made on the fly (a pool of --pool generated records, each input a distinct \
        variant), scored by every registered ECG detector. Throughput runs alternate detector-only and whole-batch \
        passes --repeats times on the same inputs and report the best of each; memory runs one child process per \
        size and reads its peak resident set (VmHWM). Goals: store overhead ≤ 10 %, peak memory equal within 20 %.
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
        let detectors = try DetectorCatalog.registry().detectors(for: .ecg)
        guard !detectors.isEmpty else { throw BatchError.noDetectors(kind: .ecg) }
        let workers = workers ?? ProcessInfo.processInfo.activeProcessorCount
        let records = try Self.pool(pool)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        if let n = childMemory {
            let store = try SQLiteFindingsStore(path: folder.appendingPathComponent("m.sqlite").path, actor: "bench")
            let r = try await BatchBenchmark.wholeBatch(GeneratedItem.items(count: n, run: "memory", pool: records), count: n,
                                                        detectors: detectors, workers: workers, store: store)
            print("CHILD \(r.count) \(r.seconds) \(BatchBenchmark.peakResidentBytes() ?? -1)")
            return
        }

        print("Vigil batch benchmark: \(count) synthetic ECGs (10 s, 12 leads, 500 Hz; \(pool) generated, varied per input), "
            + "detectors \(detectors.map(\.id).joined(separator: ", ")), \(workers) workers, "
            + "\(ProcessInfo.processInfo.activeProcessorCount) cores visible")
        var bestDetector = 0.0, bestBatch = 0.0
        for pass in 0..<max(1, repeats) {
            let items = GeneratedItem.items(count: count, run: "throughput-\(pass)", pool: records)
            let d = try await BatchBenchmark.detectorOnly(items, detectors: detectors, workers: workers)
            let store = try SQLiteFindingsStore(path: folder.appendingPathComponent("t\(pass).sqlite").path, actor: "bench")
            let b = try await BatchBenchmark.wholeBatch(items, count: count, detectors: detectors, workers: workers, store: store)
            let dr = Double(d.count) / d.seconds, br = Double(b.count) / b.seconds
            print(String(format: "  pass %d: detector-only %.1f records/s, whole batch %.1f records/s", pass + 1, dr, br))
            bestDetector = max(bestDetector, dr)
            bestBatch = max(bestBatch, br)
        }
        let overhead = 1 - bestBatch / bestDetector
        print(String(format: "Throughput (best of %d): detector-only %.1f/s, whole batch %.1f/s → store overhead %.1f%% (goal ≤ 10%%)",
                     max(1, repeats), bestDetector, bestBatch, overhead * 100))

        var peaks: [(Int, Int, Double)] = []
        for n in memoryCounts {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            process.arguments = ["bench", "batch", "--child-memory", "\(n)", "--pool", "\(pool)", "--workers", "\(workers)"]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let fields = text.split(separator: "\n").first { $0.hasPrefix("CHILD ") }?.split(separator: " ") ?? []
            guard process.terminationStatus == 0, fields.count == 4, let peak = Int(fields[3]), peak > 0,
                  let seconds = Double(fields[2]) else {
                throw ValidationError("the memory run for \(n) inputs failed (status \(process.terminationStatus)): \(text)")
            }
            peaks.append((n, peak, seconds))
            print(String(format: "  %6d inputs: peak resident memory %.1f MiB (%.1f records/s)", n,
                         Double(peak) / 1_048_576, Double(n) / seconds))
        }
        if peaks.count >= 2 {
            let ratio = Double(peaks.last!.1) / Double(peaks.first!.1)
            print(String(format: "Peak memory %d vs %d inputs: %.2fx (goal: within 20%%, ≤ 1.20x)", peaks.last!.0, peaks.first!.0, ratio))
        }
        print("Figures are from one run on this machine and vary with its load.")
    }

    /// `n` generated records from the default label mix (seed 1).
    static func pool(_ n: Int) throws -> [ECGRecord] {
        try (0..<max(1, n)).map { i in
            let request = ECGSynthRequest(kind: LabelMix.defaultMix.kind(index: i, seed: 1), seed: UInt64(1000 + i))
            return try ECGSynthesizer.generate(request).ecgRecord(name: "pool\(i)")
        }
    }
}
