import Foundation
import Synchronization

/// Where a batch stands: inputs done (of how many), how many were recorded, skipped or failed, and the
/// rate and time left.
public struct BatchProgress: Sendable, Hashable {
    /// Inputs handled so far (recorded, skipped or failed).
    public var done: Int
    /// All inputs, when known.
    public var total: Int?
    /// Inputs whose results are committed to the store.
    public var recorded: Int
    /// Inputs already scored by every detector version (skipped).
    public var skipped: Int
    /// Inputs with an error (recorded or not).
    public var errors: Int
    /// Seconds since the batch started.
    public var elapsed: Double

    /// Creates a progress value.
    public init(done: Int, total: Int?, recorded: Int, skipped: Int, errors: Int, elapsed: Double) {
        self.done = done
        self.total = total
        self.recorded = recorded
        self.skipped = skipped
        self.errors = errors
        self.elapsed = elapsed
    }

    /// Inputs per second so far.
    public var rate: Double { elapsed > 0 ? Double(done) / elapsed : 0 }

    /// Seconds left at the current rate; nil when the total or the rate is unknown.
    public var eta: Double? {
        guard let total, rate > 0 else { return nil }
        return Double(max(0, total - done)) / rate
    }

    /// `1m05s`, `12s`, `2h03m`.
    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
        if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return "\(s)s"
    }

    /// One plain line: `412/1000 inputs (41%), 398 recorded, 10 skipped, 4 errors, 23.5/s, ETA 25s`.
    public var line: String {
        var text = total.map { "\(done)/\($0) inputs" + ($0 > 0 ? " (\(done * 100 / $0)%)" : "") } ?? "\(done) inputs"
        text += ", \(recorded) recorded, \(skipped) skipped, \(errors) errors, " + String(format: "%.1f/s", rate)
        if let eta { text += ", ETA \(Self.duration(eta))" }
        return text
    }

    /// A bar of `width` cells followed by the counts, for a terminal.
    public func bar(width: Int = 30) -> String {
        guard let total, total > 0 else { return line }
        let filled = min(width, done * width / total)
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] " + line
    }
}

/// Writes progress to a stream: on a terminal, one bar redrawn in place (at most 10 times a second);
/// otherwise a plain line every `interval` seconds and at the end, so logs stay readable.
public final class ProgressPrinter: Sendable {
    private let write: @Sendable (String) -> Void
    private let isTerminal: Bool
    private let interval: Double
    /// When the last line was printed (seconds of the batch) and whether it was a bar.
    private let last = Mutex<(print: Double, wasBar: Bool)>((-Double.infinity, false))

    /// A printer writing with `write`; `isTerminal` picks the bar.
    public init(isTerminal: Bool, interval: Double = 5, write: @escaping @Sendable (String) -> Void) {
        self.isTerminal = isTerminal
        self.interval = interval
        self.write = write
    }

    /// A printer on standard error, a bar when standard error is a terminal.
    public static func standardError(interval: Double = 5) -> ProgressPrinter {
        ProgressPrinter(isTerminal: isatty(STDERR_FILENO) == 1, interval: interval) { text in
            FileHandle.standardError.write(Data(text.utf8))
        }
    }

    /// Shows `progress` if enough time passed since the last line (always when `final`).
    public func update(_ progress: BatchProgress, final: Bool = false) {
        last.withLock { last in
            let minGap = isTerminal ? 0.1 : interval
            guard final || progress.elapsed - last.print >= minGap else { return }
            last.print = progress.elapsed
            if isTerminal {
                write("\r\u{1B}[K" + progress.bar() + (final ? "\n" : ""))
                last.wasBar = !final
            } else {
                write(progress.line + "\n")
            }
        }
    }
}
