import DetectorKit
import Foundation

/// One result to record for an input under a run: the detector's outcome, or why it failed.
public enum InputResult: Sendable, Hashable {
    /// The detector's findings or abstention.
    case outcome(DetectorOutcome)
    /// The input could not be processed (unreadable file, detector failure); the reason is stored.
    case error(String)
}

/// An input and the results to record for it, one per run (that is, per detector).
public struct InputResults: Sendable, Hashable {
    /// The input to register (or find, by content SHA-256).
    public var input: NewInput
    /// The results, each under its run.
    public var results: [RunResult]

    /// One result under one run.
    public struct RunResult: Sendable, Hashable {
        /// The run (its detector must match the outcome's provenance).
        public var run: RunID
        /// What to record.
        public var result: InputResult

        /// Creates a run result.
        public init(run: RunID, result: InputResult) {
            self.run = run
            self.result = result
        }
    }

    /// Creates an item.
    public init(input: NewInput, results: [RunResult]) {
        self.input = input
        self.results = results
    }
}

/// What ``FindingsStore/recordBatch(_:)`` did with one item.
public enum BatchRecordResult: Sendable, Hashable {
    /// The input is registered; one ``RecordResult`` per result, in order.
    case recorded(StoredInput, [RecordResult])
    /// Nothing of the item was written, for this reason (safe to log: no identifiers).
    case refused(FindingsStoreError)
}

/// The exactly-once key of an outcome, less the input: a detector id and version.
public struct OutcomeKey: Sendable, Hashable {
    /// The detector id.
    public var detectorID: String
    /// The detector version.
    public var detectorVersion: String

    /// Creates a key.
    public init(detectorID: String, detectorVersion: String) {
        self.detectorID = detectorID
        self.detectorVersion = detectorVersion
    }
}
