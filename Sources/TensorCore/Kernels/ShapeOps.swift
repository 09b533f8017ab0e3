import Foundation

/// How ONNX Pad fills the new border.
public enum PadMode: Sendable, Equatable {
    /// Every new element is the given value (ONNX `constant`, value from the `constant_value` input).
    case constant(Float)
    /// Mirror without repeating the edge element: `[a b c d]` padded by 2 reads `c b | a b c d | c b`.
    case reflect
    /// Repeat the edge element.
    case edge
}

/// Layout kernels: ONNX Transpose, Concat, Slice, Gather and Pad on dense row-major buffers.
///
/// ```swift
/// let nhwc = ShapeOps.transpose(x, perm: [0, 2, 3, 1])
/// let crop = ShapeOps.slice(x, starts: [1], ends: [-1], axes: [2], steps: nil)
/// ```
public enum ShapeOps {
    // MARK: Transpose

    /// ONNX Transpose: `y` has shape `shape[perm[i]]` and `y[i_0, …] = x[…]` with output axis `i` reading input
    /// axis `perm[i]`. Axes of extent 1 are dropped and axes that stay adjacent are fused first, so pure
    /// copies become one `memcpy`, 2-D and last-two-axes swaps (also NCHW↔NHWC) run as cache-blocked
    /// (batched) matrix transposes, and other permutations copy contiguous runs where they exist.
    /// - Precondition: `perm` is a permutation of `0..<shape.count` (the message names shape and perm).
    public static func transpose(_ x: UnsafePointer<Float>, shape: [Int], perm: [Int], into y: UnsafeMutablePointer<Float>) {
        let r = shape.count
        precondition(isPermutation(perm, rank: r),
                     "ShapeOps.transpose: perm \(perm) is not a permutation of the axes of shape \(shape)")
        let n = Tensor.elementCount(shape)
        if n == 0 { return }
        let inStrides = Tensor.strides(shape)
        let (dims, strides) = mergeAxes(extents: perm.map { shape[$0] }, strides: perm.map { inStrides[$0] })
        let m = dims.count
        if m == 0 || (m == 1 && strides[0] == 1) {
            y.update(from: x, count: n)
        } else if m == 2 && strides[0] == 1 && strides[1] == dims[0] {
            transpose2D(x, rows: dims[1], cols: dims[0], into: y)
        } else if m == 3 && strides[1] == 1 && strides[2] == dims[1] && strides[0] == dims[1] * dims[2] {
            let plane = dims[1] * dims[2]
            TensorThreads.parallelFor(dims[0], minimumPerThread: Swift.max(1, 65_536 / plane)) { b in
                transpose2DSerial(x + b * plane, rows: dims[2], cols: dims[1], into: y + b * plane)
            }
        } else {
            stridedCopy(x, dims: dims, strides: strides, into: y)
        }
    }

    /// ONNX Transpose of a tensor; output shape `perm.map { x.shape[$0] }`.
    public static func transpose(_ x: Tensor, perm: [Int]) -> Tensor {
        precondition(isPermutation(perm, rank: x.rank),
                     "ShapeOps.transpose: perm \(perm) is not a permutation of the axes of shape \(x.shape)")
        return kernelOutput(shape: perm.map { x.shape[$0] }) { y in
            withReadPointer(x) { transpose($0, shape: x.shape, perm: perm, into: y) }
        }
    }

    /// Whether `perm` holds each of `0..<rank` exactly once (no allocation; ranks are small).
    static func isPermutation(_ perm: [Int], rank: Int) -> Bool {
        guard perm.count == rank else { return false }
        for (i, p) in perm.enumerated() {
            if p < 0 || p >= rank { return false }
            for j in 0..<i where perm[j] == p { return false }
        }
        return true
    }

    /// Tile edge of the blocked transpose, in elements.
    @inline(__always) static var block: Int { 32 }

    /// `y[c · rows + r] = x[r · cols + c]`: the `[rows, cols]` matrix `x` transposed into `[cols, rows]`.
    static func transpose2D(_ x: UnsafePointer<Float>, rows: Int, cols: Int, into y: UnsafeMutablePointer<Float>) {
        let bands = (rows + block - 1) / block
        if rows * cols < 65_536 || bands < 2 {
            transpose2DSerial(x, rows: rows, cols: cols, into: y)
            return
        }
        TensorThreads.parallelFor(bands) { band in
            let r0 = band * block
            transposeBlockRows(x, rows: rows, cols: cols, r0: r0, r1: Swift.min(rows, r0 + block), into: y)
        }
    }

    @inline(__always)
    static func transpose2DSerial(_ x: UnsafePointer<Float>, rows: Int, cols: Int, into y: UnsafeMutablePointer<Float>) {
        var r0 = 0
        while r0 < rows {
            transposeBlockRows(x, rows: rows, cols: cols, r0: r0, r1: Swift.min(rows, r0 + block), into: y)
            r0 += block
        }
    }

    /// Rows `r0..<r1` of the transpose, in `block`-wide column tiles; writes run contiguously along `r`.
    @inline(__always)
    static func transposeBlockRows(_ x: UnsafePointer<Float>, rows: Int, cols: Int, r0: Int, r1: Int,
                                   into y: UnsafeMutablePointer<Float>) {
        var c0 = 0
        while c0 < cols {
            let c1 = Swift.min(cols, c0 &+ block)
            var c = c0
            while c < c1 {
                let dst = y + (c &* rows), src = x + c
                var r = r0
                while r < r1 { dst[r] = src[r &* cols]; r &+= 1 }
                c &+= 1
            }
            c0 = c1
        }
    }

    /// Drops extent-1 axes and fuses an outer axis into its inner neighbour when
    /// `stride[outer] == stride[inner] · extent[inner]`. Outermost first.
    static func mergeAxes(extents: [Int], strides: [Int]) -> (dims: [Int], strides: [Int]) {
        var dims = [Int](), st = [Int]()
        dims.reserveCapacity(extents.count); st.reserveCapacity(extents.count)
        for i in stride(from: extents.count - 1, through: 0, by: -1) where extents[i] != 1 {
            if let last = dims.indices.last, strides[i] == st[last] * dims[last] {
                dims[last] *= extents[i]
            } else {
                dims.append(extents[i]); st.append(strides[i])
            }
        }
        return (dims.reversed(), st.reversed())
    }

    /// Writes the elements `x[Σ i_k · strides[k]]` for the multi-index `i` over `dims` (outermost first)
    /// densely into `y`; contiguous innermost runs are block copies.
    static func stridedCopy(_ x: UnsafePointer<Float>, dims: [Int], strides: [Int], into y: UnsafeMutablePointer<Float>) {
        let m = dims.count
        if m == 0 { y[0] = x[0]; return }
        let len = dims[m - 1], step = strides[m - 1]
        let runs = Tensor.elementCount(dims) / len
        let runsPerChunk = Swift.max(1, 32_768 / len)
        let chunks = (runs + runsPerChunk - 1) / runsPerChunk
        TensorThreads.parallelFor(chunks) { chunk in
            let lo = chunk * runsPerChunk, hi = Swift.min(runs, lo + runsPerChunk)
            withUnsafeTemporaryAllocation(of: Int.self, capacity: m) { idx in
                var off = 0, rem = lo
                for k in stride(from: m - 2, through: 0, by: -1) {
                    let q = rem % dims[k]; rem /= dims[k]; idx[k] = q; off += q * strides[k]
                }
                for run in lo..<hi {
                    let dst = y + run * len, src = x + off
                    if step == 1 { dst.update(from: src, count: len) } else { for i in 0..<len { dst[i] = src[i &* step] } }
                    var k = m - 2
                    while k >= 0 {
                        idx[k] += 1; off += strides[k]
                        if idx[k] < dims[k] { break }
                        off -= strides[k] * dims[k]; idx[k] = 0
                        k -= 1
                    }
                }
            }
        }
    }

    // MARK: Concat

    /// ONNX Concat: joins the inputs along `axis` (negative allowed) into `y`, whose extent on that axis is
    /// the sum of the inputs' and which equals them on every other axis.
    /// - Precondition: at least one input; equal ranks ≥ 1; equal extents except on `axis` (the message names the shapes).
    public static func concat(_ inputs: [(UnsafePointer<Float>, [Int])], axis: Int, into y: UnsafeMutablePointer<Float>) {
        precondition(!inputs.isEmpty, "ShapeOps.concat: no inputs")
        let first = inputs[0].1
        let ax = normalizedAxis(axis, rank: first.count, "ShapeOps.concat", shape: first)
        var total = 0
        for (_, s) in inputs {
            var ok = s.count == first.count
            if ok { for i in 0..<s.count where i != ax && s[i] != first[i] { ok = false } }
            precondition(ok, "ShapeOps.concat: shapes \(inputs.map { $0.1 }) do not match except on axis \(axis)")
            total += s[ax]
        }
        var outer = 1, inner = 1
        for i in 0..<ax { outer *= first[i] }
        for i in (ax + 1)..<first.count { inner *= first[i] }
        if outer == 0 || inner == 0 { return }
        TensorThreads.parallelFor(outer, minimumPerThread: Swift.max(1, 65_536 / Swift.max(1, total * inner))) { o in
            var dst = y + o * total * inner
            for (p, s) in inputs {
                let len = s[ax] * inner
                dst.update(from: p + o * len, count: len)
                dst += len
            }
        }
    }

    /// ONNX Concat of tensors along `axis` (negative allowed).
    public static func concat(_ inputs: [Tensor], axis: Int) -> Tensor {
        precondition(!inputs.isEmpty, "ShapeOps.concat: no inputs")
        let first = inputs[0].shape
        let ax = normalizedAxis(axis, rank: first.count, "ShapeOps.concat", shape: first)
        var shape = first
        shape[ax] = inputs.reduce(0) { $0 + ($1.rank == first.count ? $1.shape[ax] : 0) }
        return kernelOutput(shape: shape) { y in
            withPointers(inputs[...], []) { concat($0, axis: ax, into: y) }
        }
    }

    private static func withPointers(_ rest: ArraySlice<Tensor>, _ acc: [(UnsafePointer<Float>, [Int])],
                                     _ body: ([(UnsafePointer<Float>, [Int])]) -> Void) {
        guard let t = rest.first else { body(acc); return }
        withReadPointer(t) { p in withPointers(rest.dropFirst(), acc + [(p, t.shape)], body) }
    }

    // MARK: Slice

    /// ONNX Slice after normalisation: starts/ends/steps per axis of `shape` (all axes), already clamped by SliceParameters.
    ///
    /// `y[i…] = x[starts[k] + i_k · steps[k] …]` over `p.outputShape`. Trailing axes that are taken whole
    /// fuse into one contiguous copy.
    /// - Precondition: `p` was built for a shape of the same rank.
    public static func slice(_ x: UnsafePointer<Float>, shape: [Int], _ p: SliceParameters, into y: UnsafeMutablePointer<Float>) {
        precondition(p.outputShape.count == shape.count && p.starts.count == shape.count && p.steps.count == shape.count,
                     "ShapeOps.slice: parameters for output \(p.outputShape) do not fit input shape \(shape)")
        if Tensor.elementCount(p.outputShape) == 0 { return }
        let inStrides = Tensor.strides(shape)
        var base = 0
        for i in 0..<shape.count { base += p.starts[i] * inStrides[i] }
        let (dims, strides) = mergeAxes(extents: p.outputShape,
                                        strides: (0..<shape.count).map { p.steps[$0] * inStrides[$0] })
        stridedCopy(x + base, dims: dims, strides: strides, into: y)
    }

    /// ONNX Slice of a tensor: `starts`/`ends` (and optional `axes`, `steps`) as the op's inputs.
    public static func slice(_ x: Tensor, starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?) -> Tensor {
        let p = SliceParameters(shape: x.shape, starts: starts, ends: ends, axes: axes, steps: steps)
        return kernelOutput(shape: p.outputShape) { y in withReadPointer(x) { slice($0, shape: x.shape, p, into: y) } }
    }

    // MARK: Gather

    /// ONNX Gather along `axis` with integer indices (negative indices wrap); output shape = shape[..<axis] + indicesShape + shape[axis+1...]
    /// - Precondition: `indices.count == indicesShape.product`, every index in `-shape[axis]..<shape[axis]`.
    public static func gather(_ x: UnsafePointer<Float>, shape: [Int], indices: [Int], indicesShape: [Int], axis: Int,
                              into y: UnsafeMutablePointer<Float>) {
        let ax = normalizedAxis(axis, rank: shape.count, "ShapeOps.gather", shape: shape)
        precondition(indices.count == Tensor.elementCount(indicesShape),
                     "ShapeOps.gather: \(indices.count) indices do not fill indices shape \(indicesShape)")
        let dim = shape[ax]
        for i in indices {
            precondition(i >= -dim && i < dim, "ShapeOps.gather: index \(i) out of range for axis \(axis) of shape \(shape)")
        }
        var outer = 1, inner = 1
        for i in 0..<ax { outer *= shape[i] }
        for i in (ax + 1)..<shape.count { inner *= shape[i] }
        let k = indices.count
        if outer == 0 || inner == 0 || k == 0 { return }
        indices.withUnsafeBufferPointer { idx in
            TensorThreads.parallelFor(outer, minimumPerThread: Swift.max(1, 65_536 / (k * inner))) { o in
                let src = x + o * dim * inner, dst = y + o * k * inner
                if inner == 1 {
                    for j in 0..<k { let i = idx[j]; dst[j] = src[i < 0 ? i + dim : i] }
                } else {
                    for j in 0..<k {
                        let i = idx[j]
                        (dst + j * inner).update(from: src + (i < 0 ? i + dim : i) * inner, count: inner)
                    }
                }
            }
        }
    }

    /// ONNX Gather of a tensor along `axis`; shape `x.shape[..<axis] + indicesShape + x.shape[(axis+1)...]`.
    public static func gather(_ x: Tensor, indices: [Int], indicesShape: [Int], axis: Int) -> Tensor {
        let ax = normalizedAxis(axis, rank: x.rank, "ShapeOps.gather", shape: x.shape)
        let shape = Array(x.shape[..<ax]) + indicesShape + Array(x.shape[(ax + 1)...])
        return kernelOutput(shape: shape) { y in
            withReadPointer(x) { gather($0, shape: x.shape, indices: indices, indicesShape: indicesShape, axis: ax, into: y) }
        }
    }

    // MARK: Pad

    /// The output shape of `pad`: `shape[i] + pads[i] + pads[i + rank]`.
    public static func padShape(_ shape: [Int], pads: [Int]) -> [Int] {
        let r = shape.count
        precondition(pads.count == 2 * r, "ShapeOps.pad: pads \(pads) must hold \(2 * r) values for shape \(shape)")
        return (0..<r).map { i in
            let o = shape[i] + pads[i] + pads[i + r]
            precondition(o >= 0, "ShapeOps.pad: pads \(pads) crop more than axis \(i) of shape \(shape)")
            return o
        }
    }

    /// ONNX Pad: pads = begins then ends for every axis (count 2*rank), negative pads crop.
    ///
    /// Negative pads crop that side first; the remaining positive pads then extend the cropped tensor with
    /// `mode` (reflect is periodic when a pad exceeds the axis, like NumPy's `reflect`). `y` has
    /// `padShape(shape, pads:)`.
    /// - Precondition: `pads.count == 2 * rank`; reflect/edge need a non-empty (cropped) axis to read from.
    public static func pad(_ x: UnsafePointer<Float>, shape: [Int], pads: [Int], mode: PadMode, into y: UnsafeMutablePointer<Float>) {
        let out = padShape(shape, pads: pads)
        let r = shape.count
        let total = Tensor.elementCount(out)
        if total == 0 { return }
        if r == 0 { y[0] = x[0]; return }
        let inStrides = Tensor.strides(shape)
        var fill: Float = 0
        var constant = false
        if case .constant(let v) = mode { fill = v; constant = true }
        let reflect = mode == .reflect
        // Per axis: first kept input index, kept extent, and the positive pad before it.
        let lo = (0..<r).map { Swift.max(0, -pads[$0]) }
        let kept = (0..<r).map { Swift.max(0, shape[$0] - lo[$0] - Swift.max(0, -pads[$0 + r])) }
        let before = (0..<r).map { Swift.max(0, pads[$0]) }
        for i in 0..<r where !constant && out[i] > 0 {
            precondition(kept[i] > 0, "ShapeOps.pad: \(mode) padding needs data on axis \(i) of shape \(shape) with pads \(pads)")
        }
        /// Input index for output index `o` of axis `i`, or -1 for a constant element.
        @inline(__always) func source(_ o: Int, _ i: Int) -> Int {
            var t = o - before[i]
            let n = kept[i]
            if t >= 0 && t < n { return lo[i] + t }
            if constant { return -1 }
            if reflect {
                if n == 1 { t = 0 } else {
                    let period = 2 * (n - 1)
                    t %= period; if t < 0 { t += period }
                    if t >= n { t = period - t }
                }
            } else {
                t = t < 0 ? 0 : n - 1
            }
            return lo[i] + t
        }
        let len = out[r - 1]
        let rows = total / len
        let last = r - 1
        let middle0 = Swift.min(len, before[last])
        let middle1 = Swift.min(len, before[last] + kept[last])
        TensorThreads.parallelFor(rows, minimumPerThread: Swift.max(1, 16_384 / len)) { row in
            var rem = row, off = 0, inside = true
            for i in stride(from: r - 2, through: 0, by: -1) {
                let q = rem % out[i]; rem /= out[i]
                let s = source(q, i)
                if s < 0 { inside = false; break }
                off += s * inStrides[i]
            }
            let dst = y + row * len
            if !inside {
                dst.update(repeating: fill, count: len)
                return
            }
            let src = x + off
            if constant {
                if middle0 > 0 { dst.update(repeating: fill, count: middle0) }
                if middle1 > middle0 { (dst + middle0).update(from: src + lo[last], count: middle1 - middle0) }
                if len > middle1 { (dst + middle1).update(repeating: fill, count: len - middle1) }
            } else {
                for o in 0..<middle0 { dst[o] = src[source(o, last)] }
                if middle1 > middle0 { (dst + middle0).update(from: src + lo[last], count: middle1 - middle0) }
                for o in middle1..<len { dst[o] = src[source(o, last)] }
            }
        }
    }

    /// ONNX Pad of a tensor; shape `padShape(x.shape, pads:)`.
    public static func pad(_ x: Tensor, pads: [Int], mode: PadMode) -> Tensor {
        kernelOutput(shape: padShape(x.shape, pads: pads)) { y in
            withReadPointer(x) { pad($0, shape: x.shape, pads: pads, mode: mode, into: y) }
        }
    }
}

/// ONNX Slice inputs normalised against one input shape: per-axis start, step and output extent.
///
/// ```swift
/// let p = SliceParameters(shape: [10], starts: [-1], ends: [Int.min], axes: nil, steps: [-2])
/// p.starts == [9]; p.outputShape == [5]   // elements 9, 7, 5, 3, 1
/// ```
public struct SliceParameters: Sendable, Equatable {
    /// First element read on each axis of the input (0 for untouched axes).
    public var starts: [Int]
    /// Step on each axis of the input (1 for untouched axes); never 0.
    public var steps: [Int]
    /// Output extent on each axis.
    public var outputShape: [Int]

    /// Applies ONNX Slice rules (negative indices, clamping, INT64_MAX ends, negative steps) for the given input shape.
    ///
    /// Per listed axis with extent `d`: negative starts/ends add `d`; then for a positive step
    /// start and end clamp to `[0, d]`, for a negative step start clamps to `[0, d-1]` and end to `[-1, d-1]`;
    /// the extent is `ceil((end - start) / step)`, at least 0. `axes` default to `0..<starts.count`
    /// (negative allowed), `steps` to 1.
    /// - Precondition: equal counts, distinct in-range axes, non-zero steps (the message names the shape).
    public init(shape: [Int], starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?) {
        let r = shape.count
        let axes = axes ?? Array(0..<starts.count)
        let steps = steps ?? [Int](repeating: 1, count: starts.count)
        precondition(ends.count == starts.count && axes.count == starts.count && steps.count == starts.count,
                     "SliceParameters: starts \(starts), ends \(ends), axes \(axes), steps \(steps) differ in count (shape \(shape))")
        self.starts = [Int](repeating: 0, count: r)
        self.steps = [Int](repeating: 1, count: r)
        self.outputShape = shape
        var seen = [Bool](repeating: false, count: r)
        for k in 0..<axes.count {
            let a = axes[k] < 0 ? axes[k] + r : axes[k]
            precondition(a >= 0 && a < r && !seen[a], "SliceParameters: axes \(axes) invalid or repeated for shape \(shape)")
            seen[a] = true
            let d = shape[a], step = steps[k]
            precondition(step != 0, "SliceParameters: step 0 on axis \(axes[k]) (steps \(steps), shape \(shape))")
            var s = starts[k], e = ends[k]
            if s < 0 { s = s < -d ? -1 - d : s; s += d }   // avoid overflow for Int.min
            if e < 0 { e = e < -d ? -1 - d : e; e += d }
            let count: Int
            if d == 0 {
                s = 0; count = 0
            } else if step > 0 {
                s = Swift.min(Swift.max(s, 0), d); e = Swift.min(Swift.max(e, 0), d)
                count = e > s ? (e - s + step - 1) / step : 0
            } else {
                s = Swift.min(Swift.max(s, 0), d - 1); e = Swift.min(Swift.max(e, -1), d - 1)
                count = s > e ? (s - e - step - 1) / (-step) : 0
            }
            self.starts[a] = s
            self.steps[a] = step
            self.outputShape[a] = count
        }
    }
}
