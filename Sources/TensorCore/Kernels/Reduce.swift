import Foundation

protocol ReduceFunctor {
    static var identity: Float { get }
    static func combine(_ a: Float, _ b: Float) -> Float
    /// The reduction of `n ≥ 1` contiguous values.
    static func row(_ x: UnsafePointer<Float>, _ n: Int) -> Float
}

enum SumReduce: ReduceFunctor {
    static var identity: Float { 0 }
    @inline(__always) static func combine(_ a: Float, _ b: Float) -> Float { a + b }
    @inline(__always) static func row(_ x: UnsafePointer<Float>, _ n: Int) -> Float { Float(contiguousSum(x, n)) }
}

enum MaxReduce: ReduceFunctor {
    static var identity: Float { -.infinity }
    @inline(__always) static func combine(_ a: Float, _ b: Float) -> Float { b > a ? b : a }
    @inline(__always) static func row(_ x: UnsafePointer<Float>, _ n: Int) -> Float { contiguousMax(x, n) }
}

// MARK: - Vectorised row reductions shared by the kernel families

/// Σ x[0..<n]: sixteen float32 lanes (SIMD), combined in double precision at the end.
@inline(__always)
func contiguousSum(_ x: UnsafePointer<Float>, _ n: Int) -> Double {
    let raw = UnsafeRawPointer(x)
    var a0 = SIMD8<Float>(), a1 = SIMD8<Float>()
    var i = 0
    while i &+ 16 <= n {
        a0 += raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
        a1 += raw.loadUnaligned(fromByteOffset: (i &+ 8) &* 4, as: SIMD8<Float>.self)
        i &+= 16
    }
    var s: Double = 0
    for l in 0..<8 { s += Double(a0[l]) + Double(a1[l]) }
    while i < n { s += Double(x[i]); i &+= 1 }
    return s
}

/// Σ (x[i] − mean)² over `0..<n`, with the same lane scheme as `contiguousSum`.
@inline(__always)
func contiguousSquaredDeviation(_ x: UnsafePointer<Float>, _ n: Int, mean: Float) -> Double {
    let raw = UnsafeRawPointer(x)
    let m = SIMD8<Float>(repeating: mean)
    var a0 = SIMD8<Float>(), a1 = SIMD8<Float>()
    var i = 0
    while i &+ 16 <= n {
        let d0 = raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self) - m
        let d1 = raw.loadUnaligned(fromByteOffset: (i &+ 8) &* 4, as: SIMD8<Float>.self) - m
        a0 += d0 * d0
        a1 += d1 * d1
        i &+= 16
    }
    var s: Double = 0
    for l in 0..<8 { s += Double(a0[l]) + Double(a1[l]) }
    while i < n { let d = Double(x[i] - mean); s += d * d; i &+= 1 }
    return s
}

/// The largest of x[0..<n] (n ≥ 1); NaN elements are ignored (−inf when all are NaN).
@inline(__always)
func contiguousMax(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    let raw = UnsafeRawPointer(x)
    var i = 0
    var m: Float = -.infinity
    if n >= 16 {
        var a0 = SIMD8<Float>(repeating: -.infinity), a1 = a0
        while i &+ 16 <= n {
            let v0 = raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
            let v1 = raw.loadUnaligned(fromByteOffset: (i &+ 8) &* 4, as: SIMD8<Float>.self)
            a0.replace(with: v0, where: v0 .> a0)
            a1.replace(with: v1, where: v1 .> a1)
            i &+= 16
        }
        a0.replace(with: a1, where: a1 .> a0)
        m = a0.max()
    }
    while i < n { let v = x[i]; if v > m { m = v }; i &+= 1 }
    return m
}

/// ONNX ReduceMean / ReduceSum / ReduceMax (opset 13–18 semantics with `noop_with_empty_axes = 0`).
///
/// ```swift
/// Reduce.outputShape(input: [2, 3, 4], axes: [-1], keepDims: true)   // [2, 3, 1]
/// let m = Reduce.mean(x, axes: [2, 3], keepDims: true)                // spatial mean of NCHW
/// ```
public enum Reduce {
    /// The output shape of a reduction: reduced axes become 1 (`keepDims`) or disappear. Empty `axes` reduce
    /// every axis; negative axes count from the end.
    /// - Precondition: axes in range and distinct (the message names the shape).
    public static func outputShape(input: [Int], axes: [Int], keepDims: Bool) -> [Int] {
        let mask = reducedMask(input, axes)
        var out = [Int]()
        for i in 0..<input.count {
            if !mask[i] { out.append(input[i]) } else if keepDims { out.append(1) }
        }
        return out
    }

    static func reducedMask(_ shape: [Int], _ axes: [Int]) -> [Bool] {
        let r = shape.count
        if axes.isEmpty { return [Bool](repeating: true, count: r) }
        var mask = [Bool](repeating: false, count: r)
        for a in axes {
            let n = a < 0 ? a + r : a
            precondition(n >= 0 && n < r && !mask[n], "Reduce: axes \(axes) out of range or repeated for shape \(shape)")
            mask[n] = true
        }
        return mask
    }

    /// ONNX ReduceMean: the mean over `axes` (empty = all); `y` has `outputShape(input: shape, axes:, keepDims:)`
    /// elements (the element order does not depend on `keepDims`). Innermost reductions sum in float32 SIMD
    /// lanes combined in double precision; reductions over outer axes accumulate whole rows in float32.
    public static func mean(_ x: UnsafePointer<Float>, shape: [Int], axes: [Int], keepDims: Bool, into y: UnsafeMutablePointer<Float>) {
        let (outCount, reduced) = run(SumReduce.self, x, shape, axes, y)
        let scale = 1 / Float(reduced)
        for i in 0..<outCount { y[i] = reduced == 0 ? .nan : y[i] * scale }
    }

    /// ONNX ReduceSum: the sum over `axes` (empty = all); 0 over an empty axis.
    public static func sum(_ x: UnsafePointer<Float>, shape: [Int], axes: [Int], keepDims: Bool, into y: UnsafeMutablePointer<Float>) {
        _ = run(SumReduce.self, x, shape, axes, y)
    }

    /// ONNX ReduceMax: the largest element over `axes` (empty = all); −inf over an empty axis.
    public static func max(_ x: UnsafePointer<Float>, shape: [Int], axes: [Int], keepDims: Bool, into y: UnsafeMutablePointer<Float>) {
        _ = run(MaxReduce.self, x, shape, axes, y)
    }

    /// Reduces through merged axes (extent-1 axes dropped, neighbours with the same reduced/kept status
    /// fused); each innermost run is either reduced to one value or combined element-wise into `y`.
    /// Returns the output element count and the number of elements reduced into each output.
    private static func run<F: ReduceFunctor>(_ f: F.Type, _ x: UnsafePointer<Float>, _ shape: [Int], _ axes: [Int],
                                              _ y: UnsafeMutablePointer<Float>) -> (Int, Int) {
        let mask = reducedMask(shape, axes)
        var outCount = 1, reduced = 1
        for i in 0..<shape.count { if mask[i] { reduced *= shape[i] } else { outCount *= shape[i] } }
        if outCount == 0 { return (0, reduced) }
        y.update(repeating: F.identity, count: outCount)
        if reduced == 0 { return (outCount, 0) }
        var dims = [Int](), red = [Bool]()
        for i in 0..<shape.count where shape[i] != 1 {
            if let last = dims.indices.last, red[last] == mask[i] { dims[last] *= shape[i] } else { dims.append(shape[i]); red.append(mask[i]) }
        }
        let m = dims.count
        if m == 0 { y[0] = x[0]; return (1, 1) }
        let istr = Tensor.strides(dims)
        var ostr = [Int](repeating: 0, count: m)
        var acc = 1
        for i in stride(from: m - 1, through: 0, by: -1) where !red[i] { ostr[i] = acc; acc *= dims[i] }
        let len = dims[m - 1], lastReduced = red[m - 1]

        @inline(__always) func accumulate(_ xs: UnsafePointer<Float>, _ ys: UnsafeMutablePointer<Float>) {
            if lastReduced {
                ys[0] = F.combine(ys[0], F.row(xs, len))
            } else {
                for j in 0..<len { ys[j] = F.combine(ys[j], xs[j]) }
            }
        }
        /// Every run whose outermost index lies in `lo..<hi`.
        func process(_ lo: Int, _ hi: Int) {
            if m == 1 { accumulate(x, y); return }
            withUnsafeTemporaryAllocation(of: Int.self, capacity: m) { idx in
                for k in 0..<m { idx[k] = 0 }
                idx[0] = lo
                var xo = lo * istr[0], yo = lo * ostr[0]
                while idx[0] < hi {
                    accumulate(x + xo, y + yo)
                    var k = m - 2
                    while k >= 0 {
                        idx[k] += 1; xo += istr[k]; yo += ostr[k]
                        if k == 0 || idx[k] < dims[k] { break }
                        xo -= istr[k] * dims[k]; yo -= ostr[k] * dims[k]; idx[k] = 0
                        k -= 1
                    }
                }
            }
        }
        let total = outCount * reduced
        if !red[0] && m > 1 && total >= 65_536 {
            // Outermost axis kept: its slices write disjoint outputs.
            let chunks = Swift.min(dims[0], TensorThreads.count * 4)
            TensorThreads.parallelFor(chunks) { c in process(dims[0] * c / chunks, dims[0] * (c + 1) / chunks) }
        } else {
            process(0, m == 1 ? 1 : dims[0])
        }
        return (outCount, reduced)
    }

    private static func tensor(_ x: Tensor, axes: [Int], keepDims: Bool,
                               _ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> Tensor {
        let shape = outputShape(input: x.shape, axes: axes, keepDims: keepDims)
        return kernelOutput(shape: shape) { y in withReadPointer(x) { body($0, y) } }
    }

    /// ReduceMean of a tensor; shape `outputShape(input: x.shape, axes:, keepDims:)`.
    public static func mean(_ x: Tensor, axes: [Int], keepDims: Bool) -> Tensor {
        tensor(x, axes: axes, keepDims: keepDims) { mean($0, shape: x.shape, axes: axes, keepDims: keepDims, into: $1) }
    }

    /// ReduceSum of a tensor; shape `outputShape(input: x.shape, axes:, keepDims:)`.
    public static func sum(_ x: Tensor, axes: [Int], keepDims: Bool) -> Tensor {
        tensor(x, axes: axes, keepDims: keepDims) { sum($0, shape: x.shape, axes: axes, keepDims: keepDims, into: $1) }
    }

    /// ReduceMax of a tensor; shape `outputShape(input: x.shape, axes:, keepDims:)`.
    public static func max(_ x: Tensor, axes: [Int], keepDims: Bool) -> Tensor {
        tensor(x, axes: axes, keepDims: keepDims) { max($0, shape: x.shape, axes: axes, keepDims: keepDims, into: $1) }
    }
}
