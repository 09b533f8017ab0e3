import Dispatch
import Foundation

/// Threads of their own for CPU-bound detector work, off Swift's cooperative pool (as swift-nio's NIOThreadPool
/// keeps blocking work off its event loops): a task run with this executor as its preference
/// (`withTaskExecutorPreference`, `addTask(executorPreference:)`) executes on a concurrent dispatch queue, so long
/// inferences never hold the few cooperative threads that the rest of the process (an HTTP server's request
/// handling, the store's async calls) needs. How many run at once is bounded by the caller (the batch engine's
/// workers, the service's scoring slots), not by this executor.
public final class DetectorExecutor: TaskExecutor {
    /// The queue's label, also set as its specific value under ``key`` (so code and tests can tell it runs there).
    public let label: String
    /// The key under which the queue carries its label.
    public static let key = DispatchSpecificKey<String>()
    private let queue: DispatchQueue

    /// An executor on a new concurrent queue named `label`.
    public init(label: String) {
        self.label = label
        queue = DispatchQueue(label: label, qos: .userInitiated, attributes: .concurrent)
        queue.setSpecific(key: Self.key, value: label)
    }

    /// The batch engine's executor (label `vigil.batch`).
    public static let batch = DetectorExecutor(label: "vigil.batch")

    /// The label of the executor queue the caller runs on, or nil off every DetectorExecutor.
    public static var currentLabel: String? { DispatchQueue.getSpecific(key: key) }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
