import BatchScoring
import Foundation
import TensorCore

/// The one owner of the scoring cores inside the service: at most ``slots`` scorings run at once, at most
/// ``queueLimit`` wait (first come, first served); one more is refused at once (the route answers 429 with
/// Retry-After) rather than piling up work the machine cannot do.
///
/// Admitted work runs on the gate's own threads (a ``BatchScoring/DetectorExecutor``), not on Swift's cooperative pool, which
/// has one thread per core: scoring is long synchronous CPU work, and on the pool it would hold every thread, so
/// that new requests could not even reach the gate to be queued or refused (measured with wrk: 2x overload got
/// no 429, only longer waits).
public actor ScoringGate: BatchSlots {
    /// Scorings that may run at once.
    nonisolated public let slots: Int
    /// Scorings that may wait for a slot.
    nonisolated public let queueLimit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private let onChange: @Sendable (_ running: Int, _ waiting: Int) -> Void
    private let executor = DetectorExecutor(label: ScoringGate.executorLabel)
    /// The label of the gate's executor queue (``BatchScoring/DetectorExecutor``).
    public static let executorLabel = "vigil.scoring"

    /// A gate; `onChange` is told the counts after each change (the metrics gauges).
    public init(slots: Int, queueLimit: Int, onChange: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) {
        precondition(slots >= 1 && queueLimit >= 0)
        self.slots = slots
        self.queueLimit = queueLimit
        self.onChange = onChange
    }

    /// Refusal: the slots are busy and the queue is full.
    public struct Full: Error {}

    /// Scorings running and waiting now.
    public var counts: (running: Int, waiting: Int) { (running, waiting.count) }

    /// Runs `work` in a slot, waiting in the queue when all are busy.
    /// - Throws: ``Full`` without running `work` when the queue is full; whatever `work` throws.
    public func run<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        let threads = threadsPerSlot
        // Nonisolated (isolation: nil): nothing of the work runs on the gate actor, which must stay free to admit or
        // refuse the next request.
        return try await withTaskExecutorPreference(executor, isolation: nil) {
            try await TensorThreads.withThreads(threads, isolation: nil) { try await work() }
        }
    }

    /// Runs `work` in a slot, waiting however long the queue is: a batch job's item (``BatchSlots``). A job has
    /// at most its engine's workers waiting, and they count in the queue depth the synchronous scorings see.
    public func withSlot<T: Sendable>(_ work: @Sendable () async -> T) async -> T {
        await take()
        defer { release() }
        let threads = threadsPerSlot
        return await withTaskExecutorPreference(executor, isolation: nil) {
            await TensorThreads.withThreads(threads, isolation: nil) { await work() }
        }
    }

    /// Tensor-core threads of one slot's work: the process's threads shared out among the slots (at least 1), so
    /// that the gate owns the cores once (2 slots on 2 cores: one thread each).
    public nonisolated var threadsPerSlot: Int { TensorThreads.share(among: slots) }

    private func acquire() async throws {
        guard running < slots || waiting.count < queueLimit else { throw Full() }
        await take()
    }

    /// Takes a free slot, or waits in the queue for one.
    private func take() async {
        if running < slots {
            running += 1
            onChange(running, waiting.count)
            return
        }
        await withCheckedContinuation {
            waiting.append($0)
            onChange(running, waiting.count)
        }
        // The releasing scoring handed its slot over: `running` already counts this one.
    }

    private func release() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
        onChange(running, waiting.count)
    }
}
