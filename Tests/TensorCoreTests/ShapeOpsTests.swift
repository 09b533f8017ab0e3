import Testing
@testable import TensorCore

/// Transpose the obvious way: every output multi-index reads its permuted input index.
private func naiveTranspose(_ x: Tensor, _ perm: [Int]) -> Tensor {
    let outShape = perm.map { x.shape[$0] }
    let inStrides = Tensor.strides(x.shape)
    var y = Tensor(shape: outShape)
    for flat in 0..<y.count {
        var rem = flat, src = 0
        for k in stride(from: outShape.count - 1, through: 0, by: -1) {
            src += (rem % outShape[k]) * inStrides[perm[k]]; rem /= outShape[k]
        }
        y.storage[flat] = x.storage[src]
    }
    return y
}

private func padMode(_ c: FixtureCase) throws -> PadMode {
    switch c.string("mode", default: "constant") {
    case "constant": return .constant(c.has("constant_value") ? try c.input("constant_value").storage[0] : 0)
    case "reflect": return .reflect
    case "edge": return .edge
    case let m: Issue.record("unknown pad mode \(m)"); return .edge
    }
}

@Suite struct ShapeOpsTests {
    // MARK: Transpose

    @Test(arguments: Fixtures.cases("transpose"))
    func transposeMatchesReference(_ c: FixtureCase) throws {
        try c.loaded()
        let x = try c.input("data"), expected = try c.expected()
        let perm = c.ints(attr: "perm") ?? Array((0..<x.rank).reversed())   // ONNX default: reverse
        expectClose(ShapeOps.transpose(x, perm: perm), expected, absTol: 0, relTol: 0, c.testDescription)
        // Pointer form into a buffer with guard cells.
        var buf = [Float](repeating: -7, count: x.count + 2)
        x.storage.withUnsafeBufferPointer { px in
            buf.withUnsafeMutableBufferPointer { py in
                ShapeOps.transpose(px.baseAddress!, shape: x.shape, perm: perm, into: py.baseAddress! + 1)
            }
        }
        #expect(buf.first == -7 && buf.last == -7, "\(c.name): wrote outside the output")
        expectClose(Tensor(shape: expected.shape, storage: Array(buf[1...x.count])), expected, absTol: 0, relTol: 0, "\(c.name) pointer")
    }

    /// Each shape drives one fast path: blocked 2-D (threaded), batched last-two swap, NCHW→NHWC (fused to a
    /// batched swap), contiguous-run copies, and the general strided gather.
    @Test(arguments: [
        ([300, 257], [1, 0]),
        ([3, 70, 90], [0, 2, 1]),
        ([2, 16, 24, 24], [0, 2, 3, 1]),
        ([2, 24, 24, 16], [0, 3, 1, 2]),
        ([4, 5, 6, 70], [1, 0, 2, 3]),
        ([6, 7, 8, 9], [3, 1, 0, 2]),
        ([1, 64, 1, 300], [3, 2, 0, 1]),
    ])
    func largeTransposesMatchNaive(_ spec: ([Int], [Int])) {
        let x = seededTensor(spec.0, seed: 31)
        expectClose(ShapeOps.transpose(x, perm: spec.1), naiveTranspose(x, spec.1), absTol: 0, relTol: 0, "\(spec)")
    }

    @Test func transposeRoundTrips() {
        let x = seededTensor([2, 3, 4, 5], seed: 2)
        let y = ShapeOps.transpose(ShapeOps.transpose(x, perm: [2, 0, 3, 1]), perm: [1, 3, 0, 2])
        #expect(y == x)
    }

    // MARK: Concat

    @Test(arguments: Fixtures.cases("concat"))
    func concatMatchesReference(_ c: FixtureCase) throws {
        try c.loaded()
        let xs = try c.inputs.map { try c.input($0.name) }
        let axis = c.int("axis", default: 0)
        expectClose(ShapeOps.concat(xs, axis: axis), try c.expected(), absTol: 0, relTol: 0, c.testDescription)
    }

    @Test func concatLargeOuterIsThreadedCorrectly() {
        let a = seededTensor([2000, 3, 5], seed: 1), b = seededTensor([2000, 2, 5], seed: 2)
        let y = ShapeOps.concat([a, b], axis: 1)
        #expect(y.shape == [2000, 5, 5])
        #expect(Array(y.storage[0..<15]) == Array(a.storage[0..<15]))
        #expect(Array(y.storage[15..<25]) == Array(b.storage[0..<10]))
        let last = 1999
        #expect(Array(y.storage[(last * 25)..<(last * 25 + 15)]) == Array(a.storage[(last * 15)..<(last * 15 + 15)]))
        #expect(Array(y.storage[(last * 25 + 15)..<(last * 25 + 25)]) == Array(b.storage[(last * 10)..<(last * 10 + 10)]))
    }

    // MARK: Slice

    @Test(arguments: Fixtures.cases("slice"))
    func sliceMatchesReference(_ c: FixtureCase) throws {
        try c.loaded()
        let x = try c.input("data"), expected = try c.expected()
        let starts = try #require(c.ints("starts")), ends = try #require(c.ints("ends"))
        let y = ShapeOps.slice(x, starts: starts, ends: ends, axes: c.ints("axes"), steps: c.ints("steps"))
        expectClose(y, expected, absTol: 0, relTol: 0, c.testDescription)
        let p = SliceParameters(shape: x.shape, starts: starts, ends: ends, axes: c.ints("axes"), steps: c.ints("steps"))
        #expect(p.outputShape == expected.shape)
    }

    @Test func sliceParametersNormalise() {
        // Reverse everything: start -1 → 9, end INT64_MIN → clamps to -1 (before the first element).
        let r = SliceParameters(shape: [10], starts: [-1], ends: [Int.min], axes: nil, steps: [-1])
        #expect(r.starts == [9] && r.steps == [-1] && r.outputShape == [10])
        let e = SliceParameters(shape: [4, 6], starts: [1], ends: [Int.max], axes: [-1], steps: [4])
        #expect(e.starts == [0, 1] && e.steps == [1, 4] && e.outputShape == [4, 2])
        let empty = SliceParameters(shape: [5], starts: [4], ends: [2], axes: [0], steps: [1])
        #expect(empty.outputShape == [0])
        let clampedBack = SliceParameters(shape: [7], starts: [100], ends: [2], axes: [0], steps: [-3])
        #expect(clampedBack.starts == [6] && clampedBack.outputShape == [2])   // 6, 3
    }

    @Test func sliceLargeStridedMatchesIndexing() {
        let x = seededTensor([8, 50, 60], seed: 4)
        let y = ShapeOps.slice(x, starts: [1, -1, 3], ends: [8, 0, 59], axes: nil, steps: [3, -2, 5])
        #expect(y.shape == [3, 25, 12])
        var expected: [Float] = []
        for i in stride(from: 1, to: 8, by: 3) { for j in stride(from: 49, to: 0, by: -2) { for k in stride(from: 3, to: 59, by: 5) {
            expected.append(x[i, j, k])
        } } }
        #expect(y.storage == expected)
    }

    // MARK: Gather

    @Test(arguments: Fixtures.cases("gather"))
    func gatherMatchesReference(_ c: FixtureCase) throws {
        try c.loaded()
        let x = try c.input("data")
        let idx = try #require(c.ints("indices")), ishape = try #require(c.shape("indices"))
        let y = ShapeOps.gather(x, indices: idx, indicesShape: ishape, axis: c.int("axis", default: 0))
        expectClose(y, try c.expected(), absTol: 0, relTol: 0, c.testDescription)
    }

    // MARK: Pad

    @Test(arguments: Fixtures.cases("pad"))
    func padMatchesReference(_ c: FixtureCase) throws {
        try c.loaded()
        let x = try c.input("data"), expected = try c.expected()
        let pads = try #require(c.ints("pads"))
        let mode = try padMode(c)
        #expect(ShapeOps.padShape(x.shape, pads: pads) == expected.shape)
        expectClose(ShapeOps.pad(x, pads: pads, mode: mode), expected, absTol: 0, relTol: 0, c.testDescription)
    }

    @Test func padCropBeyondTheDataLeavesOnlyTheConstant() {
        // Crop 3 from a 2-element axis, then extend by 5: what remains is padding (pad-then-crop gives the same).
        let y = ShapeOps.pad(Tensor(shape: [2], storage: [1, 2]), pads: [-3, 5], mode: .constant(7))
        #expect(y.shape == [4] && y.storage == [7, 7, 7, 7])
        let z = ShapeOps.pad(Tensor(shape: [2, 3], storage: [1, 2, 3, 4, 5, 6]), pads: [-1, 1, 0, -1], mode: .edge)
        #expect(z.shape == [1, 3] && z.storage == [4, 4, 5])
    }

    @Test func padLargeReflectMatchesIndexMapping() {
        let x = seededTensor([2, 8, 40, 50], seed: 8)
        let y = ShapeOps.pad(x, pads: [0, 0, 3, 2, 0, 0, 1, 4], mode: .reflect)
        #expect(y.shape == [2, 8, 44, 56])
        func reflect(_ i: Int, _ n: Int) -> Int { i < 0 ? -i : (i >= n ? 2 * (n - 1) - i : i) }
        var worst = 0
        for n in 0..<2 { for ch in 0..<8 { for h in 0..<44 { for w in 0..<56 {
            if y[n, ch, h, w] != x[n, ch, reflect(h - 3, 40), reflect(w - 2, 50)] { worst += 1 }
        } } } }
        #expect(worst == 0, "\(worst) elements differ")
    }
}
