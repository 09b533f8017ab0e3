import BatchScoring
import DetectorKit
import FindingsStore
import Foundation

/// Measurements behind `vigil bench batch`: records per second through ``BatchEngine`` (read → detectors →
/// store) on a given store, and the process's peak resident memory. The benchmark runs the one scoring loop on
/// two stores (in memory, SQLite), so the difference between them is what the database costs.
public enum BatchBenchmark {
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
