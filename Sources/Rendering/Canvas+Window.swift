extension Canvas {
    /// A gray canvas from scalar values (e.g. CT Hounsfield units) through a display window:
    /// `gray = round(255 × clamp((v − (center − window / 2)) / window, 0, 1))`, so values at or below
    /// `center − window/2` are black and at or above `center + window/2` white (a plain linear ramp,
    /// not DICOM's `center − 0.5`, `window − 1` variant).
    ///
    /// ```swift
    /// let slice = try Canvas.windowed(values: hu, width: 512, height: 512, center: 40, window: 400)  // abdomen
    /// ```
    /// - Throws: ``DrawingError`` when `values.count != width × height`, the size is invalid, `window`
    ///   is not positive and finite, `center` is not finite, or a value is NaN or infinite (naming its index).
    public static func windowed(values: [Float], width: Int, height: Int, center: Double, window: Double) throws -> Canvas {
        try checkSize(width, height)
        guard values.count == width * height else {
            throw DrawingError("window/level: \(values.count) values for a \(width)x\(height) image (expected \(width * height))")
        }
        guard window.isFinite, window > 0 else { throw DrawingError("window/level: window width must be > 0, got \(window)") }
        guard center.isFinite else { throw DrawingError("window/level: window center must be finite, got \(center)") }
        let low = center - window / 2
        var bytes = [UInt8](repeating: 0, count: width * height * 3)
        for (i, v) in values.enumerated() {
            guard v.isFinite else {
                throw DrawingError("window/level: value \(v) at index \(i) (x \(i % width), y \(i / width)) is not finite")
            }
            let t = min(max((Double(v) - low) / window, 0), 1)
            let g = UInt8((255 * t).rounded())
            bytes[3 * i] = g
            bytes[3 * i + 1] = g
            bytes[3 * i + 2] = g
        }
        return try Canvas(width: width, height: height, pixels: bytes)
    }
}
