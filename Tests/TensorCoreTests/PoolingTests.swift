import Testing
@testable import TensorCore

/// PoolParameters from a fixture case's ONNX attributes.
private func poolParameters(_ c: FixtureCase) throws -> PoolParameters {
    let kernel = try #require(c.ints(attr: "kernel_shape"), "\(c.name): kernel_shape")
    return PoolParameters(kernel: kernel, strides: c.ints(attr: "strides"), pads: c.ints(attr: "pads"),
                          dilations: c.ints(attr: "dilations"), ceilMode: c.int("ceil_mode", default: 0) != 0,
                          countIncludePad: c.int("count_include_pad", default: 0) != 0)
}

/// Runs `pool` on each `[N, C]` plane alone (small, serial) and stacks the results, to compare with one call
/// on the whole batch (large, parallel).
private func planeByPlane(_ x: Tensor, _ pool: (Tensor) -> Tensor) -> Tensor {
    let planes = x.shape[0] * x.shape[1]
    let size = x.count / planes
    var out: [Float] = []
    var outSpatial: [Int] = []
    for p in 0..<planes {
        let plane = Tensor(shape: [1, 1] + Array(x.shape.dropFirst(2)), storage: Array(x.storage[p * size..<(p + 1) * size]))
        let y = pool(plane)
        outSpatial = Array(y.shape.dropFirst(2))
        out += y.storage
    }
    return Tensor(shape: [x.shape[0], x.shape[1]] + outSpatial, storage: out)
}

@Suite struct PoolingTests {
    @Test(arguments: Fixtures.cases("maxpool"))
    func maxPoolMatchesReference(_ c: FixtureCase) throws {
        try c.loaded()
        let x = try c.input("X"), expected = try c.expected()
        let p = try poolParameters(c)
        #expect(p.outputShape(input: x.shape) == expected.shape, "\(c.name)")
        expectClose(Pooling.maxPool(x, p), expected, c.testDescription)
    }

    @Test(arguments: Fixtures.cases("avgpool"))
    func averagePoolMatchesReference(_ c: FixtureCase) throws {
        try c.loaded()
        let x = try c.input("X"), expected = try c.expected()
        let p = try poolParameters(c)
        #expect(p.outputShape(input: x.shape) == expected.shape, "\(c.name)")
        expectClose(Pooling.averagePool(x, p), expected, c.testDescription)
    }

    @Test(arguments: Fixtures.cases("globalavgpool"))
    func globalAveragePoolMatchesReference(_ c: FixtureCase) throws {
        try c.loaded()
        expectClose(Pooling.globalAveragePool(try c.input("X")), try c.expected(), c.testDescription)
    }

    @Test(arguments: Fixtures.cases("globalmaxpool"))
    func globalMaxPoolMatchesReference(_ c: FixtureCase) throws {
        try c.loaded()
        expectClose(Pooling.globalMaxPool(try c.input("X")), try c.expected(), c.testDescription)
    }

    @Test func pointerFormWritesOnlyTheOutput() throws {
        // One buffer with guard cells around the output: the pointer form must fill exactly the output.
        let c = try #require(Fixtures.cases("maxpool").first { $0.name == "2d_k3_s2_p1_ceil" })
        try c.loaded()
        let x = try c.input("X"), expected = try c.expected()
        let p = try poolParameters(c)
        var buffer = [Float](repeating: 12345, count: expected.count + 2)
        x.storage.withUnsafeBufferPointer { px in
            buffer.withUnsafeMutableBufferPointer { py in
                Pooling.maxPool(px.baseAddress!, shape: x.shape, p, into: py.baseAddress! + 1)
            }
        }
        #expect(buffer.first == 12345 && buffer.last == 12345)
        expectClose(Tensor(shape: expected.shape, storage: Array(buffer[1...expected.count])), expected, "pointer maxPool")
    }

    @Test func defaultsAndOutputShapeRules() {
        let p = PoolParameters(kernel: [2, 2])
        #expect(p.strides == [1, 1] && p.pads == [0, 0, 0, 0] && p.dilations == [1, 1])
        #expect(!p.ceilMode && !p.countIncludePad)
        // floor((7 + 2 - 3) / 2) + 1 = 4; ceil mode: ceil(6 / 2) + 1 = 4.
        #expect(PoolParameters(kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1]).outputShape(input: [1, 2, 7, 7]) == [1, 2, 4, 4])
        // Ceil mode adds a window that overhangs the input end: ceil((6 - 3) / 2) + 1 = 3.
        #expect(PoolParameters(kernel: [3], strides: [2], ceilMode: true).outputShape(input: [1, 1, 6]) == [1, 1, 3])
        // ... but drops one that would start inside the end padding: in 5, k 2, s 2, pads 1/1 → 3, not 4.
        #expect(PoolParameters(kernel: [2], strides: [2], pads: [1, 1], ceilMode: true).outputShape(input: [1, 1, 5]) == [1, 1, 3])
        // Dilation widens the window to (k - 1)·d + 1 = 5.
        #expect(PoolParameters(kernel: [3, 3], dilations: [2, 2]).outputShape(input: [2, 3, 9, 8]) == [2, 3, 5, 4])
    }

    @Test func largeBatchMatchesPlaneByPlane() {
        // Large enough that the planes are split over threads.
        let x = seededTensor([2, 24, 33, 31], seed: 11)
        let p = PoolParameters(kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true, countIncludePad: true)
        expectClose(Pooling.maxPool(x, p), planeByPlane(x) { Pooling.maxPool($0, p) }, absTol: 0, relTol: 0, "maxPool batch")
        expectClose(Pooling.averagePool(x, p), planeByPlane(x) { Pooling.averagePool($0, p) }, absTol: 0, relTol: 0, "avgPool batch")
        expectClose(Pooling.globalAveragePool(x), planeByPlane(x) { Pooling.globalAveragePool($0) }, absTol: 0, relTol: 0, "GAP batch")
    }

    @Test func handWorkedAveragePadding() {
        // 1-D [1, 2, 3], kernel 2, stride 1, pads 1/1: windows (pad,1) (1,2) (2,3) (3,pad).
        let x = Tensor(shape: [1, 1, 3], storage: [1, 2, 3])
        let exclude = Pooling.averagePool(x, PoolParameters(kernel: [2], pads: [1, 1]))
        #expect(exclude.storage == [1, 1.5, 2.5, 3])
        let include = Pooling.averagePool(x, PoolParameters(kernel: [2], pads: [1, 1], countIncludePad: true))
        #expect(include.storage == [0.5, 1.5, 2.5, 1.5])
        let mx = Pooling.maxPool(x, PoolParameters(kernel: [2], pads: [1, 1]))
        #expect(mx.storage == [1, 2, 3, 3])
    }
}
