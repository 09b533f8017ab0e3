import BatchScoring
import Foundation
import Testing
@testable import VigilService

/// The scoring gate: at most `slots` at once, `queueLimit` waiting, the next refused at once.
@Suite struct ScoringGateTests {
    @Test func slotsQueueAndRefusal() async throws {
        let gate = ScoringGate(slots: 2, queueLimit: 1)
        let release = Latch()
        let peak = Peak()
        var tasks: [Task<Void, any Error>] = []
        for _ in 0..<3 {
            tasks.append(Task {
                try await gate.run {
                    await peak.enter()
                    await release.wait()
                    await peak.leave()
                }
            })
        }
        while await gate.counts != (2, 1) { try await Task.sleep(for: .milliseconds(5)) }
        await #expect(throws: ScoringGate.Full.self) { try await gate.run { 1 } }
        // Both admitted works have started (a slot is counted when it is taken, before its work is scheduled on
        // the gate's threads; in the parallel suite that can take a while).
        while await peak.now < 2 { try await Task.sleep(for: .milliseconds(5)) }
        await release.open()
        for t in tasks { try await t.value }
        #expect(await peak.max == 2)
        #expect(await gate.counts == (0, 0))
        #expect(try await gate.run { 7 } == 7)
    }

    /// Admitted work runs on the gate's own Dispatch queue, never on Swift's cooperative pool (one thread per core),
    /// where long synchronous scorings would hold every thread and new requests could not reach the gate to be
    /// queued or refused (the effect measured with wrk: docs/service.md). Both doors: `run` (requests) and
    /// `withSlot` (batch job items).
    @Test func admittedWorkRunsOnTheGatesOwnQueue() async throws {
        let gate = ScoringGate(slots: 2, queueLimit: 0)
        #expect(Self.queueLabel() != ScoringGate.executorLabel)
        #expect(try await gate.run { Self.queueLabel() } == ScoringGate.executorLabel)
        #expect(await gate.withSlot { Self.queueLabel() } == ScoringGate.executorLabel)
        // Nested async calls inside the work stay there.
        #expect(try await gate.run { await Self.hop() } == ScoringGate.executorLabel)
    }

    /// The gate queue's label when the calling code runs on it, else "".
    static func queueLabel() -> String { DetectorExecutor.currentLabel ?? "" }
    static func hop() async -> String {
        await Task.yield()
        return queueLabel()
    }

    actor Peak {
        var now = 0, max = 0
        func enter() { now += 1; max = Swift.max(max, now) }
        func leave() { now -= 1 }
    }
}

/// Tasks wait on it until it is opened.
actor Latch {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiting.append($0) }
    }
    func open() {
        isOpen = true
        for w in waiting { w.resume() }
        waiting = []
    }
}
