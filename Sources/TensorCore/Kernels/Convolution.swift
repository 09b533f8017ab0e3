/// Geometry of a 1-D or 2-D convolution (ONNX `Conv` / `ConvTranspose` attributes, already resolved).
///
/// ```swift
/// let p = ConvParameters(kernel: [9], strides: [2], pads: [4, 4])
/// let y = Convolution.conv(x, weight: w, bias: b, p, activation: .relu)   // x [N, C, L]
/// ```
public struct ConvParameters: Sendable, Equatable, CustomStringConvertible {
    /// Kernel extent per spatial axis.
    public var kernel: [Int]
    /// Step per spatial axis.
    public var strides: [Int]
    /// Implicit zero padding: begins for every spatial axis, then ends (ONNX order), count `2 * kernel.count`.
    public var pads: [Int]
    /// Spacing between kernel taps per spatial axis.
    public var dilations: [Int]
    /// Number of groups; input and output channels are split into `group` independent blocks.
    public var group: Int
    /// `ConvTranspose` only: extra size added at the end of each spatial axis of the output.
    public var outputPadding: [Int]

    /// Creates parameters; omitted lists default to strides 1, pads 0, dilations 1, output padding 0.
    public init(kernel: [Int], strides: [Int]? = nil, pads: [Int]? = nil, dilations: [Int]? = nil,
                group: Int = 1, outputPadding: [Int]? = nil) {
        let r = kernel.count
        precondition(r >= 1 && r <= 2, "ConvParameters: only 1-D and 2-D convolutions are supported, kernel \(kernel)")
        self.kernel = kernel
        self.strides = strides ?? [Int](repeating: 1, count: r)
        self.pads = pads ?? [Int](repeating: 0, count: 2 * r)
        self.dilations = dilations ?? [Int](repeating: 1, count: r)
        self.group = group
        self.outputPadding = outputPadding ?? [Int](repeating: 0, count: r)
        precondition(self.strides.count == r && self.pads.count == 2 * r && self.dilations.count == r
                     && self.outputPadding.count == r,
                     "ConvParameters: kernel \(kernel), strides \(self.strides), pads \(self.pads), dilations \(self.dilations) disagree in rank")
        precondition(group >= 1 && kernel.allSatisfy { $0 >= 1 } && self.strides.allSatisfy { $0 >= 1 }
                     && self.dilations.allSatisfy { $0 >= 1 },
                     "ConvParameters: kernel, strides, dilations and group must be ≥ 1 (\(self))")
    }

    public var description: String {
        "kernel \(kernel) strides \(strides) pads \(pads) dilations \(dilations) group \(group)"
    }

    /// Output shape of `Conv` for input [N, C, spatial...] and `outChannels` filters.
    public func convOutputShape(input: [Int], outChannels: Int) -> [Int] {
        let r = kernel.count
        precondition(input.count == r + 2, "Conv: input shape \(input) does not have \(r) spatial axes")
        var out = [input[0], outChannels]
        for i in 0..<r {
            let effective = (kernel[i] - 1) * dilations[i] + 1
            let padded = input[2 + i] + pads[i] + pads[r + i]
            precondition(padded >= effective, "Conv: input \(input) is smaller than the dilated kernel \(kernel) (\(self))")
            out.append((padded - effective) / strides[i] + 1)
        }
        return out
    }

    /// Output shape of `ConvTranspose` for input [N, C, spatial...] and `outChannels` (all groups).
    public func convTransposeOutputShape(input: [Int], outChannels: Int) -> [Int] {
        let r = kernel.count
        precondition(input.count == r + 2, "ConvTranspose: input shape \(input) does not have \(r) spatial axes")
        var out = [input[0], outChannels]
        for i in 0..<r {
            let extent = strides[i] * (input[2 + i] - 1) + outputPadding[i] + (kernel[i] - 1) * dilations[i] + 1
                - pads[i] - pads[r + i]
            precondition(extent > 0, "ConvTranspose: output extent \(extent) ≤ 0 for input \(input) (\(self))")
            out.append(extent)
        }
        return out
    }
}

/// Convolutions lowered to matrix products (im2col + `cblas_sgemm`), with bias, an optional residual
/// addition and an activation fused into the epilogue.
///
/// Layout is NCHW (NCL for 1-D); weights are [M, C/group, kH, kW] (ONNX / PyTorch). A 1-D convolution is
/// run as a 2-D one of height 1. Pointer forms write into caller-owned buffers and take a caller-owned
/// workspace of `workspaceCount(...)` floats, so a planned model runs without allocating.
public enum Convolution {
    // MARK: Geometry in 2-D form

    /// The problem lifted to 2-D (H = 1 for 1-D inputs).
    @usableFromInline
    struct Geometry {
        var n = 0, c = 0, h = 0, w = 0, m = 0, kh = 1, kw = 1, sh = 1, sw = 1
        var padTop = 0, padLeft = 0, dh = 1, dw = 1, oh = 0, ow = 0, group = 1

        init(input: [Int], weight: [Int], _ p: ConvParameters, outputSpatial: [Int]) {
            n = input[0]; c = input[1]; m = weight[0]; group = p.group
            if p.kernel.count == 1 {
                w = input[2]; kw = p.kernel[0]; sw = p.strides[0]; padLeft = p.pads[0]; dw = p.dilations[0]
                ow = outputSpatial[0]; h = 1; oh = 1
            } else {
                h = input[2]; w = input[3]; kh = p.kernel[0]; kw = p.kernel[1]; sh = p.strides[0]; sw = p.strides[1]
                padTop = p.pads[0]; padLeft = p.pads[1]; dh = p.dilations[0]; dw = p.dilations[1]
                oh = outputSpatial[0]; ow = outputSpatial[1]
            }
        }

        var cg: Int { c / group }
        var mg: Int { m / group }
        var kernelArea: Int { kh * kw }
        var outArea: Int { oh * ow }
        var inArea: Int { h * w }
        /// True when every group has one input and one output channel (depthwise convolution): a direct
        /// loop beats a matrix product of one row.
        var isDepthwise: Bool { group > 1 && cg == 1 && mg == 1 }
        /// True when the im2col matrix of one group is the input itself (1x1 kernel, stride 1, no pad).
        var isPointwise: Bool {
            kh == 1 && kw == 1 && sh == 1 && sw == 1 && padTop == 0 && padLeft == 0 && oh == h && ow == w
        }
    }

    private static func checkConv(input: [Int], weight: [Int], _ p: ConvParameters) {
        precondition(input.count == p.kernel.count + 2 && weight.count == input.count,
                     "Conv: input \(input) and weight \(weight) must both have \(p.kernel.count) spatial axes")
        precondition(Array(weight.dropFirst(2)) == p.kernel,
                     "Conv: weight \(weight) does not match kernel \(p.kernel)")
        precondition(input[1] % p.group == 0 && weight[0] % p.group == 0 && weight[1] * p.group == input[1],
                     "Conv: input channels \(input[1]) and weight \(weight) do not fit group \(p.group)")
    }

    /// Floats of workspace `conv` needs for this problem when run on up to `threads` threads
    /// (0 for pointwise convolutions).
    public static func workspaceCount(input: [Int], weight: [Int], _ p: ConvParameters,
                                      threads: Int = TensorThreads.plannedMaximum) -> Int {
        checkConv(input: input, weight: weight, p)
        let out = p.convOutputShape(input: input, outChannels: weight[0])
        let g = Geometry(input: input, weight: weight, p, outputSpatial: Array(out.dropFirst(2)))
        if g.isPointwise || g.isDepthwise { return 0 }
        return g.cg * g.kernelArea * tileColumns(g) * max(1, threads)
    }

    /// Output positions per im2col tile: the unfolded tile (rows × columns floats) is kept near 1 MiB so
    /// that it stays in the L2 cache between being written and being read by the matrix product.
    @usableFromInline
    static func tileColumns(_ g: Geometry) -> Int {
        let rows = max(1, g.cg * g.kernelArea)
        let target = max(256, (262_144 / rows + 15) / 16 * 16)
        return min(g.outArea, target)
    }

    // MARK: Conv

    /// `Conv` on raw buffers: `y = activation(conv(x, weight) + bias + residual)`.
    /// - Parameters:
    ///   - x: input [N, C, (H,) W]; `weight`: [M, C/group, (kH,) kW]; `bias`: M values or nil.
    ///   - residual: optional tensor of the output's shape added before the activation (ResNet skip).
    ///   - workspace: at least `workspaceCount(input:weight:_:threads:)` floats for `workspaceThreads` threads.
    ///   - workspaceThreads: how many per-thread slices the workspace holds; at most that many threads are used.
    ///   - y: output [N, M, (OH,) OW] (see `ConvParameters.convOutputShape`); must not alias `x`.
    ///
    /// Work is split over threads by batch sample when the batch is large enough, else by tiles of output
    /// positions (each thread unfolds its own tile), else by blocks of the matrix product.
    public static func conv(_ x: UnsafePointer<Float>, shape: [Int],
                            weight: UnsafePointer<Float>, weightShape: [Int],
                            bias: UnsafePointer<Float>?, _ p: ConvParameters,
                            activation: Activation = .identity,
                            residual: UnsafePointer<Float>? = nil,
                            workspace: UnsafeMutablePointer<Float>?,
                            workspaceThreads: Int = 1,
                            into y: UnsafeMutablePointer<Float>) {
        checkConv(input: shape, weight: weightShape, p)
        let outShape = p.convOutputShape(input: shape, outChannels: weightShape[0])
        let g = Geometry(input: shape, weight: weightShape, p, outputSpatial: Array(outShape.dropFirst(2)))
        if g.isDepthwise {
            depthwise(x, weight: weight, g, epilogue: Epilogue(y: y, bias: bias, residual: residual, activation: activation, channels: g.m))
            return
        }
        precondition(g.isPointwise || workspace != nil, "Conv: a workspace is required for \(p)")
        let kRows = g.cg * g.kernelArea
        let tile = g.isPointwise ? g.outArea : tileColumns(g)
        let slice = g.isPointwise ? 0 : kRows * tile
        let epi = Epilogue(y: y, bias: bias, residual: residual, activation: activation, channels: g.m)
        let available = TensorThreads.isInParallelRegion ? 1 : TensorThreads.count
        let threads = max(1, min(available, g.isPointwise ? available : workspaceThreads))

        // Each (sample, group) runs as at most one parallel region: region start-up costs more than the
        // work of a small 1-D layer, so the split is chosen to need no second one.
        func sample(_ b: Int, _ ws: UnsafeMutablePointer<Float>?, parallel: Bool) {
            let xb = x + b * g.c * g.inArea
            for grp in 0..<g.group {
                let xg = xb + grp * g.cg * g.inArea
                let wg = weight + grp * g.mg * kRows
                let yOffset = (b * g.m + grp * g.mg) * g.outArea
                let channel0 = grp * g.mg
                // Rows m0..<m1 of the product for output positions start..<start+count, unfolding into w
                // (or reading x directly for pointwise convolutions), then the fused epilogue on that block.
                func block(_ m0: Int, _ m1: Int, _ start: Int, _ count: Int, _ w: UnsafeMutablePointer<Float>?, unfold: Bool) {
                    let colsPointer: UnsafePointer<Float>
                    let ldb: Int
                    if g.isPointwise {
                        colsPointer = xg + start; ldb = g.outArea
                    } else {
                        if unfold { im2col(xg, g, start: start, count: count, into: w!) }
                        colsPointer = UnsafePointer(w!); ldb = count
                    }
                    Gemm.sgemm(m: m1 - m0, n: count, k: kRows, a: wg + m0 * kRows, lda: kRows, b: colsPointer, ldb: ldb,
                               c: y + yOffset + m0 * g.outArea + start, ldc: g.outArea)
                    epi.apply(offset: yOffset + m0 * g.outArea + start, rows: m1 - m0, columns: count, stride: g.outArea,
                              channel0: channel0 + m0, parallel: false)
                }
                let tiles = (g.outArea + tile - 1) / tile
                if !parallel {
                    for index in 0..<tiles {
                        let start = index * tile
                        block(0, g.mg, start, min(tile, g.outArea - start), ws, unfold: true)
                    }
                } else if tiles >= threads {
                    // Enough tiles: each thread unfolds and multiplies its own run of tiles.
                    let chunks = min(threads, tiles)
                    TensorThreads.parallelChunks(chunks) { t in
                        for index in (tiles * t / chunks)..<(tiles * (t + 1) / chunks) {
                            let start = index * tile
                            block(0, g.mg, start, min(tile, g.outArea - start), ws.map { $0 + t * slice }, unfold: true)
                        }
                    }
                } else if g.outArea >= threads * 96 {
                    // Few positions per tile: split the positions evenly, one piece per thread.
                    TensorThreads.parallelChunks(threads) { t in
                        let start = g.outArea * t / threads, end = g.outArea * (t + 1) / threads
                        block(0, g.mg, start, end - start, ws.map { $0 + t * slice }, unfold: true)
                    }
                } else {
                    // Short signals (deep 1-D layers): each thread unfolds all positions (cheap next to the
                    // product) and computes its share of the output channels.
                    let chunks = min(threads, max(1, g.mg / 8))
                    TensorThreads.parallelChunks(chunks) { t in
                        block(g.mg * t / chunks, g.mg * (t + 1) / chunks, 0, g.outArea, ws.map { $0 + t * slice }, unfold: true)
                    }
                }
            }
        }

        if threads > 1 && g.n >= threads {
            TensorThreads.parallelChunks(threads) { t in
                for b in (g.n * t / threads)..<(g.n * (t + 1) / threads) { sample(b, workspace.map { $0 + t * slice }, parallel: false) }
            }
        } else {
            for b in 0..<g.n { sample(b, workspace, parallel: threads > 1) }
        }
    }

    /// Depthwise convolution (one input and one output channel per group) as a direct loop: for each
    /// output row and kernel tap, a multiply-add over the run of output columns whose input lies inside
    /// the image (contiguous when the stride is 1, so it vectorises). Planes run in parallel.
    static func depthwise(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, _ g: Geometry, epilogue epi: Epilogue) {
        let planes = g.n * g.m
        TensorThreads.parallelFor(planes, minimumPerThread: max(1, 65536 / max(1, g.outArea * g.kernelArea))) { plane in
            let c = plane % g.m
            let xc = x + plane * g.inArea
            let wc = weight + c * g.kernelArea
            let yc = epi.y + plane * g.outArea
            yc.update(repeating: 0, count: g.outArea)
            for kw in 0..<g.kw {
                let colOffset = kw * g.dw - g.padLeft
                let owLo = colOffset >= 0 ? 0 : min(g.ow, (-colOffset + g.sw - 1) / g.sw)
                let owHi = max(owLo, min(g.ow, g.w - colOffset <= 0 ? 0 : (g.w - colOffset - 1) / g.sw + 1))
                if owHi <= owLo { continue }
                for kh in 0..<g.kh {
                    let wv = wc[kh * g.kw + kw]
                    for oh in 0..<g.oh {
                        let ih = oh * g.sh + kh * g.dh - g.padTop
                        if ih < 0 || ih >= g.h { continue }
                        let src = xc + ih * g.w + colOffset
                        let dst = yc + oh * g.ow
                        if g.sw == 1 {
                            for o in owLo..<owHi { dst[o] += wv * src[o] }
                        } else {
                            for o in owLo..<owHi { dst[o] += wv * src[o * g.sw] }
                        }
                    }
                }
            }
            epi.apply(offset: plane * g.outArea, rows: 1, columns: g.outArea, stride: g.outArea, channel0: c, parallel: false)
        }
    }

    /// The fused tail of a convolution: bias, residual, activation, applied block by block while the
    /// block is still in cache.
    @usableFromInline
    struct Epilogue {
        let y: UnsafeMutablePointer<Float>
        let bias: UnsafePointer<Float>?
        let residual: UnsafePointer<Float>?
        let activation: Activation
        let channels: Int

        /// Applies to `rows` output channels × `columns` positions starting at flat `offset` of y, rows `stride` apart.
        func apply(offset: Int, rows: Int, columns: Int, stride: Int, channel0: Int, parallel: Bool) {
            if bias == nil && residual == nil, case .identity = activation { return }
            let body = { (r: Int) in
                let yp = self.y + offset + r * stride
                let bv: Float = self.bias.map { $0[(channel0 + r) % self.channels] } ?? 0
                if let residual = self.residual {
                    let rp = residual + offset + r * stride
                    for i in 0..<columns { yp[i] += bv + rp[i] }
                } else if self.bias != nil {
                    for i in 0..<columns { yp[i] += bv }
                }
                self.activation.applyInPlace(yp, count: columns)
            }
            if parallel {
                TensorThreads.parallelFor(rows, minimumPerThread: max(1, 16384 / max(columns, 1)), body)
            } else {
                for r in 0..<rows { body(r) }
            }
        }
    }

    /// Unfolds output positions `start ..< start + count` (row-major over OH×OW) of one group's input
    /// [Cg, H, W] into columns [Cg·kH·kW, count].
    @usableFromInline
    static func im2col(_ x: UnsafePointer<Float>, _ g: Geometry, start: Int, count: Int, into cols: UnsafeMutablePointer<Float>) {
        let rows = g.cg * g.kernelArea
        TensorThreads.parallelFor(rows, minimumPerThread: max(1, 32768 / max(count, 1))) { row in
            let kw = row % g.kw
            let kh = (row / g.kw) % g.kh
            let ch = row / g.kernelArea
            let xc = x + ch * g.inArea
            let dst = cols + row * count
            let colOffset = kw * g.dw - g.padLeft
            // Output columns whose input column lies inside [0, W): ow in [owLo, owHi).
            let owLo = colOffset >= 0 ? 0 : min(g.ow, (-colOffset + g.sw - 1) / g.sw)
            let owHi = max(owLo, min(g.ow, g.w - colOffset <= 0 ? 0 : (g.w - colOffset - 1) / g.sw + 1))
            var p = start
            let end = start + count
            while p < end {
                let oh = p / g.ow
                let first = p - oh * g.ow
                let last = min(g.ow, first + (end - p))       // exclusive, within this output row
                let d = dst + (p - start) - first               // d[ow] is the slot of (oh, ow)
                let ih = oh * g.sh + kh * g.dh - g.padTop
                if ih < 0 || ih >= g.h {
                    (d + first).update(repeating: 0, count: last - first)
                } else {
                    let src = xc + ih * g.w + colOffset
                    let lo = max(first, owLo), hi = min(last, owHi)
                    if lo > first { (d + first).update(repeating: 0, count: min(lo, last) - first) }
                    if hi > lo {
                        if g.sw == 1 {
                            (d + lo).update(from: src + lo, count: hi - lo)
                        } else {
                            var s = src + lo * g.sw
                            for o in lo..<hi { d[o] = s.pointee; s += g.sw }
                        }
                    }
                    let zeroFrom = max(hi, first)
                    if zeroFrom < last { (d + zeroFrom).update(repeating: 0, count: last - zeroFrom) }
                }
                p += last - first
            }
        }
    }

    /// `Conv` on tensors (allocates its output and workspace).
    public static func conv(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, _ p: ConvParameters,
                            activation: Activation = .identity, residual: Tensor? = nil) -> Tensor {
        checkConv(input: x.shape, weight: weight.shape, p)
        let outShape = p.convOutputShape(input: x.shape, outChannels: weight.shape[0])
        if let bias { precondition(bias.count == weight.shape[0], "Conv: bias \(bias.shape) does not match \(weight.shape[0]) filters") }
        if let residual { precondition(residual.shape == outShape, "Conv: residual \(residual.shape) does not match output \(outShape)") }
        let threads = TensorThreads.plannedMaximum
        var ws = [Float](repeating: 0, count: max(1, workspaceCount(input: x.shape, weight: weight.shape, p, threads: threads)))
        return kernelOutput(shape: outShape) { y in
            withReadPointer(x) { px in withReadPointer(weight) { pw in
                withOptionalReadPointer(bias) { pb in withOptionalReadPointer(residual) { pr in
                    conv(px, shape: x.shape, weight: pw, weightShape: weight.shape, bias: pb, p, activation: activation,
                         residual: pr, workspace: &ws, workspaceThreads: threads, into: y)
                } }
            } }
        }
    }

    // MARK: ConvTranspose

    private static func checkConvTranspose(input: [Int], weight: [Int], _ p: ConvParameters) {
        precondition(input.count == p.kernel.count + 2 && weight.count == input.count,
                     "ConvTranspose: input \(input) and weight \(weight) must both have \(p.kernel.count) spatial axes")
        precondition(Array(weight.dropFirst(2)) == p.kernel,
                     "ConvTranspose: weight \(weight) does not match kernel \(p.kernel)")
        precondition(weight[0] == input[1] && input[1] % p.group == 0,
                     "ConvTranspose: input channels \(input[1]) do not match weight \(weight) with group \(p.group)")
    }

    /// Output channels of a `ConvTranspose` with this weight shape [C, M/group, k...].
    public static func convTransposeOutChannels(weight: [Int], group: Int) -> Int { weight[1] * group }

    /// Floats of workspace `convTranspose` needs.
    public static func convTransposeWorkspaceCount(input: [Int], weight: [Int], _ p: ConvParameters) -> Int {
        checkConvTranspose(input: input, weight: weight, p)
        let kernelArea = p.kernel.reduce(1, *)
        let inArea = input.dropFirst(2).reduce(1, *)
        return weight[1] * kernelArea * inArea
    }

    /// `ConvTranspose` on raw buffers (GEMM then col2im): `y = activation(convT(x, weight) + bias)`.
    /// - Parameters: x [N, C, (H,) W]; weight [C, M/group, (kH,) kW]; bias M values or nil;
    ///   y [N, M, ...] as `ConvParameters.convTransposeOutputShape`.
    public static func convTranspose(_ x: UnsafePointer<Float>, shape: [Int],
                                     weight: UnsafePointer<Float>, weightShape: [Int],
                                     bias: UnsafePointer<Float>?, _ p: ConvParameters,
                                     activation: Activation = .identity,
                                     workspace: UnsafeMutablePointer<Float>,
                                     into y: UnsafeMutablePointer<Float>) {
        checkConvTranspose(input: shape, weight: weightShape, p)
        let m = convTransposeOutChannels(weight: weightShape, group: p.group)
        let outShape = p.convTransposeOutputShape(input: shape, outChannels: m)
        // Geometry of the *forward* convolution that maps y back to x: its input is y, its output is x.
        var g = Geometry(input: outShape, weight: [shape[1], m / p.group] + p.kernel, p,
                         outputSpatial: Array(shape.dropFirst(2)))
        g.c = m; g.m = shape[1]
        let cIn = shape[1], cgIn = cIn / p.group, mg = m / p.group
        let kernelArea = g.kernelArea, inArea = g.outArea, outArea = g.inArea
        let rows = mg * kernelArea
        for b in 0..<shape[0] {
            let yb = y + b * m * outArea
            yb.update(repeating: 0, count: m * outArea)
            for grp in 0..<p.group {
                // cols [Mg·k, inArea] = Wgᵀ [Mg·k, Cg] · Xg [Cg, inArea]
                Gemm.sgemm(transposeA: true, m: rows, n: inArea, k: cgIn,
                           a: weight + grp * cgIn * rows, lda: rows,
                           b: x + (b * cIn + grp * cgIn) * inArea, ldb: inArea,
                           c: workspace, ldc: inArea)
                col2im(UnsafePointer(workspace), g, channels: mg, into: yb + grp * mg * outArea)
            }
        }
        Epilogue(y: y, bias: bias, residual: nil, activation: activation, channels: m)
            .apply(offset: 0, rows: shape[0] * m, columns: outArea, stride: outArea, channel0: 0, parallel: true)
    }

    /// Scatter-adds columns [channels·kH·kW, OH·OW] back into an image [channels, H, W] (the adjoint of im2col).
    @usableFromInline
    static func col2im(_ cols: UnsafePointer<Float>, _ g: Geometry, channels: Int, into img: UnsafeMutablePointer<Float>) {
        TensorThreads.parallelFor(channels) { ch in
            let dstC = img + ch * g.inArea
            for kh in 0..<g.kh {
                for kw in 0..<g.kw {
                    let src = cols + ((ch * g.kh + kh) * g.kw + kw) * g.outArea
                    for oh in 0..<g.oh {
                        let ih = oh * g.sh + kh * g.dh - g.padTop
                        if ih < 0 || ih >= g.h { continue }
                        let row = dstC + ih * g.w
                        let s = src + oh * g.ow
                        for ow in 0..<g.ow {
                            let iw = ow * g.sw + kw * g.dw - g.padLeft
                            if iw >= 0 && iw < g.w { row[iw] += s[ow] }
                        }
                    }
                }
            }
        }
    }

    /// `ConvTranspose` on tensors (allocates its output and workspace).
    public static func convTranspose(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, _ p: ConvParameters,
                                     activation: Activation = .identity) -> Tensor {
        checkConvTranspose(input: x.shape, weight: weight.shape, p)
        let m = convTransposeOutChannels(weight: weight.shape, group: p.group)
        if let bias { precondition(bias.count == m, "ConvTranspose: bias \(bias.shape) does not match \(m) output channels") }
        var ws = [Float](repeating: 0, count: max(1, convTransposeWorkspaceCount(input: x.shape, weight: weight.shape, p)))
        return kernelOutput(shape: p.convTransposeOutputShape(input: x.shape, outChannels: m)) { y in
            withReadPointer(x) { px in withReadPointer(weight) { pw in withOptionalReadPointer(bias) { pb in
                convTranspose(px, shape: x.shape, weight: pw, weightShape: weight.shape, bias: pb, p,
                              activation: activation, workspace: &ws, into: y)
            } } }
        }
    }

    // MARK: Batch-norm folding

    /// Folds inference batch normalisation that follows a convolution into the convolution's weights and
    /// bias: `BN(conv(x, W) + b) = conv(x, W') + b'` with `W'[m] = W[m]·s[m]`, `b' = (b − μ)·s + β`,
    /// `s = γ / √(σ² + ε)`.
    /// - Parameters:
    ///   - weight: the convolution weight, modified in place; `outputAxis` is 0 for `Conv` ([M, C/g, k…])
    ///     and 1 for `ConvTranspose` ([C, M/g, k…], where the output channel is `group·…`, see `groups`).
    ///   - bias: the convolution bias (M values, zeros when the convolution had none), modified in place.
    public static func foldBatchNorm(weight: inout Tensor, bias: inout [Float], outputAxis: Int = 0, groups: Int = 1,
                                     scale: [Float], shift: [Float], mean: [Float], variance: [Float], epsilon: Float) {
        let m = bias.count
        precondition(scale.count == m && shift.count == m && mean.count == m && variance.count == m,
                     "foldBatchNorm: \(m) output channels but BN parameters have \(scale.count)/\(shift.count)/\(mean.count)/\(variance.count)")
        var factor = [Float](repeating: 0, count: m)
        for i in 0..<m {
            // Compute in Double: the folded weights should not lose accuracy to the fold itself.
            let s = Double(scale[i]) / (Double(variance[i]) + Double(epsilon)).squareRoot()
            factor[i] = Float(s)
            bias[i] = Float((Double(bias[i]) - Double(mean[i])) * s + Double(shift[i]))
        }
        let shape = weight.shape
        if outputAxis == 0 {
            precondition(shape[0] == m, "foldBatchNorm: weight \(shape) has \(shape[0]) filters, BN has \(m)")
            let per = weight.count / m
            weight.storage.withUnsafeMutableBufferPointer { w in
                for i in 0..<m { for j in 0..<per { w[i * per + j] *= factor[i] } }
            }
        } else {
            // ConvTranspose: weight [C, M/g, k…]; input channel c belongs to group c / (C/g).
            let cIn = shape[0], mg = shape[1], kArea = weight.count / (cIn * mg), cg = cIn / groups
            precondition(mg * groups == m, "foldBatchNorm: ConvTranspose weight \(shape) with \(groups) groups has \(mg * groups) outputs, BN has \(m)")
            weight.storage.withUnsafeMutableBufferPointer { w in
                for c in 0..<cIn {
                    let grp = c / cg
                    for j in 0..<mg {
                        let f = factor[grp * mg + j]
                        let base = (c * mg + j) * kArea
                        for k in 0..<kArea { w[base + k] *= f }
                    }
                }
            }
        }
    }
}
