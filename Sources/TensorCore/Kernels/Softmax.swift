import Foundation

/// Softmax and log-softmax along one axis (ONNX Softmax / LogSoftmax, opset 13+).
///
/// ```swift
/// let p = Softmax.softmax(logits, axis: -1)             // rows sum to 1
/// let lp = Softmax.softmax(logits, axis: 1, log: true)  // log-probabilities over channels
/// ```
public enum Softmax {
    /// Columns processed together when the axis is not innermost (scratch lives on the stack).
    @inline(__always) static var tile: Int { 64 }

    /// Softmax (or log-softmax when `log`) along one axis (negative axis allowed), ONNX opset-13 semantics; numerically stable (max-subtracted).
    ///
    /// `y = exp(x − max) / Σ exp(x − max)` over `shape[axis]`, independently for every position of the
    /// other axes; log-softmax is `(x − max) − log Σ exp(x − max)`. `y` has `shape` and may be `x`.
    /// - Precondition: `axis` lies in `-rank..<rank` (the message names the shape).
    public static func softmax(_ x: UnsafePointer<Float>, shape: [Int], axis: Int, log: Bool = false,
                               into y: UnsafeMutablePointer<Float>) {
        let rank = Swift.max(1, shape.count)   // a scalar behaves as one element along axis 0
        let ax = normalizedAxis(axis, rank: rank, "Softmax.softmax", shape: shape)
        let dims = shape.isEmpty ? [1] : shape
        let outer = Tensor.elementCount(Array(dims[..<ax]))
        let n = dims[ax]
        let inner = Tensor.elementCount(Array(dims[(ax + 1)...]))
        if outer == 0 || n == 0 || inner == 0 { return }
        if inner == 1 {
            TensorThreads.parallelFor(outer, minimumPerThread: Swift.max(1, 16_384 / n)) { o in
                row(x + o * n, y + o * n, n, log)
            }
        } else {
            let tiles = (inner + tile - 1) / tile
            TensorThreads.parallelFor(outer * tiles, minimumPerThread: Swift.max(1, 16_384 / (n * Swift.min(inner, tile)))) { t in
                let o = t / tiles, j0 = (t % tiles) * tile
                columns(x + o * n * inner + j0, y + o * n * inner + j0, n, inner, Swift.min(tile, inner - j0), log)
            }
        }
    }

    /// Softmax of one contiguous row of `n` values.
    @inline(__always)
    private static func row(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, _ log: Bool) {
        var m = x[0]
        for i in 1..<n { let v = x[i]; if v > m { m = v } }
        if log {
            var s: Float = 0
            for i in 0..<n { s += Foundation.exp(x[i] - m) }
            let logSum = Foundation.log(s)
            for i in 0..<n { y[i] = (x[i] - m) - logSum }
        } else {
            var s: Float = 0
            for i in 0..<n { let e = Foundation.exp(x[i] - m); y[i] = e; s += e }
            let r = 1 / s
            for i in 0..<n { y[i] *= r }
        }
    }

    /// Softmax down `w` adjacent columns of an `n × stride` block (the axis is not innermost).
    @inline(__always)
    private static func columns(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int,
                                _ stride: Int, _ w: Int, _ log: Bool) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * tile) { scratch in
            let m = scratch.baseAddress!, s = m + tile
            for j in 0..<w { m[j] = x[j]; s[j] = 0 }
            for k in 1..<n {
                let xr = x + k * stride
                for j in 0..<w { let v = xr[j]; if v > m[j] { m[j] = v } }
            }
            if log {
                for k in 0..<n {
                    let xr = x + k * stride
                    for j in 0..<w { s[j] += Foundation.exp(xr[j] - m[j]) }
                }
                for j in 0..<w { s[j] = Foundation.log(s[j]) }
                for k in 0..<n {
                    let xr = x + k * stride, yr = y + k * stride
                    for j in 0..<w { yr[j] = (xr[j] - m[j]) - s[j] }
                }
            } else {
                for k in 0..<n {
                    let xr = x + k * stride, yr = y + k * stride
                    for j in 0..<w { let e = Foundation.exp(xr[j] - m[j]); yr[j] = e; s[j] += e }
                }
                for j in 0..<w { s[j] = 1 / s[j] }
                for k in 0..<n {
                    let yr = y + k * stride
                    for j in 0..<w { yr[j] *= s[j] }
                }
            }
        }
    }

    /// Softmax (or log-softmax) of a tensor along `axis`; same shape as `x`.
    public static func softmax(_ x: Tensor, axis: Int, log: Bool = false) -> Tensor {
        kernelOutput(shape: x.shape) { y in withReadPointer(x) { softmax($0, shape: x.shape, axis: axis, log: log, into: y) } }
    }
}
