import BatchScoring
import DetectorCatalog
import DetectorKit
import FindingsStore
import Foundation
import PostgresStore
import ScaleOut
import Synchronization

/// `vigil worker --db URL`: serves the PostgreSQL work queue that ``BatchJob`` fills with ``BatchJob/Options/enqueue``
/// (docs/scale-out.md): claims jobs under a lease, scores them with the registered ECG detectors, commits each
/// outcome only while it holds the lease, and parks poison inputs with the reason.
public enum WorkerJob {
    /// The worker's settings.
    public struct Options: Sendable {
        /// The findings store and queue: a `postgresql://` URL.
        public var db: String
        /// Inputs scored at once (nil: the number of cores).
        public var threads: Int?
        /// Exit once no job is queued or leased (parked jobs do not count).
        public var exitWhenIdle = false
        /// Lease length in seconds (the heartbeat renews it every third).
        public var leaseSeconds: Double = 30
        /// Claims after which a failing job is parked.
        public var maxAttempts = 5
        /// First retry delay in seconds (doubles per attempt, at most 300).
        public var backoffSeconds: Double = 2
        /// This worker's name in leases and runs (nil: host-pid).
        public var name: String?
        /// Seconds between progress lines (0: none).
        public var progressInterval: Double = 10

        /// Options for the queue in `db`.
        public init(db: String) { self.db = db }

        /// Checks the options before connecting.
        /// - Throws: ``JobError`` naming the option.
        public func validate() throws {
            guard StoreArgument.isPostgres(db) else {
                throw JobError("--db must be a postgresql:// URL: the work queue lives in PostgreSQL")
            }
            try StoreArgument.check(db, mustExist: true)
            if let threads, threads < 1 { throw JobError("--threads must be at least 1, got \(threads)") }
            guard maxAttempts >= 1 else { throw JobError("--max-attempts must be at least 1, got \(maxAttempts)") }
            guard leaseSeconds.isFinite, leaseSeconds > 0 else { throw JobError("--lease must be a number above 0, got \(leaseSeconds)") }
            guard backoffSeconds >= 0, backoffSeconds.isFinite else { throw JobError("--backoff must be 0 or more seconds") }
            guard progressInterval >= 0 else { throw JobError("--progress-interval must be 0 or more") }
        }
    }

    /// Runs until stopped (or idle, with ``Options/exitWhenIdle``); progress to `output.note`, the final report
    /// and the parked jobs to `output.line`.
    public static func run(_ options: Options, output: JobOutput = .standard) async throws {
        let detectors = try DetectorCatalog.registry().detectors(for: .ecg)
        guard !detectors.isEmpty else { throw BatchError.noDetectors(kind: .ecg) }
        let threadCount = options.threads ?? ProcessInfo.processInfo.activeProcessorCount
        var configuration = QueueWorker.Configuration(threads: threadCount, leaseSeconds: options.leaseSeconds,
                                                      maxAttempts: options.maxAttempts,
                                                      backoffSeconds: options.backoffSeconds, exitWhenIdle: options.exitWhenIdle)
        if let name = options.name { configuration.name = name }
        let note = output.note
        let store = try await PostgresFindingsStore(url: options.db, actor: "worker", maxConnections: threadCount + 3,
                                                    log: { line in if line.hasPrefix("worker:") || line.hasPrefix("work queue:") { note(line) } })
        output.note("worker \(configuration.name): \(store.url), detectors \(detectors.map { "\($0.id) \($0.descriptor.version)" }.joined(separator: ", ")), \(threadCount) threads")
        let interval = options.progressInterval
        let last = DueClock()
        let report = try await QueueWorker(store: store, detectors: detectors, configuration: configuration).run { r in
            if interval > 0, last.due(interval) { note(r.render()) }
        }
        output.line(report.render())
        let parked = try await PostgresWorkQueue(store: store).parked(limit: 20)
        for job in parked {
            output.line("  parked job \(job.jobID) (\(job.key.detectorID) \(job.key.detectorVersion), \(job.attempts) claims): \(job.reason)")
        }
        await store.close()
    }
}

/// When the last progress line was printed (worker tasks call in concurrently).
final class DueClock: Sendable {
    private let last = Mutex(Date.distantPast)

    /// True (and now remembered) when `seconds` have passed since the last true.
    func due(_ seconds: Double) -> Bool {
        last.withLock { last in
            guard Date().timeIntervalSince(last) >= seconds else { return false }
            last = Date()
            return true
        }
    }
}
