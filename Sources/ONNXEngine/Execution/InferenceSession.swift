import Dispatch
import Foundation
import Synchronization
import TensorCore

/// Runs an `ONNXModel` repeatedly. Plans are made once per distinct set of input shapes (a new batch
/// size, say) and kept; a run copies the inputs into the plan's arena, executes the planned kernels and
/// copies the outputs out.
///
/// ```swift
/// let session = try InferenceSession(model: try ONNXModel(contentsOf: url))
/// let out = try session.run(["ecg": Tensor(shape: [1, 12, 5000], storage: samples)])
/// let logits = out["logits"]!
/// ```
///
/// Runs in parallel: each concurrent run takes a runner of its own (its own plans and arena), up to
/// ``maxConcurrentRuns``; a further caller waits for one to be free. A session is shared by every worker of a
/// batch, as an ONNX Runtime session is. `threads` is the session's intra-op setting (ONNX Runtime's
/// `intra_op_num_threads`): each run uses that many tensor-core threads, or, when nil, the caller's
/// (``TensorCore/TensorThreads/count``: a batch worker that owns one core runs with one).
public final class InferenceSession: Sendable {
    /// The model this session runs.
    public let model: ONNXModel
    /// How many plans (input-shape signatures) each runner keeps.
    public let planCacheSize: Int
    /// Tensor-core threads per run (nil: the caller's ``TensorCore/TensorThreads/count``).
    public let threads: Int?
    /// Most runs at once (each runner holds its own plans and their arenas).
    public let maxConcurrentRuns: Int

    private let idle = Mutex<(runners: [Runner], created: Int)>(([], 0))
    private let free: DispatchSemaphore

    /// Creates a session and plans the model for its declared input shapes (dynamic axes = 1), reusing the plan
    /// the model was checked with when it was loaded (a model is planned once).
    /// - Parameters:
    ///   - threads: tensor-core threads per run; nil: the caller's.
    ///   - maxConcurrentRuns: runs at once (default: the cores visible).
    public init(model: ONNXModel, planCacheSize: Int = 4, threads: Int? = nil,
                maxConcurrentRuns: Int = TensorThreads.defaultCount()) throws {
        self.model = model
        self.planCacheSize = max(1, planCacheSize)
        self.threads = threads.map { max(1, $0) }
        self.maxConcurrentRuns = max(1, maxConcurrentRuns)
        free = DispatchSemaphore(value: self.maxConcurrentRuns)
        let first = Runner(cacheSize: self.planCacheSize)
        let shapes = model.defaultInputShapes()
        if let checked = model.takeLoadPlan(), checked.inputShapes == shapes {
            first.keep(checked, for: shapes)
        } else {
            _ = try first.plan(model, for: shapes)
        }
        idle.withLock { $0 = ([first], 1) }
    }

    /// Runs the model. `inputs` must name every graph input, with float32 tensors whose shapes fit the
    /// declared ones (dynamic axes may take any extent). Returns every graph output by name.
    public func run(_ inputs: [String: Tensor]) throws -> [String: Tensor] {
        let expected = Set(model.inputs.map(\.name))
        let given = Set(inputs.keys)
        if given != expected {
            let missing = expected.subtracting(given).sorted(), unknown = given.subtracting(expected).sorted()
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing \(missing.joined(separator: ", "))") }
            if !unknown.isEmpty { parts.append("unknown \(unknown.joined(separator: ", "))") }
            throw ONNXError.invalidInput("\(parts.joined(separator: "; ")) (the model's inputs are \(model.inputs.map(\.name).joined(separator: ", ")))")
        }
        for (name, t) in inputs where !t.storage.allSatisfy({ $0.isFinite }) {
            throw ONNXError.invalidInput("input '\(name)' contains NaN or infinite values")
        }
        let shapes = inputs.mapValues(\.shape)
        return try withRunner { runner in
            let p = try runner.plan(model, for: shapes)
            return p.run(inputs)
        }
    }

    /// Convenience for single-input models.
    public func run(_ input: Tensor) throws -> [String: Tensor] {
        guard model.inputs.count == 1 else {
            throw ONNXError.invalidInput("the model has \(model.inputs.count) inputs; name them")
        }
        return try run([model.inputs[0].name: input])
    }

    /// Per-step wall times (seconds) of the plan for these inputs, summed over `repeats` runs, with the
    /// step labels: where an inference spends its time.
    public func profile(_ inputs: [String: Tensor], repeats: Int = 10) throws -> [(label: String, seconds: Double)] {
        try withRunner { runner in
            let p = try runner.plan(model, for: inputs.mapValues(\.shape))
            var total = [Double](repeating: 0, count: p.stepInfos.count)
            for _ in 0..<max(1, repeats) {
                for (i, t) in p.profile(inputs).enumerated() { total[i] += t }
            }
            return zip(p.stepInfos, total).map { ($0.label, $1) }
        }
    }

    /// Describes the plan for the given input shapes: kernel steps with fused operators, memory.
    public func planSummary(for shapes: [String: [Int]]? = nil) throws -> PlanSummary {
        try withRunner { runner in
            let p = try runner.plan(model, for: shapes ?? model.defaultInputShapes())
            return PlanSummary(steps: p.stepInfos.map { ($0.label, $0.outputShapes) },
                               arenaBytes: p.arenaCount * 4, unsharedBytes: p.unsharedCount * 4,
                               workspaceBytes: p.workspaceCount * 4, constantBytes: p.constantCount * 4,
                               outputShapes: p.outputShapes, flops: p.stepInfos.reduce(0) { $0 + $1.flops })
        }
    }

    /// Runners made so far (at most ``maxConcurrentRuns``): how many runs have overlapped.
    public var runnerCount: Int { idle.withLock { $0.created } }

    /// Takes an idle runner (or makes one, or waits for one), runs `body` on it with the session's threads, and
    /// puts it back.
    private func withRunner<T>(_ body: (Runner) throws -> T) throws -> T {
        free.wait()
        defer { free.signal() }
        let runner = idle.withLock { state -> Runner in
            if let r = state.runners.popLast() { return r }
            state.created += 1
            return Runner(cacheSize: planCacheSize)
        }
        defer { idle.withLock { $0.runners.append(runner) } }
        if let threads { return try TensorThreads.withThreads(threads) { try body(runner) } }
        return try body(runner)
    }

    /// The plans of one run at a time: a runner is taken out of the session's idle list for a run and put back
    /// after it, so no two runs share one (its plans hold the arena the run writes).
    private final class Runner: @unchecked Sendable {
        let cacheSize: Int
        private var plans: [(shapes: [String: [Int]], plan: ExecutionPlan)] = []

        init(cacheSize: Int) { self.cacheSize = cacheSize }

        func keep(_ plan: ExecutionPlan, for shapes: [String: [Int]]) {
            plans.append((shapes, plan))
        }

        func plan(_ model: ONNXModel, for shapes: [String: [Int]]) throws -> ExecutionPlan {
            if let i = plans.firstIndex(where: { $0.shapes == shapes }) {
                let entry = plans.remove(at: i)
                plans.append(entry)
                return entry.plan
            }
            let p = try ExecutionPlan(model: model, inputShapes: shapes)
            plans.append((shapes, p))
            if plans.count > cacheSize { plans.removeFirst() }
            return p
        }
    }
}

/// What a plan does and how much memory it holds.
public struct PlanSummary: Sendable {
    /// One entry per kernel call: a label (fused operators joined by "+") and output shapes.
    public var steps: [(label: String, outputShapes: [[Int]])]
    /// Bytes of the shared arena holding all intermediate tensors.
    public var arenaBytes: Int
    /// Bytes the intermediates would take without buffer reuse.
    public var unsharedBytes: Int
    /// Bytes of kernel scratch space (im2col).
    public var workspaceBytes: Int
    /// Bytes of constants (weights after folding).
    public var constantBytes: Int
    /// Output shapes by name.
    public var outputShapes: [String: [Int]]
    /// Floating-point operations of one run through convolutions and matrix products.
    public var flops: Int
}
