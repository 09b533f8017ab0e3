extension Canvas {
    /// Tiles `canvases` left to right, top to bottom, `columns` per row, `gap` pixels apart and around.
    ///
    /// Every cell is as large as the largest tile; a smaller tile sits in its cell's top-left corner.
    /// With `captions`, each tile gets a band below it with its caption in ``BitmapFont`` at
    /// `captionScale`, clipped to the cell width (an empty caption leaves the band blank).
    /// - Throws: ``DrawingError`` when there are no tiles, `columns < 1`, `gap < 0`, the caption count
    ///   differs from the tile count, or the montage would be too large.
    public static func montage(_ canvases: [Canvas], columns: Int, gap: Int = 4, captions: [String]? = nil,
                               background: RGB = .black, captionColor: RGB = .white, captionScale: Int = 2) throws -> Canvas {
        guard !canvases.isEmpty else { throw DrawingError("montage: no tiles") }
        guard columns >= 1 else { throw DrawingError("montage: columns must be ≥ 1, got \(columns)") }
        guard gap >= 0 else { throw DrawingError("montage: gap must be ≥ 0, got \(gap)") }
        if let captions, captions.count != canvases.count {
            throw DrawingError("montage: \(captions.count) captions for \(canvases.count) tiles")
        }
        let cellW = canvases.map(\.width).max() ?? 1, cellH = canvases.map(\.height).max() ?? 1
        let scale = max(captionScale, 1)
        let band = captions == nil ? 0 : textHeight(scale: scale) + 2 * scale
        let cols = min(columns, canvases.count)
        let rows = (canvases.count + cols - 1) / cols
        let (w, o1) = cols.multipliedReportingOverflow(by: cellW + gap)
        let (h, o2) = rows.multipliedReportingOverflow(by: cellH + band + gap)
        guard !o1, !o2, w + gap <= maxSide, h + gap <= maxSide else {
            throw DrawingError("montage of \(canvases.count) tiles of \(cellW)x\(cellH) in \(cols) columns is too large")
        }
        var out = try Canvas(width: w + gap, height: h + gap, background: background)
        for (k, tile) in canvases.enumerated() {
            let x = gap + (k % cols) * (cellW + gap), y = gap + (k / cols) * (cellH + band + gap)
            out.draw(tile, x: x, y: y)
            if let text = captions?[k], !text.isEmpty {
                out.drawText(text, x: x, y: y + cellH + scale, scale: scale, color: captionColor,
                             clip: PixelRect(x: x, y: y + cellH, width: cellW, height: band))
            }
        }
        return out
    }
}
