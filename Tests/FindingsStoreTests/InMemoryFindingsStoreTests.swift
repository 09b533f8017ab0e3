import Foundation
import Testing
@testable import FindingsStore

/// What only the in-memory store has to show: the shared behaviour is tested on every engine (``StoreEngine``).
@Suite struct InMemoryFindingsStoreTests {
    @Test func aBlankActorIsRefusedAsByTheSQLiteStore() {
        #expect(throws: FindingsStoreError.invalidValue(field: "actor", problem: "must not be empty")) {
            _ = try InMemoryFindingsStore(actor: "  ")
        }
    }

    @Test func eachStoreIsItsOwn() async throws {
        let a = try InMemoryFindingsStore(actor: "a")
        let b = try InMemoryFindingsStore(actor: "b")
        let inA = try await a.registerInput(Sample.input(1))
        let inB = try await b.registerInput(Sample.input(2))
        #expect(inA.id == InputID(rawValue: 1) && inB.id == InputID(rawValue: 1))  // ids from 1 in each
        #expect(try await a.input(contentSHA256: Sample.sha(2)) == nil)
        #expect(try await b.auditLog(object: nil).map(\.actor) == ["b"])
    }
}
