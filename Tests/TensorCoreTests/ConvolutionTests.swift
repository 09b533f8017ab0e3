import Testing
@testable import TensorCore

/// ConvParameters from a fixture case's ONNX attributes.
private func convParameters(_ c: FixtureCase) throws -> ConvParameters {
    let kernel = try #require(c.ints(attr: "kernel_shape"), "\(c.name): kernel_shape")
    return ConvParameters(kernel: kernel, strides: c.ints(attr: "strides"), pads: c.ints(attr: "pads"),
                          dilations: c.ints(attr: "dilations"), group: c.int("group", default: 1),
                          outputPadding: c.ints(attr: "output_padding"))
}

/// Convolutions against numpy references (Tools/fixtures/make_kernel_fixtures.py, cross-checked with
/// onnxruntime). Tolerance: 1e-5 absolute + 1e-5 relative (Tolerance), float32 sums of ≤ 300 terms.
@Suite struct ConvolutionTests {
    @Test(arguments: Fixtures.cases("conv"))
    func convMatchesReference(_ c: FixtureCase) throws {
        try c.loaded()
        let p = try convParameters(c)
        let x = try c.input("X"), w = try c.input("W")
        let b = c.has("B") ? try c.input("B") : nil
        expectClose(Convolution.conv(x, weight: w, bias: b, p), try c.expected(), c.name)
    }

    @Test(arguments: Fixtures.cases("conv"))
    func convIsTheSameOnOneThread(_ c: FixtureCase) throws {
        // The threaded split (by sample, by im2col tile, by product block) must not change results beyond rounding.
        try c.loaded()
        let p = try convParameters(c)
        let x = try c.input("X"), w = try c.input("W")
        let b = c.has("B") ? try c.input("B") : nil
        // A budget for this call only (tests run in parallel: no test changes the process-wide setting).
        let single = TensorThreads.withThreads(1) { Convolution.conv(x, weight: w, bias: b, p) }
        let split = TensorThreads.withThreads(2) { Convolution.conv(x, weight: w, bias: b, p) }
        expectClose(split, single, c.name)
    }

    @Test(arguments: Fixtures.cases("convtranspose"))
    func convTransposeMatchesReference(_ c: FixtureCase) throws {
        try c.loaded()
        let p = try convParameters(c)
        let x = try c.input("X"), w = try c.input("W")
        let b = c.has("B") ? try c.input("B") : nil
        expectClose(Convolution.convTranspose(x, weight: w, bias: b, p), try c.expected(), c.name)
    }

    @Test func fusedEpilogueEqualsSeparateSteps() throws {
        // conv + bias + residual + ReLU in one call equals the same operations done one after the other.
        let c = try #require(Fixtures.cases("conv").first { $0.name.hasPrefix("2d_k3_p1") })
        let p = try convParameters(c)
        let x = try c.input("X"), w = try c.input("W"), b = try c.input("B")
        let plain = Convolution.conv(x, weight: w, bias: b, p)
        var residual = plain
        for i in 0..<residual.count { residual.storage[i] = Float(i % 7) - 3 }
        let fused = Convolution.conv(x, weight: w, bias: b, p, activation: .relu, residual: residual)
        let separate = Activation.relu(Elementwise.binary(.add, plain, residual))
        expectClose(fused, separate, "fused epilogue")
        #expect(fused.storage.contains(0) && fused.storage.contains { $0 > 0 }, "the case should exercise both ReLU branches")
    }

    @Test func largeConvolutionUsesTilesAndMatchesDirectSum() {
        // Large enough for several im2col tiles and a split product; checked against a direct
        // quadruple loop in Double at 64 sampled outputs.
        let x = Tensor(shape: [2, 8, 40, 50], storage: (0..<(2 * 8 * 40 * 50)).map { Float(($0 * 7919) % 101) / 50 - 1 })
        let w = Tensor(shape: [6, 4, 3, 3], storage: (0..<(6 * 4 * 9)).map { Float(($0 * 104729) % 37) / 18 - 1 })
        let p = ConvParameters(kernel: [3, 3], strides: [1, 2], pads: [1, 0, 2, 1], dilations: [2, 1], group: 2)
        let y = Convolution.conv(x, weight: w, p)
        #expect(y.shape == [2, 6, 39, 25])
        for s in 0..<64 {
            let n = s % 2, m = (s * 5) % 6, oh = (s * 11) % 39, ow = (s * 7) % 25
            let grp = m / 3
            var acc = 0.0
            for c in 0..<4 { for kh in 0..<3 { for kw in 0..<3 {
                let ih = oh - 1 + kh * 2, iw = ow * 2 - 0 + kw
                if ih >= 0 && ih < 40 && iw >= 0 && iw < 50 {
                    acc += Double(x[n, grp * 4 + c, ih, iw]) * Double(w[m, c, kh, kw])
                }
            } } }
            #expect(abs(Double(y[n, m, oh, ow]) - acc) <= 1e-4 * max(1, abs(acc)), "y[\(n),\(m),\(oh),\(ow)]")
        }
    }

    @Test func depthwiseDirectLoopMatchesDirectSum() {
        // Depthwise convolutions take a direct loop; check strides, dilations, asymmetric pads, bias and
        // activation against a plain Double sum at every output.
        let c = 5
        let x = Tensor(shape: [2, c, 11, 13], storage: (0..<(2 * c * 11 * 13)).map { Float(($0 * 7919) % 97) / 48 - 1 })
        let w = Tensor(shape: [c, 1, 3, 2], storage: (0..<(c * 6)).map { Float(($0 * 31) % 13) / 6 - 1 })
        let b = Tensor(shape: [c], storage: (0..<c).map { Float($0) * 0.1 - 0.2 })
        let p = ConvParameters(kernel: [3, 2], strides: [2, 1], pads: [1, 2, 0, 1], dilations: [1, 3], group: c)
        let y = Convolution.conv(x, weight: w, bias: b, p, activation: .relu)
        #expect(y.shape == [2, c, 5, 13])   // (11 + 1 − 3) / 2 + 1 rows, (13 + 3 − 4) + 1 columns
        var worst = 0.0
        for n in 0..<2 { for m in 0..<c { for oh in 0..<5 { for ow in 0..<13 {
            var acc = Double(b.storage[m])
            for kh in 0..<3 { for kw in 0..<2 {
                let ih = oh * 2 - 1 + kh, iw = ow - 2 + kw * 3
                if ih >= 0 && ih < 11 && iw >= 0 && iw < 13 { acc += Double(x[n, m, ih, iw]) * Double(w[m, 0, kh, kw]) }
            } }
            worst = max(worst, abs(Double(y[n, m, oh, ow]) - max(acc, 0)))
        } } } }
        #expect(worst <= 1e-5, "largest difference \(worst)")
    }

    @Test func batchNormFoldingMatchesConvThenBatchNorm() throws {
        let c = try #require(Fixtures.cases("conv").first { $0.has("B") })
        let p = try convParameters(c)
        let x = try c.input("X"), w = try c.input("W"), b = try c.input("B")
        let m = w.shape[0]
        let scale = (0..<m).map { 0.5 + Float($0) * 0.25 }, shift = (0..<m).map { Float($0) * 0.1 - 0.2 }
        let mean = (0..<m).map { Float($0) * 0.05 }, variance = (0..<m).map { 0.5 + Float($0) }
        let reference = Normalization.batchNorm(Convolution.conv(x, weight: w, bias: b, p),
                                                scale: Tensor(shape: [m], storage: scale), bias: Tensor(shape: [m], storage: shift),
                                                mean: Tensor(shape: [m], storage: mean), variance: Tensor(shape: [m], storage: variance),
                                                epsilon: 1e-5)
        var foldedW = w
        var foldedB = b.storage
        Convolution.foldBatchNorm(weight: &foldedW, bias: &foldedB, scale: scale, shift: shift, mean: mean, variance: variance, epsilon: 1e-5)
        expectClose(Convolution.conv(x, weight: foldedW, bias: Tensor(shape: [m], storage: foldedB), p), reference, "folded BN")
    }
}

/// Matrix products against numpy references (same fixtures script).
@Suite struct GemmTests {
    @Test(arguments: Fixtures.cases("matmul"))
    func matmulMatchesReference(_ c: FixtureCase) throws {
        try c.loaded()
        expectClose(Gemm.matmul(try c.input("A"), try c.input("B")), try c.expected(), c.name)
    }

    @Test(arguments: Fixtures.cases("gemm"))
    func gemmMatchesReference(_ c: FixtureCase) throws {
        try c.loaded()
        let a = try c.input("A"), b = try c.input("B")
        let transA = c.int("transA", default: 0) != 0, transB = c.int("transB", default: 0) != 0
        let alpha = c.float("alpha", default: 1), beta = c.float("beta", default: 1)
        let m = transA ? a.shape[1] : a.shape[0], k = transA ? a.shape[0] : a.shape[1]
        let n = transB ? b.shape[0] : b.shape[1]
        var y = Tensor(shape: [m, n])
        if c.has("C") {
            let cT = try c.input("C")
            let offsets = Broadcast.sourceOffsets(from: cT.shape, to: [m, n])
            for i in 0..<(m * n) { y.storage[i] = cT.storage[offsets[i]] }
        }
        let useC = c.has("C")
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                y.storage.withUnsafeMutableBufferPointer { py in
                    Gemm.sgemm(transposeA: transA, transposeB: transB, m: m, n: n, k: k, alpha: alpha,
                               a: pa.baseAddress!, lda: a.shape[1], b: pb.baseAddress!, ldb: b.shape[1],
                               beta: useC ? beta : 0, c: py.baseAddress!, ldc: n)
                }
            }
        }
        expectClose(y, try c.expected(), c.name)
    }

    @Test func largeProductSplitAcrossThreadsEqualsSingleThread() {
        // Large enough for the block split; the split must not change any element beyond rounding.
        let m = 96, k = 300, n = 700
        let a = Tensor(shape: [m, k], storage: (0..<(m * k)).map { Float(($0 * 31) % 17) / 8 - 1 })
        let b = Tensor(shape: [k, n], storage: (0..<(k * n)).map { Float(($0 * 13) % 23) / 11 - 1 })
        let single = TensorThreads.withThreads(1) { Gemm.matmul(a, b) }
        let split = TensorThreads.withThreads(2) { Gemm.matmul(a, b) }
        expectClose(split, single, "split product")
        // And one element against a Double dot product.
        var acc = 0.0
        for i in 0..<k { acc += Double(a[5, i]) * Double(b[i, 601]) }
        #expect(abs(Double(split[5, 601]) - acc) < 1e-3)
    }

    @Test func linearAddsBiasAndActivation() {
        let x = Tensor(shape: [2, 3], storage: [1, 2, 3, 4, 5, 6])
        let w = Tensor(shape: [2, 3], storage: [1, 0, -1, 0.5, 0.5, 0.5])
        let b = Tensor(shape: [2], storage: [0.5, -10])
        // By hand: x·wᵀ = [[-2, 3], [-2, 7.5]]; + b = [[-1.5, -7], [-1.5, -2.5]]; ReLU → zeros; identity as is.
        #expect(Gemm.linear(x, weight: w, bias: b).storage == [-1.5, -7, -1.5, -2.5])
        #expect(Gemm.linear(x, weight: w, bias: b, activation: .relu).storage == [0, 0, 0, 0])
    }
}
