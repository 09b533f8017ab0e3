import Rendering

enum PlotMarks {
    /// Shades `window` on every panel it applies to; returns whether anything was drawn.
    static func shade(_ window: EvidenceWindow, panels: [PlotPanel], on canvas: inout Canvas) -> Bool {
        var drawn = false
        for p in panels where p.leadIndex != nil && window.matches(lead: p.lead) {
            let s = max(window.startSeconds, p.startSeconds), e = min(window.endSeconds, p.endSeconds)
            guard s < p.endSeconds, e >= p.startSeconds, s <= e else { continue }
            let g = p.geometry
            var x0 = Int(p.x(atSeconds: s).rounded(.down)), x1 = Int(p.x(atSeconds: e).rounded(.up))
            if x1 - x0 < 2 { x1 = x0 + 2 }  // an instant still shows
            x0 = max(x0, p.area.x)
            x1 = min(x1, p.area.maxX)
            guard x1 > x0 else { continue }
            canvas.blendRect(x: x0, y: p.area.y, width: x1 - x0, height: p.area.height,
                             color: PaperStyle.evidence, alpha: PaperStyle.evidenceAlpha)
            canvas.blendRect(x: x0, y: p.area.y, width: x1 - x0, height: max(2, g.px(1) / 2),
                             color: PaperStyle.evidence, alpha: PaperStyle.evidenceBarAlpha)
            if let label = window.label, !label.isEmpty {
                // On the lead labels' line (above most of the signal), right of the lead label, up to the panel's end.
                let scale = max(1, g.textScale * 3 / 4)
                let afterLeadLabel = p.area.x + g.px(1) + Canvas.textWidth(p.lead, scale: g.textScale) + g.px(2)
                let x = max(x0 + g.px(1) / 2, afterLeadLabel)
                canvas.drawText(label, x: x, y: p.area.y + g.px(2), scale: scale, color: PaperStyle.evidenceText,
                                clip: PixelRect(x: x0, y: p.area.y, width: p.area.maxX - g.px(1) - x0, height: p.area.height))
            }
            drawn = true
        }
        return drawn
    }

    /// Ticks at the bottom of each strip panel for the beats (sample indices at `rateHz`) it shows.
    static func drawBeats(_ beats: [Int], rateHz: Double, panels: [PlotPanel], on canvas: inout Canvas) {
        for p in panels where p.isStrip && p.leadIndex != nil {
            let g = p.geometry
            let bottom = Double(p.area.maxY) - g.px(0.5), top = Double(p.area.maxY) - g.px(2.5)
            for b in beats {
                let t = Double(b) / rateHz
                guard p.shows(seconds: t) else { continue }
                let x = p.x(atSeconds: t).rounded()
                canvas.drawLine(from: Point(x: x, y: top), to: Point(x: x, y: bottom), color: PaperStyle.beat,
                                width: g.traceWidth, clip: p.area)
            }
        }
    }
}

/// Rate facts from beat positions, for the header.
public struct BeatSummary: Sendable, Equatable {
    /// Number of beats in the shown seconds.
    public let count: Int
    /// Median interval between consecutive shown beats, ms (nil with fewer than 2 beats).
    public let medianRRms: Double?
    /// 60000 / median RR, per minute (nil with fewer than 2 beats).
    public var ratePerMinute: Double? { medianRRms.map { 60_000 / $0 } }

    /// Summarises the beats (sample indices at `rateHz`) falling in `startSeconds ..< endSeconds`.
    public init(beats: [Int], rateHz: Double, startSeconds: Double, endSeconds: Double) {
        let shown = beats.filter { b in
            let t = Double(b) / rateHz
            return t >= startSeconds && t < endSeconds
        }.sorted()
        count = shown.count
        let rr = zip(shown.dropFirst(), shown).map { Double($0 - $1) / rateHz * 1000 }.sorted()
        if rr.isEmpty {
            medianRRms = nil
        } else {
            medianRRms = rr.count % 2 == 1 ? rr[rr.count / 2] : (rr[rr.count / 2 - 1] + rr[rr.count / 2]) / 2
        }
    }
}
