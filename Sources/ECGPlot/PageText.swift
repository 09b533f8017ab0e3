import Foundation
import Rendering

enum PageText {
    /// Lead labels at the top left of each panel (`"V4 n/a"` for a lead the record lacks).
    static func drawLabels(panels: [PlotPanel], invalidLeads: Set<Int>, on canvas: inout Canvas) {
        for p in panels {
            let g = p.geometry
            var text = p.lead
            if p.leadIndex == nil { text += " n/a" } else if let i = p.leadIndex, invalidLeads.contains(i) { text += " no valid samples" }
            canvas.drawText(text, x: p.area.x + g.px(1), y: p.area.y + g.px(2), scale: g.textScale, color: PaperStyle.ink)
        }
    }

    /// Two header lines above the grid (file name and record facts; beat summary), and `right`
    /// right-aligned on the second line when it fits beside it.
    /// - Returns: whether `right` was drawn (the caller puts it in the footer otherwise).
    @discardableResult
    static func drawHeader(_ lines: [String], right: String, geometry g: PaperGeometry, on canvas: inout Canvas) -> Bool {
        let s = g.textScale
        let lineStep = Canvas.textHeight(scale: s) + g.px(1)
        let top = g.px(PaperGeometry.marginMM) + g.px(1)
        for (k, line) in lines.prefix(2).enumerated() {
            canvas.drawText(line, x: g.gridLeft, y: top + k * lineStep, scale: s, color: PaperStyle.ink)
        }
        let w = Canvas.textWidth(right, scale: s)
        let used = lines.count > 1 ? Canvas.textWidth(lines[1], scale: s) : 0
        guard used + g.px(5) + w <= g.px(g.gridWidthMM) else { return false }
        canvas.drawText(right, x: g.gridLeft + g.px(g.gridWidthMM) - w, y: top + lineStep, scale: s, color: PaperStyle.ink)
        return true
    }

    /// Up to three footer lines below the grid (the first one is the paper speed, gain and filter), and at the
    /// right of the first line a legend for the marks that were drawn.
    static func drawFooter(_ lines: [String], rows: Int, evidenceLegend: Bool, beatLegend: String?,
                           geometry g: PaperGeometry, on canvas: inout Canvas) {
        let s = g.textScale
        let top = g.gridTop + g.px(g.gridHeightMM(rows: rows)) + g.px(2)
        let lineStep = Canvas.textHeight(scale: s) + g.px(1)
        for (k, line) in lines.prefix(3).enumerated() {
            canvas.drawText(line, x: g.gridLeft, y: top + k * lineStep, scale: s, color: PaperStyle.ink)
        }
        var right = g.gridLeft + g.px(g.gridWidthMM)
        if let beatLegend {
            let text = "beat (\(beatLegend))"
            right -= Canvas.textWidth(text, scale: s)
            canvas.drawText(text, x: right, y: top, scale: s, color: PaperStyle.beat)
            right -= g.px(2)
            canvas.drawLine(from: Point(x: Double(right), y: Double(top)), to: Point(x: Double(right), y: Double(top + 7 * s)),
                            color: PaperStyle.beat, width: g.traceWidth)
            right -= g.px(6)
        }
        if evidenceLegend {
            let text = "evidence (detector output)"
            right -= Canvas.textWidth(text, scale: s)
            canvas.drawText(text, x: right, y: top, scale: s, color: PaperStyle.evidenceText)
            let sw = g.px(5)
            canvas.blendRect(x: right - sw - g.px(1), y: top, width: sw, height: 7 * s,
                             color: PaperStyle.evidence, alpha: 0.35)
        }
    }

    static func number(_ v: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", v) }

    /// `v` with up to two decimals and no trailing zeros ("2.5", "1.25", "10").
    static func trimmed(_ v: Double) -> String {
        var text = String(format: "%.2f", v)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
