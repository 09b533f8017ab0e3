import ECGFormats
import Rendering

/// The panels of a page, computed from the record's leads and the options.
public struct PlotLayout: Sendable, Equatable {
    /// Standard 3 × 4 arrangement, by row.
    public static let standardRows = [["I", "aVR", "V1", "V4"], ["II", "aVL", "V2", "V5"], ["III", "aVF", "V3", "V6"]]
    /// Strips shown at most (further leads are listed in the notes).
    public static let maxStrips = 12

    /// The arrangement used.
    public let kind: ECGPlotLayout
    /// Number of row bands.
    public let rows: Int
    /// The panels, row by row.
    public let panels: [PlotPanel]
    /// Page geometry.
    public let geometry: PaperGeometry
    /// Leads of the record not shown.
    public let omittedLeads: [String]

    /// Lays out `leadNames` (the record's rhythm leads, in order).
    public init(leadNames: [String], options: ECGPlotOptions) {
        let g = PaperGeometry(pxPerMM: options.pxPerMM, mmPerSecond: options.mmPerSecond, mmPerMillivolt: options.mmPerMillivolt)
        geometry = g
        let lower = leadNames.map { $0.lowercased() }
        func index(of name: String) -> Int? { lower.firstIndex(of: name.lowercased()) }
        let standardCount = ECGLeadName.standard12.filter { index(of: $0) != nil }.count
        kind = options.layout ?? (standardCount >= 6 ? .standard12 : .strips)
        let t0 = options.startSeconds
        let traceWidth = g.px(g.traceMM)

        func panel(_ lead: String, _ idx: Int?, row: Int, column: Int, columns: Int, strip: Bool) -> PlotPanel {
            let x0 = g.traceLeft + traceWidth * column / columns, x1 = g.traceLeft + traceWidth * (column + 1) / columns
            let seconds = g.pageSeconds / Double(columns)
            return PlotPanel(
                lead: lead, leadIndex: idx, row: row, column: column,
                startSeconds: t0 + Double(column) * seconds, endSeconds: t0 + Double(column + 1) * seconds,
                isStrip: strip, area: PixelRect(x: x0, y: g.rowTop(row), width: x1 - x0, height: g.px(PaperGeometry.rowMM)),
                originX: Double(x0), baselineY: Double(g.baseline(row)), geometry: g)
        }

        var out: [PlotPanel] = []
        switch kind {
        case .standard12:
            for (r, names) in Self.standardRows.enumerated() {
                for (c, name) in names.enumerated() {
                    out.append(panel(name, index(of: name), row: r, column: c, columns: names.count, strip: false))
                }
            }
            let rhythm = ["II", "MLII"].lazy.compactMap { index(of: $0) }.first ?? (leadNames.isEmpty ? nil : 0)
            let name = rhythm.map { leadNames[$0] } ?? "II"
            out.append(panel(name, rhythm, row: 3, column: 0, columns: 1, strip: true))
            rows = 4
            let shown = Set(out.compactMap(\.leadIndex))
            omittedLeads = leadNames.indices.filter { !shown.contains($0) }.map { leadNames[$0] }
        case .strips:
            let n = min(leadNames.count, Self.maxStrips)
            for i in 0..<n { out.append(panel(leadNames[i], i, row: i, column: 0, columns: 1, strip: true)) }
            rows = max(n, 1)
            omittedLeads = Array(leadNames.dropFirst(n))
        }
        panels = out
    }
}
