import Foundation

/// Where a job's report goes: `line` for its results (standard output in the CLI, machine-readable),
/// `note` for progress and warnings (standard error). Tests collect both in memory.
public struct JobOutput: Sendable {
    /// One line of the job's result.
    public var line: @Sendable (String) -> Void
    /// One line of progress, warning or advice.
    public var note: @Sendable (String) -> Void
    /// Makes what was written so far visible (before a long wait).
    public var flush: @Sendable () -> Void

    /// An output from two line handlers.
    public init(line: @escaping @Sendable (String) -> Void, note: @escaping @Sendable (String) -> Void,
                flush: @escaping @Sendable () -> Void = {})
    {
        self.line = line
        self.note = note
        self.flush = flush
    }

    /// Results to standard output, notes to standard error.
    public static var standard: JobOutput {
        JobOutput(line: { print($0) },
                  note: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) },
                  flush: { fflush(nil) })
    }
}

/// A job's refusal of its arguments or of what they name, in words for the person who typed them
/// (the CLI shows it as a usage error). Errors of the stores, readers and detectors pass through as they are.
public struct JobError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The message, naming the option or file and the defect.
    public let description: String

    /// An error with this message.
    public init(_ description: String) { self.description = description }
}
