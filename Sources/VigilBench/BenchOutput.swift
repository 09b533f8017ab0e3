import Foundation

/// Where a benchmark or evaluation writes: its report lines (standard output in the CLI, so that it can be
/// redirected) and progress notes (standard error). The CLI passes `print` and its stderr printer; tests collect.
public struct BenchOutput: Sendable {
    /// One line of the report.
    public let line: @Sendable (String) -> Void
    /// One progress note or warning (not part of the report).
    public let note: @Sendable (String) -> Void

    /// An output writing report lines with `line` and notes with `note`.
    public init(line: @escaping @Sendable (String) -> Void, note: @escaping @Sendable (String) -> Void) {
        self.line = line
        self.note = note
    }
}

/// Why a benchmark or evaluation could not run: one line naming the option or file and the defect.
public struct BenchError: Error, CustomStringConvertible, Sendable {
    /// The message.
    public let description: String
    /// A refusal with this message.
    public init(_ description: String) { self.description = description }
}

/// Small statistics the reports share.
enum BenchMath {
    /// The median of `xs` (NaN when empty).
    static func median(_ xs: [Double]) -> Double {
        guard !xs.isEmpty else { return .nan }
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// CPU seconds used by this process so far (all threads).
    static func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
