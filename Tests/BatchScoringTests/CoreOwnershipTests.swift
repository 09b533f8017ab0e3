import BatchScoring
import ECGBatchSources
import DetectorKit
import ECGFormats
import FindingsStore
import Foundation
import Synchronization
import TensorCore
import Testing

/// Reports the tensor-core threads it was given (``TensorThreads/count`` inside its analysis) and how many
/// analyses ran at once, so a test sees how the engine shares out the cores.
struct ThreadProbeDetector: Detector {
    let descriptor = DetectorDescriptor(id: "thread-probe", version: "1.0.0", name: "Thread probe", inputKind: .ecg)
    var modelCard: ModelCard? { nil }
    let seen: Seen

    final class Seen: Sendable {
        private let state = Mutex<(threads: Set<Int>, running: Int, most: Int, queues: Set<String>)>(([], 0, 0, []))
        func enter() {
            let queue = DetectorExecutor.currentLabel ?? "cooperative pool"
            state.withLock { $0.threads.insert(TensorThreads.count); $0.running += 1; $0.most = max($0.most, $0.running); $0.queues.insert(queue) }
        }
        var queues: Set<String> { state.withLock { $0.queues } }
        func leave() { state.withLock { $0.running -= 1 } }
        var threads: Set<Int> { state.withLock { $0.threads } }
        var mostAtOnce: Int { state.withLock { $0.most } }
    }

    func analyze(_ record: ECGRecord) async throws -> DetectorOutcome {
        seen.enter()
        defer { seen.leave() }
        try await Task.sleep(for: .milliseconds(20))  // long enough for the workers to overlap
        return .abstained(try Abstention(reason: .signalUnreadable, message: "probe", detector: DetectorProvenance(descriptor: descriptor, modelCard: nil)))
    }
}

/// One owner of the cores (issue 12): the engine's workers share the process's tensor-core threads out, N workers ×
/// 1 thread or 1 worker × N, and never run more items at once than it has workers.
@Suite struct CoreOwnershipTests {
    func run(workers: Int, threadsPerWorker: Int? = nil) async throws -> ThreadProbeDetector.Seen {
        let tmp = try TempFolder()
        defer { tmp.remove() }
        try Records.writeWFDB(1...6, to: tmp.url.appendingPathComponent("data"))
        let source = try ECGFolderSource(folder: tmp.url.appendingPathComponent("data"))
        let store = try SQLiteFindingsStore(path: tmp.database, actor: "test")
        let seen = ThreadProbeDetector.Seen()
        var configuration = BatchEngine.Configuration(workers: workers)
        configuration.threadsPerWorker = threadsPerWorker
        let engine = BatchEngine(store: store, detectors: [AnyDetector(ThreadProbeDetector(seen: seen))], configuration: configuration)
        let report = try await engine.run(source.items(), total: source.count())
        #expect(report.inputs == 6)
        return seen
    }

    @Test func theWorkersShareTheCoresOut() async throws {
        let cores = TensorThreads.processDefault
        let many = try await run(workers: 2)
        #expect(many.threads == [max(1, cores / 2)])
        #expect(many.mostAtOnce <= 2)
        let one = try await run(workers: 1)
        #expect(one.threads == [cores])
        #expect(one.mostAtOnce == 1)
        // The items run on the engine's own threads, not on Swift's cooperative pool.
        #expect(many.queues == [DetectorExecutor.batch.label] && one.queues == [DetectorExecutor.batch.label])
    }

    @Test func anExplicitThreadCountPerWorkerIsKept() async throws {
        let seen = try await run(workers: 2, threadsPerWorker: 3)
        #expect(seen.threads == [3])
        var configuration = BatchEngine.Configuration(workers: 4)
        configuration.threadsPerWorker = 0
        #expect(configuration.resolvedThreadsPerWorker == 1)
        #expect(BatchEngine.Configuration(workers: 64).resolvedThreadsPerWorker == 1)
    }
}
