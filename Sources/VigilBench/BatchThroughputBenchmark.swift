import BatchScoring
import ECGBatchSources
import DetectorCatalog
import DetectorKit
import ECGFormats
import ECGSynth
import FindingsStore
import Foundation

/// `vigil bench batch`: records per second through the whole batch (read → detectors → store) into a SQLite store
/// against the same batch engine into an ``InMemoryFindingsStore`` (same records, workers, executor and thread
/// share: the one scoring loop, only the store differs), and peak resident memory at two batch sizes, each measured
/// in a child process of its own (the same program, run with ``childArguments(count:)``).
public struct BatchThroughputBenchmark: Sendable {
    /// Inputs per throughput pass.
    public var count = 1000
    /// Alternating passes of each kind (the best of each is reported).
    public var repeats = 2
    /// Batch sizes of the memory comparison.
    public var memoryCounts = [1000, 20000]
    /// Distinct generated records the inputs are varied from.
    public var pool = 32
    /// Workers (nil: the number of cores).
    public var workers: Int?

    /// A benchmark with the defaults above.
    public init() {}

    /// The arguments that make the child run of ``runChild(count:output:)`` for `count` inputs (after the program).
    public func childArguments(count: Int) -> [String] {
        ["bench", "batch", "--child-memory", "\(count)", "--pool", "\(pool)", "--workers", "\(resolvedWorkers)"]
    }

    private var resolvedWorkers: Int { workers ?? ProcessInfo.processInfo.activeProcessorCount }

    private func detectors() throws -> [AnyDetector] {
        let detectors = try DetectorCatalog.registry().detectors(for: .ecg)
        guard !detectors.isEmpty else { throw BatchError.noDetectors(kind: .ecg) }
        return detectors
    }

    /// The child of a memory run: one whole batch of `count` inputs, then the line `CHILD count seconds peakBytes`.
    public func runChild(count: Int, output: BenchOutput) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteFindingsStore(path: folder.appendingPathComponent("m.sqlite").path, actor: "bench")
        let r = try await BatchBenchmark.wholeBatch(GeneratedItem.items(count: count, run: "memory", pool: try Self.pool(pool)),
                                                    count: count, detectors: try detectors(), workers: resolvedWorkers, store: store)
        output.line("CHILD \(r.count) \(r.seconds) \(BatchBenchmark.peakResidentBytes() ?? -1)")
    }

    /// The throughput passes, then one child run of `program` per memory size; the report goes to `output`.
    public func run(program: URL, output: BenchOutput) async throws {
        let detectors = try detectors()
        let workers = resolvedWorkers
        let records = try Self.pool(pool)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        output.line("Vigil batch benchmark: \(count) synthetic ECGs (10 s, 12 leads, 500 Hz; \(pool) generated, varied per input), "
            + "detectors \(detectors.map(\.id).joined(separator: ", ")), \(workers) workers, "
            + "\(ProcessInfo.processInfo.activeProcessorCount) cores visible")
        var bestDetector = 0.0, bestBatch = 0.0
        for pass in 0..<max(1, repeats) {
            let items = GeneratedItem.items(count: count, run: "throughput-\(pass)", pool: records)
            let d = try await BatchBenchmark.wholeBatch(items, count: count, detectors: detectors, workers: workers,
                                                        store: InMemoryFindingsStore(actor: "bench"))
            let store = try SQLiteFindingsStore(path: folder.appendingPathComponent("t\(pass).sqlite").path, actor: "bench")
            let b = try await BatchBenchmark.wholeBatch(items, count: count, detectors: detectors, workers: workers, store: store)
            let dr = Double(d.count) / d.seconds, br = Double(b.count) / b.seconds
            output.line(String(format: "  pass %d: in-memory store %.1f records/s, SQLite store %.1f records/s", pass + 1, dr, br))
            bestDetector = max(bestDetector, dr)
            bestBatch = max(bestBatch, br)
        }
        let overhead = 1 - bestBatch / bestDetector
        output.line(String(format: "Throughput (best of %d): in-memory store %.1f/s, SQLite store %.1f/s → SQLite store overhead %.1f%% (goal ≤ 10%%)",
                           max(1, repeats), bestDetector, bestBatch, overhead * 100))

        var peaks: [(Int, Int, Double)] = []
        for n in memoryCounts {
            let process = Process()
            process.executableURL = program
            process.arguments = childArguments(count: n)
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let fields = text.split(separator: "\n").first { $0.hasPrefix("CHILD ") }?.split(separator: " ") ?? []
            guard process.terminationStatus == 0, fields.count == 4, let peak = Int(fields[3]), peak > 0,
                  let seconds = Double(fields[2]) else {
                throw BenchError("the memory run for \(n) inputs failed (status \(process.terminationStatus)): \(text.prefix(500))")
            }
            peaks.append((n, peak, seconds))
            output.line(String(format: "  %6d inputs: peak resident memory %.1f MiB (%.1f records/s)", n,
                               Double(peak) / 1_048_576, Double(n) / seconds))
        }
        if peaks.count >= 2 {
            let ratio = Double(peaks.last!.1) / Double(peaks.first!.1)
            output.line(String(format: "Peak memory %d vs %d inputs: %.2fx (goal: within 20%%, ≤ 1.20x)", peaks.last!.0, peaks.first!.0, ratio))
        }
        output.line("Figures are from one run on this machine and vary with its load.")
    }

    /// `n` generated records from the default label mix (seed 1).
    static func pool(_ n: Int) throws -> [ECGRecord] {
        try (0..<max(1, n)).map { i in
            let request = ECGSynthRequest(kind: LabelMix.defaultMix.kind(index: i, seed: 1), seed: UInt64(1000 + i))
            return try ECGSynthesizer.generate(request).ecgRecord(name: "pool\(i)")
        }
    }
}
