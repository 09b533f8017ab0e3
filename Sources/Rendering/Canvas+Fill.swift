extension Canvas {
    /// Fills columns `x ..< x + width`, rows `y ..< y + height` with `color`, clipped to the canvas.
    public mutating func fillRect(x: Int, y: Int, width w: Int, height h: Int, color: RGB) {
        let r = PixelRect(x: x, y: y, width: w, height: h).intersection(bounds)
        guard !r.isEmpty else { return }
        let w = width
        pixels.withUnsafeMutableBufferPointer { b in
            for row in r.y..<r.maxY {
                var i = (row * w + r.x) * 3
                for _ in r.x..<r.maxX {
                    b[i] = color.r
                    b[i + 1] = color.g
                    b[i + 2] = color.b
                    i += 3
                }
            }
        }
    }

    /// Blends `color` with opacity `alpha` (0…1) over a rectangle, clipped to the canvas; each channel
    /// becomes `round(old × (1 − alpha) + color × alpha)`.
    public mutating func blendRect(x: Int, y: Int, width w: Int, height h: Int, color: RGB, alpha: Double) {
        let r = PixelRect(x: x, y: y, width: w, height: h).intersection(bounds)
        guard !r.isEmpty, alpha > 0 else { return }
        for row in r.y..<r.maxY {
            for col in r.x..<r.maxX { blendPixel(x: col, y: row, color: color, alpha: alpha) }
        }
    }

    /// Draws the outline of a rectangle `thickness` pixels wide, inside its bounds, clipped to the canvas.
    public mutating func strokeRect(x: Int, y: Int, width w: Int, height h: Int, color: RGB, thickness: Int = 1) {
        guard w > 0, h > 0, thickness > 0 else { return }
        let t = min(thickness, (min(w, h) + 1) / 2)
        fillRect(x: x, y: y, width: w, height: t, color: color)
        fillRect(x: x, y: y + h - t, width: w, height: t, color: color)
        fillRect(x: x, y: y, width: t, height: h, color: color)
        fillRect(x: x + w - t, y: y, width: t, height: h, color: color)
    }

    /// Copies `other` onto this canvas with its top-left corner at (`x`, `y`), clipped to the canvas.
    public mutating func draw(_ other: Canvas, x: Int, y: Int) {
        let r = PixelRect(x: x, y: y, width: other.width, height: other.height).intersection(bounds)
        guard !r.isEmpty else { return }
        for row in r.y..<r.maxY {
            let src = ((row - y) * other.width + (r.x - x)) * 3
            let dst = (row * width + r.x) * 3
            let n = r.width * 3
            pixels.withUnsafeMutableBufferPointer { d in
                other.pixels.withUnsafeBufferPointer { s in
                    for k in 0..<n { d[dst + k] = s[src + k] }
                }
            }
        }
    }
}
