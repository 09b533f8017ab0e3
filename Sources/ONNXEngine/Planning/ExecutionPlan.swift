import Dispatch
import TensorCore

/// A model lowered for one set of concrete input shapes: shapes inferred, constants folded (including all
/// shape arithmetic), Conv+BatchNorm(+Add)(+activation) fused, every intermediate tensor assigned a slice
/// of one arena by liveness, and each remaining node bound to a kernel with its pointers resolved.
///
/// Running a plan allocates nothing but the output tensors it returns. A plan is not reentrant: one
/// inference at a time (`InferenceSession` serialises calls).
final class ExecutionPlan {
    /// One kernel call of the plan, for `model info` and profiling.
    struct StepInfo {
        var label: String
        var outputShapes: [[Int]]
        var flops: Int
    }

    let inputShapes: [String: [Int]]
    private(set) var stepInfos: [StepInfo] = []
    /// Floats in the arena of intermediate tensors.
    private(set) var arenaCount = 0
    /// Floats in the shared kernel workspace.
    private(set) var workspaceCount = 0
    /// Floats held by constants that kernels read.
    private(set) var constantCount = 0
    /// Floats all intermediate tensors would need without buffer reuse (for reporting).
    private(set) var unsharedCount = 0

    private var steps: [() -> Void] = []
    private var arena: UnsafeMutablePointer<Float>?
    private var workspace: UnsafeMutablePointer<Float>?
    private var constantStorage: [UnsafeMutablePointer<Float>] = []
    /// Graph inputs: where to copy each one before running.
    private var inputSlots: [(name: String, pointer: UnsafeMutablePointer<Float>, count: Int)] = []
    /// Graph outputs: either a runtime buffer or a constant.
    private var outputSlots: [(name: String, shape: [Int], pointer: UnsafeMutablePointer<Float>?, constant: ConstantValue?)] = []

    init(model: ONNXModel, inputShapes: [String: [Int]]) throws {
        self.inputShapes = inputShapes
        var planner = Planner(model: model)
        try planner.plan(inputShapes: inputShapes)
        try finalize(planner, model: model)
    }

    deinit {
        arena?.deallocate()
        workspace?.deallocate()
        constantStorage.forEach { $0.deallocate() }
    }

    /// Copies inputs in, runs every step, and copies outputs out.
    func run(_ inputs: [String: Tensor]) -> [String: Tensor] {
        copyIn(inputs)
        for step in steps { step() }
        var result: [String: Tensor] = [:]
        for o in outputSlots {
            if let c = o.constant {
                result[o.name] = c.asFloatTensor
            } else {
                let n = Tensor.elementCount(o.shape)
                result[o.name] = Tensor(shape: o.shape, storage: Array(UnsafeBufferPointer(start: o.pointer!, count: n)))
            }
        }
        return result
    }

    /// Runs the plan once and returns the wall time of each step in seconds (for `model bench --profile`).
    func profile(_ inputs: [String: Tensor]) -> [Double] {
        copyIn(inputs)
        return steps.map { step in
            let t0 = DispatchTime.now().uptimeNanoseconds
            step()
            return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        }
    }

    private func copyIn(_ inputs: [String: Tensor]) {
        for slot in inputSlots {
            inputs[slot.name]!.storage.withUnsafeBufferPointer { slot.pointer.update(from: $0.baseAddress!, count: slot.count) }
        }
    }

    /// Output shapes by name.
    var outputShapes: [String: [Int]] {
        Dictionary(uniqueKeysWithValues: outputSlots.map { ($0.name, $0.shape) })
    }

    // MARK: Finalisation: memory assignment and pointer binding

    private func finalize(_ p: Planner, model: ONNXModel) throws {
        // Greedy slot assignment by liveness: a buffer takes a free slot (best fit, growing it if needed)
        // when it is defined and gives it back after its last use.
        let bufferCount = p.buffers.count
        var slotOf = [Int](repeating: -1, count: bufferCount)
        var slotSize: [Int] = []
        var free: Set<Int> = []
        var definedAt: [Int: [Int]] = [:]
        var releasedAfter: [Int: [Int]] = [:]
        for (id, b) in p.buffers.enumerated() {
            definedAt[b.definedAt, default: []].append(id)
            releasedAfter[max(b.lastUse, b.definedAt), default: []].append(id)
            unsharedCount += b.count
        }
        for t in -1..<p.steps.count {
            for id in definedAt[t] ?? [] {
                let need = p.buffers[id].count
                let candidates = free.sorted()
                let fit = candidates.filter { slotSize[$0] >= need }.min { slotSize[$0] < slotSize[$1] }
                let slot: Int
                if let fit {
                    slot = fit
                } else if let largest = candidates.max(by: { slotSize[$0] < slotSize[$1] }) {
                    slot = largest
                    slotSize[slot] = need
                } else {
                    slot = slotSize.count
                    slotSize.append(need)
                }
                free.remove(slot)
                slotOf[id] = slot
            }
            for id in releasedAfter[t] ?? [] where p.buffers[id].lastUse != Int.max {
                free.insert(slotOf[id])
            }
        }
        var slotOffset = [Int](repeating: 0, count: slotSize.count)
        var total = 0
        for (i, s) in slotSize.enumerated() {
            slotOffset[i] = total
            total += (s + 15) / 16 * 16  // 64-byte alignment of every slot
        }
        arenaCount = total
        let arena = UnsafeMutablePointer<Float>.allocate(capacity: max(total, 1))
        arena.initialize(repeating: 0, count: max(total, 1))
        self.arena = arena
        workspaceCount = p.steps.map(\.compute.workspace).max() ?? 0
        let workspace = UnsafeMutablePointer<Float>.allocate(capacity: max(workspaceCount, 1))
        workspace.initialize(repeating: 0, count: max(workspaceCount, 1))
        self.workspace = workspace
        for c in p.constants {
            let ptr = UnsafeMutablePointer<Float>.allocate(capacity: max(c.count, 1))
            c.storage.withUnsafeBufferPointer { ptr.initialize(from: $0.baseAddress!, count: c.count) }
            constantStorage.append(ptr)
            constantCount += c.count
        }
        func pointer(_ ref: TensorRef) -> UnsafeMutablePointer<Float> {
            switch ref {
            case .buffer(let id): return arena + slotOffset[slotOf[id]]
            case .constant(let id): return constantStorage[id]
            }
        }
        for step in p.steps {
            let ptrs = StepPointers(inputs: step.compute.inputs.map { $0?.ref.map(pointer) },
                                    outputs: step.outputBuffers.map { pointer(.buffer($0)) },
                                    workspace: step.compute.workspace > 0 ? workspace : nil)
            steps.append(step.compute.make(ptrs))
            stepInfos.append(StepInfo(label: step.compute.label, outputShapes: step.compute.outputShapes, flops: step.compute.flops))
        }
        for input in model.inputs {
            guard let v = p.values[input.name], case .buffer(let id)? = v.ref else { continue }
            inputSlots.append((input.name, pointer(.buffer(id)), Tensor.elementCount(v.shape)))
        }
        for output in model.outputs {
            guard let v = p.values[output.name] else {
                throw ONNXError.invalidGraph("graph output '\(output.name)' was not computed")
            }
            if v.type != .float && v.constant == nil {
                throw ONNXError.unsupportedFeature(node: output.name, op: "graph output", detail: "integer outputs computed from input data")
            }
            if let c = v.constant {
                outputSlots.append((output.name, v.shape, nil, c))
            } else if case .buffer(let id)? = v.ref {
                outputSlots.append((output.name, v.shape, pointer(.buffer(id)), nil))
            } else if case .constant(let id)? = v.ref {
                outputSlots.append((output.name, v.shape, constantStorage[id], nil))
            }
        }
    }
}

/// Builds the step list: shape inference, constant folding and fusion in one pass over the nodes.
struct Planner {
    struct Buffer {
        var count: Int
        var definedAt: Int
        var lastUse: Int
    }
    struct Step {
        var compute: Compute
        var outputBuffers: [Int]
    }

    let model: ONNXModel
    var values: [String: Operand] = [:]
    var buffers: [Buffer] = []
    var steps: [Step] = []
    var constants: [Tensor] = []
    private var constantIDs: [String: Int] = [:]
    private let box = AbsorbBox()
    private var consumers: [String: [Int]] = [:]
    private var graphOutputs: Set<String> = []

    /// Reference-typed so that the non-mutating `absorb` of `PlanningContext` can record.
    final class AbsorbBox { var absorbed: Set<Int> = [] }

    init(model: ONNXModel) {
        self.model = model
        for (i, n) in model.executionNodes.enumerated() {
            for input in Set(n.inputs) where !input.isEmpty { consumers[input, default: []].append(i) }
        }
        graphOutputs = Set(model.outputs.map(\.name))
    }

    mutating func plan(inputShapes: [String: [Int]]) throws {
        for input in model.inputs {
            guard let shape = inputShapes[input.name] else {
                throw ONNXError.invalidInput("the model needs input '\(input.name)'")
            }
            if let declared = input.shape {
                guard declared.count == shape.count,
                      zip(declared, shape).allSatisfy({ $0.0 == nil || $0.0 == $0.1 }) else {
                    throw ONNXError.invalidInput("input '\(input.name)' has shape \(shape), the model declares \(declared.map { $0.map(String.init) ?? "?" })")
                }
            }
            guard shape.allSatisfy({ $0 > 0 }) else {
                throw ONNXError.invalidInput("input '\(input.name)' has an empty extent in shape \(shape)")
            }
            _ = try checkedElementCount(shape, "input '\(input.name)'")
            buffers.append(Buffer(count: Tensor.elementCount(shape), definedAt: -1, lastUse: -1))
            values[input.name] = Operand(name: input.name, shape: shape, type: .float, constant: nil, ref: .buffer(buffers.count - 1))
        }
        for (name, c) in model.initializers where values[name] == nil {
            values[name] = Operand(name: name, shape: c.shape, type: c.elementType, constant: c, ref: nil)
        }
        for (i, node) in model.executionNodes.enumerated() {
            if box.absorbed.contains(i) { continue }
            try lower(node)
        }
        for name in graphOutputs {
            if case .buffer(let id)? = values[name]?.ref { buffers[id].lastUse = Int.max }
        }
    }

    private mutating func lower(_ node: Node) throws {
        guard let builder = OperatorSet.builders[node.op] else {
            throw ONNXError.unsupportedOperators([.init(op: node.op, domain: node.domain, node: node.name)], path: model.path)
        }
        let operands: [Operand?] = node.inputs.map { $0.isEmpty ? nil : values[$0] }
        let lowering = try builder(node, operands, self)
        switch lowering {
        case .constant(let outs):
            for (name, c) in zip(node.outputs, outs) where !name.isEmpty {
                values[name] = Operand(name: name, shape: c.shape, type: c.elementType, constant: c, ref: nil)
            }
        case .alias(let shape):
            let src = try operands.required(0, node)
            guard Tensor.elementCount(shape) == src.count else {
                throw node.invalid("cannot view \(src.shape) as \(shape)")
            }
            if let c = src.constant {
                values[node.outputs[0]] = Operand(name: node.outputs[0], shape: shape, type: c.elementType,
                                                  constant: c.elementType == .float ? .float(c.asFloatTensor.reshaped(shape)) : .int(IntTensor(shape: shape, values: c.intValues)), ref: nil)
            } else {
                values[node.outputs[0]] = Operand(name: node.outputs[0], shape: shape, type: src.type, constant: nil, ref: src.ref)
            }
        case .compute(var compute):
            let outNames = compute.outputNames ?? node.outputs
            for (i, shape) in compute.outputShapes.enumerated() {
                _ = try checkedElementCount(shape, "output \(i) of node '\(node.name)' (\(node.op))")
            }
            _ = try checkedElementCount([compute.workspace], "workspace of node '\(node.name)' (\(node.op))")
            if compute.inputs.allSatisfy({ $0 == nil || $0!.isConstant }) {
                // Every input is known: run the kernel now and keep the result as a constant.
                let results = fold(compute)
                for (name, t) in zip(outNames, results) where !name.isEmpty {
                    values[name] = Operand(name: name, shape: t.shape, type: .float, constant: .float(t), ref: nil)
                }
                return
            }
            for (k, operand) in compute.inputs.enumerated() {
                guard var o = operand else { continue }
                if o.type != .float {
                    throw node.unsupported("input '\(o.name)' is an integer tensor; kernels read float data")
                }
                if o.ref == nil, let c = o.constant { o.ref = .constant(constantID(o.name, c)) }
                compute.inputs[k] = o
                if case .buffer(let id)? = o.ref { buffers[id].lastUse = max(buffers[id].lastUse, steps.count) }
            }
            var outBuffers: [Int] = []
            for (name, shape) in zip(outNames, compute.outputShapes) {
                buffers.append(Buffer(count: Tensor.elementCount(shape), definedAt: steps.count, lastUse: steps.count))
                outBuffers.append(buffers.count - 1)
                if !name.isEmpty {
                    values[name] = Operand(name: name, shape: shape, type: .float, constant: nil, ref: .buffer(buffers.count - 1))
                }
            }
            steps.append(Step(compute: compute, outputBuffers: outBuffers))
        }
    }

    private mutating func constantID(_ name: String, _ c: ConstantValue) -> Int {
        let key = "\(name)#\(c.shape)"
        if let id = constantIDs[key] { return id }
        constants.append(c.asFloatTensor)
        constantIDs[key] = constants.count - 1
        return constants.count - 1
    }

    /// Runs a step whose inputs are all constants, on temporary memory.
    private func fold(_ compute: Compute) -> [Tensor] {
        var inputStorage: [UnsafeMutablePointer<Float>?] = []
        for o in compute.inputs {
            guard let o, let c = o.constant else { inputStorage.append(nil); continue }
            let values = c.floatValues
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(values.count, 1))
            values.withUnsafeBufferPointer { p.initialize(from: $0.baseAddress!, count: values.count) }
            inputStorage.append(p)
        }
        let outputs = compute.outputShapes.map { shape -> UnsafeMutablePointer<Float> in
            let n = max(Tensor.elementCount(shape), 1)
            let p = UnsafeMutablePointer<Float>.allocate(capacity: n)
            p.initialize(repeating: 0, count: n)
            return p
        }
        let ws: UnsafeMutablePointer<Float>? = compute.workspace > 0 ? .allocate(capacity: compute.workspace) : nil
        ws?.initialize(repeating: 0, count: compute.workspace)
        compute.make(StepPointers(inputs: inputStorage, outputs: outputs, workspace: ws))()
        let result = zip(outputs, compute.outputShapes).map { p, shape in
            Tensor(shape: shape, storage: Array(UnsafeBufferPointer(start: p, count: Tensor.elementCount(shape))))
        }
        inputStorage.forEach { $0?.deallocate() }
        outputs.forEach { $0.deallocate() }
        ws?.deallocate()
        return result
    }
}

extension Planner: PlanningContext {
    var opset: Int { model.opset }

    func soleConsumer(of tensor: String) -> (index: Int, node: Node)? {
        guard !graphOutputs.contains(tensor), let list = consumers[tensor], list.count == 1 else { return nil }
        let i = list[0]
        guard !box.absorbed.contains(i) else { return nil }
        return (i, model.executionNodes[i])
    }

    func absorb(_ index: Int) { box.absorbed.insert(index) }

    func operand(named name: String) -> Operand? { values[name] }

    func isAvailable(_ tensor: String) -> Bool { values[tensor] != nil }
}
