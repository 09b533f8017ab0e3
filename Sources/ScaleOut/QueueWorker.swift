import BatchScoring
import ECGBatchSources
import DetectorKit
import ECGFormats
import FindingsStore
import Foundation
import PostgresStore

/// A stateless worker of the PostgreSQL work queue (`vigil worker`): claims jobs, scores each input
/// once with the detectors its jobs name (``BatchEngine/score(_:runs:)``, the batch's own per-item
/// step), and commits the results only while it still holds the leases.
///
/// - **Leases.** Jobs are claimed for ``Configuration/leaseSeconds``; a heartbeat extends the leases
///   held every third of that. A worker that dies (SIGKILL, power) stops beating; its jobs are claimed
///   again once the lease runs out, with a higher epoch, and the dead worker's late commit (had it
///   only hung) is refused by the epoch check: at-least-once delivery, exactly-once outcomes.
/// - **Failures.** A file that cannot be read yet, or a database error, gives the jobs back with a
///   backoff that doubles per attempt; after ``Configuration/maxAttempts`` claims a job is parked with
///   the reason. A record that is read but bad is not a failure: it is recorded as that input's error,
///   as in a batch. The connection pool replaces broken connections.
/// - **Idle.** Without work the worker sleeps until an enqueue NOTIFYs it (or ``Configuration/idlePollSeconds``
///   pass, to pick up expired leases); with ``Configuration/exitWhenIdle`` it returns once nothing is queued or leased.
public struct QueueWorker: Sendable {
    /// How the worker runs.
    public struct Configuration: Sendable {
        /// Inputs scored at once (each a task: read, score, commit).
        public var threads: Int
        /// Lease length in seconds.
        public var leaseSeconds: Double
        /// Claims after which a failing or crashing job is parked.
        public var maxAttempts: Int
        /// First retry delay in seconds (doubles per attempt).
        public var backoffSeconds: Double
        /// Longest retry delay in seconds.
        public var backoffCap: Double
        /// Return when no job is queued or leased.
        public var exitWhenIdle: Bool
        /// Longest sleep without a notification, in seconds.
        public var idlePollSeconds: Double
        /// The worker's name in leases and run settings (host and process id by default).
        public var name: String

        /// Creates a configuration.
        public init(threads: Int = ProcessInfo.processInfo.activeProcessorCount, leaseSeconds: Double = 30,
                    maxAttempts: Int = 5, backoffSeconds: Double = 2, backoffCap: Double = 300,
                    exitWhenIdle: Bool = false, idlePollSeconds: Double = 5,
                    name: String = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)")
        {
            self.threads = max(1, threads)
            self.leaseSeconds = max(1, leaseSeconds)
            self.maxAttempts = max(1, maxAttempts)
            self.backoffSeconds = max(0, backoffSeconds)
            self.backoffCap = max(backoffSeconds, backoffCap)
            self.exitWhenIdle = exitWhenIdle
            self.idlePollSeconds = max(0.05, idlePollSeconds)
            self.name = name
        }
    }

    /// The store (and queue) the worker serves.
    public let store: PostgresFindingsStore
    /// The detectors it runs (all of one input kind; ECG today).
    public let detectors: [AnyDetector]
    /// How it runs.
    public let configuration: Configuration

    /// Creates a worker.
    public init(store: PostgresFindingsStore, detectors: [AnyDetector], configuration: Configuration = .init()) {
        self.store = store
        self.detectors = detectors
        self.configuration = configuration
    }

    /// Serves the queue until cancelled or, with ``Configuration/exitWhenIdle``, until it is empty.
    /// - Parameter progress: called after each committed input (from worker tasks).
    /// - Throws: ``BatchError/noDetectors(kind:)``; store failures only when starting (later ones are retried).
    public func run(progress: @escaping @Sendable (WorkerReport) -> Void = { _ in }) async throws -> WorkerReport {
        guard let kind = detectors.first?.descriptor.inputKind else { throw BatchError.noDetectors(kind: nil) }
        guard detectors.allSatisfy({ $0.descriptor.inputKind == kind }) else { throw BatchError.mixedKinds }
        guard kind == .ecg else { throw WorkerError.unsupportedKind(kind) }
        let queue = PostgresWorkQueue(store: store)
        let c = configuration
        var runs: [String: RunID] = [:]
        let settings: [String: JSONValue] = ["engine": "worker", "worker": .string(c.name), "threads": .number(Double(c.threads))]
        for detector in detectors {
            let provenance = DetectorProvenance(descriptor: detector.descriptor, modelCard: detector.modelCard)
            runs[detector.id] = try await store.startRun(NewRun(detector: provenance, settings: settings)).id
        }
        let keys = detectors.map { OutcomeKey(detectorID: $0.descriptor.id, detectorVersion: $0.descriptor.version) }
        let state = WorkerState(started: Date())
        let wake = Wakeup()
        let slot = Slot(queue: queue, store: store, detectors: detectors, runs: runs, keys: keys, configuration: c,
                        state: state, wake: wake, progress: progress)

        await withTaskGroup(of: Void.self) { group in
            group.addTask { await queue.listen { Task { await wake.fire() } } }
            group.addTask { await slot.heartbeats() }
            await withTaskGroup(of: Void.self) { slots in
                for _ in 0..<c.threads { slots.addTask { await slot.loop() } }
            }
            // Every slot has returned (exit when idle): stop the listener and the heartbeat.
            group.cancelAll()
        }
        for (_, run) in runs { _ = try? await store.finishRun(run) }
        return await state.report()
    }
}

/// Why a worker cannot run.
public enum WorkerError: Error, Sendable, CustomStringConvertible, LocalizedError {
    /// Only ECG jobs can be read by workers so far.
    case unsupportedKind(InputKind)

    /// One line.
    public var description: String {
        switch self {
        case let .unsupportedKind(kind): "workers read ECG inputs only, not \(kind)"
        }
    }

    /// Same as ``description``.
    public var errorDescription: String? { description }
}

/// What a worker did.
public struct WorkerReport: Sendable, Hashable {
    /// Inputs whose results this worker committed (or found already recorded).
    public var inputs = 0
    /// Outcomes (input × detector) this worker recorded.
    public var recorded = 0
    /// Of those, errors recorded (bad records).
    public var errors = 0
    /// Leases found taken over at commit: results discarded, another worker has the job.
    public var leasesLost = 0
    /// Jobs given back for a retry.
    public var retried = 0
    /// Jobs parked (poison).
    public var parked = 0
    /// Failed database calls (retried).
    public var storeFailures = 0
    /// Seconds since start.
    public var seconds = 0.0

    /// Inputs per second.
    public var rate: Double { seconds > 0 ? Double(inputs) / seconds : 0 }

    /// One line.
    public func render() -> String {
        "worker: \(inputs) inputs, \(recorded) outcomes recorded (\(errors) errors), \(retried) retried, \(parked) parked, "
            + "\(leasesLost) leases lost, \(storeFailures) store failures, \(String(format: "%.1f", seconds)) s "
            + "(\(String(format: "%.1f", rate)) inputs/s)"
    }
}

/// Counters shared by the slots, and the leases currently held (for the heartbeat).
actor WorkerState {
    let started: Date
    var counts = WorkerReport()
    var held: [Int64: JobLease] = [:]

    init(started: Date) { self.started = started }

    func hold(_ leases: [JobLease]) { for l in leases { held[l.jobID] = l } }
    func drop(_ leases: [JobLease]) { for l in leases { held[l.jobID] = nil } }
    func heldLeases() -> [JobLease] { Array(held.values) }
    /// Adds `d`'s counters to the totals; returns the totals.
    func add(_ d: WorkerReport) -> WorkerReport {
        counts.inputs += d.inputs
        counts.recorded += d.recorded
        counts.errors += d.errors
        counts.leasesLost += d.leasesLost
        counts.retried += d.retried
        counts.parked += d.parked
        counts.storeFailures += d.storeFailures
        counts.seconds = Date().timeIntervalSince(started)
        return counts
    }
    func report() -> WorkerReport {
        var r = counts
        r.seconds = Date().timeIntervalSince(started)
        return r
    }
}

/// Wakes idle slots when the listener hears a NOTIFY.
actor Wakeup {
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    private var generation = 0

    func fire() {
        generation += 1
        let all = waiters
        waiters.removeAll()
        for (_, w) in all { w.resume() }
    }

    /// Returns on the next `fire()` or after `seconds`.
    func wait(seconds: Double) async {
        let id = UUID()
        let seen = generation
        let timer = Task { [weak self] in
            try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
            await self?.timeout(id)
        }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            if generation != seen { c.resume() } else { waiters[id] = c }
        }
        timer.cancel()
    }

    private func timeout(_ id: UUID) {
        waiters.removeValue(forKey: id)?.resume()
    }
}

/// One slot's loop (claim, score, commit) and the shared heartbeat.
struct Slot: Sendable {
    let queue: PostgresWorkQueue
    let store: PostgresFindingsStore
    let detectors: [AnyDetector]
    let runs: [String: RunID]
    let keys: [OutcomeKey]
    let configuration: QueueWorker.Configuration
    let state: WorkerState
    let wake: Wakeup
    let progress: @Sendable (WorkerReport) -> Void

    func log(_ line: String) { store.log?(line) }

    func loop() async {
        let c = configuration
        var failures = 0
        while !Task.isCancelled {
            do {
                let leases = try await queue.claim(owner: c.name, detectors: keys, limit: detectors.count,
                                                   leaseSeconds: c.leaseSeconds, maxAttempts: c.maxAttempts)
                failures = 0
                if leases.isEmpty {
                    if c.exitWhenIdle, try await queue.counts().pending == 0 { return }
                    await wake.wait(seconds: c.idlePollSeconds)
                    continue
                }
                await state.hold(leases)
                for (_, group) in Dictionary(grouping: leases, by: \.input).sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                    await process(group)
                }
                await state.drop(leases)
            } catch {
                failures += 1
                _ = await state.add(WorkerReport(storeFailures: 1))
                log("worker: store call failed (\(error)); retrying")
                let delay = min(c.backoffCap, max(0.2, c.backoffSeconds) * pow(2, Double(min(failures, 10) - 1)))
                try? await Task.sleep(nanoseconds: UInt64(delay * 1e9))
            }
        }
    }

    /// Scores one input for its leased jobs and commits; failures give the jobs back.
    func process(_ leases: [JobLease]) async {
        let c = configuration
        let item = leases[0].item
        var options = ECGReadOptions()
        options.samplingRateHz = item.samplingRateHz
        options.csvUnits = item.csvUnits
        let batchItem = ECGFileItem(url: URL(fileURLWithPath: item.path), patientID: item.patientID,
                                    acquiredAt: item.acquiredAt, options: options)
        let wanted = Set(leases.map(\.key))
        let subset = detectors.filter { wanted.contains(OutcomeKey(detectorID: $0.descriptor.id, detectorVersion: $0.descriptor.version)) }
        let engine = BatchEngine(store: store, detectors: subset, configuration: .init(workers: 1, name: "worker"))
        let scored = await engine.score(batchItem, runs: runs)
        do {
            let input: NewInput
            var parts: [(lease: JobLease, result: InputResults.RunResult?)] = []
            switch scored {
            case let .unreadable(reason):
                let parked = try await queue.release(leases, reason: reason, maxAttempts: c.maxAttempts,
                                                     backoffSeconds: c.backoffSeconds, backoffCap: c.backoffCap)
                _ = await state.add(WorkerReport(retried: leases.count - parked.count, parked: parked.count))
                return
            case .skipped:
                // Everything was recorded (by a batch, or before a crash): the jobs only need removing.
                input = NewInput(contentSHA256: leases[0].contentSHA256, path: item.path, kind: .ecg)
                parts = leases.map { ($0, nil) }
            case let .results(results):
                input = results.input
                for lease in leases {
                    let run = runs[lease.key.detectorID]
                    parts.append((lease, results.results.first { $0.run == run }))
                }
            }
            let completions = try await queue.complete(input: input, parts: parts)
            var recorded = 0, errors = 0, lost = 0, parked = 0, committed = false
            for part in parts {
                switch completions[part.lease.jobID] {
                case let .committed(record)?:
                    committed = true
                    if record == .recorded {
                        recorded += 1
                        if case .error? = part.result?.result { errors += 1 }
                    }
                case .leaseLost?: lost += 1
                case .parked?: parked += 1
                case nil: break
                }
            }
            let report = await state.add(WorkerReport(inputs: committed ? 1 : 0, recorded: recorded, errors: errors,
                                                      leasesLost: lost, parked: parked))
            progress(report)
        } catch {
            _ = await state.add(WorkerReport(storeFailures: 1))
            log("worker: committing failed (\(error)); giving the jobs back")
            if let parked = try? await queue.release(leases, reason: "store: \(error)", maxAttempts: c.maxAttempts,
                                                     backoffSeconds: c.backoffSeconds, backoffCap: c.backoffCap)
            {
                _ = await state.add(WorkerReport(retried: leases.count - parked.count, parked: parked.count))
            }
        }
    }

    /// Extends the held leases every third of the lease, until cancelled.
    func heartbeats() async {
        let c = configuration
        while !Task.isCancelled {
            try? await Task.sleep(nanoseconds: UInt64(c.leaseSeconds / 3 * 1e9))
            if Task.isCancelled { return }
            let held = await state.heldLeases()
            guard !held.isEmpty else { continue }
            do {
                let still = try await queue.heartbeat(held, leaseSeconds: c.leaseSeconds)
                let lost = held.filter { !still.contains($0.jobID) }
                if !lost.isEmpty { log("worker: \(lost.count) leases were taken over; their results will not be committed") }
            } catch {
                _ = await state.add(WorkerReport(storeFailures: 1))
                log("worker: heartbeat failed (\(error))")
            }
        }
    }
}
