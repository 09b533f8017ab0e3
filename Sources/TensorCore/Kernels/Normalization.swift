import Foundation

/// Layer and (inference) batch normalisation (ONNX LayerNormalization opset 17, BatchNormalization
/// opset 15 in inference mode).
///
/// ```swift
/// let h = Normalization.layerNorm(x, axis: -1, epsilon: 1e-5, scale: gamma, bias: beta)
/// let z = Normalization.batchNorm(x, scale: g, bias: b, mean: mu, variance: v, epsilon: 1e-5)
/// ```
public enum Normalization {
    /// LayerNormalization (opset 17): normalise over axes axis..<rank; scale/bias have shape x.shape[axis...] (or broadcastable: accept count == normalized size, or nil).
    ///
    /// With `D = shape[axis...].product`, every one of the `shape[..<axis].product` rows of `D` values becomes
    /// `(x − mean) / sqrt(var + epsilon) · scale + bias`, with the biased (population) variance. Mean and
    /// variance are two passes over the row (float32 SIMD lanes, combined in double precision). The pointer
    /// form reads exactly `D` values from `scale` and `bias` (nil: 1 and 0); `y` has `shape` and may be `x`.
    /// - Precondition: `axis` lies in `-rank..<rank`.
    public static func layerNorm(_ x: UnsafePointer<Float>, shape: [Int], axis: Int, epsilon: Float,
                                 scale: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
                                 into y: UnsafeMutablePointer<Float>) {
        let ax = normalizedAxis(axis, rank: shape.count, "Normalization.layerNorm", shape: shape)
        let rows = Tensor.elementCount(Array(shape[..<ax]))
        let d = Tensor.elementCount(Array(shape[ax...]))
        if rows == 0 || d == 0 { return }
        TensorThreads.parallelFor(rows, minimumPerThread: Swift.max(1, 16_384 / d)) { r in
            let xr = x + r * d, yr = y + r * d
            let mu = Float(contiguousSum(xr, d) / Double(d))
            let v = contiguousSquaredDeviation(xr, d, mean: mu)
            let inv = Float(1 / (v / Double(d) + Double(epsilon)).squareRoot())
            switch (scale, bias) {
            case let (g?, b?): for i in 0..<d { yr[i] = (xr[i] - mu) * inv * g[i] + b[i] }
            case let (g?, nil): for i in 0..<d { yr[i] = (xr[i] - mu) * inv * g[i] }
            case let (nil, b?): for i in 0..<d { yr[i] = (xr[i] - mu) * inv + b[i] }
            case (nil, nil): for i in 0..<d { yr[i] = (xr[i] - mu) * inv }
            }
        }
    }

    /// `t` laid out over the normalised shape: itself when it has that many elements, else expanded by
    /// broadcasting (ONNX allows Scale/B broadcastable to `x.shape[axis...]`).
    private static func expanded(_ t: Tensor, to normalized: [Int], _ what: String, xShape: [Int], axis: Int) -> Tensor {
        if t.count == Tensor.elementCount(normalized) { return t }
        guard let b = Broadcast.shape(t.shape, normalized), b == normalized else {
            preconditionFailure("Normalization.layerNorm: \(what) shape \(t.shape) does not broadcast to normalised shape \(normalized) of input \(xShape) at axis \(axis)")
        }
        let offsets = Broadcast.sourceOffsets(from: t.shape, to: normalized)
        return Tensor(shape: normalized, storage: offsets.map { t.storage[$0] })
    }

    /// LayerNormalization of a tensor over `axis...` (negative axis allowed); same shape as `x`.
    /// `scale`/`bias` have `x.shape[axis...].product` elements or broadcast to `x.shape[axis...]`.
    public static func layerNorm(_ x: Tensor, axis: Int, epsilon: Float, scale: Tensor?, bias: Tensor?) -> Tensor {
        let ax = normalizedAxis(axis, rank: x.rank, "Normalization.layerNorm", shape: x.shape)
        let normalized = Array(x.shape[ax...])
        let g = scale.map { expanded($0, to: normalized, "scale", xShape: x.shape, axis: axis) }
        let b = bias.map { expanded($0, to: normalized, "bias", xShape: x.shape, axis: axis) }
        return kernelOutput(shape: x.shape) { y in
            withReadPointer(x) { px in
                withOptionalReadPointer(g) { pg in
                    withOptionalReadPointer(b) { pb in
                        layerNorm(px, shape: x.shape, axis: ax, epsilon: epsilon, scale: pg, bias: pb, into: y)
                    }
                }
            }
        }
    }

    /// Inference BatchNormalization over channel axis 1 of [N, C, ...].
    ///
    /// `y = (x − mean[c]) / sqrt(variance[c] + epsilon) · scale[c] + bias[c]`, folded per channel into one
    /// multiply-add. `scale`, `bias`, `mean`, `variance` hold `C = shape[1]` values; `y` has `shape` and may be `x`.
    /// - Precondition: rank ≥ 2.
    public static func batchNorm(_ x: UnsafePointer<Float>, shape: [Int], scale: UnsafePointer<Float>,
                                 bias: UnsafePointer<Float>, mean: UnsafePointer<Float>,
                                 variance: UnsafePointer<Float>, epsilon: Float, into y: UnsafeMutablePointer<Float>) {
        precondition(shape.count >= 2, "Normalization.batchNorm: input shape \(shape) must be [N, C, ...]")
        let c = shape[1]
        let planes = shape[0] * c
        let size = Tensor.elementCount(Array(shape.dropFirst(2)))
        if planes == 0 || size == 0 { return }
        TensorThreads.parallelFor(planes, minimumPerThread: Swift.max(1, 32_768 / size)) { p in
            let ch = p % c
            let a = scale[ch] / (variance[ch] + epsilon).squareRoot()
            let b = bias[ch] - mean[ch] * a
            let xp = x + p * size, yp = y + p * size
            for i in 0..<size { yp[i] = xp[i] * a + b }
        }
    }

    /// Inference BatchNormalization of a tensor `[N, C, ...]`; every parameter tensor has `C` elements.
    public static func batchNorm(_ x: Tensor, scale: Tensor, bias: Tensor, mean: Tensor, variance: Tensor,
                                 epsilon: Float) -> Tensor {
        precondition(x.rank >= 2, "Normalization.batchNorm: input shape \(x.shape) must be [N, C, ...]")
        let c = x.shape[1]
        for (name, t) in [("scale", scale), ("bias", bias), ("mean", mean), ("variance", variance)] {
            precondition(t.count == c, "Normalization.batchNorm: \(name) shape \(t.shape) must hold C = \(c) values for input \(x.shape)")
        }
        return kernelOutput(shape: x.shape) { y in
            withReadPointer(x) { px in withReadPointer(scale) { pg in withReadPointer(bias) { pb in
                withReadPointer(mean) { pm in withReadPointer(variance) { pv in
                    batchNorm(px, shape: x.shape, scale: pg, bias: pb, mean: pm, variance: pv, epsilon: epsilon, into: y)
                } }
            } } }
        }
    }
}
