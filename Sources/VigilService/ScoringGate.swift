import BatchScoring
import Foundation

/// The one owner of the scoring cores inside the service: at most ``slots`` scorings run at once, at most
/// ``queueLimit`` wait (first come, first served); one more is refused at once (the route answers 429 with
/// Retry-After) rather than piling up work the machine cannot do.
public actor ScoringGate: BatchSlots {
    /// Scorings that may run at once.
    nonisolated public let slots: Int
    /// Scorings that may wait for a slot.
    nonisolated public let queueLimit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private let onChange: @Sendable (_ running: Int, _ waiting: Int) -> Void

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
        return try await work()
    }

    /// Runs `work` in a slot, waiting however long the queue is: a batch job's item (``BatchSlots``). A job has
    /// at most its engine's workers waiting, and they count in the queue depth the synchronous scorings see.
    public func withSlot<T: Sendable>(_ work: @Sendable () async -> T) async -> T {
        await take()
        defer { release() }
        return await work()
    }

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
