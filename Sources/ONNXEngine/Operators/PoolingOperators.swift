import TensorCore

/// Pooling, normalisation, reductions and resizing.
enum PoolingOperators {
    static func pool(max isMax: Bool) -> OperatorBuilder {
        return { node, inputs, _ in
            let x = try inputs.required(0, node).requireFloat(node)
            if isMax, node.outputs.count > 1, !node.outputs[1].isEmpty {
                throw node.unsupported("MaxPool's Indices output")
            }
            let r = x.shape.count - 2
            guard r >= 1 && r <= 3 else { throw node.unsupported("pooling over \(r) spatial axes (input \(x.shape))") }
            guard let kernel = try node.ints("kernel_shape"), kernel.count == r else {
                throw node.invalid("kernel_shape must list \(r) extents")
            }
            let strides = try node.ints("strides") ?? [Int](repeating: 1, count: r)
            let dilations = try node.ints("dilations") ?? [Int](repeating: 1, count: r)
            guard strides.count == r, dilations.count == r else { throw node.invalid("strides and dilations must list \(r) values") }
            try checkRange(kernel + strides + dilations, 1...65_536, "kernel size, stride or dilation", node)
            if !isMax, dilations.contains(where: { $0 != 1 }) { throw node.unsupported("dilated AveragePool") }
            let pads = try ConvOperators.resolvePads(node, input: x.shape, kernel: kernel, strides: strides, dilations: dilations)
            let p = PoolParameters(kernel: kernel, strides: strides, pads: pads, dilations: dilations,
                                   ceilMode: try node.int("ceil_mode", default: 0) != 0,
                                   countIncludePad: try node.int("count_include_pad", default: 0) != 0)
            for i in 0..<r where x.shape[2 + i] + pads[i] + pads[r + i] < (kernel[i] - 1) * dilations[i] + 1 {
                throw node.invalid("input \(x.shape) is smaller than the pooling window along axis \(2 + i)")
            }
            let outShape = p.outputShape(input: x.shape)
            let xShape = x.shape
            return .compute(Compute(inputs: [x], outputShapes: [outShape], label: "\(node.op) \(kernel)",
                                    make: { ptr in
                                        let xp = ptr.input(0), y = ptr.outputs[0]
                                        if isMax { return { Pooling.maxPool(xp, shape: xShape, p, into: y) } }
                                        return { Pooling.averagePool(xp, shape: xShape, p, into: y) }
                                    }))
        }
    }

    static func globalPool(max isMax: Bool) -> OperatorBuilder {
        return { node, inputs, _ in
            let x = try inputs.required(0, node).requireFloat(node)
            guard x.shape.count >= 3 else { throw node.invalid("input \(x.shape) has no spatial axes") }
            let outShape = Array(x.shape.prefix(2)) + [Int](repeating: 1, count: x.shape.count - 2)
            let xShape = x.shape
            return .compute(Compute(inputs: [x], outputShapes: [outShape], label: node.op,
                                    make: { ptr in
                                        let xp = ptr.input(0), y = ptr.outputs[0]
                                        if isMax { return { Pooling.globalMaxPool(xp, shape: xShape, into: y) } }
                                        return { Pooling.globalAveragePool(xp, shape: xShape, into: y) }
                                    }))
        }
    }

    static let batchNorm: OperatorBuilder = { node, inputs, _ in
        let x = try inputs.required(0, node).requireFloat(node)
        if node.outputs.dropFirst().contains(where: { !$0.isEmpty }) {
            throw node.unsupported("BatchNormalization in training mode (running mean/variance outputs)")
        }
        if try node.int("training_mode", default: 0) != 0 { throw node.unsupported("BatchNormalization training_mode=1") }
        guard x.shape.count >= 2 else { throw node.invalid("input \(x.shape) has no channel axis") }
        let c = x.shape[1]
        let params = try (1...4).map { try inputs.required($0, node).requireFloat(node) }
        for p in params where p.count != c { throw node.invalid("parameter '\(p.name)' has \(p.count) values for \(c) channels") }
        let eps = try node.float("epsilon", default: 1e-5)
        let xShape = x.shape
        return .compute(Compute(inputs: [x] + params, outputShapes: [x.shape], label: "BatchNormalization",
                                make: { ptr in
                                    let xp = ptr.input(0), s = ptr.input(1), b = ptr.input(2), m = ptr.input(3), v = ptr.input(4)
                                    let y = ptr.outputs[0]
                                    return { Normalization.batchNorm(xp, shape: xShape, scale: s, bias: b, mean: m, variance: v, epsilon: eps, into: y) }
                                }))
    }

    static let layerNorm: OperatorBuilder = { node, inputs, _ in
        let x = try inputs.required(0, node).requireFloat(node)
        if node.outputs.dropFirst().contains(where: { !$0.isEmpty }) {
            throw node.unsupported("LayerNormalization's Mean / InvStdDev outputs")
        }
        let rank = x.shape.count
        let axis = try normalizedAxis(try node.int("axis", default: -1), rank: rank, node)
        let eps = try node.float("epsilon", default: 1e-5)
        let normalized = Tensor.elementCount(Array(x.shape[axis...]))
        let scale = try inputs.required(1, node).requireFloat(node)
        let bias = try inputs.optional(2)?.requireFloat(node)
        guard scale.count == normalized, bias.map({ $0.count == normalized }) ?? true else {
            throw node.unsupported("scale \(scale.shape) / bias \(bias?.shape ?? []) that are not the full normalised shape \(Array(x.shape[axis...]))")
        }
        let xShape = x.shape
        return .compute(Compute(inputs: [x, scale, bias], outputShapes: [x.shape], label: "LayerNormalization axis \(axis)",
                                make: { ptr in
                                    let xp = ptr.input(0), s = ptr.optionalInput(1), b = ptr.optionalInput(2), y = ptr.outputs[0]
                                    return { Normalization.layerNorm(xp, shape: xShape, axis: axis, epsilon: eps, scale: s, bias: b, into: y) }
                                }))
    }

    enum ReduceKind { case mean, sum, max }

    static func reduce(_ kind: ReduceKind) -> OperatorBuilder {
        return { node, inputs, context in
            let x = try inputs.required(0, node)
            let rank = x.shape.count
            let keepDims = try node.int("keepdims", default: 1) != 0
            var axes = try node.ints("axes")
            // ReduceSum takes axes as an input from opset 13, the other reductions from opset 18.
            if axes == nil, let o = inputs.optional(1) { axes = try o.constantInts(node, what: "axes") }
            let noopWithEmptyAxes = try node.int("noop_with_empty_axes", default: 0) != 0
            if (axes ?? []).isEmpty && noopWithEmptyAxes {
                return x.constant.map { .constant([$0]) } ?? .alias(shape: x.shape)
            }
            let resolved = try (axes ?? []).map { try normalizedAxis($0, rank: rank, node) }
            let outShape = Reduce.outputShape(input: x.shape, axes: resolved, keepDims: keepDims)
            let xShape = x.shape
            _ = context
            return .compute(Compute(inputs: [try x.requireFloat(node)], outputShapes: [outShape], label: "\(node.op) \(resolved)",
                                    make: { ptr in
                                        let xp = ptr.input(0), y = ptr.outputs[0]
                                        switch kind {
                                        case .mean: return { Reduce.mean(xp, shape: xShape, axes: resolved, keepDims: keepDims, into: y) }
                                        case .sum: return { Reduce.sum(xp, shape: xShape, axes: resolved, keepDims: keepDims, into: y) }
                                        case .max: return { Reduce.max(xp, shape: xShape, axes: resolved, keepDims: keepDims, into: y) }
                                        }
                                    }))
        }
    }

    static let resize: OperatorBuilder = { node, inputs, context in
        let x = try inputs.required(0, node).requireFloat(node)
        let rank = x.shape.count
        guard rank >= 3 else { throw node.unsupported("Resize of a tensor without spatial axes (\(x.shape))") }
        let modeName = try node.string("mode", default: "nearest")
        let coordName = try node.string("coordinate_transformation_mode", default: "half_pixel")
        let nearestName = try node.string("nearest_mode", default: "round_prefer_floor")
        if try node.int("antialias", default: 0) != 0 { throw node.unsupported("antialias=1") }
        if try node.ints("axes") != nil { throw node.unsupported("the axes attribute") }
        if try node.string("keep_aspect_ratio_policy", default: "stretch") != "stretch" {
            throw node.unsupported("keep_aspect_ratio_policy other than stretch")
        }
        let mode: ResizeMode
        switch modeName {
        case "nearest":
            switch nearestName {
            case "round_prefer_floor": mode = .nearest(.roundPreferFloor)
            case "round_prefer_ceil": mode = .nearest(.roundPreferCeil)
            case "floor": mode = .nearest(.floor)
            case "ceil": mode = .nearest(.ceil)
            default: throw node.invalid("nearest_mode '\(nearestName)'")
            }
        case "linear": mode = .linear
        default: throw node.unsupported("mode '\(modeName)' (nearest and linear are implemented)")
        }
        let coordinates: CoordinateTransform
        switch coordName {
        case "half_pixel": coordinates = .halfPixel
        case "pytorch_half_pixel": coordinates = .pytorchHalfPixel
        case "align_corners": coordinates = .alignCorners
        case "asymmetric": coordinates = .asymmetric
        default: throw node.unsupported("coordinate_transformation_mode '\(coordName)'")
        }
        // Inputs: X, roi, scales, sizes (opset 11+); X, scales before 11.
        let scalesIndex = context.opset >= 11 ? 2 : 1
        var outShape: [Int]
        // With scales, ONNX maps coordinates through the given scale (not output/input extent).
        var givenScales: [Float]? = nil
        if let sizes = inputs.optional(3), sizes.count > 0 {
            outShape = try sizes.constantInts(node, what: "Resize sizes")
        } else if let scales = inputs.optional(scalesIndex), scales.count > 0 {
            let s = try scales.constantFloats(node, what: "Resize scales")
            guard s.count == rank, s.allSatisfy({ $0 > 0 && $0.isFinite }),
                  zip(x.shape, s).allSatisfy({ Double($0) * Double($1) < Double(maximumTensorElements) }) else {
                throw node.invalid("scales \(s) must be \(rank) positive values giving a tensor within the size limit")
            }
            outShape = (0..<rank).map { Int((Double(x.shape[$0]) * Double(s[$0])).rounded(.down)) }
            givenScales = s
        } else {
            throw node.invalid("neither scales nor sizes is given")
        }
        guard outShape.count == rank, outShape[0] == x.shape[0], outShape[1] == x.shape[1], outShape.allSatisfy({ $0 > 0 }) else {
            throw node.unsupported("resizing to \(outShape) from \(x.shape) (batch and channel axes must stay, extents must be positive)")
        }
        let xShape = x.shape
        return .compute(Compute(inputs: [x], outputShapes: [outShape], label: "Resize \(modeName) \(coordName)",
                                make: { ptr in
                                    let xp = ptr.input(0), y = ptr.outputs[0]
                                    return { Resize.resize(xp, shape: xShape, outputShape: outShape, mode: mode, coordinates: coordinates,
                                                           scales: givenScales, into: y) }
                                }))
    }
}
