import Foundation
import Testing
@testable import TensorCore

@Suite struct NormalizationTests {
    @Test(arguments: Fixtures.cases("layernorm"))
    func layerNormMatchesReference(_ c: FixtureCase) throws {
        try c.loaded()
        let x = try c.input("X"), expected = try c.expected()
        let scale = c.has("Scale") ? try c.input("Scale") : nil
        let bias = c.has("B") ? try c.input("B") : nil
        let axis = c.int("axis", default: -1), eps = c.float("epsilon", default: 1e-5)
        expectClose(Normalization.layerNorm(x, axis: axis, epsilon: eps, scale: scale, bias: bias), expected, c.testDescription)
        // Pointer form, in place.
        var buf = x.storage
        buf.withUnsafeMutableBufferPointer { p in
            let g = scale?.storage, b = bias?.storage
            g.withOptionalPointer { pg in
                b.withOptionalPointer { pb in
                    Normalization.layerNorm(UnsafePointer(p.baseAddress!), shape: x.shape, axis: axis, epsilon: eps,
                                            scale: pg, bias: pb, into: p.baseAddress!)
                }
            }
        }
        expectClose(Tensor(shape: x.shape, storage: buf), expected, "\(c.testDescription) in place")
    }

    @Test func layerNormBroadcastsScaleAndBiasOverTheNormalisedShape() {
        // Normalise over [3, 8]; scale/bias of shape [8] apply to every one of the 3 rows.
        let x = seededTensor([2, 3, 8], seed: 3)
        let g = seededTensor([8], seed: 4), b = seededTensor([1, 8], seed: 5)
        let gFull = Tensor(shape: [3, 8], storage: Array((0..<3).map { _ in g.storage }.joined()))
        let bFull = Tensor(shape: [3, 8], storage: Array((0..<3).map { _ in b.storage }.joined()))
        expectClose(Normalization.layerNorm(x, axis: 1, epsilon: 1e-5, scale: g, bias: b),
                    Normalization.layerNorm(x, axis: 1, epsilon: 1e-5, scale: gFull, bias: bFull), absTol: 0, relTol: 0,
                    "broadcast scale/bias")
    }

    @Test func layerNormLargeBatchHasZeroMeanUnitVariance() {
        let x = seededTensor([512, 96], seed: 9)
        let y = Normalization.layerNorm(x, axis: -1, epsilon: 0, scale: nil, bias: nil)
        var worstMean: Double = 0, worstVar: Double = 0
        for r in 0..<512 {
            let row = y.storage[r * 96..<(r + 1) * 96].map { Double($0) }
            let mean = row.reduce(0, +) / 96
            let v = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 96
            worstMean = max(worstMean, abs(mean)); worstVar = max(worstVar, abs(v - 1))
        }
        #expect(worstMean < 1e-6, "worst row mean \(worstMean)")
        #expect(worstVar < 1e-5, "worst row variance error \(worstVar)")
    }

    @Test(arguments: Fixtures.cases("batchnorm"))
    func batchNormMatchesReference(_ c: FixtureCase) throws {
        try c.loaded()
        let x = try c.input("X"), expected = try c.expected()
        let scale = try c.input("scale"), bias = try c.input("B"), mean = try c.input("input_mean"), v = try c.input("input_var")
        let eps = c.float("epsilon", default: 1e-5)
        expectClose(Normalization.batchNorm(x, scale: scale, bias: bias, mean: mean, variance: v, epsilon: eps),
                    expected, c.testDescription)
    }

    @Test func batchNormLargeInPlaceMatchesFormula() {
        let x = seededTensor([4, 32, 20, 20], seed: 21)
        let g = seededTensor([32], seed: 22), b = seededTensor([32], seed: 23), m = seededTensor([32], seed: 24)
        let v = Tensor(shape: [32], storage: seededTensor([32], seed: 25).storage.map { abs($0) + 0.1 })
        var buf = x.storage
        buf.withUnsafeMutableBufferPointer { p in
            Normalization.batchNorm(UnsafePointer(p.baseAddress!), shape: x.shape, scale: g.storage, bias: b.storage,
                                    mean: m.storage, variance: v.storage, epsilon: 1e-5, into: p.baseAddress!)
        }
        var expected = x
        for i in 0..<x.count {
            let ch = (i / 400) % 32
            let e = (Double(x.storage[i]) - Double(m.storage[ch])) / (Double(v.storage[ch]) + 1e-5).squareRoot()
                * Double(g.storage[ch]) + Double(b.storage[ch])
            expected.storage[i] = Float(e)
        }
        expectClose(Tensor(shape: x.shape, storage: buf), expected, "batchNorm in place")
    }
}

private extension Optional where Wrapped == [Float] {
    func withOptionalPointer<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
        guard let a = self else { return body(nil) }
        return a.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
