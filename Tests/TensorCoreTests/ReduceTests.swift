import Testing
@testable import TensorCore

private enum Kind: String { case mean = "ReduceMean", sum = "ReduceSum", max = "ReduceMax" }

private func reduce(_ kind: Kind, _ x: Tensor, axes: [Int], keepDims: Bool) -> Tensor {
    switch kind {
    case .mean: return Reduce.mean(x, axes: axes, keepDims: keepDims)
    case .sum: return Reduce.sum(x, axes: axes, keepDims: keepDims)
    case .max: return Reduce.max(x, axes: axes, keepDims: keepDims)
    }
}

/// Reduction by visiting every input element and adding it to its output slot (double accumulation).
private func naiveReduce(_ kind: Kind, _ x: Tensor, axes: [Int]) -> [Float] {
    let r = x.rank
    let reduced = Set(axes.isEmpty ? Array(0..<r) : axes.map { $0 < 0 ? $0 + r : $0 })
    let outShape = (0..<r).map { reduced.contains($0) ? 1 : x.shape[$0] }
    let outStrides = Tensor.strides(outShape)
    let n = Tensor.elementCount(outShape)
    var acc = [Double](repeating: kind == .max ? -.infinity : 0, count: n)
    for flat in 0..<x.count {
        var rem = flat, o = 0
        for k in stride(from: r - 1, through: 0, by: -1) {
            let i = rem % x.shape[k]; rem /= x.shape[k]
            if !reduced.contains(k) { o += i * outStrides[k] }
        }
        let v = Double(x.storage[flat])
        acc[o] = kind == .max ? Swift.max(acc[o], v) : acc[o] + v
    }
    let count = Double(x.count / n)
    return acc.map { Float(kind == .mean ? $0 / count : $0) }
}

@Suite struct ReduceTests {
    @Test(arguments: Fixtures.cases("reduce"))
    func reduceMatchesReference(_ c: FixtureCase) throws {
        try c.loaded()
        let kind = try #require(Kind(rawValue: c.op), "unknown op \(c.op)")
        let x = try c.input("data"), expected = try c.expected()
        let axes = c.ints("axes") ?? []
        let keep = c.int("keepdims", default: 1) != 0
        #expect(Reduce.outputShape(input: x.shape, axes: axes, keepDims: keep) == expected.shape)
        expectClose(reduce(kind, x, axes: axes, keepDims: keep), expected, c.testDescription)
    }

    @Test func outputShapeRules() {
        #expect(Reduce.outputShape(input: [2, 3, 4], axes: [-1], keepDims: true) == [2, 3, 1])
        #expect(Reduce.outputShape(input: [2, 3, 4], axes: [0, 2], keepDims: false) == [3])
        #expect(Reduce.outputShape(input: [2, 3, 4], axes: [], keepDims: true) == [1, 1, 1])
        #expect(Reduce.outputShape(input: [2, 3, 4], axes: [], keepDims: false) == [])
    }

    /// Large inputs take the threaded path (outermost axis kept) or the serial accumulation (outermost reduced).
    @Test(arguments: [
        ([64, 3000], [1]), ([4, 64, 32, 32], [2, 3]), ([4, 64, 32, 32], [1]), ([3000, 64], [0]),
        ([8, 50, 7, 40], [0, 2]), ([16, 1, 300, 20], [-1, 1]), ([5, 6, 7, 8, 9], [1, 3]),
    ])
    func largeReductionsMatchNaive(_ spec: ([Int], [Int])) {
        let x = seededTensor(spec.0, seed: 13)
        for kind in [Kind.sum, .mean, .max] {
            let y = reduce(kind, x, axes: spec.1, keepDims: true)
            let expected = Tensor(shape: y.shape, storage: naiveReduce(kind, x, axes: spec.1))
            // Up to 3000 terms in [-2, 2): when the reduced axes are not innermost the kernel accumulates
            // whole rows in float32, which drifts from the double reference by up to ~sqrt(n) ulps of the
            // partial sums (~1e-4 here), hence 1e-3 absolute for sum/mean. An indexing bug is off by O(1).
            expectClose(y, expected, absTol: kind == .max ? 0 : 1e-3, relTol: kind == .max ? 0 : 1e-5, "\(kind) \(spec)")
        }
    }
}
