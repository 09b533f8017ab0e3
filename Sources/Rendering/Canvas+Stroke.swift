import Foundation

extension Canvas {
    /// Draws an anti-aliased line from `a` to `b` (round caps), `width` pixels wide; see ``strokePolyline(_:color:width:clip:)``.
    public mutating func drawLine(from a: Point, to b: Point, color: RGB, width: Double = 1, clip: PixelRect? = nil) {
        strokePolyline([a, b], color: color, width: width, clip: clip)
    }

    /// Draws an anti-aliased polyline `width` pixels wide through `points`, clipped to `clip` (when
    /// given) and to the canvas.
    ///
    /// Each pixel's coverage is `clamp(width / 2 + 0.5 − d, 0, 1)`, with `d` the distance from the pixel
    /// centre to the nearest segment; coverage is combined by maximum over the whole polyline, then
    /// blended once, so joints of many short segments (a sampled signal) do not darken. An axis-aligned
    /// 1-px line between integer points therefore covers exactly the pixels between its endpoints.
    /// A point with a non-finite coordinate breaks the line (a gap), it is never joined across.
    public mutating func strokePolyline(_ points: [Point], color: RGB, width: Double = 1, clip: PixelRect? = nil) {
        guard width > 0, width.isFinite, !points.isEmpty else { return }
        let area = clip.map { $0.intersection(bounds) } ?? bounds
        guard !area.isEmpty else { return }
        let reach = width / 2 + 0.5
        // Bounding box of the finite points, grown by the reach, clipped to the drawing area.
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for p in points where p.x.isFinite && p.y.isFinite {
            minX = min(minX, p.x); maxX = max(maxX, p.x)
            minY = min(minY, p.y); maxY = max(maxY, p.y)
        }
        guard minX.isFinite else { return }
        let x0 = Self.pixelIndex(minX - reach, .down), y0 = Self.pixelIndex(minY - reach, .down)
        let far = PixelRect(x: x0, y: y0, width: Self.pixelIndex(maxX + reach, .up) - x0 + 1,
                            height: Self.pixelIndex(maxY + reach, .up) - y0 + 1).intersection(area)
        guard !far.isEmpty else { return }
        var coverage = [Float](repeating: 0, count: far.width * far.height)

        // Segments are first clipped to the drawing box grown by the stroke's reach, so that distances
        // are computed on bounded coordinates however far off the data points lie.
        let limits = (x0: Double(far.x) - reach - 1, y0: Double(far.y) - reach - 1,
                      x1: Double(far.maxX) + reach + 1, y1: Double(far.maxY) + reach + 1)
        func segment(_ p: Point, _ q: Point) {
            guard let (a, b) = Self.clip(p, q, to: limits) else { return }
            let sx0 = Self.pixelIndex(min(a.x, b.x) - reach, .down), sx1 = Self.pixelIndex(max(a.x, b.x) + reach, .up)
            let sy0 = Self.pixelIndex(min(a.y, b.y) - reach, .down), sy1 = Self.pixelIndex(max(a.y, b.y) + reach, .up)
            let r = PixelRect(x: sx0, y: sy0, width: sx1 - sx0 + 1, height: sy1 - sy0 + 1).intersection(far)
            guard !r.isEmpty else { return }
            let dx = b.x - a.x, dy = b.y - a.y
            let len2 = dx * dx + dy * dy
            for py in r.y..<r.maxY {
                for px in r.x..<r.maxX {
                    let qx = Double(px) - a.x, qy = Double(py) - a.y
                    var t = len2 > 0 ? (qx * dx + qy * dy) / len2 : 0
                    t = min(max(t, 0), 1)
                    let ex = qx - t * dx, ey = qy - t * dy
                    let c = Float(reach - (ex * ex + ey * ey).squareRoot())
                    if c > 0 {
                        let k = (py - far.y) * far.width + (px - far.x)
                        if c > coverage[k] { coverage[k] = min(c, 1) }
                    }
                }
            }
        }

        var previous: Point?
        for p in points {
            guard p.x.isFinite, p.y.isFinite else { previous = nil; continue }
            if let q = previous { segment(q, p) } else { segment(p, p) }
            previous = p
        }
        for py in far.y..<far.maxY {
            for px in far.x..<far.maxX {
                let c = coverage[(py - far.y) * far.width + (px - far.x)]
                if c >= 1 { setPixel(x: px, y: py, color: color) } else if c > 0 { blendPixel(x: px, y: py, color: color, alpha: Double(c)) }
            }
        }
    }

    /// `v` rounded and clamped to ±2³⁰, so that far-off (but finite) coordinates clip instead of trapping.
    static func pixelIndex(_ v: Double, _ rule: FloatingPointRoundingRule) -> Int {
        Int(min(max(v.rounded(rule), -1_073_741_824), 1_073_741_824))
    }

    /// The part of segment `a`–`b` inside the box (Liang–Barsky), or nil when none is. Works on half
    /// differences so that no intermediate overflows for any finite endpoints.
    static func clip(_ a: Point, _ b: Point, to r: (x0: Double, y0: Double, x1: Double, y1: Double)) -> (Point, Point)? {
        let hx = b.x * 0.5 - a.x * 0.5, hy = b.y * 0.5 - a.y * 0.5
        var u0 = 0.0, u1 = 2.0  // the segment is a + u × h for u in 0…2
        for (p, q) in [(-hx, a.x - r.x0), (hx, r.x1 - a.x), (-hy, a.y - r.y0), (hy, r.y1 - a.y)] {
            if p == 0 {
                if q < 0 { return nil }
                continue
            }
            let u = q / p
            if p < 0 {
                if u > u1 { return nil }
                u0 = max(u0, u)
            } else {
                if u < u0 { return nil }
                u1 = min(u1, u)
            }
        }
        return (Point(x: a.x + u0 * hx, y: a.y + u0 * hy), Point(x: a.x + u1 * hx, y: a.y + u1 * hy))
    }
}
