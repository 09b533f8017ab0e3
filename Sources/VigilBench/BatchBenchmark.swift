import BatchScoring
import DetectorKit
import FindingsStore
import Foundation
import TensorCore

/// Measurements behind `vigil bench batch`: records per second through the whole batch (read →
/// detectors → store) against detector-only throughput on the same records with the same workers, and
/// the process's peak resident memory.
public enum BatchBenchmark {
    /// Scores `items` with `detectors` using `workers` tasks, without a store (the peer of a batch): on the same
    /// executor and with the same share of the tensor core's threads per worker as ``BatchEngine``.
    /// Returns the number of items and the seconds it took.
    public static func detectorOnly<S: Sequence>(_ items: S, detectors: [AnyDetector], workers: Int) async throws -> (count: Int, seconds: Double)
        where S.Element == any BatchItem
    {
        let start = Date()
        var count = 0
        var iterator = items.makeIterator()
        try await withThrowingTaskGroup(of: Int.self) { group in
            let configuration = BatchEngine.Configuration(workers: workers)
            let threads = configuration.resolvedThreadsPerWorker
            func addNext() -> Bool {
                guard let item = iterator.next() else { return false }
                group.addTask(executorPreference: configuration.executor) { try await TensorThreads.withThreads(threads) {
                    _ = try item.contentSHA256()
                    let input = try item.read().input
                    var findings = 0
                    let request = DetectionRequest()  // as the engine: one per input, shared by its detectors
                    for detector in detectors {
                        if case let .findings(f) = try await detector.analyze(input, request: request) { findings += f.count }
                    }
                    return findings
                } }
                return true
            }
            for _ in 0..<max(1, workers) where !addNext() { break }
            while try await group.next() != nil {
                count += 1
                _ = addNext()
            }
        }
        return (count, Date().timeIntervalSince(start))
    }

    /// The whole batch into `store`; returns the number of items and the seconds.
    public static func wholeBatch<S: Sequence>(_ items: S, count: Int, detectors: [AnyDetector], workers: Int,
                                               store: any FindingsStore) async throws -> (count: Int, seconds: Double)
        where S.Element == any BatchItem
    {
        let engine = BatchEngine(store: store, detectors: detectors, configuration: .init(workers: workers, name: "bench"))
        let start = Date()
        let report = try await engine.run(items, total: count, settings: ["source": "bench"])
        return (report.inputs, Date().timeIntervalSince(start))
    }

    /// The process's peak resident set size in bytes (Linux `VmHWM`), nil where unavailable.
    public static func peakResidentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, let kb = Int(parts[1]) { return kb * 1024 }
        }
        return nil
    }
}
