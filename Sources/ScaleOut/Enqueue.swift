import BatchScoring
import ECGBatchSources
import DetectorKit
import FindingsStore
import Foundation
import PostgresStore

/// `vigil batch ecg SOURCE --db URL --enqueue`: identifies every input of a batch source by content and
/// queues one job per (input, detector) not yet recorded, in one transaction; workers do the scoring.
public enum BatchEnqueue {
    /// What an enqueue did, with the inputs that could not even be identified.
    public struct Report: Sendable {
        /// The queue's report.
        public var queue: EnqueueReport
        /// Items whose bytes could not be read (not queued), at most ``BatchReport/listedErrors`` listed.
        public var unreadable: [String] = []
        /// How many there were.
        public var unreadableCount = 0
        /// Seconds taken.
        public var seconds = 0.0

        /// A few lines for the terminal.
        public func render() -> String {
            var lines = ["enqueue: \(queue.inputs) inputs (\(queue.newInputs) new), \(queue.jobs) jobs queued, "
                + "\(queue.alreadyRecorded) already recorded, \(queue.alreadyQueued) already queued, "
                + "\(queue.refused.count) refused, \(unreadableCount) unreadable, \(String(format: "%.1f", seconds)) s"]
            for line in queue.refused.prefix(BatchReport.listedErrors) { lines.append("  refused: \(line)") }
            for line in unreadable { lines.append("  unreadable: \(line)") }
            return lines.joined(separator: "\n")
        }
    }

    /// Hashes `items` (each read once, not parsed) and enqueues them for `detectors`.
    /// - Parameters:
    ///   - kind: the input kind of the detectors (ECG).
    ///   - samplingRateHz, csvUnits: CSV reading options workers must use.
    public static func run<S: Sequence>(_ items: S, kind: InputKind, detectors: [AnyDetector], store: PostgresFindingsStore,
                                        samplingRateHz: Double? = nil, csvUnits: String? = nil) async throws -> Report
        where S.Element == any BatchItem
    {
        guard !detectors.isEmpty else { throw BatchError.noDetectors(kind: kind) }
        let started = Date()
        var report = Report(queue: EnqueueReport())
        var entries: [QueueEntry] = []
        for item in items {
            let sha: String
            do {
                sha = try item.contentSHA256()
            } catch {
                report.unreadableCount += 1
                if report.unreadable.count < BatchReport.listedErrors { report.unreadable.append(String(describing: error)) }
                continue
            }
            let file = item as? ECGFileItem
            entries.append(QueueEntry(
                input: NewInput(contentSHA256: sha, path: item.path, kind: kind, patientID: file?.patientID,
                                acquiredAt: file?.acquiredAt),
                item: JobItem(path: item.path, patientID: file?.patientID, acquiredAt: file?.acquiredAt,
                              samplingRateHz: samplingRateHz, csvUnits: csvUnits)))
        }
        let keys = detectors.map { OutcomeKey(detectorID: $0.descriptor.id, detectorVersion: $0.descriptor.version) }
        report.queue = try await PostgresWorkQueue(store: store).enqueue(entries, detectors: keys)
        report.seconds = Date().timeIntervalSince(started)
        return report
    }
}
