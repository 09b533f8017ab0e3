import Foundation

/// A two-operand element-wise operation (ONNX Add, Sub, Mul, Div, Pow, Max, Min on two inputs).
public enum BinaryOp: Sendable {
    /// a + b
    case add
    /// a − b
    case sub
    /// a · b
    case mul
    /// a / b (IEEE: division by zero gives ±inf or NaN)
    case div
    /// a^b (C `powf`)
    case pow
    /// the larger of a and b
    case max
    /// the smaller of a and b
    case min
}

/// A one-operand element-wise operation (ONNX Neg, Abs, Sqrt, Exp, Log, Erf, Reciprocal, Floor, Ceil).
public enum UnaryOp: Sendable {
    /// −x
    case neg
    /// |x|
    case abs
    /// √x (NaN for x < 0)
    case sqrt
    /// eˣ
    case exp
    /// ln x (−inf at 0, NaN below)
    case log
    /// the error function erf(x)
    case erf
    /// 1 / x
    case reciprocal
    /// largest integer ≤ x
    case floor
    /// smallest integer ≥ x
    case ceil
}

// MARK: - Operation functors (specialised generics keep the loops free of a per-element switch)

protocol BinaryFunctor { static func f(_ a: Float, _ b: Float) -> Float }
enum AddF: BinaryFunctor { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { a + b } }
enum SubF: BinaryFunctor { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { a - b } }
enum MulF: BinaryFunctor { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { a * b } }
enum DivF: BinaryFunctor { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { a / b } }
enum PowF: BinaryFunctor { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { Foundation.pow(a, b) } }
enum MaxF: BinaryFunctor { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { a > b ? a : b } }
enum MinF: BinaryFunctor { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { a < b ? a : b } }

/// Element-wise kernels with NumPy (ONNX multidirectional) broadcasting.
///
/// ```swift
/// let z = Elementwise.binary(.add, x, bias)       // [N, C, H, W] + [1, C, 1, 1]
/// Elementwise.unary(.exp, p, count: n, into: p)   // in place
/// ```
public enum Elementwise {
    /// Elements per parallel chunk of the element-wise loops; smaller problems run on the calling thread.
    @inline(__always) static var grain: Int { 1 << 15 }

    /// numpy broadcasting of a and b into c (c has Broadcast.shape(aShape,bShape)); c may alias a or b when that operand already has the output shape.
    ///
    /// Fast paths: equal shapes (one contiguous loop), a scalar operand, and any broadcast whose innermost
    /// run is contiguous or constant (per-channel `[1, C, 1, 1]`, row/column vectors); other patterns run
    /// through a merged-axes odometer. Large outputs are split over `TensorThreads`.
    /// - Precondition: the shapes broadcast (the message names both).
    public static func binary(_ op: BinaryOp, _ a: UnsafePointer<Float>, shape aShape: [Int],
                              _ b: UnsafePointer<Float>, shape bShape: [Int], into c: UnsafeMutablePointer<Float>) {
        guard let out = Broadcast.shape(aShape, bShape) else {
            preconditionFailure("Elementwise.binary(\(op)): shapes \(aShape) and \(bShape) do not broadcast")
        }
        switch op {
        case .add: run(AddF.self, a, aShape, b, bShape, c, out)
        case .sub: run(SubF.self, a, aShape, b, bShape, c, out)
        case .mul: run(MulF.self, a, aShape, b, bShape, c, out)
        case .div: run(DivF.self, a, aShape, b, bShape, c, out)
        case .pow: run(PowF.self, a, aShape, b, bShape, c, out)
        case .max: run(MaxF.self, a, aShape, b, bShape, c, out)
        case .min: run(MinF.self, a, aShape, b, bShape, c, out)
        }
    }

    /// The broadcast result of `op` on two tensors; shape `Broadcast.shape(a.shape, b.shape)`.
    /// - Precondition: the shapes broadcast.
    public static func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) -> Tensor {
        guard let out = Broadcast.shape(a.shape, b.shape) else {
            preconditionFailure("Elementwise.binary(\(op)): shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        return kernelOutput(shape: out) { c in
            withReadPointer(a) { pa in withReadPointer(b) { pb in binary(op, pa, shape: a.shape, pb, shape: b.shape, into: c) } }
        }
    }

    private static func run<F: BinaryFunctor>(_ f: F.Type, _ a: UnsafePointer<Float>, _ aShape: [Int],
                                              _ b: UnsafePointer<Float>, _ bShape: [Int],
                                              _ c: UnsafeMutablePointer<Float>, _ out: [Int]) {
        let n = Tensor.elementCount(out)
        if n == 0 { return }
        let na = Tensor.elementCount(aShape), nb = Tensor.elementCount(bShape)
        if na == n && nb == n {
            // Same element count and both broadcast to `out`: identical layouts.
            chunked(n) { lo, hi in runSpan(F.self, a + lo, 1, b + lo, 1, c + lo, hi - lo) }
        } else if nb == 1 && na == n {
            chunked(n) { lo, hi in runSpan(F.self, a + lo, 1, b, 0, c + lo, hi - lo) }
        } else if na == 1 && nb == n {
            chunked(n) { lo, hi in runSpan(F.self, a, 0, b + lo, 1, c + lo, hi - lo) }
        } else {
            general(F.self, a, aShape, b, bShape, c, out, n)
        }
    }

    /// Runs `body(lo, hi)` over `0..<n` in chunks of `grain`, in parallel when there are several.
    @inline(__always)
    static func chunked(_ n: Int, _ body: (Int, Int) -> Void) {
        if n <= grain { body(0, n); return }
        let chunks = (n + grain - 1) / grain
        TensorThreads.parallelFor(chunks) { i in body(i * grain, Swift.min(n, (i + 1) * grain)) }
    }

    /// One run of `len` outputs; each operand steps by 1 or stays put (0).
    @inline(__always)
    private static func runSpan<F: BinaryFunctor>(_ f: F.Type, _ a: UnsafePointer<Float>, _ sa: Int,
                                              _ b: UnsafePointer<Float>, _ sb: Int,
                                              _ c: UnsafeMutablePointer<Float>, _ len: Int) {
        switch (sa, sb) {
        case (1, 1): for i in 0..<len { c[i] = F.f(a[i], b[i]) }
        case (1, _): let bv = b[0]; for i in 0..<len { c[i] = F.f(a[i], bv) }
        case (_, 1): let av = a[0]; for i in 0..<len { c[i] = F.f(av, b[i]) }
        default: let v = F.f(a[0], b[0]); for i in 0..<len { c[i] = v }
        }
    }

    /// Broadcast through merged axes: axes of extent 1 are dropped, neighbours with compatible strides
    /// fused, and the innermost merged axis runs as a contiguous or constant loop.
    private static func general<F: BinaryFunctor>(_ f: F.Type, _ a: UnsafePointer<Float>, _ aShape: [Int],
                                                  _ b: UnsafePointer<Float>, _ bShape: [Int],
                                                  _ c: UnsafeMutablePointer<Float>, _ out: [Int], _ n: Int) {
        let r = out.count
        // Merged axes, innermost first; strides 0 where the operand is broadcast.
        var dims = [Int](), sa = [Int](), sb = [Int]()
        dims.reserveCapacity(r); sa.reserveCapacity(r); sb.reserveCapacity(r)
        var accA = 1, accB = 1
        for i in stride(from: r - 1, through: 0, by: -1) {
            let ia = i - (r - aShape.count), ib = i - (r - bShape.count)
            let da = ia >= 0 ? aShape[ia] : 1, db = ib >= 0 ? bShape[ib] : 1
            let stA = da == 1 ? 0 : accA, stB = db == 1 ? 0 : accB
            accA *= da; accB *= db
            let d = out[i]
            if d == 1 { continue }
            if let last = dims.indices.last, sa[last] * dims[last] == stA, sb[last] * dims[last] == stB {
                dims[last] *= d
            } else {
                dims.append(d); sa.append(stA); sb.append(stB)
            }
        }
        let len = dims[0], innerA = sa[0], innerB = sb[0]
        let runs = n / len
        let m = dims.count
        let runsPerChunk = Swift.max(1, grain / len)
        let chunks = (runs + runsPerChunk - 1) / runsPerChunk
        TensorThreads.parallelFor(chunks) { chunk in
            let lo = chunk * runsPerChunk, hi = Swift.min(runs, lo + runsPerChunk)
            withUnsafeTemporaryAllocation(of: Int.self, capacity: Swift.max(1, m)) { idx in
                var offA = 0, offB = 0, rem = lo
                for j in 1..<m {
                    let q = rem % dims[j]; rem /= dims[j]
                    idx[j] = q; offA += q * sa[j]; offB += q * sb[j]
                }
                for run in lo..<hi {
                    runSpan(F.self, a + offA, innerA, b + offB, innerB, c + run * len, len)
                    var j = 1
                    while j < m {
                        idx[j] += 1; offA += sa[j]; offB += sb[j]
                        if idx[j] < dims[j] { break }
                        offA -= sa[j] * dims[j]; offB -= sb[j] * dims[j]; idx[j] = 0
                        j += 1
                    }
                }
            }
        }
    }

    /// `y[i] = f(x[i])` for `count` elements; `y` may be `x` (in place).
    public static func unary(_ f: UnaryOp, _ x: UnsafePointer<Float>, count: Int, into y: UnsafeMutablePointer<Float>) {
        chunked(count) { lo, hi in
            let x = x + lo, y = y + lo, n = hi - lo
            switch f {
            case .neg: for i in 0..<n { y[i] = -x[i] }
            case .abs: for i in 0..<n { y[i] = Swift.abs(x[i]) }
            case .sqrt: for i in 0..<n { y[i] = x[i].squareRoot() }
            case .exp: for i in 0..<n { y[i] = Foundation.exp(x[i]) }
            case .log: for i in 0..<n { y[i] = Foundation.log(x[i]) }
            case .erf: for i in 0..<n { y[i] = Foundation.erf(x[i]) }
            case .reciprocal: for i in 0..<n { y[i] = 1 / x[i] }
            case .floor: for i in 0..<n { y[i] = x[i].rounded(.down) }
            case .ceil: for i in 0..<n { y[i] = x[i].rounded(.up) }
            }
        }
    }

    /// `f` applied to every element of `x`; same shape.
    public static func unary(_ f: UnaryOp, _ x: Tensor) -> Tensor {
        kernelOutput(shape: x.shape) { y in withReadPointer(x) { unary(f, $0, count: x.count, into: y) } }
    }
}

// MARK: - Wrapper helpers shared by the kernel families

/// Calls `body` with a pointer to `t`'s elements (a valid dummy pointer when `t` is empty).
@inline(__always)
func withReadPointer<R>(_ t: Tensor, _ body: (UnsafePointer<Float>) -> R) -> R {
    t.storage.withUnsafeBufferPointer { buf in
        if let p = buf.baseAddress { return body(p) }
        var dummy: Float = 0
        return withUnsafePointer(to: &dummy) { body($0) }
    }
}

/// `withReadPointer` for an optional tensor: `body` gets nil when there is none (optional bias, residual…).
@inline(__always)
func withOptionalReadPointer<R>(_ t: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let t else { return body(nil) }
    return withReadPointer(t) { body($0) }
}

/// A zero-filled tensor of `shape` whose elements `body` writes; `body` is skipped when it is empty.
@inline(__always)
func kernelOutput(shape: [Int], _ body: (UnsafeMutablePointer<Float>) -> Void) -> Tensor {
    var out = Tensor(shape: shape)
    if out.count == 0 { return out }
    out.storage.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    return out
}

/// `axis` normalised into `0..<rank` (negative counts from the end), with a message naming `shape`.
@inline(__always)
func normalizedAxis(_ axis: Int, rank: Int, _ what: @autoclosure () -> String, shape: [Int]) -> Int {
    let a = axis < 0 ? axis + rank : axis
    precondition(a >= 0 && a < rank, "\(what()): axis \(axis) out of range for shape \(shape)")
    return a
}
