import Foundation

/// ONNX Resize interpolation mode.
public enum ResizeMode: Sendable, Equatable {
    /// Take the input element at the rounded source coordinate (ONNX `mode = "nearest"` with `nearest_mode`).
    case nearest(NearestRounding)
    /// Linear interpolation along every spatial axis (bilinear in 2-D, trilinear in 3-D); ONNX `"linear"`.
    case linear
}

/// ONNX `nearest_mode`: how a fractional source coordinate becomes an index.
public enum NearestRounding: Sendable {
    /// Round to nearest, halves down (ONNX default `round_prefer_floor`).
    case roundPreferFloor
    /// Round to nearest, halves up.
    case roundPreferCeil
    /// Round down (what PyTorch `nn.Upsample(mode="nearest")` exports, with `asymmetric`).
    case floor
    /// Round up.
    case ceil
}

/// ONNX `coordinate_transformation_mode`: the source coordinate `x_in` of output index `x_out`
/// along an axis of input extent `in`, output extent `out` and scale `s = out / in`.
public enum CoordinateTransform: Sendable {
    /// `(x_out + 0.5) / s − 0.5` (ONNX default).
    case halfPixel
    /// As `halfPixel`, but 0 when `out == 1` (PyTorch `align_corners=False`).
    case pytorchHalfPixel
    /// `x_out · (in − 1) / (out − 1)`, 0 when `out == 1`.
    case alignCorners
    /// `x_out / s`.
    case asymmetric
}

/// ONNX Resize (opset 13+) over the spatial axes of `[N, C, spatial...]` tensors.
///
/// ```swift
/// let up = Resize.resize(x, outputShape: [1, 3, 64, 64], mode: .linear, coordinates: .halfPixel)
/// let nn = Resize.resize(x, outputShape: [1, 3, 64, 64], mode: .nearest(.floor), coordinates: .asymmetric)
/// ```
public enum Resize {
    /// ONNX Resize (opset 13+) on [N, C, spatial...] to outputShape (same rank, N and C unchanged); linear = N-linear over spatial axes; no antialias.
    ///
    /// 1, 2 or 3 spatial axes. Linear mode clamps source coordinates into `[0, in − 1]` (the same as the
    /// ONNX reference's edge padding). Source coordinates are computed in double precision; with `scales`
    /// nil the scale is the exact ratio `out / in` (ONNX `sizes` input), otherwise `scales` holds the ONNX
    /// `scales` input (one value per axis of `shape`) and is used in the coordinate transform.
    /// - Precondition: rank 3…5, equal ranks, equal N and C, no empty input axis that must be read.
    public static func resize(_ x: UnsafePointer<Float>, shape: [Int], outputShape: [Int], mode: ResizeMode,
                              coordinates: CoordinateTransform, scales: [Float]? = nil,
                              into y: UnsafeMutablePointer<Float>) {
        let r = shape.count
        precondition(r >= 3 && r <= 5 && outputShape.count == r && outputShape[0] == shape[0] && outputShape[1] == shape[1],
                     "Resize.resize: cannot resize \(shape) to \(outputShape) (need [N, C, 1-3 spatial axes], N and C unchanged)")
        if let scales {
            precondition(scales.count == r, "Resize.resize: scales \(scales) must hold \(r) values for shape \(shape)")
        }
        if Tensor.elementCount(outputShape) == 0 { return }
        precondition(Tensor.elementCount(shape) > 0, "Resize.resize: empty input \(shape) cannot fill output \(outputShape)")
        let spatial = r - 2
        // Unit axes in front lift 1-D/2-D to 3-D.
        var inE = [1, 1, 1], outE = [1, 1, 1], sc: [Double?] = [nil, nil, nil]
        for i in 0..<spatial {
            inE[3 - spatial + i] = shape[2 + i]
            outE[3 - spatial + i] = outputShape[2 + i]
            sc[3 - spatial + i] = scales.map { Double($0[2 + i]) }
        }
        let total = outE[0] + outE[1] + outE[2]
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * total) { idx in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: total) { wts in
                // Per axis, per output index: the two source indices and the weight of the second.
                var start = [0, 0, 0]
                var o0 = 0
                for a in 0..<3 {
                    start[a] = o0
                    for o in 0..<outE[a] {
                        let (i0, i1, w) = source(o, inN: inE[a], outN: outE[a], scale: sc[a], mode: mode, coordinates: coordinates)
                        idx[2 * (o0 + o)] = i0; idx[2 * (o0 + o) + 1] = i1; wts[o0 + o] = w
                    }
                    o0 += outE[a]
                }
                let planes = shape[0] * shape[1]
                let inPlane = inE[0] * inE[1] * inE[2], outPlane = outE[0] * outE[1] * outE[2]
                let idxBase = idx.baseAddress!, wBase = wts.baseAddress!
                let sd = start[0], sh = start[1], sw = start[2]
                let (inH, inW, outD, outH, outW) = (inE[1], inE[2], outE[0], outE[1], outE[2])
                let linear = mode == .linear
                TensorThreads.parallelFor(planes, minimumPerThread: Swift.max(1, 32_768 / outPlane)) { p in
                    let xp = x + p * inPlane
                    var yp = y + p * outPlane
                    for od in 0..<outD {
                        let d0 = idxBase[2 * (sd + od)], d1 = idxBase[2 * (sd + od) + 1], wd = wBase[sd + od]
                        for oh in 0..<outH {
                            let h0 = idxBase[2 * (sh + oh)], h1 = idxBase[2 * (sh + oh) + 1], wh = wBase[sh + oh]
                            let r00 = xp + (d0 * inH + h0) * inW
                            if !linear {
                                for ow in 0..<outW { yp[ow] = r00[idxBase[2 * (sw + ow)]] }
                            } else if spatial <= 2 {
                                let r01 = xp + (d0 * inH + h1) * inW
                                for ow in 0..<outW {
                                    let w0 = idxBase[2 * (sw + ow)], w1 = idxBase[2 * (sw + ow) + 1], ww = wBase[sw + ow]
                                    let top = r00[w0] + (r00[w1] - r00[w0]) * ww
                                    let bottom = r01[w0] + (r01[w1] - r01[w0]) * ww
                                    yp[ow] = top + (bottom - top) * wh
                                }
                            } else {
                                let r01 = xp + (d0 * inH + h1) * inW
                                let r10 = xp + (d1 * inH + h0) * inW, r11 = xp + (d1 * inH + h1) * inW
                                for ow in 0..<outW {
                                    let w0 = idxBase[2 * (sw + ow)], w1 = idxBase[2 * (sw + ow) + 1], ww = wBase[sw + ow]
                                    let a0 = r00[w0] + (r00[w1] - r00[w0]) * ww
                                    let a1 = r01[w0] + (r01[w1] - r01[w0]) * ww
                                    let b0 = r10[w0] + (r10[w1] - r10[w0]) * ww
                                    let b1 = r11[w0] + (r11[w1] - r11[w0]) * ww
                                    let front = a0 + (a1 - a0) * wh, back = b0 + (b1 - b0) * wh
                                    yp[ow] = front + (back - front) * wd
                                }
                            }
                            yp += outW
                        }
                    }
                }
            }
        }
    }

    /// Source indices and the weight of the second one for output index `o` of one axis.
    static func source(_ o: Int, inN: Int, outN: Int, scale: Double?, mode: ResizeMode,
                       coordinates: CoordinateTransform) -> (Int, Int, Float) {
        // Same extent without explicit scales maps every transform to the identity; one input element is all there is.
        if inN == 1 { return (0, 0, 0) }
        if inN == outN && scale == nil { return (o, o, 0) }
        let xo = Double(o)
        var xi: Double
        switch coordinates {
        case .halfPixel, .pytorchHalfPixel:
            if coordinates == .pytorchHalfPixel && outN == 1 {
                xi = 0
            } else if let s = scale {
                xi = (xo + 0.5) / s - 0.5
            } else {
                // ((2o + 1) · in − out) / (2 · out): one rounding, exact at halves.
                xi = Double((2 * o + 1) * inN - outN) / Double(2 * outN)
            }
        case .alignCorners:
            xi = outN == 1 ? 0 : Double(o * (inN - 1)) / Double(outN - 1)
        case .asymmetric:
            xi = scale.map { xo / $0 } ?? Double(o * inN) / Double(outN)
        }
        switch mode {
        case .nearest(let rounding):
            let f = xi.rounded(.down)
            var i: Double
            switch rounding {
            case .roundPreferFloor: i = xi - f == 0.5 ? f : xi.rounded(.toNearestOrAwayFromZero)
            case .roundPreferCeil: i = xi - f == 0.5 ? f + 1 : xi.rounded(.toNearestOrAwayFromZero)
            case .floor: i = f
            case .ceil: i = xi.rounded(.up)
            }
            i = Swift.min(Swift.max(i, 0), Double(inN - 1))
            return (Int(i), Int(i), 0)
        case .linear:
            let c = Swift.min(Swift.max(xi, 0), Double(inN - 1))
            let i0 = Int(c.rounded(.down))
            let i1 = Swift.min(i0 + 1, inN - 1)
            return (i0, i1, Float(c - Double(i0)))
        }
    }

    /// ONNX Resize of a tensor `[N, C, spatial...]` to `outputShape` (N and C unchanged).
    public static func resize(_ x: Tensor, outputShape: [Int], mode: ResizeMode, coordinates: CoordinateTransform) -> Tensor {
        kernelOutput(shape: outputShape) { y in
            withReadPointer(x) { resize($0, shape: x.shape, outputShape: outputShape, mode: mode, coordinates: coordinates, into: y) }
        }
    }

    /// ONNX Resize of a tensor with the ONNX `scales` input (one per axis): output extent `floor(in · scale)`,
    /// and the given scales drive the coordinate transform.
    public static func resize(_ x: Tensor, scales: [Float], mode: ResizeMode, coordinates: CoordinateTransform) -> Tensor {
        precondition(scales.count == x.rank, "Resize.resize: scales \(scales) must hold \(x.rank) values for shape \(x.shape)")
        let outShape = zip(x.shape, scales).map { Int((Double($0) * Double($1)).rounded(.down)) }
        return kernelOutput(shape: outShape) { y in
            withReadPointer(x) {
                resize($0, shape: x.shape, outputShape: outShape, mode: mode, coordinates: coordinates, scales: scales, into: y)
            }
        }
    }
}
