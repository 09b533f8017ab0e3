import Foundation
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
/// A session runs one inference at a time (calls are serialised by a lock). To score many inputs in
/// parallel, give each worker its own session over the same `ONNXModel`.
public final class InferenceSession: @unchecked Sendable {
    /// The model this session runs.
    public let model: ONNXModel
    /// How many plans (input-shape signatures) are kept.
    public let planCacheSize: Int

    private let lock = NSLock()
    private var plans: [(shapes: [String: [Int]], plan: ExecutionPlan)] = []

    /// Creates a session and plans the model for its declared input shapes (dynamic axes = 1).
    public init(model: ONNXModel, planCacheSize: Int = 4) throws {
        self.model = model
        self.planCacheSize = max(1, planCacheSize)
        _ = try plan(for: model.defaultInputShapes())
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
        lock.lock()
        defer { lock.unlock() }
        let p = try plan(for: shapes)
        return p.run(inputs)
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
        lock.lock()
        defer { lock.unlock() }
        let p = try plan(for: inputs.mapValues(\.shape))
        var total = [Double](repeating: 0, count: p.stepInfos.count)
        for _ in 0..<max(1, repeats) {
            for (i, t) in p.profile(inputs).enumerated() { total[i] += t }
        }
        return zip(p.stepInfos, total).map { ($0.label, $1) }
    }

    /// Describes the plan for the given input shapes: kernel steps with fused operators, memory.
    public func planSummary(for shapes: [String: [Int]]? = nil) throws -> PlanSummary {
        lock.lock()
        defer { lock.unlock() }
        let p = try plan(for: shapes ?? model.defaultInputShapes())
        return PlanSummary(steps: p.stepInfos.map { ($0.label, $0.outputShapes) },
                           arenaBytes: p.arenaCount * 4, unsharedBytes: p.unsharedCount * 4,
                           workspaceBytes: p.workspaceCount * 4, constantBytes: p.constantCount * 4,
                           outputShapes: p.outputShapes, flops: p.stepInfos.reduce(0) { $0 + $1.flops })
    }

    private func plan(for shapes: [String: [Int]]) throws -> ExecutionPlan {
        if let i = plans.firstIndex(where: { $0.shapes == shapes }) {
            let entry = plans.remove(at: i)
            plans.append(entry)
            return entry.plan
        }
        let p = try ExecutionPlan(model: model, inputShapes: shapes)
        plans.append((shapes, p))
        if plans.count > planCacheSize { plans.removeFirst() }
        return p
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
