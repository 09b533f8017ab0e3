import ArgumentParser
import BatchScoring
import DetectorCatalog
import DetectorKit
import Foundation
import PostgresStore
import ScaleOut
import Synchronization

/// `vigil worker --db URL`: serve the PostgreSQL work queue that `vigil batch ecg SOURCE --db URL --enqueue`
/// fills (docs/scale-out.md). Any number of workers, on any machines that see the same files, share it.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Score queued inputs from a PostgreSQL findings store (run as many as you like).",
        discussion: """
        Claims jobs with SELECT … FOR UPDATE SKIP LOCKED under a lease kept alive by a heartbeat, scores each input \
        with the registered detectors its jobs name, and commits an outcome only while it still holds the lease \
        (a lease epoch is the fencing token). A killed worker's jobs are taken again when its lease runs out; each \
        (input, detector version) is recorded exactly once. Unreadable files are retried with a doubling backoff and \
        parked with the reason after --max-attempts. Idle workers sleep until an enqueue notifies them.
        """)

    @Option(help: "The findings store and queue: postgresql://USER@HOST:PORT/DB.") var db: String
    @Option(help: "Inputs scored at once (default: the number of cores).") var threads: Int?
    @Flag(help: "Exit once no job is queued or leased (parked jobs do not count).") var exitWhenIdle = false
    @Option(help: "Lease length in seconds (the heartbeat renews it every third).") var lease: Double = 30
    @Option(help: "Claims after which a failing job is parked.") var maxAttempts: Int = 5
    @Option(help: "First retry delay in seconds (doubles per attempt, at most 300).") var backoff: Double = 2
    @Option(help: "This worker's name in leases and runs (default: host-pid).") var name: String?
    @Option(help: "Seconds between progress lines on standard error (0: none).") var progressInterval: Double = 10

    func validate() throws {
        guard FindingsStores.isPostgres(db) else {
            throw ValidationError("--db must be a postgresql:// URL: the work queue lives in PostgreSQL")
        }
        try ArgumentChecks.store(db, mustExist: true)
        try ArgumentChecks.atLeast(threads, 1, "--threads")
        try ArgumentChecks.atLeast(maxAttempts, 1, "--max-attempts")
        try ArgumentChecks.positive(lease, "--lease")
        guard backoff >= 0, backoff.isFinite else { throw ValidationError("--backoff must be 0 or more seconds") }
        guard progressInterval >= 0 else { throw ValidationError("--progress-interval must be 0 or more") }
    }

    func run() async throws {
        let detectors = try DetectorCatalog.registry().detectors(for: .ecg)
        guard !detectors.isEmpty else { throw BatchError.noDetectors(kind: .ecg) }
        let threadCount = threads ?? ProcessInfo.processInfo.activeProcessorCount
        var configuration = QueueWorker.Configuration(threads: threadCount, leaseSeconds: lease, maxAttempts: maxAttempts,
                                                      backoffSeconds: backoff, exitWhenIdle: exitWhenIdle)
        if let name { configuration.name = name }
        let store = try await PostgresFindingsStore(url: db, actor: "worker", maxConnections: threadCount + 3,
                                                    log: { line in if line.hasPrefix("worker:") || line.hasPrefix("work queue:") { printError(line) } })
        printError("worker \(configuration.name): \(store.url), detectors \(detectors.map { "\($0.id) \($0.descriptor.version)" }.joined(separator: ", ")), \(threadCount) threads")
        let interval = progressInterval
        let last = LockedDate()
        let report = try await QueueWorker(store: store, detectors: detectors, configuration: configuration).run { r in
            if interval > 0, last.due(interval) { printError(r.render()) }
        }
        print(report.render())
        let parked = try await PostgresWorkQueue(store: store).parked(limit: 20)
        for job in parked { print("  parked job \(job.jobID) (\(job.key.detectorID) \(job.key.detectorVersion), \(job.attempts) claims): \(job.reason)") }
        await store.close()
    }
}

/// When the last progress line was printed (worker tasks call in concurrently).
final class LockedDate: Sendable {
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

/// `vigil batch ecg SOURCE --db URL --enqueue`.
enum BatchEnqueueShell {
    static func run(items: AnySequence<any BatchItem>, detectors: [AnyDetector], db: String, rate: Double?, units: String?) async throws {
        let store = try await PostgresFindingsStore(url: db, actor: "batch")
        let report = try await BatchEnqueue.run(items, kind: .ecg, detectors: detectors, store: store,
                                                samplingRateHz: rate, csvUnits: units)
        print(report.render())
        await store.close()
    }
}
