import TensorCore

/// Conv and ConvTranspose, with the fusions that matter for CNN inference:
/// Conv → BatchNormalization (folded into weights and bias) → Add (residual, in the epilogue) →
/// activation (in the epilogue). ConvTranspose folds BatchNormalization and an activation.
enum ConvOperators {
    static func resolvePads(_ node: Node, input: [Int], kernel: [Int], strides: [Int], dilations: [Int]) throws -> [Int] {
        let r = kernel.count
        let autoPad = try node.string("auto_pad", default: "NOTSET")
        switch autoPad {
        case "NOTSET":
            let pads = try node.ints("pads") ?? [Int](repeating: 0, count: 2 * r)
            guard pads.count == 2 * r else { throw node.invalid("pads \(pads) must have \(2 * r) values") }
            try checkRange(pads, 0...65_536, "pad", node)
            return pads
        case "VALID":
            return [Int](repeating: 0, count: 2 * r)
        case "SAME_UPPER", "SAME_LOWER":
            var begins = [Int](), ends = [Int]()
            for i in 0..<r {
                let inSize = input[2 + i]
                let out = (inSize + strides[i] - 1) / strides[i]
                let total = max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - inSize)
                let small = total / 2, large = total - small
                begins.append(autoPad == "SAME_UPPER" ? small : large)
                ends.append(autoPad == "SAME_UPPER" ? large : small)
            }
            return begins + ends
        default:
            throw node.invalid("auto_pad '\(autoPad)' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID")
        }
    }

    /// Epilogue nodes that can follow a convolution: folds BN (when constant), then a residual Add, then an activation.
    struct Fusion {
        var weight: Tensor
        var bias: [Float]
        var residual: Operand?
        var activation: Activation = .identity
        var outputNames: [String]
        var labels: [String] = []
    }

    static func activation(of node: Node, _ context: PlanningContext) throws -> Activation? {
        switch node.op {
        case "Relu": return .relu
        case "LeakyRelu": return .leakyRelu(alpha: try node.float("alpha", default: 0.01))
        case "Sigmoid": return .sigmoid
        case "Tanh": return .tanh
        case "Gelu":
            let a = try node.string("approximate", default: "none")
            return .gelu(approximate: a == "tanh")
        case "Clip":
            return try MathOperators.clipBounds(node, inputs: node.inputs.map { $0.isEmpty ? nil : context.operand(named: $0) })
                .map { Activation.clip(min: $0.0, max: $0.1) }
        default: return nil
        }
    }

    static func fuseEpilogue(_ f: inout Fusion, outputShape: [Int], outputAxisForBN: Int, groups: Int,
                             allowResidual: Bool, _ context: PlanningContext) throws {
        var current = f.outputNames[0]
        // BatchNormalization with constant statistics.
        if let (i, bn) = context.soleConsumer(of: current), bn.op == "BatchNormalization", bn.inputs.count >= 5,
           bn.outputs.filter({ !$0.isEmpty }).count == 1,
           let s = context.operand(named: bn.inputs[1])?.constant, let b = context.operand(named: bn.inputs[2])?.constant,
           let m = context.operand(named: bn.inputs[3])?.constant, let v = context.operand(named: bn.inputs[4])?.constant,
           s.floatValues.count == f.bias.count {
            let eps = try bn.float("epsilon", default: 1e-5)
            Convolution.foldBatchNorm(weight: &f.weight, bias: &f.bias, outputAxis: outputAxisForBN, groups: groups,
                                      scale: s.floatValues, shift: b.floatValues, mean: m.floatValues,
                                      variance: v.floatValues, epsilon: eps)
            context.absorb(i)
            current = bn.outputs[0]
            f.labels.append("BatchNormalization(folded)")
        }
        // Residual addition of a same-shaped tensor that is already computed.
        if allowResidual, let (i, add) = context.soleConsumer(of: current), add.op == "Add", add.inputs.count == 2 {
            let other = add.inputs[0] == current ? add.inputs[1] : add.inputs[0]
            if other != current, context.isAvailable(other), let o = context.operand(named: other),
               o.constant == nil, o.type == .float, o.shape == outputShape {
                f.residual = o
                context.absorb(i)
                current = add.outputs[0]
                f.labels.append("Add(residual)")
            }
        }
        if let (i, act) = context.soleConsumer(of: current), let a = try activation(of: act, context) {
            f.activation = a
            context.absorb(i)
            current = act.outputs[0]
            f.labels.append(act.op)
        }
        f.outputNames = [current]
    }

    static let conv: OperatorBuilder = { node, inputs, context in
        let x = try inputs.required(0, node).requireFloat(node)
        let w = try inputs.required(1, node)
        guard x.shape.count == 3 || x.shape.count == 4 else {
            throw node.unsupported("only 1-D and 2-D convolutions are implemented (input shape \(x.shape))")
        }
        guard w.shape.count == x.shape.count else { throw node.invalid("weight \(w.shape) and input \(x.shape) differ in rank") }
        let r = x.shape.count - 2
        let kernel = try node.ints("kernel_shape") ?? Array(w.shape.dropFirst(2))
        guard kernel == Array(w.shape.dropFirst(2)) else { throw node.invalid("kernel_shape \(kernel) does not match weight \(w.shape)") }
        let strides = try node.ints("strides") ?? [Int](repeating: 1, count: r)
        let dilations = try node.ints("dilations") ?? [Int](repeating: 1, count: r)
        let group = try node.int("group", default: 1)
        try checkRange([group], 1...65_536, "group", node)
        guard strides.count == r, dilations.count == r, group >= 1, x.shape[1] % group == 0,
              w.shape[1] * group == x.shape[1], w.shape[0] % group == 0 else {
            throw node.invalid("input \(x.shape), weight \(w.shape), group \(group), strides \(strides), dilations \(dilations) do not fit together")
        }
        try checkRange(kernel + strides + dilations, 1...65_536, "kernel size, stride or dilation", node)
        let pads = try resolvePads(node, input: x.shape, kernel: kernel, strides: strides, dilations: dilations)
        let p = ConvParameters(kernel: kernel, strides: strides, pads: pads, dilations: dilations, group: group)
        for i in 0..<r where x.shape[2 + i] + pads[i] + pads[r + i] < (kernel[i] - 1) * dilations[i] + 1 {
            throw node.invalid("input \(x.shape) is smaller than the dilated kernel along axis \(2 + i)")
        }
        let outShape = p.convOutputShape(input: x.shape, outChannels: w.shape[0])
        let b = inputs.optional(2)
        let threads = TensorThreads.plannedMaximum
        let workspace = Convolution.workspaceCount(input: x.shape, weight: w.shape, p, threads: threads)

        // Constant weights: fold what follows into this step.
        if let wc = w.constant, b == nil || b!.constant != nil {
            var f = Fusion(weight: wc.asFloatTensor, bias: b?.constant?.floatValues ?? [Float](repeating: 0, count: w.shape[0]),
                           residual: nil, outputNames: [node.outputs[0]])
            if x.constant == nil {
                try fuseEpilogue(&f, outputShape: outShape, outputAxisForBN: 0, groups: group, allowResidual: true, context)
            }
            let weightOperand = Operand(name: node.name + "#W", shape: f.weight.shape, type: .float, constant: .float(f.weight), ref: nil)
            let biasOperand = Operand(name: node.name + "#B", shape: [f.bias.count], type: .float, constant: .float(Tensor(shape: [f.bias.count], storage: f.bias)), ref: nil)
            let activation = f.activation
            let hasResidual = f.residual != nil
            let xShape = x.shape, wShape = f.weight.shape
            return .compute(Compute(
                inputs: [x, weightOperand, biasOperand, f.residual], outputShapes: [outShape], workspace: workspace,
                outputNames: f.outputNames,
                label: (["Conv \(wShape)"] + f.labels).joined(separator: "+"),
                flops: 2 &* Tensor.elementCount(outShape) &* (wShape[1] &* kernel.reduce(1, &*)),
                make: { ptr in
                    let xp = ptr.input(0), wp = ptr.input(1), bp = ptr.input(2)
                    let rp = hasResidual ? ptr.optionalInput(3) : nil
                    let y = ptr.outputs[0], ws = ptr.workspace
                    return {
                        Convolution.conv(xp, shape: xShape, weight: wp, weightShape: wShape, bias: bp, p,
                                         activation: activation, residual: rp, workspace: ws, workspaceThreads: threads, into: y)
                    }
                }))
        }
        // Weights computed at run time: plain convolution.
        let xShape = x.shape, wShape = w.shape
        return .compute(Compute(
            inputs: [x, try w.requireFloat(node), b], outputShapes: [outShape], workspace: workspace,
            label: "Conv \(wShape)",
            flops: 2 &* Tensor.elementCount(outShape) &* (wShape[1] &* kernel.reduce(1, &*)),
            make: { ptr in
                let xp = ptr.input(0), wp = ptr.input(1), bp = ptr.optionalInput(2)
                let y = ptr.outputs[0], ws = ptr.workspace
                return { Convolution.conv(xp, shape: xShape, weight: wp, weightShape: wShape, bias: bp, p, workspace: ws, workspaceThreads: threads, into: y) }
            }))
    }

    static let convTranspose: OperatorBuilder = { node, inputs, context in
        let x = try inputs.required(0, node).requireFloat(node)
        let w = try inputs.required(1, node)
        guard x.shape.count == 3 || x.shape.count == 4, w.shape.count == x.shape.count else {
            throw node.unsupported("only 1-D and 2-D transposed convolutions are implemented (input \(x.shape), weight \(w.shape))")
        }
        let r = x.shape.count - 2
        let kernel = try node.ints("kernel_shape") ?? Array(w.shape.dropFirst(2))
        let strides = try node.ints("strides") ?? [Int](repeating: 1, count: r)
        let dilations = try node.ints("dilations") ?? [Int](repeating: 1, count: r)
        let group = try node.int("group", default: 1)
        var outputPadding = try node.ints("output_padding") ?? [Int](repeating: 0, count: r)
        try checkRange(kernel + strides + dilations, 1...65_536, "kernel size, stride or dilation", node)
        try checkRange(outputPadding + (try node.ints("pads") ?? []), 0...65_536, "pad or output padding", node)
        try checkRange([group], 1...65_536, "group", node)
        guard kernel == Array(w.shape.dropFirst(2)), strides.count == r, dilations.count == r, outputPadding.count == r,
              w.shape[0] == x.shape[1], x.shape[1] % group == 0 else {
            throw node.invalid("input \(x.shape), weight \(w.shape), group \(group), kernel \(kernel) do not fit together")
        }
        var pads: [Int]
        let autoPad = try node.string("auto_pad", default: "NOTSET")
        let requested: [Int]? = try node.ints("output_shape").map { Array($0.suffix(r)) }
            ?? ((autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") ? (0..<r).map { x.shape[2 + $0] * strides[$0] } : nil)
        if let spatial = requested {
            // Pads follow from the requested output size (ONNX ConvTranspose rule).
            var begins = [Int](), ends = [Int]()
            for i in 0..<r {
                let total = strides[i] * (x.shape[2 + i] - 1) + outputPadding[i] + ((kernel[i] - 1) * dilations[i] + 1) - spatial[i]
                guard total >= 0 else { throw node.unsupported("output size \(spatial) larger than the full transposed convolution") }
                begins.append(autoPad == "SAME_UPPER" ? total / 2 : total - total / 2)
                ends.append(total - begins[i])
            }
            pads = begins + ends
        } else if autoPad == "VALID" {
            pads = [Int](repeating: 0, count: 2 * r)
        } else {
            pads = try node.ints("pads") ?? [Int](repeating: 0, count: 2 * r)
        }
        guard pads.count == 2 * r else { throw node.invalid("pads \(pads) must have \(2 * r) values") }
        if outputPadding.isEmpty { outputPadding = [Int](repeating: 0, count: r) }
        let p = ConvParameters(kernel: kernel, strides: strides, pads: pads, dilations: dilations, group: group, outputPadding: outputPadding)
        let m = Convolution.convTransposeOutChannels(weight: w.shape, group: group)
        for i in 0..<r {
            let extent = strides[i] * (x.shape[2 + i] - 1) + outputPadding[i] + (kernel[i] - 1) * dilations[i] + 1 - pads[i] - pads[r + i]
            guard extent > 0 else { throw node.invalid("pads \(pads) leave no output along axis \(2 + i)") }
        }
        let outShape = p.convTransposeOutputShape(input: x.shape, outChannels: m)
        guard outShape.dropFirst(2).allSatisfy({ $0 > 0 }) else { throw node.invalid("output shape \(outShape) is empty") }
        let workspace = Convolution.convTransposeWorkspaceCount(input: x.shape, weight: w.shape, p)
        guard let wc = w.constant else {
            throw node.unsupported("ConvTranspose weights computed from input data")
        }
        let b = inputs.optional(2)
        if let b, b.constant == nil { throw node.unsupported("ConvTranspose bias computed from input data") }
        var f = Fusion(weight: wc.asFloatTensor, bias: b?.constant?.floatValues ?? [Float](repeating: 0, count: m),
                       residual: nil, outputNames: [node.outputs[0]])
        if x.constant == nil {
            try fuseEpilogue(&f, outputShape: outShape, outputAxisForBN: 1, groups: group, allowResidual: false, context)
        }
        let weightOperand = Operand(name: node.name + "#W", shape: f.weight.shape, type: .float, constant: .float(f.weight), ref: nil)
        let biasOperand = Operand(name: node.name + "#B", shape: [m], type: .float, constant: .float(Tensor(shape: [m], storage: f.bias)), ref: nil)
        let activation = f.activation
        let xShape = x.shape, wShape = f.weight.shape
        return .compute(Compute(
            inputs: [x, weightOperand, biasOperand], outputShapes: [outShape], workspace: workspace,
            outputNames: f.outputNames,
            label: (["ConvTranspose \(wShape)"] + f.labels).joined(separator: "+"),
            flops: 2 &* Tensor.elementCount(xShape) &* (wShape[1] &* kernel.reduce(1, &*)),
            make: { ptr in
                let xp = ptr.input(0), wp = ptr.input(1), bp = ptr.input(2)
                let y = ptr.outputs[0], ws = ptr.workspace!
                return {
                    Convolution.convTranspose(xp, shape: xShape, weight: wp, weightShape: wShape, bias: bp, p,
                                              activation: activation, workspace: ws, into: y)
                }
            }))
    }
}
