extension Canvas {
    /// Width in pixels of `text` drawn at `scale` with ``BitmapFont`` (no trailing space column).
    public static func textWidth(_ text: String, scale: Int = 2) -> Int {
        let n = text.count
        return n == 0 ? 0 : (n * BitmapFont.advance - 1) * max(scale, 1)
    }

    /// Height in pixels of one line of text at `scale` (ascent + descent).
    public static func textHeight(scale: Int = 2) -> Int {
        (BitmapFont.ascent + BitmapFont.descent) * max(scale, 1)
    }

    /// Draws one line of `text` with ``BitmapFont``, each font pixel a `scale × scale` block, the top of
    /// the capitals at row `y`, starting at column `x`; clipped to `clip` (when given) and the canvas.
    /// - Returns: the width drawn, in pixels (``textWidth(_:scale:)``).
    @discardableResult
    public mutating func drawText(_ text: String, x: Int, y: Int, scale: Int = 2, color: RGB, clip: PixelRect? = nil) -> Int {
        let s = max(scale, 1)
        let area = clip.map { $0.intersection(bounds) } ?? bounds
        var penX = x
        for ch in text {
            let rows = BitmapFont.glyph(for: ch)
            for (r, row) in rows.enumerated() {
                for (c, ink) in row.enumerated() where ink {
                    let block = PixelRect(x: penX + c * s, y: y + r * s, width: s, height: s).intersection(area)
                    if !block.isEmpty { fillRect(x: block.x, y: block.y, width: block.width, height: block.height, color: color) }
                }
            }
            penX += BitmapFont.advance * s
        }
        return Self.textWidth(text, scale: s)
    }
}
