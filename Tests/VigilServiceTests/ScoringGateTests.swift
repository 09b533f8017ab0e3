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
        await release.open()
        for t in tasks { try await t.value }
        #expect(await peak.max == 2)
        #expect(await gate.counts == (0, 0))
        #expect(try await gate.run { 7 } == 7)
    }

    /// Admitted work that blocks its thread, as scoring does (long synchronous CPU work), must not hold Swift's
    /// cooperative threads: with as many blocked scorings as the machine has cores, the gate must still refuse the
    /// next one while they are blocked. A fallback thread frees them after 30 s, so a wrong gate fails the test
    /// instead of hanging the suite.
    @Test func blockedScoringsLeaveTheCooperativeThreadsFree() async throws {
        let width = ProcessInfo.processInfo.activeProcessorCount
        let gate = ScoringGate(slots: width, queueLimit: 0)
        let unblock = DispatchSemaphore(value: 0)
        let fallback = Fallback()
        Thread.detachNewThread {
            if fallback.fire(after: 30) { for _ in 0..<width { unblock.signal() } }
        }
        var tasks: [Task<Void, any Error>] = []
        for _ in 0..<width { tasks.append(Task { try await gate.run { Self.block(unblock) } }) }
        while await gate.counts.running < width, !fallback.fired { try await Task.sleep(for: .milliseconds(5)) }
        await #expect(throws: ScoringGate.Full.self) { try await gate.run { 1 } }
        #expect(!fallback.fired, "the gate answered only after the blocked scorings were freed by the fallback")
        if fallback.cancel() { for _ in 0..<width { unblock.signal() } }
        for t in tasks { try await t.value }
        #expect(await gate.counts == (0, 0))
    }

    /// Blocks the calling thread (a synchronous wait, as a CPU-bound scoring holds its thread).
    static func block(_ semaphore: DispatchSemaphore) { semaphore.wait() }

    /// Fires once after a delay unless cancelled first.
    final class Fallback: @unchecked Sendable {
        private let lock = NSLock()
        private var state: (fired: Bool, cancelled: Bool) = (false, false)
        var fired: Bool { lock.withLock { state.fired } }
        /// Waits `seconds`, then fires unless cancelled; true when it fired.
        func fire(after seconds: Double) -> Bool {
            Thread.sleep(forTimeInterval: seconds)
            return lock.withLock {
                guard !state.cancelled else { return false }
                state.fired = true
                return true
            }
        }
        /// Cancels; true when it had not fired.
        func cancel() -> Bool {
            lock.withLock {
                guard !state.fired else { return false }
                state.cancelled = true
                return true
            }
        }
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
