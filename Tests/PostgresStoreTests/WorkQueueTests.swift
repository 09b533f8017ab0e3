import DetectorKit
import FindingsStore
import Foundation
import Testing
@testable import PostgresStore

@Suite("PostgreSQL work queue: enqueue, leases, fencing, retries", .enabled(if: PGTest.available, "set VIGIL_PG_URL (Tools/postgres/cluster.sh start)"))
struct WorkQueueTests {
    @Test func enqueueRegistersInputsAndJobsOnceAndSkipsWhatIsRecorded() async throws {
        try await withQueue { store, queue in
            // Input 1 already has a rhythm outcome (from an earlier plain batch).
            let first = try await store.registerInput(Fixture.entry(1).input)
            let run = try await store.startRun(NewRun(detector: Fixture.rhythm))
            _ = try await store.recordOutcome(.findings([try Fixture.afib(0.2)]), input: first.id, run: run.id)

            let entries = (1...5).map { Fixture.entry($0) }
            let report = try await queue.enqueue(entries, detectors: Fixture.keys)
            #expect(report.inputs == 5 && report.newInputs == 4)
            #expect(report.jobs == 9 && report.alreadyRecorded == 1 && report.alreadyQueued == 0 && report.refused.isEmpty)
            #expect(try await queue.counts() == QueueCounts(queued: 9, leased: 0, parked: 0))

            // Again: nothing new; a conflicting entry (same content, other patient) is refused alone.
            var conflicting = Fixture.entry(6, patient: "P-A")
            _ = try await store.registerInput(conflicting.input)
            conflicting.input.patientID = "P-B"
            let again = try await queue.enqueue(entries + [conflicting, Fixture.entry(7)], detectors: Fixture.keys)
            #expect(again.jobs == 2 && again.alreadyQueued == 9 && again.alreadyRecorded == 1)
            #expect(again.refused.count == 1 && again.refused[0].hasPrefix("6.hea:") && !again.refused[0].contains("P-B"))
            #expect(try await queue.counts().queued == 11)
            #expect(try await store.auditLog(object: "queue").map(\.action) == ["queue.enqueue", "queue.enqueue"])
        }
    }

    @Test func aWorkerWhoseLeaseWasTakenOverCannotCommit() async throws {
        try await withQueue { store, queue in
            _ = try await queue.enqueue([Fixture.entry(1)], detectors: [Fixture.keys[0]])
            let run = try await store.startRun(NewRun(detector: Fixture.rhythm))

            let a = try await queue.claim(owner: "A", detectors: Fixture.keys, limit: 5, leaseSeconds: 4, maxAttempts: 5)
            try #require(a.count == 1)
            #expect(a[0].epoch == 1 && a[0].attempts == 1)
            // While A's lease runs, nobody else gets the job.
            #expect(try await queue.claim(owner: "B", detectors: Fixture.keys, limit: 5, leaseSeconds: 30, maxAttempts: 5).isEmpty)
            try await Task.sleep(nanoseconds: 4_500_000_000)
            // A hung past its lease; B takes the job over with the next epoch.
            let b = try await queue.claim(owner: "B", detectors: Fixture.keys, limit: 5, leaseSeconds: 30, maxAttempts: 5)
            try #require(b.count == 1 && a.count == 1)
            #expect(b[0].jobID == a[0].jobID && b[0].epoch == 2 && b[0].attempts == 2)

            // A wakes up and tries to commit its (different) result: refused, nothing written.
            let input = Fixture.entry(1).input
            let aResult = InputResults.RunResult(run: run.id, result: .outcome(.findings([try Fixture.afib(0.99)])))
            #expect(try await queue.complete(input: input, parts: [(a[0], aResult)]) == [a[0].jobID: .leaseLost])
            #expect(try await queue.heartbeat(a, leaseSeconds: 30).isEmpty)
            let stored = try #require(try await store.input(contentSHA256: Fixture.sha(1)))
            #expect(try await store.outcomeStatus(input: stored.id, detectorID: "ecg-rhythm", detectorVersion: "1.0.0") == nil)
            #expect(try await store.run(id: run.id)?.counts == RunCounts())

            // B, the holder of the current epoch, commits; the job is gone.
            #expect(try await queue.heartbeat(b, leaseSeconds: 30) == [b[0].jobID])
            let bResult = InputResults.RunResult(run: run.id, result: .outcome(.findings([try Fixture.afib(0.4)])))
            #expect(try await queue.complete(input: input, parts: [(b[0], bResult)]) == [b[0].jobID: .committed(.recorded)])
            #expect(try await store.findings(input: stored.id).map { $0.finding.probability } == [0.4])
            #expect(try await queue.counts() == QueueCounts())
            // A's late retry still changes nothing.
            #expect(try await queue.complete(input: input, parts: [(a[0], aResult)]) == [a[0].jobID: .leaseLost])
            #expect(try await store.findings(input: stored.id).count == 1)
        }
    }

    @Test func failuresBackOffAndAreParkedWithTheReasonAfterTheLastAttempt() async throws {
        try await withQueue { store, queue in
            _ = try await queue.enqueue([Fixture.entry(1)], detectors: [Fixture.keys[0]])
            var parkedIDs: [Int64] = []
            for attempt in 1...3 {
                let leases = try await queue.claim(owner: "A", detectors: Fixture.keys, limit: 1, leaseSeconds: 30, maxAttempts: 3)
                #expect(leases.count == 1 && leases.first?.attempts == attempt)
                parkedIDs = try await queue.release(leases, reason: "1.hea: cannot be read (no such file)", maxAttempts: 3,
                                                    backoffSeconds: 2, backoffCap: 10)
                // Backing off: not claimable at once.
                #expect(try await queue.claim(owner: "A", detectors: Fixture.keys, limit: 1, leaseSeconds: 30, maxAttempts: 3).isEmpty)
                if attempt < 3 { try await Task.sleep(nanoseconds: UInt64(2 * pow(2, Double(attempt - 1)) * 1e9) + 500_000_000) }
            }
            #expect(parkedIDs.count == 1)
            #expect(try await queue.counts() == QueueCounts(queued: 0, leased: 0, parked: 1))
            let parked = try await queue.parked()
            #expect(parked.count == 1 && parked[0].attempts == 3)
            #expect(parked[0].reason == "failed 3 times; last: 1.hea: cannot be read (no such file)")
        }
    }

    @Test func aJobWhoseWorkersKeepDyingIsParked() async throws {
        try await withQueue { store, queue in
            _ = try await queue.enqueue([Fixture.entry(1)], detectors: [Fixture.keys[0]])
            for _ in 1...2 {
                // Claimed, then the worker "dies": the lease just runs out.
                #expect(try await queue.claim(owner: "A", detectors: Fixture.keys, limit: 1, leaseSeconds: 0.2, maxAttempts: 2).count == 1)
                try await Task.sleep(nanoseconds: 400_000_000)
            }
            #expect(try await queue.claim(owner: "B", detectors: Fixture.keys, limit: 1, leaseSeconds: 30, maxAttempts: 2).isEmpty)
            let parked = try await queue.parked()
            #expect(parked.count == 1 && parked[0].reason.contains("lease expired after each of 2 claims"))
        }
    }

    @Test func aFileThatChangedSinceItWasEnqueuedIsParkedNotRecordedUnderTheOldContent() async throws {
        try await withQueue { store, queue in
            _ = try await queue.enqueue([Fixture.entry(1)], detectors: [Fixture.keys[0]])
            let run = try await store.startRun(NewRun(detector: Fixture.rhythm))
            let leases = try await queue.claim(owner: "A", detectors: Fixture.keys, limit: 1, leaseSeconds: 30, maxAttempts: 3)
            var changed = Fixture.entry(1).input
            changed.contentSHA256 = Fixture.sha(999)
            let result = InputResults.RunResult(run: run.id, result: .outcome(.findings([try Fixture.afib(0.7)])))
            let done = try await queue.complete(input: changed, parts: [(leases[0], result)])
            guard case let .parked(reason)? = done[leases[0].jobID] else { Issue.record("not parked: \(done)"); return }
            #expect(reason.contains("content changed"))
            #expect(try await store.input(contentSHA256: Fixture.sha(999)) == nil)
            #expect(try await store.findings(run: run.id).isEmpty)
        }
    }

    @Test func aCommitFillsInThePatientTheFileGaveAndStillRefusesAConflict() async throws {
        try await withQueue { store, queue in
            _ = try await queue.enqueue([Fixture.entry(1), Fixture.entry(2, patient: "P-2")], detectors: [Fixture.keys[0]])
            let run = try await store.startRun(NewRun(detector: Fixture.rhythm))
            let leases = try await queue.claim(owner: "A", detectors: Fixture.keys, limit: 2, leaseSeconds: 30, maxAttempts: 3)
            #expect(leases.count == 2)
            let result = InputResults.RunResult(run: run.id, result: .outcome(.findings([try Fixture.afib(0.7)])))
            var read1 = Fixture.entry(1).input
            read1.patientID = "P-1"
            read1.acquiredAt = Date(timeIntervalSince1970: 1_700_000_000)
            #expect(try await queue.complete(input: read1, parts: [(leases[0], result)]) == [leases[0].jobID: .committed(.recorded)])
            let stored = try #require(try await store.input(contentSHA256: Fixture.sha(1)))
            #expect(stored.patientID == "P-1" && stored.acquiredAt == read1.acquiredAt)
            // The manifest said P-2; the file says otherwise: refused and parked, not overwritten.
            var read2 = Fixture.entry(2).input
            read2.patientID = "P-OTHER"
            let done = try await queue.complete(input: read2, parts: [(leases[1], result)])
            guard case let .parked(reason)? = done[leases[1].jobID] else { Issue.record("not parked: \(done)"); return }
            #expect(reason.contains("patientID") && !reason.contains("P-OTHER"))
            #expect(try await store.input(contentSHA256: Fixture.sha(2))?.patientID == "P-2")
        }
    }
}
