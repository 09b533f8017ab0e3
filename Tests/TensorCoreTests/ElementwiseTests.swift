import Foundation
import Testing
@testable import TensorCore

private let binaryOps: [String: BinaryOp] = ["Add": .add, "Sub": .sub, "Mul": .mul, "Div": .div, "Pow": .pow, "Max": .max, "Min": .min]
private let unaryOps: [String: UnaryOp] = ["Neg": .neg, "Abs": .abs, "Sqrt": .sqrt, "Exp": .exp, "Log": .log, "Erf": .erf,
                                           "Reciprocal": .reciprocal, "Floor": .floor, "Ceil": .ceil]

private func scalarOp(_ op: BinaryOp, _ a: Float, _ b: Float) -> Float {
    switch op {
    case .add: return a + b
    case .sub: return a - b
    case .mul: return a * b
    case .div: return a / b
    case .pow: return Foundation.pow(a, b)
    case .max: return Swift.max(a, b)
    case .min: return Swift.min(a, b)
    }
}

/// Index-by-index NumPy broadcasting, the slow obvious way (independent of the kernel's axis merging).
private func naiveBinary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) -> Tensor {
    let r = max(a.rank, b.rank)
    let pa = [Int](repeating: 1, count: r - a.rank) + a.shape, pb = [Int](repeating: 1, count: r - b.rank) + b.shape
    let out = (0..<r).map { max(pa[$0], pb[$0]) }
    let sa = Tensor.strides(pa), sb = Tensor.strides(pb)
    var y = Tensor(shape: out)
    for flat in 0..<y.count {
        var rem = flat, ia = 0, ib = 0
        for k in stride(from: r - 1, through: 0, by: -1) {
            let i = rem % out[k]; rem /= out[k]
            if pa[k] != 1 { ia += i * sa[k] }
            if pb[k] != 1 { ib += i * sb[k] }
        }
        y.storage[flat] = scalarOp(op, a.storage[ia], b.storage[ib])
    }
    return y
}

@Suite struct ElementwiseTests {
    @Test(arguments: Fixtures.cases("binary"))
    func binaryMatchesReference(_ c: FixtureCase) throws {
        try c.loaded()
        let op = try #require(binaryOps[c.op], "unknown op \(c.op)")
        let a = try c.input("A"), b = try c.input("B")
        // Pow goes through powf, whose float32 result may differ from the float64 reference by an ulp or two
        // beyond 1e-5 relative for large results; still far tighter than any model needs.
        let rel: Float = op == .pow ? 3e-5 : Tolerance.rel
        expectClose(Elementwise.binary(op, a, b), try c.expected(), relTol: rel, c.testDescription)
    }

    /// Cases where at least one operand already has the output shape (or the load-error case).
    static let inPlaceCases = Fixtures.cases("binary").filter { c in
        c.loadError != nil || c.inputs.contains { $0.shape.reduce(1, *) == c.outputs.first?.shape.reduce(1, *) }
    }

    @Test(arguments: inPlaceCases)
    func binaryInPlaceWhenAnOperandHasTheOutputShape(_ c: FixtureCase) throws {
        try c.loaded()
        let op = try #require(binaryOps[c.op])
        let a = try c.input("A"), b = try c.input("B"), expected = try c.expected()
        let rel: Float = op == .pow ? 3e-5 : Tolerance.rel
        var checked = 0
        if a.count == expected.count {   // c aliases a
            var buf = a.storage
            b.storage.withUnsafeBufferPointer { pb in
                buf.withUnsafeMutableBufferPointer { p in
                    Elementwise.binary(op, UnsafePointer(p.baseAddress!), shape: a.shape, pb.baseAddress!, shape: b.shape, into: p.baseAddress!)
                }
            }
            expectClose(Tensor(shape: expected.shape, storage: buf), expected, relTol: rel, "\(c.testDescription) c = a")
            checked += 1
        }
        if b.count == expected.count {   // c aliases b
            var buf = b.storage
            a.storage.withUnsafeBufferPointer { pa in
                buf.withUnsafeMutableBufferPointer { p in
                    Elementwise.binary(op, pa.baseAddress!, shape: a.shape, UnsafePointer(p.baseAddress!), shape: b.shape, into: p.baseAddress!)
                }
            }
            expectClose(Tensor(shape: expected.shape, storage: buf), expected, relTol: rel, "\(c.testDescription) c = b")
            checked += 1
        }
        #expect(checked >= 1, "\(c.testDescription): no operand of the output shape")
    }

    /// Large shapes: contiguous, scalar, per-channel, row/column and general patterns on the threaded paths.
    @Test(arguments: [
        ([4, 16, 40, 33], [4, 16, 40, 33]),   // same shape, chunked over threads
        ([4, 16, 40, 33], []),                // scalar
        ([1], [4, 16, 40, 33]),               // scalar on the left
        ([4, 16, 40, 33], [1, 16, 1, 1]),     // per-channel bias
        ([4, 16, 40, 33], [33]),              // last-axis vector
        ([4, 16, 40, 33], [16, 40, 1]),       // innermost broadcast inside a larger block
        ([4, 1, 40, 1], [1, 16, 1, 33]),      // both broadcast, alternating
        ([300, 1], [1, 257]),                 // outer product pattern
        ([2, 3, 1, 5, 1, 7], [3, 4, 1, 6, 7]),  // rank 6 mixed
    ])
    func largeBroadcastsMatchNaive(_ shapes: ([Int], [Int])) {
        let a = seededTensor(shapes.0, seed: 1), b = seededTensor(shapes.1, seed: 2)
        for op in [BinaryOp.add, .sub, .mul, .max] {
            expectClose(Elementwise.binary(op, a, b), naiveBinary(op, a, b), absTol: 0, relTol: 0, "\(op) \(shapes)")
        }
        expectClose(Elementwise.binary(.div, a, b), naiveBinary(.div, a, b), "div \(shapes)")
    }

    @Test func broadcastShapeAndHandValues() {
        let a = Tensor(shape: [2, 3], storage: [1, 2, 3, 4, 5, 6])
        let col = Tensor(shape: [2, 1], storage: [10, 20])
        let y = Elementwise.binary(.add, a, col)
        #expect(y.shape == [2, 3])
        #expect(y.storage == [11, 12, 13, 24, 25, 26])
        let z = Elementwise.binary(.sub, Tensor(scalar: 1), a)
        #expect(z.shape == [2, 3] && z.storage == [0, -1, -2, -3, -4, -5])
        let empty = Elementwise.binary(.mul, Tensor(shape: [0, 3]), Tensor(shape: [3], repeating: 2))
        #expect(empty.shape == [0, 3] && empty.count == 0)
    }

    @Test(arguments: Fixtures.cases("unary"))
    func unaryMatchesReference(_ c: FixtureCase) throws {
        try c.loaded()
        let f = try #require(unaryOps[c.op], "unknown op \(c.op)")
        let x = try c.input("X"), expected = try c.expected()
        expectClose(Elementwise.unary(f, x), expected, c.testDescription)
        // In place through the pointer form.
        var buf = x.storage
        buf.withUnsafeMutableBufferPointer { p in Elementwise.unary(f, UnsafePointer(p.baseAddress!), count: p.count, into: p.baseAddress!) }
        expectClose(Tensor(shape: x.shape, storage: buf), expected, "\(c.testDescription) in place")
    }

    @Test func unaryLargeIsChunkedCorrectly() {
        let x = seededTensor([3, 70_001], seed: 5)
        let y = Elementwise.unary(.neg, x)
        #expect(y.storage == x.storage.map { -$0 })
        let r = Elementwise.unary(.abs, x)
        #expect(r.storage == x.storage.map { abs($0) })
    }

    @Test func nonBroadcastingShapesStopWithBothShapesNamed() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Elementwise.binary(.add, Tensor(shape: [2, 3]), Tensor(shape: [4]))
        }
        #if DEBUG   // -O builds stop without printing precondition messages
        if let result {
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("[2, 3]") && text.contains("[4]"), "message: \(text)")
        }
        #else
        _ = result
        #endif
    }
}
