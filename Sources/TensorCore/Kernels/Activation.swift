import Foundation

/// An element-wise activation, applied on its own or fused into the epilogue of a convolution or GEMM.
///
/// ```swift
/// Activation.leakyRelu(alpha: 0.01).apply(ptr, ptr, count: n)   // in place
/// let y = Activation.gelu(approximate: false)(x)                 // on a Tensor
/// ```
public enum Activation: Sendable, Equatable, CustomStringConvertible {
    /// y = x
    case identity
    /// y = max(x, 0)
    case relu
    /// y = x ≥ 0 ? x : alpha·x
    case leakyRelu(alpha: Float)
    /// y = 1 / (1 + e^−x)
    case sigmoid
    /// y = tanh(x)
    case tanh
    /// Exact GELU y = x·Φ(x) = ½x(1 + erf(x/√2)), or its tanh approximation when `approximate`.
    case gelu(approximate: Bool)
    /// y = min(max(x, min), max)
    case clip(min: Float, max: Float)

    public var description: String {
        switch self {
        case .identity: return "Identity"
        case .relu: return "Relu"
        case .leakyRelu(let a): return "LeakyRelu(\(a))"
        case .sigmoid: return "Sigmoid"
        case .tanh: return "Tanh"
        case .gelu(let a): return a ? "Gelu(tanh)" : "Gelu"
        case .clip(let lo, let hi): return "Clip(\(lo), \(hi))"
        }
    }

    /// Applies the activation to `count` elements from `x` into `y`; `x` and `y` may be the same buffer.
    public func apply(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count n: Int) {
        switch self {
        case .identity:
            if UnsafePointer(y) != x { y.update(from: x, count: n) }
        case .relu:
            for i in 0..<n { y[i] = Swift.max(x[i], 0) }
        case .leakyRelu(let alpha):
            for i in 0..<n { let v = x[i]; y[i] = v >= 0 ? v : alpha * v }
        case .sigmoid:
            for i in 0..<n {
                // Split by sign so that exp never overflows.
                let v = x[i]
                if v >= 0 { y[i] = 1 / (1 + Foundation.exp(-v)) } else { let e = Foundation.exp(v); y[i] = e / (1 + e) }
            }
        case .tanh:
            for i in 0..<n { y[i] = Foundation.tanh(x[i]) }
        case .gelu(let approximate):
            if approximate {
                let c: Float = 0.7978845608028654 // sqrt(2/pi)
                for i in 0..<n { let v = x[i]; y[i] = 0.5 * v * (1 + Foundation.tanh(c * (v + 0.044715 * v * v * v))) }
            } else {
                for i in 0..<n { let v = x[i]; y[i] = 0.5 * v * (1 + Foundation.erf(v * 0.7071067811865476)) }
            }
        case .clip(let lo, let hi):
            for i in 0..<n { y[i] = Swift.min(Swift.max(x[i], lo), hi) }
        }
    }

    /// In-place form of `apply` over a mutable buffer.
    @inlinable
    public func applyInPlace(_ y: UnsafeMutablePointer<Float>, count n: Int) {
        if case .identity = self { return }
        apply(UnsafePointer(y), y, count: n)
    }

    /// The activation applied to every element of `x`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var out = x
        out.storage.withUnsafeMutableBufferPointer { applyInPlace($0.baseAddress!, count: $0.count) }
        return out
    }
}
