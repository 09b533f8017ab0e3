import Foundation

/// Window geometry of ONNX MaxPool / AveragePool over `[N, C, spatial...]` inputs.
///
/// All lists are per spatial axis (1-D, 2-D and 3-D are supported), except `pads`, which holds the
/// begin pads of every spatial axis followed by their end pads (ONNX order, `2 * spatial` values).
///
/// ```swift
/// let p = PoolParameters(kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1])
/// p.outputShape(input: [1, 64, 112, 112])   // [1, 64, 56, 56]
/// ```
public struct PoolParameters: Sendable, Equatable {
    /// Window extent per spatial axis (ONNX `kernel_shape`).
    public var kernel: [Int]
    /// Step between windows per spatial axis; defaults to 1.
    public var strides: [Int]
    /// Implicit padding: begins of all spatial axes, then ends (`2 * spatial` values); defaults to 0.
    public var pads: [Int]
    /// Spacing between window taps per spatial axis; defaults to 1.
    public var dilations: [Int]
    /// Output extent rounds up instead of down (ONNX `ceil_mode`); a last window that would start in
    /// the end padding is dropped, as in PyTorch and the ONNX reference.
    public var ceilMode: Bool
    /// AveragePool only: divide by the number of window taps inside the padded input (`true`) or by the
    /// number of taps inside the real input (`false`, ONNX default `count_include_pad = 0`).
    public var countIncludePad: Bool

    /// Creates pooling geometry; `nil` lists take the ONNX defaults (strides 1, pads 0, dilations 1).
    /// - Precondition: all lists match `kernel.count` (pads `2 * kernel.count`), extents/strides/dilations ≥ 1, pads ≥ 0.
    public init(kernel: [Int], strides: [Int]? = nil, pads: [Int]? = nil, dilations: [Int]? = nil,
                ceilMode: Bool = false, countIncludePad: Bool = false) {
        let s = kernel.count
        let strides = strides ?? [Int](repeating: 1, count: s)
        let pads = pads ?? [Int](repeating: 0, count: 2 * s)
        let dilations = dilations ?? [Int](repeating: 1, count: s)
        precondition(s >= 1 && kernel.allSatisfy { $0 >= 1 },
                     "PoolParameters: kernel \(kernel) must have ≥ 1 axis and positive extents")
        precondition(strides.count == s && strides.allSatisfy { $0 >= 1 },
                     "PoolParameters: strides \(strides) must be \(s) positive values for kernel \(kernel)")
        precondition(pads.count == 2 * s && pads.allSatisfy { $0 >= 0 },
                     "PoolParameters: pads \(pads) must be \(2 * s) non-negative values for kernel \(kernel)")
        precondition(dilations.count == s && dilations.allSatisfy { $0 >= 1 },
                     "PoolParameters: dilations \(dilations) must be \(s) positive values for kernel \(kernel)")
        self.kernel = kernel
        self.strides = strides
        self.pads = pads
        self.dilations = dilations
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
    }

    /// Output shape for input [N, C, spatial...]; precondition on rank mismatch.
    ///
    /// Per spatial axis: `floor((in + padBegin + padEnd - ((k - 1)·d + 1)) / s) + 1` (or `ceil` in ceil mode,
    /// minus one when the last window would start at or beyond `in + padBegin`).
    public func outputShape(input: [Int]) -> [Int] {
        precondition(input.count == kernel.count + 2,
                     "PoolParameters.outputShape: input shape \(input) has rank \(input.count), kernel \(kernel) needs rank \(kernel.count + 2)")
        var out = [input[0], input[1]]
        for i in 0..<kernel.count { out.append(outputExtent(axis: i, input: input[i + 2], inputShape: input)) }
        return out
    }

    func outputExtent(axis i: Int, input n: Int, inputShape: [Int]) -> Int {
        let s = kernel.count
        let window = (kernel[i] - 1) * dilations[i] + 1
        let span = n + pads[i] + pads[i + s] - window
        precondition(span >= 0,
                     "PoolParameters: window \(window) (kernel \(kernel), dilations \(dilations)) exceeds padded input on axis \(i + 2) of shape \(inputShape) with pads \(pads)")
        if ceilMode {
            var o = (span + strides[i] - 1) / strides[i] + 1
            if (o - 1) * strides[i] >= n + pads[i] { o -= 1 }
            return o
        }
        return span / strides[i] + 1
    }
}

/// One spatial axis of a pooling problem, with 1-D/2-D inputs lifted to 3-D by unit axes.
struct PoolAxis {
    var n: Int = 1, out: Int = 1, k: Int = 1, s: Int = 1, d: Int = 1, pb: Int = 0, pe: Int = 0

    /// Taps `k0..<k1` of the window starting at `start` that fall inside `[lo, hi)`.
    @inline(__always)
    func taps(start: Int, lo: Int, hi: Int) -> (Int, Int) {
        if d == 1 { return (Swift.max(0, lo &- start), Swift.max(Swift.max(0, lo &- start), Swift.min(k, hi &- start))) }
        let k0 = start < lo ? (lo - start + d - 1) / d : 0
        let k1 = hi > start ? Swift.min(k, (hi - start + d - 1) / d) : 0
        return (k0, Swift.max(k0, k1))
    }
}

/// Max, average and global pooling over `[N, C, spatial...]` tensors (ONNX MaxPool, AveragePool,
/// GlobalAveragePool, GlobalMaxPool).
///
/// ```swift
/// let y = Pooling.maxPool(x, PoolParameters(kernel: [2, 2], strides: [2, 2]))
/// ```
public enum Pooling {
    static func axes(shape: [Int], _ p: PoolParameters, outShape: [Int]) -> (PoolAxis, PoolAxis, PoolAxis) {
        let r = p.kernel.count
        precondition(r <= 3, "Pooling: spatial rank \(r) of shape \(shape) not supported (1-D, 2-D or 3-D)")
        var ax = (PoolAxis(), PoolAxis(), PoolAxis())
        func make(_ i: Int) -> PoolAxis {
            PoolAxis(n: shape[i + 2], out: outShape[i + 2], k: p.kernel[i], s: p.strides[i], d: p.dilations[i],
                     pb: p.pads[i], pe: p.pads[i + r])
        }
        switch r {
        case 1: ax.2 = make(0)
        case 2: ax.1 = make(0); ax.2 = make(1)
        default: ax.0 = make(0); ax.1 = make(1); ax.2 = make(2)
        }
        return ax
    }

    /// Pools every `[N, C]` plane; `reduce` gets the plane pointers and the three axes.
    private static func forEachPlane(shape: [Int], _ p: PoolParameters,
                                     _ body: (_ plane: Int, PoolAxis, PoolAxis, PoolAxis) -> Void) {
        let outShape = p.outputShape(input: shape)
        let (ad, ah, aw) = axes(shape: shape, p, outShape: outShape)
        let planes = shape[0] * shape[1]
        let work = ad.out * ah.out * aw.out * Swift.max(1, p.kernel.reduce(1, *))
        TensorThreads.parallelFor(planes, minimumPerThread: Swift.max(1, 32_768 / Swift.max(1, work))) { plane in
            body(plane, ad, ah, aw)
        }
    }

    /// ONNX MaxPool: `y[n, c, o...]` = the largest tap of the (dilated) window; padding never wins.
    /// - Parameters:
    ///   - x: input `[N, C, spatial...]` of `shape`; 1-D, 2-D and 3-D spatial.
    ///   - y: output of shape `p.outputShape(input: shape)`.
    public static func maxPool(_ x: UnsafePointer<Float>, shape: [Int], _ p: PoolParameters, into y: UnsafeMutablePointer<Float>) {
        if p.kernel.count <= 2 && p.dilations.allSatisfy({ $0 == 1 }) {
            maxPoolUndilated(x, shape: shape, p, into: y)
            return
        }
        forEachPlane(shape: shape, p) { plane, ad, ah, aw in
            let xp = x + plane * ad.n * ah.n * aw.n
            var yp = y + plane * ad.out * ah.out * aw.out
            for od in 0..<ad.out {
                let ds = od * ad.s - ad.pb
                let (kd0, kd1) = ad.taps(start: ds, lo: 0, hi: ad.n)
                for oh in 0..<ah.out {
                    let hs = oh * ah.s - ah.pb
                    let (kh0, kh1) = ah.taps(start: hs, lo: 0, hi: ah.n)
                    for ow in 0..<aw.out {
                        let ws = ow &* aw.s &- aw.pb
                        let (kw0, kw1) = aw.taps(start: ws, lo: 0, hi: aw.n)
                        var m = -Float.infinity
                        for kd in kd0..<kd1 {
                            let dBase = (ds &+ kd &* ad.d) &* ah.n
                            for kh in kh0..<kh1 {
                                let row = xp + ((dBase &+ hs &+ kh &* ah.d) &* aw.n &+ ws)
                                for kw in kw0..<kw1 {
                                    let v = row[kw &* aw.d]
                                    if v > m { m = v }
                                }
                            }
                        }
                        yp.pointee = m
                        yp += 1
                    }
                }
            }
        }
    }

    /// MaxPool for 1-D and 2-D windows without dilation (the common case in CNNs): window rows are
    /// resolved once per output row, and output columns whose window lies inside the input run a
    /// branch-free loop (unrolled for widths 2 and 3).
    static func maxPoolUndilated(_ x: UnsafePointer<Float>, shape: [Int], _ p: PoolParameters, into y: UnsafeMutablePointer<Float>) {
        forEachPlane(shape: shape, p) { plane, _, ah, aw in
            let xp = x + plane * ah.n * aw.n
            var yp = y + plane * ah.out * aw.out
            // Output columns whose whole window is inside [0, n): ws = ow·s − pb ≥ 0 and ws + k ≤ n.
            let owLo = Swift.min(aw.out, (aw.pb + aw.s - 1) / aw.s)
            let owHi = Swift.max(owLo, Swift.min(aw.out, aw.n + aw.pb - aw.k < 0 ? 0 : (aw.n + aw.pb - aw.k) / aw.s + 1))
            for oh in 0..<ah.out {
                let hs = oh * ah.s - ah.pb
                let (kh0, kh1) = ah.taps(start: hs, lo: 0, hi: ah.n)
                func edge(_ ow: Int) -> Float {
                    let ws = ow * aw.s - aw.pb
                    let (kw0, kw1) = aw.taps(start: ws, lo: 0, hi: aw.n)
                    var m = -Float.infinity
                    for kh in kh0..<kh1 {
                        let row = xp + (hs + kh) * aw.n + ws
                        for kw in kw0..<kw1 { m = Swift.max(m, row[kw]) }
                    }
                    return m
                }
                for ow in 0..<owLo { yp[ow] = edge(ow) }
                if kh1 > kh0 {
                    let first = xp + (hs + kh0) * aw.n - aw.pb
                    let rows = kh1 - kh0, n = aw.n, s = aw.s, k = aw.k
                    switch k {
                    case 2:
                        for ow in owLo..<owHi {
                            var r = first + ow * s
                            var m = Swift.max(r[0], r[1])
                            for _ in 1..<Swift.max(rows, 1) { r += n; m = Swift.max(m, Swift.max(r[0], r[1])) }
                            yp[ow] = m
                        }
                    case 3:
                        for ow in owLo..<owHi {
                            var r = first + ow * s
                            var m = Swift.max(r[0], Swift.max(r[1], r[2]))
                            for _ in 1..<Swift.max(rows, 1) { r += n; m = Swift.max(m, Swift.max(r[0], Swift.max(r[1], r[2]))) }
                            yp[ow] = m
                        }
                    default:
                        for ow in owLo..<owHi {
                            var r = first + ow * s
                            var m = -Float.infinity
                            for _ in 0..<rows {
                                for kw in 0..<k { m = Swift.max(m, r[kw]) }
                                r += n
                            }
                            yp[ow] = m
                        }
                    }
                } else {
                    for ow in owLo..<owHi { yp[ow] = -Float.infinity }
                }
                for ow in owHi..<aw.out { yp[ow] = edge(ow) }
                yp += aw.out
            }
        }
    }

    /// ONNX AveragePool: mean of the window taps. The divisor is the number of taps inside the input
    /// (`countIncludePad == false`) or inside the padded input (`true`); taps a ceil-mode window puts
    /// beyond the end padding are never counted.
    /// - Parameters:
    ///   - x: input `[N, C, spatial...]` of `shape`; 1-D, 2-D and 3-D spatial.
    ///   - y: output of shape `p.outputShape(input: shape)`.
    public static func averagePool(_ x: UnsafePointer<Float>, shape: [Int], _ p: PoolParameters, into y: UnsafeMutablePointer<Float>) {
        let includePad = p.countIncludePad
        forEachPlane(shape: shape, p) { plane, ad, ah, aw in
            let xp = x + plane * ad.n * ah.n * aw.n
            var yp = y + plane * ad.out * ah.out * aw.out
            for od in 0..<ad.out {
                let ds = od * ad.s - ad.pb
                let (kd0, kd1) = ad.taps(start: ds, lo: 0, hi: ad.n)
                let cd = includePad ? ad.taps(start: ds, lo: -ad.pb, hi: ad.n + ad.pe) : (kd0, kd1)
                for oh in 0..<ah.out {
                    let hs = oh * ah.s - ah.pb
                    let (kh0, kh1) = ah.taps(start: hs, lo: 0, hi: ah.n)
                    let ch = includePad ? ah.taps(start: hs, lo: -ah.pb, hi: ah.n + ah.pe) : (kh0, kh1)
                    for ow in 0..<aw.out {
                        let ws = ow &* aw.s &- aw.pb
                        let (kw0, kw1) = aw.taps(start: ws, lo: 0, hi: aw.n)
                        let cw = includePad ? aw.taps(start: ws, lo: -aw.pb, hi: aw.n + aw.pe) : (kw0, kw1)
                        var sum: Float = 0
                        for kd in kd0..<kd1 {
                            let dBase = (ds &+ kd &* ad.d) &* ah.n
                            for kh in kh0..<kh1 {
                                let row = xp + ((dBase &+ hs &+ kh &* ah.d) &* aw.n &+ ws)
                                for kw in kw0..<kw1 { sum += row[kw &* aw.d] }
                            }
                        }
                        let count = (cd.1 - cd.0) * (ch.1 - ch.0) * (cw.1 - cw.0)
                        yp.pointee = sum / Float(count)
                        yp += 1
                    }
                }
            }
        }
    }

    private static func globalCheck(_ shape: [Int], _ name: String) -> (planes: Int, size: Int) {
        precondition(shape.count >= 2, "Pooling.\(name): input shape \(shape) must be [N, C, spatial...]")
        return (shape[0] * shape[1], Tensor.elementCount(Array(shape.dropFirst(2))))
    }

    /// ONNX GlobalAveragePool: `[N, C, spatial...]` -> `[N, C, 1, ...]`, the mean of each plane
    /// (float32 SIMD lanes combined in double precision).
    public static func globalAveragePool(_ x: UnsafePointer<Float>, shape: [Int], into y: UnsafeMutablePointer<Float>) {
        let (planes, size) = globalCheck(shape, "globalAveragePool")
        TensorThreads.parallelFor(planes, minimumPerThread: Swift.max(1, 65_536 / Swift.max(1, size))) { c in
            y[c] = Float(contiguousSum(x + c * size, size) / Double(size))
        }
    }

    /// ONNX GlobalMaxPool: `[N, C, spatial...]` -> `[N, C, 1, ...]`, the largest element of each plane.
    public static func globalMaxPool(_ x: UnsafePointer<Float>, shape: [Int], into y: UnsafeMutablePointer<Float>) {
        let (planes, size) = globalCheck(shape, "globalMaxPool")
        TensorThreads.parallelFor(planes, minimumPerThread: Swift.max(1, 65_536 / Swift.max(1, size))) { c in
            y[c] = size == 0 ? -.infinity : contiguousMax(x + c * size, size)
        }
    }

    private static func apply(_ x: Tensor, outShape: [Int],
                              _ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> Tensor {
        kernelOutput(shape: outShape) { y in withReadPointer(x) { body($0, y) } }
    }

    /// MaxPool on a tensor `[N, C, spatial...]`; returns shape `p.outputShape(input: x.shape)`.
    public static func maxPool(_ x: Tensor, _ p: PoolParameters) -> Tensor {
        apply(x, outShape: p.outputShape(input: x.shape)) { maxPool($0, shape: x.shape, p, into: $1) }
    }

    /// AveragePool on a tensor `[N, C, spatial...]`; returns shape `p.outputShape(input: x.shape)`.
    public static func averagePool(_ x: Tensor, _ p: PoolParameters) -> Tensor {
        apply(x, outShape: p.outputShape(input: x.shape)) { averagePool($0, shape: x.shape, p, into: $1) }
    }

    /// GlobalAveragePool on a tensor: `[N, C, spatial...]` -> `[N, C, 1, ...]`.
    public static func globalAveragePool(_ x: Tensor) -> Tensor {
        _ = globalCheck(x.shape, "globalAveragePool")
        return apply(x, outShape: [x.shape[0], x.shape[1]] + [Int](repeating: 1, count: x.rank - 2)) {
            globalAveragePool($0, shape: x.shape, into: $1)
        }
    }

    /// GlobalMaxPool on a tensor: `[N, C, spatial...]` -> `[N, C, 1, ...]`.
    public static func globalMaxPool(_ x: Tensor) -> Tensor {
        _ = globalCheck(x.shape, "globalMaxPool")
        return apply(x, outShape: [x.shape[0], x.shape[1]] + [Int](repeating: 1, count: x.rank - 2)) {
            globalMaxPool($0, shape: x.shape, into: $1)
        }
    }
}
