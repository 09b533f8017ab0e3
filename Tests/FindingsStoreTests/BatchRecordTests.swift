import DetectorKit
import Foundation
import Testing
@testable import FindingsStore

@Suite("Findings store: batch writes and listings (SQLite and memory; PostgreSQL when VIGIL_PG_URL is set)")
struct BatchRecordTests {
    @Test(arguments: StoreEngine.enabled) func aBatchRegistersAndRecordsInOneGoAndARefusedItemLeavesNothingBehind(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let store = try await db.open(actor: "test")
        if let sqlite = store as? SQLiteFindingsStore {
            #expect(try await sqlite.synchronousSetting() == 1)  // NORMAL in WAL mode
        }
        _ = try await store.registerInput(Sample.input(3, patient: "P-0003"))
        let run = try await store.startRun(NewRun(detector: Sample.rhythm)).id
        let other = try await store.startRun(NewRun(detector: Sample.intervals)).id
        let items = [
            InputResults(input: Sample.input(1), results: [.init(run: run, result: .outcome(.findings([try Sample.afib(0.9)])))]),
            InputResults(input: Sample.input(2), results: [.init(run: run, result: .error("cannot read 2.hea: truncated")),
                                                           .init(run: other, result: .outcome(.findings([try Sample.longQTc()])))]),
            // Conflicting patient id for already registered content: refused whole.
            InputResults(input: Sample.input(3, patient: "P-9999"), results: [.init(run: run, result: .outcome(.abstained(try Sample.abstention())))]),
            // Provenance mismatch in the second result: the first must not stay behind either.
            InputResults(input: Sample.input(4), results: [.init(run: run, result: .outcome(.findings([try Sample.afib(0.1)]))),
                                                           .init(run: run, result: .outcome(.findings([try Sample.longQTc()])))]),
        ]
        let results = try await store.recordBatch(items)
        #expect(results.count == 4)
        guard case let .recorded(first, r1) = results[0] else { Issue.record("item 0 not recorded"); return }
        #expect(r1 == [.recorded])
        guard case let .recorded(_, r2) = results[1] else { Issue.record("item 1 not recorded"); return }
        #expect(r2 == [.recorded, .recorded])
        #expect(results[2] == .refused(.conflictingInput(contentSHA256: Sample.sha(3), field: "patientID")))
        guard case .refused(.provenanceMismatch) = results[3] else { Issue.record("item 3 not refused: \(results[3])"); return }
        #expect(try await store.input(contentSHA256: Sample.sha(4)) == nil)
        #expect(try await store.findings(input: first.id).count == 1)
        #expect(try await store.run(id: run)?.counts == RunCounts(inputs: 2, scored: 1, abstained: 0, errors: 1))
        // The same batch again changes nothing.
        let again = try await store.recordBatch(Array(items.prefix(2)))
        guard case let .recorded(_, a1) = again[0] else { Issue.record("repeat not recorded"); return }
        #expect(a1 == [.alreadyRecorded(.scored)])
        #expect(try await store.run(id: run)?.counts.inputs == 2)
    }

    @Test(arguments: StoreEngine.enabled) func statusesByContentErrorsByInputAndInputsInPages(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let store = try await db.open(actor: "test")
        let run = try await store.startRun(NewRun(detector: Sample.rhythm)).id
        var ids: [InputID] = []
        for n in 1...5 { ids.append(try await store.registerInput(Sample.input(n)).id) }
        _ = try await store.recordError(input: ids[1], run: run, reason: "bad file")
        _ = try await store.recordOutcome(.findings([try Sample.afib(0.5)]), input: ids[2], run: run)
        #expect(try await store.outcomeStatuses(contentSHA256: Sample.sha(2).uppercased())
            == [OutcomeKey(detectorID: "ecg-rhythm", detectorVersion: "1.0.0"): .error])
        #expect(try await store.outcomeStatuses(contentSHA256: Sample.sha(1)).isEmpty)
        #expect(try await store.outcomeStatuses(contentSHA256: Sample.sha(99)).isEmpty)
        #expect(try await store.errors(input: ids[1]).map(\.reason) == ["bad file"])
        #expect(try await store.errors(input: ids[2]).isEmpty)
        let page1 = try await store.inputs(kind: .ecg, after: nil, limit: 2)
        let page2 = try await store.inputs(kind: .ecg, after: page1.last?.id, limit: 2)
        let page3 = try await store.inputs(kind: .ecg, after: page2.last?.id, limit: 2)
        #expect((page1 + page2 + page3).map(\.id) == ids)
        #expect(try await store.inputs(kind: .ctStudy, after: nil, limit: 10).isEmpty)
        await #expect(throws: FindingsStoreError.self) { _ = try await store.inputs(kind: nil, after: nil, limit: 0) }
    }

    @Test(arguments: StoreEngine.enabled) func aRefusedItemDoesNotFillTheSourceMetadataOfAnInputAlreadyThere(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let store = try await db.open(actor: "test")
        let input = try await store.registerInput(Sample.input(1))
        #expect(input.sourceMetadata == nil)
        let run = try await store.startRun(NewRun(detector: Sample.rhythm)).id
        var withSource = Sample.input(1)
        withSource.sourceMetadata = ["StudyInstanceUID": "1.2.3"]
        // The second result names another detector: the item is refused, and the metadata it brought stays out.
        let refused = try await store.recordBatch([
            InputResults(input: withSource, results: [.init(run: run, result: .outcome(.findings([try Sample.afib(0.9)]))),
                                                      .init(run: run, result: .outcome(.findings([try Sample.longQTc()])))]),
        ])
        guard case .refused(.provenanceMismatch) = refused.first else { Issue.record("not refused: \(refused)"); return }
        #expect(try await store.input(id: input.id)?.sourceMetadata == nil)
        #expect(try await store.findings(input: input.id).isEmpty)
        #expect(try await store.run(id: run)?.counts == RunCounts())
        // The same item without the bad result fills it, once.
        let recorded = try await store.recordBatch([
            InputResults(input: withSource, results: [.init(run: run, result: .outcome(.findings([try Sample.afib(0.9)])))]),
        ])
        guard case let .recorded(stored, results) = recorded.first else { Issue.record("not recorded: \(recorded)"); return }
        #expect(stored.id == input.id && results == [.recorded])
        #expect(try await store.input(id: input.id)?.sourceMetadata == ["StudyInstanceUID": "1.2.3"])
        #expect(try await store.run(id: run)?.counts == RunCounts(inputs: 1, scored: 1))
    }
}
