extension Canvas {
    /// Overlays a heat map (one value per pixel, row-major, nominally 0…1) in ``HeatColormap`` colours.
    ///
    /// A pixel with heat `h ≥ threshold` (and `h > 0`) gets `HeatColormap.color(at: h)` blended with
    /// opacity `maxAlpha × min(h, 1)`; cooler pixels are left untouched, so the anatomy stays readable
    /// where the map says nothing. Values above 1 are drawn as 1; values below 0 are below any threshold.
    ///
    /// ```swift
    /// var slice = try Canvas.windowed(values: hu, width: 512, height: 512, center: 40, window: 400)
    /// try slice.overlayHeatmap(saliency, maxAlpha: 0.6, threshold: 0.2)
    /// ```
    /// - Throws: ``DrawingError`` when `heat.count != width × height`, `maxAlpha` is outside 0…1,
    ///   `threshold` is not finite, or a heat value is NaN or infinite (naming its index).
    public mutating func overlayHeatmap(_ heat: [Float], maxAlpha: Double, threshold: Float) throws {
        guard heat.count == width * height else {
            throw DrawingError("heat map has \(heat.count) values for a \(width)x\(height) canvas (expected \(width * height))")
        }
        guard maxAlpha.isFinite, (0...1).contains(maxAlpha) else {
            throw DrawingError("heat map maxAlpha must be in 0…1, got \(maxAlpha)")
        }
        guard threshold.isFinite else { throw DrawingError("heat map threshold must be finite, got \(threshold)") }
        if let bad = heat.firstIndex(where: { !$0.isFinite }) {
            throw DrawingError("heat map value \(heat[bad]) at index \(bad) (x \(bad % width), y \(bad / width)) is not finite")
        }
        for (i, h) in heat.enumerated() where h >= threshold && h > 0 {
            let v = Double(min(h, 1))
            blendPixel(x: i % width, y: i / width, color: HeatColormap.color(at: v), alpha: maxAlpha * v)
        }
    }
}
