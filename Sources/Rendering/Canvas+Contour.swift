extension Canvas {
    /// Draws the outline of a binary mask (one flag per pixel, row-major) in `color`.
    ///
    /// Outline pixels are mask pixels with at least one 4-neighbour outside the mask (or outside the
    /// image); `thickness` 2 or more adds further rings inward, one per extra pixel of thickness.
    /// - Throws: ``DrawingError`` when `mask.count != width × height` or `thickness < 1`.
    public mutating func drawContour(mask: [Bool], color: RGB, thickness: Int = 1) throws {
        guard mask.count == width * height else {
            throw DrawingError("contour mask has \(mask.count) flags for a \(width)x\(height) canvas (expected \(width * height))")
        }
        guard thickness >= 1 else { throw DrawingError("contour thickness must be ≥ 1, got \(thickness)") }
        var inside = mask
        for _ in 0..<thickness {
            var ring: [Int] = []
            for y in 0..<height {
                for x in 0..<width where inside[y * width + x] {
                    let edge = x == 0 || y == 0 || x == width - 1 || y == height - 1
                        || !inside[y * width + x - 1] || !inside[y * width + x + 1]
                        || !inside[(y - 1) * width + x] || !inside[(y + 1) * width + x]
                    if edge { ring.append(y * width + x) }
                }
            }
            if ring.isEmpty { break }
            for i in ring {
                setPixel(x: i % width, y: i / width, color: color)
                inside[i] = false
            }
        }
    }
}
