import Foundation
import Testing
@testable import TensorCore

/// The tensor core's thread setting is per call (``TensorThreads/withThreads(_:_:)``), not a process global that
/// concurrent callers fight over: a budget holds for its call and what it runs, nests, and leaves other tasks and
/// the process default alone.
@Suite struct ThreadBudgetTests {
    @Test func aBudgetHoldsForItsCallAndNests() {
        let outside = TensorThreads.count
        #expect(outside == TensorThreads.processDefault)
        TensorThreads.withThreads(1) {
            #expect(TensorThreads.count == 1)
            TensorThreads.withThreads(3) { #expect(TensorThreads.count == 3) }
            #expect(TensorThreads.count == 1)
        }
        #expect(TensorThreads.withThreads(0) { TensorThreads.count } == 1)  // at least one thread
        #expect(TensorThreads.count == outside)
        #expect(TensorThreads.processDefault == outside)
    }

    @Test func concurrentTasksKeepTheirOwnBudgets() async {
        // Each task sees only its own budget, however the runs interleave.
        let seen = await withTaskGroup(of: (Int, [Int]).self) { group in
            for budget in 1...4 {
                group.addTask {
                    await TensorThreads.withThreads(budget) {
                        var counts: [Int] = []
                        for _ in 0..<20 {
                            counts.append(TensorThreads.count)
                            await Task.yield()
                        }
                        return (budget, counts)
                    }
                }
            }
            return await group.reduce(into: [(Int, [Int])]()) { $0.append($1) }
        }
        #expect(seen.count == 4)
        for (budget, counts) in seen { #expect(counts.allSatisfy { $0 == budget }, "budget \(budget) saw \(Set(counts))") }
    }

    @Test func parallelForRunsEveryIndexOnceUnderAnyBudget() {
        for budget in [1, 2, 4] {
            let n = 1000
            let hits = UnsafeMutableBufferPointer<Int32>.allocate(capacity: n)
            defer { hits.deallocate() }
            hits.initialize(repeating: 0)
            TensorThreads.withThreads(budget) {
                TensorThreads.parallelFor(n) { i in hits[i] += 1 }  // disjoint indices: no two chunks share one
            }
            #expect(hits.allSatisfy { $0 == 1 }, "budget \(budget)")
        }
    }
}
