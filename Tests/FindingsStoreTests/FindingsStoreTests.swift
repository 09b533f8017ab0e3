import DetectorKit
import Foundation
import Testing
@testable import FindingsStore

@Suite("Findings store (SQLite and memory; PostgreSQL when VIGIL_PG_URL is set)")
struct FindingsStoreTests {
    // MARK: Schema and files

    @Test func migratesAnEmptyFileToTheCurrentSchemaInWALMode() async throws {
        let db = try TempDatabase()
        defer { db.remove() }
        let store = try SQLiteFindingsStore(path: db.path, actor: "test")
        #expect(try await store.appliedMigrations() == SQLiteFindingsStore.schemaMigrations)
        #expect(try await store.journalMode() == "wal")
        let objects = Set(try await store.schemaObjects())
        for name in ["inputs", "runs", "outcomes", "findings", "abstentions", "input_errors", "worklist_entries",
                     "worklist_tags", "audit_log", "audit_log_no_update", "audit_log_no_delete"]
        {
            #expect(objects.contains(name), "missing \(name)")
        }
    }

    // Databases only: an in-memory store has nothing to reopen (its data lives as long as the store) and no migrations.
    @Test(arguments: StoreEngine.databases) func reopensAnExistingFileWithItsDataAndWithoutMigratingAgain(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let finding = try Sample.afib(0.91)
        let firstLog = LogSink()
        var inputID: InputID
        do {
            let store = try await db.open(actor: "test", log: firstLog.log)
            inputID = try await store.registerInput(Sample.input(1)).id
            let run = try await store.startRun(NewRun(detector: Sample.rhythm, settings: ["threads": 2]))
            #expect(try await store.recordOutcome(.findings([finding]), input: inputID, run: run.id) == .recorded)
        }
        #expect(firstLog.lines.contains { $0.contains("applied migrations v1-initial") })

        let secondLog = LogSink()
        let reopened = try await db.open(actor: "test", log: secondLog.log)
        #expect(!secondLog.lines.contains { $0.contains("applied migrations") })
        #expect(try await reopened.appliedMigrations() == db.schemaMigrations)
        #expect(try await reopened.findings(input: inputID).map(\.finding) == [finding])
        #expect(try await reopened.input(contentSHA256: Sample.sha(1))?.id == inputID)
        #expect(try await reopened.run(id: RunID(rawValue: 1))?.settings == ["threads": 2])
    }

    @Test func refusesAFileMigratedByANewerBuild() async throws {
        let db = try TempDatabase()
        defer { db.remove() }
        do {
            let store = try SQLiteFindingsStore(path: db.path, actor: "test")
            try await store.executeRaw("INSERT INTO grdb_migrations (identifier) VALUES ('v99-future')")
        }
        #expect(throws: FindingsStoreError.newerSchema(unknownMigrations: ["v99-future"])) {
            _ = try SQLiteFindingsStore(path: db.path, actor: "test")
        }
    }

    // MARK: Round trips

    @Test(arguments: StoreEngine.enabled) func findingsRoundTripExactly(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let store = try await db.open(actor: "test")
        let input = try await store.registerInput(Sample.input(1))
        let rhythmRun = try await store.startRun(NewRun(detector: Sample.rhythm))
        let intervalRun = try await store.startRun(NewRun(detector: Sample.intervals))
        let rhythmFindings = [try Sample.afib(0.91), try Sample.normalSinus(0.08)]
        let measured = try Sample.longQTc()
        _ = try await store.recordOutcome(.findings(rhythmFindings), input: input.id, run: rhythmRun.id)
        _ = try await store.recordOutcome(.findings([measured]), input: input.id, run: intervalRun.id)

        let stored = try await store.findings(input: input.id)
        #expect(stored.map(\.finding) == rhythmFindings + [measured])
        #expect(stored.map(\.run) == [rhythmRun.id, rhythmRun.id, intervalRun.id])
        #expect(stored.allSatisfy { $0.input == input.id })
    }

    @Test(arguments: StoreEngine.enabled) func abstentionsRoundTripExactly(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let store = try await db.open(actor: "test")
        let input = try await store.registerInput(Sample.input(1))
        let run = try await store.startRun(NewRun(detector: Sample.rhythm))
        let abstention = try Sample.abstention()
        #expect(try await store.recordOutcome(.abstained(abstention), input: input.id, run: run.id) == .recorded)
        #expect(try await store.abstentions(input: input.id).map(\.abstention) == [abstention])
        #expect(try await store.abstentions(run: run.id).map(\.input) == [input.id])
        #expect(try await store.findings(input: input.id).isEmpty)
        #expect(try await store.outcomeStatus(input: input.id, detectorID: "ecg-rhythm", detectorVersion: "1.0.0")
            == .abstained)
    }

    @Test(arguments: StoreEngine.enabled) func inputsAndRunsRoundTrip(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let clock = Date(timeIntervalSince1970: 1_750_000_000.123)
        let store = try await db.open(actor: "test", now: { clock })
        let new = Sample.input(7, patient: "P-7", study: "S-7")
        let input = try await store.registerInput(new)
        #expect(input.contentSHA256 == new.contentSHA256 && input.path == new.path && input.kind == .ecg)
        #expect(input.patientID == "P-7" && input.studyID == "S-7" && input.acquiredAt == new.acquiredAt)
        #expect(input.registeredAt == clock)
        #expect(try await store.input(id: input.id) == input)

        let run = try await store.startRun(NewRun(detector: Sample.rhythm, settings: ["source": "folder", "threads": 2]))
        #expect(run.detector == Sample.rhythm && run.startedAt == clock && run.finishedAt == nil)
        #expect(run.counts == RunCounts())
        let finished = try await store.finishRun(run.id)
        #expect(finished.finishedAt == clock)
        #expect(try await store.run(id: run.id) == finished)
        await #expect(throws: FindingsStoreError.runFinished(run.id)) { try await store.finishRun(run.id) }
    }

    // MARK: Registration

    @Test(arguments: StoreEngine.enabled) func registeringTheSameContentAgainReturnsTheSameInput(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let store = try await db.open(actor: "test")
        let first = try await store.registerInput(Sample.input(1))
        var moved = Sample.input(1)
        moved.path = "/elsewhere/copy.hea"
        let again = try await store.registerInput(moved)
        #expect(again == first)
        #expect(again.path == "/data/ecg/1.hea")
        // Upper-case digests name the same content.
        #expect(try await store.input(contentSHA256: Sample.sha(1).uppercased()) == first)
        #expect(try await store.auditLog(object: nil).filter { $0.action == "input.register" }.count == 1)
    }

    @Test(arguments: StoreEngine.enabled) func badInputsAreRefusedWithAClearErrorAndWriteNothing(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let store = try await db.open(actor: "test")
        var bad = Sample.input(1)
        bad.contentSHA256 = "abc"
        await #expect(throws: FindingsStoreError.invalidValue(
            field: "contentSHA256", problem: "must be 64 hexadecimal characters (a SHA-256)")) {
            try await store.registerInput(bad)
        }
        var noPath = Sample.input(2)
        noPath.path = ""
        await #expect(throws: FindingsStoreError.self) { try await store.registerInput(noPath) }
        #expect(try await store.input(contentSHA256: Sample.sha(2)) == nil)

        _ = try await store.registerInput(Sample.input(3, patient: "P-A"))
        await #expect(throws: FindingsStoreError.conflictingInput(contentSHA256: Sample.sha(3), field: "patientID")) {
            try await store.registerInput(Sample.input(3, patient: "P-B"))
        }
        #expect(try await store.input(contentSHA256: Sample.sha(3))?.patientID == "P-A")
    }

    // MARK: Exactly once

    @Test(arguments: StoreEngine.enabled) func aSecondRecordOfTheSameKeyIsANoOp(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let store = try await db.open(actor: "test")
        let input = try await store.registerInput(Sample.input(1))
        let run = try await store.startRun(NewRun(detector: Sample.rhythm))
        #expect(try await store.outcomeStatus(input: input.id, detectorID: "ecg-rhythm", detectorVersion: "1.0.0") == nil)

        let findings = [try Sample.afib(0.91)]
        #expect(try await store.recordOutcome(.findings(findings), input: input.id, run: run.id) == .recorded)
        // The same key again, even with a different outcome: nothing changes.
        #expect(try await store.recordOutcome(.findings([try Sample.afib(0.2)]), input: input.id, run: run.id)
            == .alreadyRecorded(.scored))
        #expect(try await store.recordOutcome(.abstained(try Sample.abstention()), input: input.id, run: run.id)
            == .alreadyRecorded(.scored))
        #expect(try await store.recordError(input: input.id, run: run.id, reason: "timeout") == .alreadyRecorded(.scored))

        // A resumed batch starts a new run of the same detector version: still a no-op.
        let resumed = try await store.startRun(NewRun(detector: Sample.rhythm))
        #expect(try await store.recordOutcome(.findings(findings), input: input.id, run: resumed.id)
            == .alreadyRecorded(.scored))

        #expect(try await store.findings(input: input.id).map(\.finding) == findings)
        #expect(try await store.abstentions(input: input.id).isEmpty)
        #expect(try await store.run(id: run.id)?.counts == RunCounts(inputs: 1, scored: 1))
        #expect(try await store.run(id: resumed.id)?.counts == RunCounts())
        #expect(try await store.outcomeStatus(input: input.id, detectorID: "ecg-rhythm", detectorVersion: "1.0.0") == .scored)

        // A new detector version scores the input again.
        let upgraded = try await store.startRun(NewRun(detector: Sample.rhythm2))
        #expect(try await store.recordOutcome(.findings([try Sample.afib(0.5, detector: Sample.rhythm2)]),
                                              input: input.id, run: upgraded.id) == .recorded)
        #expect(try await store.findings(input: input.id).count == 2)
    }

    @Test(arguments: StoreEngine.enabled) func errorsAreRecordedOnceWithTheirReason(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let store = try await db.open(actor: "test")
        let input = try await store.registerInput(Sample.input(1))
        let run = try await store.startRun(NewRun(detector: Sample.rhythm))
        #expect(try await store.recordError(input: input.id, run: run.id, reason: "header: 13 signals, 12 declared")
            == .recorded)
        #expect(try await store.recordOutcome(.findings([try Sample.afib(0.9)]), input: input.id, run: run.id)
            == .alreadyRecorded(.error))
        let errors = try await store.errors(run: run.id)
        #expect(errors.map(\.reason) == ["header: 13 signals, 12 declared"])
        #expect(errors.first?.input == input.id && errors.first?.detectorID == "ecg-rhythm"
            && errors.first?.detectorVersion == "1.0.0")
        #expect(try await store.run(id: run.id)?.counts == RunCounts(inputs: 1, errors: 1))
        await #expect(throws: FindingsStoreError.invalidValue(field: "reason", problem: "must not be empty")) {
            try await store.recordError(input: input.id, run: run.id, reason: "  ")
        }
    }

    @Test(arguments: StoreEngine.enabled) func outcomesThatDoNotFitTheRunAreRefusedAndWriteNothing(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let store = try await db.open(actor: "test")
        let input = try await store.registerInput(Sample.input(1))
        let run = try await store.startRun(NewRun(detector: Sample.rhythm))

        // A finding from another detector version.
        await #expect(throws: FindingsStoreError.self) {
            try await store.recordOutcome(.findings([try Sample.afib(0.9, detector: Sample.rhythm2)]),
                                          input: input.id, run: run.id)
        }
        // Mixed provenance: the whole outcome is refused, not half of it.
        await #expect(throws: FindingsStoreError.self) {
            try await store.recordOutcome(.findings([try Sample.afib(0.9), try Sample.longQTc()]),
                                          input: input.id, run: run.id)
        }
        await #expect(throws: FindingsStoreError.unknownInput(InputID(rawValue: 99))) {
            try await store.recordOutcome(.findings([]), input: InputID(rawValue: 99), run: run.id)
        }
        await #expect(throws: FindingsStoreError.unknownRun(RunID(rawValue: 99))) {
            try await store.recordOutcome(.findings([]), input: input.id, run: RunID(rawValue: 99))
        }
        #expect(try await store.outcomeStatus(input: input.id, detectorID: "ecg-rhythm", detectorVersion: "1.0.0") == nil)
        #expect(try await store.findings(input: input.id).isEmpty)

        _ = try await store.finishRun(run.id)
        await #expect(throws: FindingsStoreError.runFinished(run.id)) {
            try await store.recordOutcome(.findings([try Sample.afib(0.9)]), input: input.id, run: run.id)
        }
        #expect(try await store.run(id: run.id)?.counts == RunCounts())
    }

    // MARK: Queries

    @Test(arguments: StoreEngine.enabled) func queriesByCodeAboveAProbabilityByRunAndRunSummaries(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let store = try await db.open(actor: "test")
        let run = try await store.startRun(NewRun(detector: Sample.rhythm))
        let probabilities = [0.95, 0.30, 0.60, 0.42, 0.10]
        var ids: [InputID] = []
        for (i, p) in probabilities.enumerated() {
            let input = try await store.registerInput(Sample.input(i + 1))
            ids.append(input.id)
            _ = try await store.recordOutcome(.findings([try Sample.afib(p), try Sample.normalSinus(1 - p)]),
                                              input: input.id, run: run.id)
        }
        let abstained = try await store.registerInput(Sample.input(10))
        _ = try await store.recordOutcome(.abstained(try Sample.abstention()), input: abstained.id, run: run.id)
        let broken = try await store.registerInput(Sample.input(11))
        _ = try await store.recordError(input: broken.id, run: run.id, reason: "unreadable")

        let high = try await store.findings(code: "afib", probabilityAtLeast: 0.42)
        #expect(high.map { $0.finding.probability } == [0.95, 0.60, 0.42])
        #expect(high.map(\.input) == [ids[0], ids[2], ids[3]])
        #expect(try await store.findings(code: "afib", probabilityAtLeast: 0.99).isEmpty)
        #expect(try await store.findings(code: "pdac", probabilityAtLeast: 0).isEmpty)
        #expect(try await store.findings(run: run.id).count == 10)

        let summary = try await store.runSummary(run.id)
        #expect(summary.run.counts == RunCounts(inputs: 7, scored: 5, abstained: 1, errors: 1))
        #expect(summary.perCode == [CodeCount(code: "afib", findings: 5, flagged: 3),
                                    CodeCount(code: "normal_sinus", findings: 5, flagged: 3)])
        await #expect(throws: FindingsStoreError.unknownRun(RunID(rawValue: 42))) {
            try await store.runSummary(RunID(rawValue: 42))
        }
    }

    // Databases only: the damage is done with raw SQL; the in-memory store keeps its rows out of reach of callers.
    @Test(arguments: StoreEngine.databases) func aDamagedRowIsReportedNotSkipped(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let store = try await db.open(actor: "test")
        let input = try await store.registerInput(Sample.input(1))
        let run = try await store.startRun(NewRun(detector: Sample.rhythm))
        _ = try await store.recordOutcome(.findings([try Sample.afib(0.9)]), input: input.id, run: run.id)
        try await store.executeRaw("UPDATE findings SET json = '{\"code\": \"afib\"}'")
        await #expect {
            try await store.findings(input: input.id)
        } throws: { error in
            guard case let .corruptRow(table, _, problem) = error as? FindingsStoreError else { return false }
            return table == "findings" && problem.contains("missing field")
        }
    }

    // MARK: Worklist

    @Test(arguments: StoreEngine.enabled) func worklistSortsByPriorityThenArrivalAndKeepsTagHistory(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let store = try await db.open(actor: "test")
        let t0 = Date(timeIntervalSince1970: 1_750_000_000)
        for (i, study) in ["S-1", "S-2", "S-3"].enumerated() {
            _ = try await store.addToWorklist(NewWorklistEntry(studyID: study, arrivedAt: t0 + Double(i) * 60))
        }
        // Adding again keeps the first arrival.
        let again = try await store.addToWorklist(NewWorklistEntry(studyID: "S-1", arrivedAt: t0 + 9_999))
        #expect(again.arrivedAt == t0 && again.current == nil)

        _ = try await store.tagWorklistEntry(studyID: "S-3", tag: WorklistTag(tag: "PANCREAS-SUSPECT-HIGH", priority: 2,
                                                                              score: 0.81, modelVersion: "0.1.0"))
        _ = try await store.tagWorklistEntry(studyID: "S-2", tag: WorklistTag(tag: "PANCREAS-SUSPECT-LOW", priority: 1,
                                                                              score: 0.12, modelVersion: "0.1.0"))
        #expect(try await store.worklist().map(\.studyID) == ["S-3", "S-2", "S-1"])

        // Re-tagging after a model update: the current tag changes, the history keeps both.
        let retagged = try await store.tagWorklistEntry(
            studyID: "S-3", tag: WorklistTag(tag: "PANCREAS-SUSPECT-LOW", priority: 1, score: 0.2, modelVersion: "0.2.0"))
        #expect(retagged.current?.modelVersion == "0.2.0")
        let history = try await store.worklistHistory(studyID: "S-3")
        #expect(history.map(\.tag.modelVersion) == ["0.1.0", "0.2.0"])
        #expect(history.map(\.tag.tag) == ["PANCREAS-SUSPECT-HIGH", "PANCREAS-SUSPECT-LOW"])
        #expect(try await store.worklist().map(\.studyID) == ["S-2", "S-3", "S-1"])

        await #expect(throws: FindingsStoreError.unknownWorklistEntry) {
            try await store.tagWorklistEntry(studyID: "S-404", tag: WorklistTag(tag: "X", priority: 0))
        }
    }

    // MARK: Audit log

    @Test(arguments: StoreEngine.enabled) func theAuditLogRecordsChangesAndRefusesUpdatesAndDeletes(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let store = try await db.open(actor: "batch")
        let input = try await store.registerInput(Sample.input(1))
        let run = try await store.startRun(NewRun(detector: Sample.rhythm))
        _ = try await store.recordOutcome(.findings([try Sample.afib(0.9)]), input: input.id, run: run.id)
        _ = try await store.finishRun(run.id)
        try await store.appendAudit(AuditEvent(actor: "dr.reader", action: "findings.read", object: "input:1"))

        let log = try await store.auditLog(object: nil)
        #expect(log.map(\.action) == ["input.register", "run.start", "outcome.record", "run.finish", "findings.read"])
        #expect(log.map(\.actor) == ["batch", "batch", "batch", "batch", "dr.reader"])
        #expect(try await store.auditLog(object: "input:1").map(\.action)
            == ["input.register", "outcome.record", "findings.read"])

        // Raw SQL against the table, on the databases; the in-memory store has no way to change or remove an
        // entry (no such operation exists), so there is nothing to try there.
        for sql in ["UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log",
                    "DELETE FROM audit_log WHERE id = 1"] where engine.isDatabase
        {
            await #expect {
                try await store.executeRaw(sql)
            } throws: { error in
                db.isAppendOnlyRefusal(error)
            }
        }
        #expect(try await store.auditLog(object: nil) == log)
    }

    // MARK: Concurrency

    @Test(arguments: StoreEngine.enabled) func readersSeeCommittedStateWhileOneWriterWrites(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let writer = try await db.open(actor: "writer")
        // A second store on the same file stands in for another process reading it.
        let reader = try await db.open(actor: "reader")
        let run = try await writer.startRun(NewRun(detector: Sample.rhythm))
        let total = 150
        let finding = try Sample.afib(0.7)

        // Halfway, the writer waits (up to 10 s) until every reader has seen the run part-way through, so the reads
        // overlap the writes whatever the scheduler does: an actor store (memory) that the writer's task could
        // otherwise fill before a reader task first runs, as on a loaded machine.
        let partWay = ReaderCount()
        try await withThrowingTaskGroup(of: [Int].self) { group in
            group.addTask {
                for i in 0..<total {
                    let input = try await writer.registerInput(Sample.input(i + 1))
                    _ = try await writer.recordOutcome(.findings([finding]), input: input.id, run: run.id)
                    if i + 1 == total / 2 {
                        let deadline = Date().addingTimeInterval(10)
                        while await partWay.value < 3, Date() < deadline { try await Task.sleep(for: .milliseconds(1)) }
                    }
                }
                return []
            }
            for store in [reader, writer, reader] {
                group.addTask {
                    var seen: [Int] = []
                    var counted = false
                    while seen.last != total {
                        let counts = try await store.run(id: run.id)!.counts
                        let findings = try await store.findings(run: run.id).count
                        // A committed outcome always comes with its finding (never half a transaction).
                        #expect(findings >= counts.scored)
                        seen.append(counts.scored)
                        if !counted, counts.scored > 0, counts.scored < total { counted = true; await partWay.add() }
                    }
                    return seen
                }
            }
            var readerTraces = 0
            var intermediate = 0
            for try await seen in group where !seen.isEmpty {
                readerTraces += 1
                intermediate += seen.filter { $0 > 0 && $0 < total }.count
                #expect(seen == seen.sorted(), "a reader saw the count go backwards")
                #expect(seen.last == total)
            }
            #expect(readerTraces == 3)
            // The reads overlapped the writes: some saw a batch part-way through.
            #expect(intermediate > 0)
        }
        #expect(try await reader.runSummary(run.id).perCode == [CodeCount(code: "afib", findings: total, flagged: total)])
    }

    @Test(arguments: StoreEngine.enabled) func twoWritersRacingOnTheSameKeysRecordEachOutcomeOnce(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        // Two stores on one file stand in for two worker processes handed the same inputs.
        let stores: [any FindingsStore] = [try await db.open(actor: "worker-1"),
                                           try await db.open(actor: "worker-2")]
        let run = try await stores[0].startRun(NewRun(detector: Sample.rhythm))
        let count = 40
        var inputs: [InputID] = []
        for i in 0..<count { inputs.append(try await stores[0].registerInput(Sample.input(i + 1)).id) }
        let finding = try Sample.afib(0.8)
        let results = try await withThrowingTaskGroup(of: [RecordResult].self) { group in
            for store in stores {
                group.addTask { [inputs] in
                    var results: [RecordResult] = []
                    for input in inputs {
                        results.append(try await store.recordOutcome(.findings([finding]), input: input, run: run.id))
                    }
                    return results
                }
            }
            return try await group.reduce(into: [RecordResult]()) { $0 += $1 }
        }
        #expect(results.filter { $0 == .recorded }.count == count)
        #expect(results.filter { $0 == .alreadyRecorded(.scored) }.count == count)
        #expect(try await stores[1].findings(run: run.id).count == count)
        #expect(try await stores[1].runSummary(run.id).run.counts == RunCounts(inputs: count, scored: count))
    }

    // MARK: Privacy

    @Test(arguments: StoreEngine.enabled) func theStoreNeverLogsIdentifiersPathsOrReasons(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let sink = LogSink()
        let store = try await db.open(actor: "batch", log: sink.log)
        let secrets = ["PSEUDO-PAT-4711", "STUDY-9931", "/data/PSEUDO-PAT-4711"]
        let input = try await store.registerInput(
            NewInput(contentSHA256: Sample.sha(1), path: "/data/PSEUDO-PAT-4711/ecg.hea", kind: .ecg,
                     patientID: "PSEUDO-PAT-4711", studyID: "STUDY-9931"))
        _ = try await store.registerInput(
            NewInput(contentSHA256: Sample.sha(1), path: "/data/PSEUDO-PAT-4711/ecg.hea", kind: .ecg,
                     patientID: "PSEUDO-PAT-4711"))
        let run = try await store.startRun(NewRun(detector: Sample.rhythm))
        _ = try await store.recordOutcome(.findings([try Sample.afib(0.9)]), input: input.id, run: run.id)
        _ = try await store.recordOutcome(.findings([try Sample.afib(0.9)]), input: input.id, run: run.id)
        let other = try await store.registerInput(Sample.input(2, patient: "PSEUDO-PAT-4711"))
        _ = try await store.recordError(input: other.id, run: run.id, reason: "cannot read /data/PSEUDO-PAT-4711/x.dat")
        _ = try await store.finishRun(run.id)
        _ = try await store.addToWorklist(NewWorklistEntry(studyID: "STUDY-9931", input: input.id, arrivedAt: Date()))
        _ = try await store.tagWorklistEntry(studyID: "STUDY-9931", tag: WorklistTag(tag: "LOW", priority: 1))

        // Errors are part of what gets logged by callers: they must not carry identifiers either.
        var errorTexts: [String] = []
        do {
            _ = try await store.registerInput(Sample.input(1, patient: "PSEUDO-PAT-OTHER"))
        } catch { errorTexts.append(String(describing: error)) }
        do {
            _ = try await store.tagWorklistEntry(studyID: "STUDY-404-SECRET", tag: WorklistTag(tag: "X", priority: 0))
        } catch { errorTexts.append(String(describing: error)) }
        #expect(errorTexts.count == 2)

        let lines = sink.lines
        #expect(lines.count >= 8, "the store should report what it did")
        for text in lines + errorTexts {
            for secret in secrets + ["PSEUDO-PAT-OTHER", "STUDY-404-SECRET"] {
                #expect(!text.contains(secret), "'\(text)' leaks an identifier")
            }
        }
        // And the audit log names rows, not patients.
        for entry in try await store.auditLog(object: nil) {
            let text = "\(entry.object) \(entry.details)"
            for secret in secrets { #expect(!text.contains(secret)) }
        }
    }
}

/// How many reader tasks have seen a run part-way through (readersSeeCommittedStateWhileOneWriterWrites).
private actor ReaderCount {
    private(set) var value = 0
    func add() { value += 1 }
}
