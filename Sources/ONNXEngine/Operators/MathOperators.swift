import Foundation
import TensorCore

/// Matrix products, element-wise arithmetic, activations and softmax.
enum MathOperators {
    // MARK: Gemm and MatMul

    static let gemm: OperatorBuilder = { node, inputs, context in
        let a = try inputs.required(0, node).requireFloat(node)
        let b = try inputs.required(1, node)
        let c = inputs.optional(2)
        let transA = try node.int("transA", default: 0) != 0
        let transB = try node.int("transB", default: 0) != 0
        let alpha = try node.float("alpha", default: 1)
        let beta = try node.float("beta", default: 1)
        guard a.shape.count == 2, b.shape.count == 2 else { throw node.invalid("Gemm needs 2-D A and B, got \(a.shape) and \(b.shape)") }
        let m = transA ? a.shape[1] : a.shape[0], k = transA ? a.shape[0] : a.shape[1]
        let kb = transB ? b.shape[1] : b.shape[0], n = transB ? b.shape[0] : b.shape[1]
        guard k == kb else { throw node.invalid("A \(a.shape) and B \(b.shape) do not multiply (transA \(transA), transB \(transB))") }
        if let c, Broadcast.shape(c.shape, [m, n]) != [m, n] {
            throw node.invalid("C \(c.shape) does not broadcast to [\(m), \(n)]")
        }
        // An activation that follows alone is applied in the same step.
        var outputNames = [node.outputs[0]]
        var activation = Activation.identity
        var label = "Gemm [\(m), \(k)]x[\(k), \(n)]"
        if a.constant == nil, let (i, next) = context.soleConsumer(of: node.outputs[0]), let act = try ConvOperators.activation(of: next, context) {
            activation = act
            context.absorb(i)
            outputNames = next.outputs
            label += "+\(next.op)"
        }
        let cOffsets = c.map { Broadcast.sourceOffsets(from: $0.shape, to: [m, n]) }
        let useC = c != nil && beta != 0
        let lda = a.shape[1], ldb = b.shape[1]
        return .compute(Compute(
            inputs: [a, try b.requireFloat(node), c], outputShapes: [[m, n]], outputNames: outputNames, label: label,
            flops: 2 &* m &* n &* k,
            make: { ptr in
                let ap = ptr.input(0), bp = ptr.input(1), cp = ptr.optionalInput(2), y = ptr.outputs[0]
                return {
                    if useC, let cp, let cOffsets {
                        for i in 0..<(m * n) { y[i] = cp[cOffsets[i]] }
                    }
                    Gemm.sgemm(transposeA: transA, transposeB: transB, m: m, n: n, k: k, alpha: alpha,
                               a: ap, lda: lda, b: bp, ldb: ldb, beta: useC ? beta : 0, c: y, ldc: n)
                    activation.applyInPlace(y, count: m * n)
                }
            }))
    }

    static let matmul: OperatorBuilder = { node, inputs, _ in
        let a = try inputs.required(0, node).requireFloat(node)
        let b = try inputs.required(1, node).requireFloat(node)
        guard let shape = Gemm.matmulShape(a.shape, b.shape) else {
            throw node.invalid("shapes \(a.shape) and \(b.shape) do not multiply")
        }
        let aShape = a.shape, bShape = b.shape
        return .compute(Compute(
            inputs: [a, b], outputShapes: [shape], label: "MatMul \(aShape)x\(bShape)",
            flops: 2 &* Tensor.elementCount(shape) &* (aShape.last ?? 1),
            make: { ptr in
                let ap = ptr.input(0), bp = ptr.input(1), y = ptr.outputs[0]
                return { Gemm.matmul(ap, shape: aShape, bp, shape: bShape, into: y) }
            }))
    }

    // MARK: Element-wise binary

    static func binary(_ op: BinaryOp) -> OperatorBuilder {
        return { node, inputs, _ in
            let a = try inputs.required(0, node), b = try inputs.required(1, node)
            guard let shape = Broadcast.shape(a.shape, b.shape) else {
                throw node.invalid("shapes \(a.shape) and \(b.shape) do not broadcast")
            }
            if let ca = a.constant, let cb = b.constant, ca.elementType == .int || cb.elementType == .int {
                return .constant([.int(try IntArithmetic.binary(op, ca.asIntTensor, cb.asIntTensor, node))])
            }
            _ = try a.requireFloat(node); _ = try b.requireFloat(node)
            let aShape = a.shape, bShape = b.shape
            return .compute(Compute(
                inputs: [a, b], outputShapes: [shape], label: "\(node.op) \(shape)",
                make: { ptr in
                    let ap = ptr.input(0), bp = ptr.input(1), y = ptr.outputs[0]
                    return { Elementwise.binary(op, ap, shape: aShape, bp, shape: bShape, into: y) }
                }))
        }
    }

    // MARK: Element-wise unary and activations

    static func unary(_ f: UnaryOp) -> OperatorBuilder {
        return { node, inputs, _ in
            let x = try inputs.required(0, node)
            if f == .neg || f == .abs, let c = x.constant, c.elementType == .int {
                return .constant([.int(IntTensor(shape: c.shape, values: c.intValues.map { f == .neg ? -$0 : Swift.abs($0) }))])
            }
            _ = try x.requireFloat(node)
            let n = x.count
            return .compute(Compute(
                inputs: [x], outputShapes: [x.shape], label: "\(node.op) \(x.shape)",
                make: { ptr in
                    let xp = ptr.input(0), y = ptr.outputs[0]
                    return { Elementwise.unary(f, xp, count: n, into: y) }
                }))
        }
    }

    static func activationBuilder(_ make: @escaping @Sendable (Node, [Operand?]) throws -> Activation) -> OperatorBuilder {
        return { node, inputs, _ in
            let x = try inputs.required(0, node).requireFloat(node)
            let act = try make(node, inputs)
            let n = x.count
            return .compute(Compute(
                inputs: [x], outputShapes: [x.shape], label: "\(act) \(x.shape)",
                make: { ptr in
                    let xp = ptr.input(0), y = ptr.outputs[0]
                    return { act.apply(xp, y, count: n) }
                }))
        }
    }

    static let relu = activationBuilder { _, _ in .relu }
    static let sigmoid = activationBuilder { _, _ in .sigmoid }
    static let tanh = activationBuilder { _, _ in .tanh }
    static let leakyRelu = activationBuilder { node, _ in .leakyRelu(alpha: try node.float("alpha", default: 0.01)) }
    static let gelu = activationBuilder { node, _ in
        let a = try node.string("approximate", default: "none")
        guard a == "none" || a == "tanh" else { throw node.invalid("approximate '\(a)' is not 'none' or 'tanh'") }
        return .gelu(approximate: a == "tanh")
    }
    static let clip = activationBuilder { node, inputs in
        guard let (lo, hi) = try clipBounds(node, inputs: inputs) else {
            throw node.unsupported("Clip bounds computed from input data")
        }
        return .clip(min: lo, max: hi)
    }

    /// Clip's bounds: attributes before opset 11, optional inputs from 11 on. Nil when an input bound is not constant.
    static func clipBounds(_ node: Node, inputs: [Operand?]) throws -> (Float, Float)? {
        var lo = -Float.greatestFiniteMagnitude, hi = Float.greatestFiniteMagnitude
        if case .float(let v)? = node.attributes["min"] { lo = v }
        if case .float(let v)? = node.attributes["max"] { hi = v }
        if let m = inputs.optional(1) {
            guard let c = m.constant else { return nil }
            lo = c.floatValues.first ?? lo
        }
        if let m = inputs.optional(2) {
            guard let c = m.constant else { return nil }
            hi = c.floatValues.first ?? hi
        }
        return (lo, hi)
    }

    // MARK: Softmax

    static func softmax(log: Bool) -> OperatorBuilder {
        return { node, inputs, context in
            let x = try inputs.required(0, node).requireFloat(node)
            let rank = x.shape.count
            let defaultAxis = context.opset >= 13 ? -1 : 1
            let axis = try normalizedAxis(try node.int("axis", default: defaultAxis), rank: rank, node)
            // Before opset 13, Softmax flattened the input to 2-D at `axis` and normalised each row.
            let shape: [Int]
            let kernelAxis: Int
            if context.opset < 13 {
                shape = [Tensor.elementCount(Array(x.shape[..<axis])), Tensor.elementCount(Array(x.shape[axis...]))]
                kernelAxis = 1
            } else {
                shape = x.shape
                kernelAxis = axis
            }
            return .compute(Compute(
                inputs: [x], outputShapes: [x.shape], label: "\(node.op) axis \(axis)",
                make: { ptr in
                    let xp = ptr.input(0), y = ptr.outputs[0]
                    return { Softmax.softmax(xp, shape: shape, axis: kernelAxis, log: log, into: y) }
                }))
        }
    }
}

/// Integer arithmetic on constants (shape computations).
enum IntArithmetic {
    static func binary(_ op: BinaryOp, _ a: IntTensor, _ b: IntTensor, _ node: Node) throws -> IntTensor {
        guard let shape = Broadcast.shape(a.shape, b.shape) else {
            throw node.invalid("shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        _ = try checkedElementCount(shape, "node '\(node.name)'")
        let ia = Broadcast.sourceOffsets(from: a.shape, to: shape)
        let ib = Broadcast.sourceOffsets(from: b.shape, to: shape)
        var out = [Int](repeating: 0, count: try checkedElementCount(shape, "node '\(node.name)'"))
        for i in out.indices {
            let x = a.values[ia[i]], y = b.values[ib[i]]
            switch op {
            case .add: out[i] = x &+ y
            case .sub: out[i] = x &- y
            case .mul: out[i] = x &* y
            case .div:
                guard y != 0 else { throw node.invalid("integer division by zero") }
                out[i] = x / y
            case .pow: out[i] = Int(Foundation.pow(Double(x), Double(y)))
            case .max: out[i] = Swift.max(x, y)
            case .min: out[i] = Swift.min(x, y)
            }
        }
        return IntTensor(shape: shape, values: out)
    }
}
