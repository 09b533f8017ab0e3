import Foundation

/// Repeated timing with warm-up; reports the median, which is robust to the noise of shared machines.
///
/// ```swift
/// let t = Stopwatch.measure(minimumSeconds: 1) { _ = try? session.run(x) }
/// print(t.medianSeconds)
/// ```
public enum Stopwatch {
    /// One measurement: median wall time per call and how many timed calls it rests on.
    public struct Timing: Sendable, Codable {
        public var medianSeconds: Double
        public var runs: Int
    }

    /// Runs `body` `warmup` times untimed, then times single calls until `minimumSeconds` have passed
    /// (at least `minimumRuns`, at most `maximumRuns` calls).
    public static func measure(warmup: Int = 2, minimumSeconds: Double = 1.0, minimumRuns: Int = 5,
                               maximumRuns: Int = 1000, _ body: () throws -> Void) rethrows -> Timing {
        for _ in 0..<warmup { try body() }
        var samples: [Double] = []
        let start = DispatchTime.now().uptimeNanoseconds
        while samples.count < maximumRuns {
            let t0 = DispatchTime.now().uptimeNanoseconds
            try body()
            let t1 = DispatchTime.now().uptimeNanoseconds
            samples.append(Double(t1 - t0) / 1e9)
            if samples.count >= minimumRuns && Double(t1 - start) / 1e9 >= minimumSeconds { break }
        }
        samples.sort()
        let mid = samples.count / 2
        let median = samples.count % 2 == 1 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2
        return Timing(medianSeconds: median, runs: samples.count)
    }
}
