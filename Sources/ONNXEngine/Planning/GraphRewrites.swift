import TensorCore

/// Graph rewrites applied before planning: they replace operator patterns that exporters emit by the
/// single operator the runtime has a fused kernel for. Each rewrite keeps the graph's semantics exactly
/// (same outputs, up to float rounding) and only applies when every intermediate tensor of the pattern
/// is read by the pattern alone.
enum GraphRewrites {
    /// Applies all rewrites and returns the new node list (still topologically ordered).
    static func apply(_ nodes: [Node], initializers: [String: ConstantValue], graphOutputs: Set<String>) -> [Node] {
        fuseErfGelu(nodes, initializers: initializers, graphOutputs: graphOutputs)
    }

    /// The value of a scalar constant tensor, from an initializer or a Constant node.
    private static func scalar(_ name: String, _ initializers: [String: ConstantValue], _ constants: [String: ConstantValue]) -> Float? {
        guard let c = initializers[name] ?? constants[name] else { return nil }
        let v = c.floatValues
        return v.count == 1 ? v[0] : nil
    }

    /// `x · ½ · (1 + erf(x / √2))`, written by PyTorch exporters as Div (or Mul by 1/√2), Erf, Add 1 and
    /// two Muls in either order, becomes `Gelu(x)`; the runtime fuses Gelu into a preceding convolution
    /// or product.
    static func fuseErfGelu(_ nodes: [Node], initializers: [String: ConstantValue], graphOutputs: Set<String>) -> [Node] {
        var constants: [String: ConstantValue] = [:]
        for n in nodes where n.op == "Constant" && n.outputs.count == 1 {
            if case .tensor(let c)? = n.attributes["value"] { constants[n.outputs[0]] = c }
            if case .float(let f)? = n.attributes["value_float"] { constants[n.outputs[0]] = .float(Tensor(scalar: f)) }
        }
        var consumers: [String: [Int]] = [:]
        for (i, n) in nodes.enumerated() { for t in Set(n.inputs) where !t.isEmpty { consumers[t, default: []].append(i) } }
        func sole(_ t: String) -> Int? {
            guard !graphOutputs.contains(t), let c = consumers[t], c.count == 1 else { return nil }
            return c[0]
        }
        func other(_ n: Node, _ t: String) -> String? {
            guard n.inputs.count == 2 else { return nil }
            if n.inputs[0] == t { return n.inputs[1] }
            if n.inputs[1] == t { return n.inputs[0] }
            return nil
        }
        func isScalar(_ t: String?, _ value: Float, tolerance: Float = 1e-4) -> Bool {
            guard let t, let v = scalar(t, initializers, constants) else { return false }
            return abs(v - value) <= tolerance * max(1, abs(value))
        }
        var removed = Set<Int>()
        var replacement: [Int: Node] = [:]
        for (i, div) in nodes.enumerated() where !removed.contains(i) {
            guard div.inputs.count == 2, let scaled = div.outputs.first else { continue }
            let x = div.inputs[0]
            let isScale = (div.op == "Div" && isScalar(div.inputs[1], 1.4142135))
                || (div.op == "Mul" && isScalar(div.inputs[1], 0.70710677))
            guard isScale, let ie = sole(scaled), nodes[ie].op == "Erf", let erfOut = nodes[ie].outputs.first,
                  let ia = sole(erfOut), nodes[ia].op == "Add", isScalar(other(nodes[ia], erfOut), 1),
                  let plusOne = nodes[ia].outputs.first, let im = sole(plusOne), nodes[im].op == "Mul" else { continue }
            let mul1 = nodes[im]
            guard let m1Other = other(mul1, plusOne), let m1Out = mul1.outputs.first else { continue }
            var chain = [i, ie, ia, im]
            var output: String?
            var halfNode: Int?
            if m1Other == x, let ih = sole(m1Out), nodes[ih].op == "Mul", isScalar(other(nodes[ih], m1Out), 0.5) {
                // Mul(x, 1 + erf) then Mul(·, 0.5)
                chain.append(ih); output = nodes[ih].outputs.first
            } else if isScalar(m1Other, 0.5), let ih = sole(m1Out), nodes[ih].op == "Mul", other(nodes[ih], m1Out) == x {
                // Mul(1 + erf, 0.5) then Mul(x, ·)
                chain.append(ih); output = nodes[ih].outputs.first
            } else if let producer = nodes.firstIndex(where: { $0.outputs.first == m1Other }), nodes[producer].op == "Mul",
                      other(nodes[producer], x).map({ isScalar($0, 0.5) }) == true, sole(m1Other) == im {
                // Mul(x, 0.5) computed separately, then Mul(half, 1 + erf)
                halfNode = producer; output = m1Out
            }
            guard let output, !chain.contains(where: { removed.contains($0) }) else { continue }
            if let h = halfNode {
                guard !removed.contains(h) else { continue }
                chain.append(h)
            }
            // x itself must be read by the pattern only where the pattern expects it; other readers of x are fine.
            let last = chain.max()!
            chain.forEach { removed.insert($0) }
            replacement[last] = Node(name: div.name + "#gelu", op: "Gelu", domain: "", inputs: [x], outputs: [output],
                                     attributes: ["approximate": .string("none")])
        }
        if replacement.isEmpty { return nodes }
        var result: [Node] = []
        for (i, n) in nodes.enumerated() {
            if let r = replacement[i] { result.append(r) } else if !removed.contains(i) { result.append(n) }
        }
        return result
    }
}
