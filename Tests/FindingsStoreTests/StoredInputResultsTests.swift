import DetectorKit
import Foundation
import Testing
@testable import FindingsStore

/// The one read model of stored results (``StoredInputResults``) and one detector version's stored outcome
/// (``FindingsStore/outcome(input:detector:)``), on both engines.
@Suite struct StoredInputResultsTests {
    static func descriptor(_ p: DetectorProvenance) -> DetectorDescriptor {
        DetectorDescriptor(id: p.id, version: p.version, name: "x", inputKind: .ecg)
    }

    @Test(arguments: StoreEngine.enabled) func oneDetectorVersionsOutcomeIsItsAbstentionFindingsOrNothing(_ engine: StoreEngine) async throws {
        let db = try await TestDatabase(engine)
        defer { db.remove() }
        let store = try await db.openService(actor: "cli")
        let scored = try await store.registerInput(Sample.input(1)).id
        let empty = try await store.registerInput(Sample.input(2)).id
        let abstained = try await store.registerInput(Sample.input(3)).id
        let failed = try await store.registerInput(Sample.input(4)).id
        let run = try await store.startRun(NewRun(detector: Sample.rhythm)).id
        _ = try await store.recordOutcome(.findings([try Sample.afib(0.9)]), input: scored, run: run)
        _ = try await store.recordOutcome(.findings([]), input: empty, run: run)
        _ = try await store.recordOutcome(.abstained(try Sample.abstention()), input: abstained, run: run)
        _ = try await store.recordError(input: failed, run: run, reason: "cannot read 4.hea")
        let d = Self.descriptor(Sample.rhythm)
        #expect(try await store.outcome(input: scored, detector: d)?.findings?.map(\.code) == ["afib"])
        #expect(try await store.outcome(input: empty, detector: d)?.findings?.isEmpty == true)  // scored, nothing found
        #expect(try await store.outcome(input: abstained, detector: d)?.abstention != nil)
        #expect(try await store.outcome(input: failed, detector: d) == nil)
        #expect(try await store.outcome(input: scored, detector: Self.descriptor(Sample.rhythm2)) == nil)  // another version

        let results = try #require(try await StoredInputResults.load(input: scored, from: store))
        #expect(results.outcomes.count == 1 && results.outcomes[0].findings?.count == 1)
        let failedResults = try #require(try await StoredInputResults.load(input: failed, from: store))
        #expect(failedResults.outcomes.isEmpty && failedResults.errors.count == 1)
        #expect(failedResults.errors.first?.detector.id == Sample.rhythm.id)
        #expect(try await StoredInputResults.load(input: InputID(rawValue: 999), from: store) == nil)
    }
}
