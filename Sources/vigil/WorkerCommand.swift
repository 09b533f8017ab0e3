import ArgumentParser
import Foundation
import VigilJobs

/// `vigil worker --db URL` (``VigilJobs/WorkerJob``): serve the PostgreSQL work queue that `vigil batch ecg SOURCE --db URL --enqueue`
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

    private var options: WorkerJob.Options {
        var options = WorkerJob.Options(db: db)
        options.threads = threads
        options.exitWhenIdle = exitWhenIdle
        options.leaseSeconds = lease
        options.maxAttempts = maxAttempts
        options.backoffSeconds = backoff
        options.name = name
        options.progressInterval = progressInterval
        return options
    }

    func validate() throws {
        try ArgumentChecks.job { try options.validate() }
    }

    func run() async throws {
        try await ArgumentChecks.job { try await WorkerJob.run(options) }
    }
}
