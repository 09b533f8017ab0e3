/// How ``Canvas/scaled(width:height:method:)`` samples the source.
public enum ScaleMethod: Sendable {
    /// The source pixel whose area holds the destination pixel's centre (blocky, exact colours).
    case nearest
    /// Bilinear interpolation between the four source pixels around the destination pixel's centre
    /// (pixel centres aligned: destination centre `(i + 0.5) × src / dst − 0.5`, edges clamped).
    case bilinear
}

extension Canvas {
    /// A copy resized to `width × height`.
    /// - Throws: ``DrawingError`` when the new size is invalid.
    public func scaled(width newWidth: Int, height newHeight: Int, method: ScaleMethod = .bilinear) throws -> Canvas {
        try Self.checkSize(newWidth, newHeight)
        var out = [UInt8](repeating: 0, count: newWidth * newHeight * 3)
        let sx = Double(width) / Double(newWidth), sy = Double(height) / Double(newHeight)
        for j in 0..<newHeight {
            let fy = (Double(j) + 0.5) * sy - 0.5
            for i in 0..<newWidth {
                let fx = (Double(i) + 0.5) * sx - 0.5
                let o = (j * newWidth + i) * 3
                switch method {
                case .nearest:
                    let x = min(width - 1, Int((Double(i) + 0.5) * sx)), y = min(height - 1, Int((Double(j) + 0.5) * sy))
                    let s = (y * width + x) * 3
                    out[o] = pixels[s]; out[o + 1] = pixels[s + 1]; out[o + 2] = pixels[s + 2]
                case .bilinear:
                    let cx = min(max(fx, 0), Double(width - 1)), cy = min(max(fy, 0), Double(height - 1))
                    let x0 = Int(cx), y0 = Int(cy)
                    let x1 = min(x0 + 1, width - 1), y1 = min(y0 + 1, height - 1)
                    let ax = cx - Double(x0), ay = cy - Double(y0)
                    for ch in 0..<3 {
                        let p00 = Double(pixels[(y0 * width + x0) * 3 + ch]), p10 = Double(pixels[(y0 * width + x1) * 3 + ch])
                        let p01 = Double(pixels[(y1 * width + x0) * 3 + ch]), p11 = Double(pixels[(y1 * width + x1) * 3 + ch])
                        let top = p00 + (p10 - p00) * ax, bottom = p01 + (p11 - p01) * ax
                        out[o + ch] = UInt8(min(255, max(0, (top + (bottom - top) * ay).rounded())))
                    }
                }
            }
        }
        return try Canvas(width: newWidth, height: newHeight, pixels: out)
    }

    /// A copy scaled by `factor` in both directions (sides rounded, at least 1 pixel).
    /// - Throws: ``DrawingError`` when `factor` is not positive and finite or the result is too large.
    public func scaled(by factor: Double, method: ScaleMethod = .bilinear) throws -> Canvas {
        guard factor.isFinite, factor > 0 else { throw DrawingError("scale factor must be > 0, got \(factor)") }
        let w = max(1, Int(min(1e9, (Double(width) * factor).rounded())))
        let h = max(1, Int(min(1e9, (Double(height) * factor).rounded())))
        return try scaled(width: w, height: h, method: method)
    }
}
