import Testing
@testable import TensorCore

/// The `Activation` a fixture case's ONNX op denotes.
private func activation(_ c: FixtureCase) throws -> Activation {
    switch c.op {
    case "Relu": return .relu
    case "LeakyRelu": return .leakyRelu(alpha: c.float("alpha", default: 0.01))
    case "Sigmoid": return .sigmoid
    case "Tanh": return .tanh
    case "Gelu": return .gelu(approximate: c.string("approximate", default: "none") == "tanh")
    case "Clip":
        let lo = c.has("min") ? try c.input("min").storage[0] : -.greatestFiniteMagnitude
        let hi = c.has("max") ? try c.input("max").storage[0] : .greatestFiniteMagnitude
        return .clip(min: lo, max: hi)
    default: throw FixtureError("unknown activation op \(c.op)")
    }
}

@Suite struct ActivationTests {
    @Test(arguments: Fixtures.cases("activations"))
    func activationMatchesReference(_ c: FixtureCase) throws {
        try c.loaded()
        let x = try c.input(c.op == "Clip" ? "input" : "X"), expected = try c.expected()
        let f = try activation(c)
        expectClose(f(x), expected, c.testDescription)
        // Pointer form out of place, then in place.
        var y = [Float](repeating: .nan, count: x.count)
        x.storage.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in f.apply(px.baseAddress!, py.baseAddress!, count: x.count) }
        }
        expectClose(Tensor(shape: x.shape, storage: y), expected, "\(c.testDescription) pointer")
        var buf = x.storage
        buf.withUnsafeMutableBufferPointer { f.applyInPlace($0.baseAddress!, count: $0.count) }
        expectClose(Tensor(shape: x.shape, storage: buf), expected, "\(c.testDescription) in place")
    }

    @Test func sigmoidSaturatesWithoutOverflow() {
        let y = Activation.sigmoid(Tensor(shape: [4], storage: [-1000, -100, 100, 1000]))
        #expect(y.storage.allSatisfy { $0.isFinite })
        #expect(y.storage[0] == 0 && y.storage[3] == 1)
        #expect(y.storage[1] >= 0 && y.storage[1] < 1e-30 && y.storage[2] == 1)
    }

    @Test func identityCopiesAndDescribes() {
        let x = seededTensor([7], seed: 1)
        #expect(Activation.identity(x) == x)
        #expect(Activation.gelu(approximate: true).description == "Gelu(tanh)")
    }
}
