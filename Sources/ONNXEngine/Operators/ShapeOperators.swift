import TensorCore

/// Operators that move or view data, and the shape arithmetic that exporters emit around them.
/// Views (Reshape, Flatten, Squeeze, Unsqueeze, Identity, Dropout) share their input's buffer; integer
/// shape computations are folded when the model is planned.
enum ShapeOperators {
    static let identity: OperatorBuilder = { node, inputs, _ in
        let x = try inputs.required(0, node)
        if let c = x.constant { return .constant([c]) }
        return .alias(shape: x.shape)
    }

    static let dropout: OperatorBuilder = { node, inputs, _ in
        let x = try inputs.required(0, node)
        if node.outputs.count > 1 && !node.outputs[1].isEmpty {
            throw node.unsupported("Dropout's mask output (inference needs only the data output)")
        }
        if let c = x.constant { return .constant([c]) }
        return .alias(shape: x.shape)
    }

    static let reshape: OperatorBuilder = { node, inputs, _ in
        let x = try inputs.required(0, node)
        let requested = try inputs.required(1, node).constantInts(node, what: "the target shape")
        let allowZero = try node.int("allowzero", default: 0) != 0
        guard requested.count <= 16 else { throw node.invalid("target shape \(requested.prefix(8))… has \(requested.count) axes") }
        var shape = requested
        for (i, d) in requested.enumerated() where d == 0 && !allowZero {
            guard i < x.shape.count else { throw node.invalid("shape \(requested) copies axis \(i), input \(x.shape) has no such axis") }
            shape[i] = x.shape[i]
        }
        let inferred = shape.indices.filter { shape[$0] == -1 }
        guard inferred.count <= 1, shape.allSatisfy({ $0 >= -1 }) else { throw node.invalid("invalid target shape \(requested)") }
        if let i = inferred.first {
            let known = try checkedElementCount(shape.enumerated().filter { $0.offset != i }.map(\.element), "Reshape node '\(node.name)'")
            guard known > 0, x.count % known == 0 else { throw node.invalid("cannot reshape \(x.shape) to \(requested)") }
            shape[i] = x.count / known
        }
        guard try checkedElementCount(shape, "Reshape node '\(node.name)'") == x.count else { throw node.invalid("cannot reshape \(x.shape) (\(x.count) elements) to \(requested)") }
        return view(x, shape)
    }

    static let flatten: OperatorBuilder = { node, inputs, _ in
        let x = try inputs.required(0, node)
        var axis = try node.int("axis", default: 1)
        if axis < 0 { axis += x.shape.count }
        guard axis >= 0 && axis <= x.shape.count else { throw node.invalid("axis \(axis) out of range for \(x.shape)") }
        let shape = [Tensor.elementCount(Array(x.shape[..<axis])), Tensor.elementCount(Array(x.shape[axis...]))]
        return view(x, shape)
    }

    /// Axes from the attribute (before opset 13) or from the second input (13 on).
    static func axesOperand(_ node: Node, _ inputs: [Operand?], inputIndex: Int) throws -> [Int]? {
        if let a = try node.ints("axes") { return a }
        if let o = inputs.optional(inputIndex) { return try o.constantInts(node, what: "axes") }
        return nil
    }

    static let squeeze: OperatorBuilder = { node, inputs, _ in
        let x = try inputs.required(0, node)
        let rank = x.shape.count
        let axes: [Int]
        if let a = try axesOperand(node, inputs, inputIndex: 1) {
            axes = try a.map { try normalizedAxis($0, rank: rank, node) }
            for ax in axes where x.shape[ax] != 1 { throw node.invalid("cannot squeeze axis \(ax) of extent \(x.shape[ax]) in \(x.shape)") }
        } else {
            axes = x.shape.indices.filter { x.shape[$0] == 1 }
        }
        let shape = x.shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
        return view(x, shape)
    }

    static let unsqueeze: OperatorBuilder = { node, inputs, _ in
        let x = try inputs.required(0, node)
        guard let raw = try axesOperand(node, inputs, inputIndex: 1) else { throw node.invalid("axes are required") }
        let outRank = x.shape.count + raw.count
        let axes = try raw.map { try normalizedAxis($0, rank: outRank, node) }.sorted()
        guard Set(axes).count == axes.count else { throw node.invalid("repeated axes \(raw)") }
        var shape = x.shape
        for a in axes { shape.insert(1, at: a) }
        return view(x, shape)
    }

    static func view(_ x: Operand, _ shape: [Int]) -> Lowering {
        if let c = x.constant {
            switch c {
            case .float(let t): return .constant([.float(t.reshaped(shape))])
            case .int(let t): return .constant([.int(IntTensor(shape: shape, values: t.values))])
            }
        }
        return .alias(shape: shape)
    }

    static let transpose: OperatorBuilder = { node, inputs, _ in
        let x = try inputs.required(0, node)
        let rank = x.shape.count
        let perm = try node.ints("perm") ?? Array((0..<rank).reversed())
        guard perm.sorted() == Array(0..<rank) else { throw node.invalid("perm \(perm) is not a permutation of 0..<\(rank)") }
        let shape = perm.map { x.shape[$0] }
        if let c = x.constant, c.elementType == .int {
            return .constant([.int(IntShapeOps.transpose(c.asIntTensor, perm: perm))])
        }
        let xShape = x.shape
        return .compute(Compute(inputs: [try x.requireFloat(node)], outputShapes: [shape], label: "Transpose \(perm)",
                                make: { ptr in
                                    let xp = ptr.input(0), y = ptr.outputs[0]
                                    return { ShapeOps.transpose(xp, shape: xShape, perm: perm, into: y) }
                                }))
    }

    static let concat: OperatorBuilder = { node, inputs, _ in
        let parts = try inputs.enumerated().map { try inputs.required($0.offset, node) }
        guard let first = parts.first else { throw node.invalid("no inputs") }
        let rank = first.shape.count
        let axis = try normalizedAxis(try node.int("axis"), rank: rank, node)
        var shape = first.shape
        shape[axis] = 0
        for p in parts {
            guard p.shape.count == rank, p.shape.indices.allSatisfy({ $0 == axis || p.shape[$0] == first.shape[$0] }) else {
                throw node.invalid("inputs \(parts.map(\.shape)) do not agree outside axis \(axis)")
            }
            shape[axis] += p.shape[axis]
        }
        if parts.allSatisfy({ $0.constant != nil }) && parts.contains(where: { $0.type == .int }) {
            _ = try checkedElementCount(shape, "Concat node '\(node.name)'")
            return .constant([.int(IntShapeOps.concat(parts.map { $0.constant!.asIntTensor }, axis: axis, shape: shape))])
        }
        let shapes = parts.map(\.shape)
        return .compute(Compute(inputs: try parts.map { try $0.requireFloat(node) }, outputShapes: [shape], label: "Concat axis \(axis)",
                                make: { ptr in
                                    let list = zip(ptr.inputs, shapes).map { (UnsafePointer($0.0!), $0.1) }
                                    let y = ptr.outputs[0]
                                    return { ShapeOps.concat(list, axis: axis, into: y) }
                                }))
    }

    static let shape: OperatorBuilder = { node, inputs, _ in
        let x = try inputs.required(0, node)
        let rank = x.shape.count
        var start = try node.int("start", default: 0), end = try node.int("end", default: rank)
        if start < 0 { start += rank }
        if end < 0 { end += rank }
        start = min(max(start, 0), rank); end = min(max(end, start), rank)
        return .constant([.int(IntTensor(vector: Array(x.shape[start..<end])))])
    }

    static let size: OperatorBuilder = { node, inputs, _ in
        let x = try inputs.required(0, node)
        return .constant([.int(IntTensor(shape: [], values: [x.count]))])
    }

    static let gather: OperatorBuilder = { node, inputs, _ in
        let x = try inputs.required(0, node)
        let idx = try inputs.required(1, node)
        let indices = try idx.constantInts(node, what: "Gather indices")
        let rank = x.shape.count
        let axis = try normalizedAxis(try node.int("axis", default: 0), rank: rank, node)
        for i in indices where i < -x.shape[axis] || i >= x.shape[axis] {
            throw node.invalid("index \(i) is out of range for axis \(axis) of extent \(x.shape[axis])")
        }
        let outShape = Array(x.shape[..<axis]) + idx.shape + Array(x.shape[(axis + 1)...])
        _ = try checkedElementCount(outShape, "Gather node '\(node.name)'")
        if let c = x.constant, c.elementType == .int {
            return .constant([.int(IntShapeOps.gather(c.asIntTensor, indices: indices, indicesShape: idx.shape, axis: axis))])
        }
        let xShape = x.shape, iShape = idx.shape
        return .compute(Compute(inputs: [try x.requireFloat(node)], outputShapes: [outShape], label: "Gather axis \(axis)",
                                make: { ptr in
                                    let xp = ptr.input(0), y = ptr.outputs[0]
                                    return { ShapeOps.gather(xp, shape: xShape, indices: indices, indicesShape: iShape, axis: axis, into: y) }
                                }))
    }

    static let slice: OperatorBuilder = { node, inputs, context in
        let x = try inputs.required(0, node)
        var starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?
        if context.opset < 10 || node.attributes["starts"] != nil {
            starts = try node.ints("starts") ?? []; ends = try node.ints("ends") ?? []; axes = try node.ints("axes"); steps = nil
        } else {
            starts = try inputs.required(1, node).constantInts(node, what: "Slice starts")
            ends = try inputs.required(2, node).constantInts(node, what: "Slice ends")
            axes = try inputs.optional(3)?.constantInts(node, what: "Slice axes")
            steps = try inputs.optional(4)?.constantInts(node, what: "Slice steps")
        }
        let rank = x.shape.count
        guard starts.count == ends.count, axes.map({ $0.count == starts.count }) ?? true,
              steps.map({ $0.count == starts.count }) ?? true else {
            throw node.invalid("starts \(starts), ends \(ends), axes \(axes ?? []), steps \(steps ?? []) differ in length")
        }
        if let a = axes { axes = try a.map { try normalizedAxis($0, rank: rank, node) } }
        if let s = steps, s.contains(0) { throw node.invalid("a Slice step of 0") }
        let params = SliceParameters(shape: x.shape, starts: starts, ends: ends, axes: axes, steps: steps)
        if let c = x.constant, c.elementType == .int {
            return .constant([.int(IntShapeOps.slice(c.asIntTensor, params))])
        }
        let xShape = x.shape
        return .compute(Compute(inputs: [try x.requireFloat(node)], outputShapes: [params.outputShape], label: "Slice",
                                make: { ptr in
                                    let xp = ptr.input(0), y = ptr.outputs[0]
                                    return { ShapeOps.slice(xp, shape: xShape, params, into: y) }
                                }))
    }

    static let expand: OperatorBuilder = { node, inputs, _ in
        let x = try inputs.required(0, node)
        let target = try inputs.required(1, node).constantInts(node, what: "Expand shape")
        guard let shape = Broadcast.shape(x.shape, target) else { throw node.invalid("\(x.shape) does not broadcast to \(target)") }
        _ = try checkedElementCount(shape, "Expand node '\(node.name)'")
        let offsets = Broadcast.sourceOffsets(from: x.shape, to: shape)
        if let c = x.constant, c.elementType == .int {
            let v = c.intValues
            return .constant([.int(IntTensor(shape: shape, values: offsets.map { v[$0] }))])
        }
        return .compute(Compute(inputs: [try x.requireFloat(node)], outputShapes: [shape], label: "Expand \(shape)",
                                make: { ptr in
                                    let xp = ptr.input(0), y = ptr.outputs[0]
                                    return { for i in offsets.indices { y[i] = xp[offsets[i]] } }
                                }))
    }

    static let cast: OperatorBuilder = { node, inputs, _ in
        let x = try inputs.required(0, node)
        let to = try node.int("to")
        let toFloat: Bool
        switch to {
        case 1, 10, 11, 16: toFloat = true
        case 2, 3, 4, 5, 6, 7, 9, 12, 13: toFloat = false
        default: throw ONNXError.unsupportedDataType(tensor: node.outputs[0], dataType: to)
        }
        if let c = x.constant {
            if toFloat { return .constant([.float(c.asFloatTensor)]) }
            let values = to == 9 ? c.floatValues.map { $0 != 0 ? 1 : 0 } : c.intValues
            return .constant([.int(IntTensor(shape: c.shape, values: values))])
        }
        guard toFloat else { throw node.unsupported("casting data computed at run time to an integer type") }
        return .alias(shape: x.shape)
    }

    static let constant: OperatorBuilder = { node, _, _ in
        switch (node.attributes["value"], node.attributes["value_float"], node.attributes["value_floats"],
                node.attributes["value_int"], node.attributes["value_ints"]) {
        case (.tensor(let c)?, _, _, _, _): return .constant([c])
        case (_, .float(let v)?, _, _, _): return .constant([.float(Tensor(scalar: v))])
        case (_, _, .floats(let v)?, _, _): return .constant([.float(Tensor(shape: [v.count], storage: v))])
        case (_, _, _, .int(let v)?, _): return .constant([.int(IntTensor(shape: [], values: [v]))])
        case (_, _, _, _, .ints(let v)?): return .constant([.int(IntTensor(vector: v))])
        default: throw node.unsupported("Constant without a tensor, float(s) or int(s) value (sparse or string values)")
        }
    }

    static let constantOfShape: OperatorBuilder = { node, inputs, _ in
        let shape = try inputs.required(0, node).constantInts(node, what: "ConstantOfShape shape")
        _ = try checkedElementCount(shape, "ConstantOfShape node '\(node.name)'")
        let value: ConstantValue
        if case .tensor(let c)? = node.attributes["value"] { value = c } else { value = .float(Tensor(shape: [1], storage: [0])) }
        let n = Tensor.elementCount(shape)
        switch value {
        case .float(let t): return .constant([.float(Tensor(shape: shape, repeating: t.storage.first ?? 0))])
        case .int(let t): return .constant([.int(IntTensor(shape: shape, values: [Int](repeating: t.values.first ?? 0, count: n)))])
        }
    }

    static let range: OperatorBuilder = { node, inputs, _ in
        let s = try inputs.required(0, node), l = try inputs.required(1, node), d = try inputs.required(2, node)
        let start = try s.constantFloats(node, what: "start")[0], limit = try l.constantFloats(node, what: "limit")[0]
        let delta = try d.constantFloats(node, what: "delta")[0]
        guard delta != 0 else { throw node.invalid("delta 0") }
        let steps = (Double(limit - start) / Double(delta)).rounded(.up)
        guard steps.isFinite, steps <= Double(maximumTensorElements) else { throw node.invalid("Range of \(steps) elements") }
        let n = max(0, Int(steps))
        let values = (0..<n).map { start + Float($0) * delta }
        if s.type == .int { return .constant([.int(IntTensor(vector: values.map { Int($0) }))]) }
        return .constant([.float(Tensor(shape: [n], storage: values))])
    }

    /// Comparison of constants (Equal, Less, Greater) → bool as int.
    static func compare(_ f: @escaping @Sendable (Float, Float) -> Bool) -> OperatorBuilder {
        return { node, inputs, _ in
            let a = try inputs.required(0, node), b = try inputs.required(1, node)
            guard let ca = a.constant, let cb = b.constant else { throw node.unsupported("\(node.op) on data computed at run time") }
            guard let shape = Broadcast.shape(a.shape, b.shape) else { throw node.invalid("shapes \(a.shape) and \(b.shape) do not broadcast") }
            let ia = Broadcast.sourceOffsets(from: a.shape, to: shape), ib = Broadcast.sourceOffsets(from: b.shape, to: shape)
            let va = ca.floatValues, vb = cb.floatValues
            return .constant([.int(IntTensor(shape: shape, values: ia.indices.map { f(va[ia[$0]], vb[ib[$0]]) ? 1 : 0 }))])
        }
    }

    static let not: OperatorBuilder = { node, inputs, _ in
        let a = try inputs.required(0, node)
        guard let c = a.constant else { throw node.unsupported("Not on data computed at run time") }
        return .constant([.int(IntTensor(shape: c.shape, values: c.intValues.map { $0 == 0 ? 1 : 0 }))])
    }

    static let `where`: OperatorBuilder = { node, inputs, _ in
        let cond = try inputs.required(0, node), a = try inputs.required(1, node), b = try inputs.required(2, node)
        let mask = try cond.constantInts(node, what: "Where condition")
        guard let s1 = Broadcast.shape(cond.shape, a.shape), let shape = Broadcast.shape(s1, b.shape) else {
            throw node.invalid("shapes \(cond.shape), \(a.shape), \(b.shape) do not broadcast")
        }
        _ = try checkedElementCount(shape, "Where node '\(node.name)'")
        let ic = Broadcast.sourceOffsets(from: cond.shape, to: shape)
        let ia = Broadcast.sourceOffsets(from: a.shape, to: shape), ib = Broadcast.sourceOffsets(from: b.shape, to: shape)
        if let ca = a.constant, let cb = b.constant {
            if ca.elementType == .int || cb.elementType == .int {
                let va = ca.intValues, vb = cb.intValues
                return .constant([.int(IntTensor(shape: shape, values: ic.indices.map { mask[ic[$0]] != 0 ? va[ia[$0]] : vb[ib[$0]] }))])
            }
            let va = ca.floatValues, vb = cb.floatValues
            return .constant([.float(Tensor(shape: shape, storage: ic.indices.map { mask[ic[$0]] != 0 ? va[ia[$0]] : vb[ib[$0]] }))])
        }
        return .compute(Compute(inputs: [try a.requireFloat(node), try b.requireFloat(node)], outputShapes: [shape], label: "Where",
                                make: { ptr in
                                    let ap = ptr.input(0), bp = ptr.input(1), y = ptr.outputs[0]
                                    return { for i in ic.indices { y[i] = mask[ic[i]] != 0 ? ap[ia[i]] : bp[ib[i]] } }
                                }))
    }

    static let pad: OperatorBuilder = { node, inputs, context in
        let x = try inputs.required(0, node).requireFloat(node)
        let rank = x.shape.count
        let modeName = try node.string("mode", default: "constant")
        var pads: [Int]
        var value: Float = 0
        if context.opset < 11 {
            pads = try node.ints("pads") ?? []
            value = try node.float("value", default: 0)
        } else {
            pads = try inputs.required(1, node).constantInts(node, what: "pads")
            if let v = inputs.optional(2) { value = try v.constantFloats(node, what: "constant_value").first ?? 0 }
            if let axesOperand = inputs.optional(3) {
                // opset 18: pads apply to the listed axes only.
                let axes = try axesOperand.constantInts(node, what: "axes").map { try normalizedAxis($0, rank: rank, node) }
                guard pads.count == 2 * axes.count else { throw node.invalid("pads \(pads) do not match axes \(axes)") }
                var full = [Int](repeating: 0, count: 2 * rank)
                for (i, a) in axes.enumerated() { full[a] = pads[i]; full[rank + a] = pads[axes.count + i] }
                pads = full
            }
        }
        guard pads.count == 2 * rank else { throw node.invalid("pads \(pads) must have \(2 * rank) values for input \(x.shape)") }
        try checkRange(pads, -(1 << 24)...(1 << 24), "pad", node)
        let mode: PadMode
        switch modeName {
        case "constant": mode = .constant(value)
        case "reflect": mode = .reflect
        case "edge": mode = .edge
        default: throw node.unsupported("pad mode '\(modeName)'")
        }
        let shape = (0..<rank).map { x.shape[$0] + pads[$0] + pads[rank + $0] }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw node.invalid("pads \(pads) crop \(x.shape) below zero") }
        if case .reflect = mode {
            for a in 0..<rank where max(pads[a], pads[rank + a]) >= x.shape[a] {
                throw node.invalid("reflect padding \(max(pads[a], pads[rank + a])) must be smaller than the extent \(x.shape[a]) of axis \(a)")
            }
        }
        let xShape = x.shape
        return .compute(Compute(inputs: [x], outputShapes: [shape], label: "Pad \(modeName)",
                                make: { ptr in
                                    let xp = ptr.input(0), y = ptr.outputs[0]
                                    return { ShapeOps.pad(xp, shape: xShape, pads: pads, mode: mode, into: y) }
                                }))
    }
}

/// Data movement on integer constants (shape arithmetic), exact for every int64 value (no detour
/// through Float, which would round values above 2^24 such as Slice's INT64_MAX ends).
enum IntShapeOps {
    /// Visits every multi-index of `shape` in row-major order.
    static func forEachIndex(_ shape: [Int], _ body: ([Int]) -> Void) {
        let n = Tensor.elementCount(shape)
        if n == 0 { return }
        var idx = [Int](repeating: 0, count: shape.count)
        for _ in 0..<n {
            body(idx)
            var d = shape.count - 1
            while d >= 0 {
                idx[d] += 1
                if idx[d] < shape[d] { break }
                idx[d] = 0
                d -= 1
            }
        }
    }

    static func flat(_ idx: [Int], _ strides: [Int]) -> Int {
        var f = 0
        for (i, s) in zip(idx, strides) { f += i * s }
        return f
    }

    static func transpose(_ x: IntTensor, perm: [Int]) -> IntTensor {
        let outShape = perm.map { x.shape[$0] }
        let strides = Tensor.strides(x.shape)
        var out: [Int] = []
        out.reserveCapacity(x.values.count)
        forEachIndex(outShape) { o in
            var src = [Int](repeating: 0, count: perm.count)
            for (k, p) in perm.enumerated() { src[p] = o[k] }
            out.append(x.values[flat(src, strides)])
        }
        return IntTensor(shape: outShape, values: out)
    }

    static func concat(_ parts: [IntTensor], axis: Int, shape: [Int]) -> IntTensor {
        var out: [Int] = []
        let outer = Tensor.elementCount(Array(shape[..<axis]))
        for o in 0..<outer {
            for p in parts {
                let block = Tensor.elementCount(Array(p.shape[axis...]))
                out.append(contentsOf: p.values[(o * block)..<((o + 1) * block)])
            }
        }
        return IntTensor(shape: shape, values: out)
    }

    static func gather(_ x: IntTensor, indices: [Int], indicesShape: [Int], axis: Int) -> IntTensor {
        let outer = Tensor.elementCount(Array(x.shape[..<axis]))
        let inner = Tensor.elementCount(Array(x.shape[(axis + 1)...]))
        let extent = x.shape[axis]
        var out: [Int] = []
        for o in 0..<outer {
            for i in indices {
                let j = i < 0 ? i + extent : i
                let base = (o * extent + j) * inner
                out.append(contentsOf: x.values[base..<(base + inner)])
            }
        }
        return IntTensor(shape: Array(x.shape[..<axis]) + indicesShape + Array(x.shape[(axis + 1)...]), values: out)
    }

    static func slice(_ x: IntTensor, _ p: SliceParameters) -> IntTensor {
        let strides = Tensor.strides(x.shape)
        var out: [Int] = []
        forEachIndex(p.outputShape) { o in
            var f = 0
            for d in 0..<o.count { f += (p.starts[d] + o[d] * p.steps[d]) * strides[d] }
            out.append(x.values[f])
        }
        return IntTensor(shape: p.outputShape, values: out)
    }
}
