import ECGFormats
import Foundation
import Rendering

/// What ``ECGPlot/render(_:beats:beatSource:evidence:options:)`` produced.
public struct ECGPlotResult: Sendable {
    /// The page.
    public let canvas: Canvas
    /// Where each lead was drawn.
    public let layout: PlotLayout
    /// The filter applied, as printed in the footer (`"unfiltered"` for raw samples).
    public let filterDescription: String
    /// Things the caller should tell the user: leads or evidence not shown, gaps, a short record. No PHI.
    public let notes: [String]
}

/// The standard 12-lead ECG printout: pink 1 mm / 5 mm grid, 25 mm/s, 10 mm/mV, a 1 mV calibration
/// pulse at the start of each row, the 3 × 4 lead layout plus a lead II rhythm strip (or one strip
/// per lead for records that are not 12-lead), beat ticks on the strips, detector evidence shaded.
///
/// ```swift
/// let record = try ECGReader.read(url: url)
/// let result = try ECGPlot.render(record, beats: detection.rPeaks, evidence: windows)
/// try result.canvas.writePNG(to: URL(fileURLWithPath: "ecg.png"))
/// ```
///
/// The header names the record's file only; identifiers, comments and acquisition data are never drawn.
public enum ECGPlot {
    /// Draws `record`'s rhythm leads.
    /// - Parameters:
    ///   - beats: beat positions, sample indices at the record's rate (ticks on the strips; the header
    ///     gives their count and median RR), e.g. from ECGSignal's `QRSDetector`.
    ///   - beatSource: who found the beats, for the legend (e.g. `"QRS detector"`).
    ///   - evidence: spans to shade (see ``EvidenceWindow``).
    /// - Throws: ``ECGPlotError`` for an empty or all-invalid record, a start outside it, bad options or
    ///   a record the display filter cannot process.
    public static func render(_ record: ECGRecord, beats: [Int] = [], beatSource: String = "QRS detector",
                              evidence: [EvidenceWindow] = [], options: ECGPlotOptions = ECGPlotOptions()) throws -> ECGPlotResult {
        try options.validate()
        let file = record.sourceFile, wave = record.rhythm
        let rate = wave.samplingRateHz
        guard !wave.leads.isEmpty, wave.sampleCount > 0 else { throw ECGPlotError.emptyRecord(file: file) }
        guard wave.leads.contains(where: { $0.samples.contains(where: \.isFinite) }) else {
            throw ECGPlotError.noValidSamples(file: file)
        }
        let duration = wave.durationSeconds
        guard options.startSeconds < duration else {
            throw ECGPlotError.startOutOfRange(file: file, startSeconds: options.startSeconds, durationSeconds: duration)
        }
        // Only the shown seconds (plus a settling margin for the filter) are processed.
        let layoutSeconds = PaperGeometry(pxPerMM: options.pxPerMM, mmPerSecond: options.mmPerSecond).pageSeconds
        let window = sampleWindow(start: options.startSeconds, seconds: layoutSeconds, rate: rate, count: wave.sampleCount)
        let raw = wave.leads.map { Array($0.samples[window]) }
        let (leads, filterText) = try options.filter.map { try $0.apply(to: raw, rateHz: rate, file: file) } ?? (raw, "unfiltered")

        let layout = PlotLayout(leadNames: wave.leads.map(\.name), options: options)
        let g = layout.geometry
        var canvas = try Canvas(width: g.pageWidth, height: g.pageHeight(rows: layout.rows), background: PaperStyle.page)
        var notes: [String] = []

        PaperGrid.draw(on: &canvas, geometry: g, rows: layout.rows)
        var shaded = false
        for w in evidence {
            guard w.startSeconds.isFinite, w.endSeconds.isFinite, w.endSeconds >= w.startSeconds else {
                notes.append("evidence \(w.summary) not drawn: its times are not a valid span")
                continue
            }
            if PlotMarks.shade(w, panels: layout.panels, on: &canvas) {
                shaded = true
            } else if let lead = w.lead, !layout.panels.contains(where: { $0.leadIndex != nil && w.matches(lead: $0.lead) }) {
                notes.append("evidence \(w.summary) not drawn: lead \(lead) is not on the plot")
            } else {
                notes.append("evidence \(w.summary) not drawn: outside the seconds shown for that lead")
            }
        }
        let gridClip = PixelRect(x: g.gridLeft, y: g.gridTop, width: g.px(g.gridWidthMM) + 1,
                                 height: g.px(g.gridHeightMM(rows: layout.rows)) + 1)
        for p in layout.panels {
            if let i = p.leadIndex {
                TraceDrawing.drawTrace(leads[i], firstSample: window.lowerBound, rateHz: rate, panel: p, gridClip: gridClip, on: &canvas)
            }
            if p.column > 0 { TraceDrawing.drawSeparator(panel: p, on: &canvas) }
        }
        for row in 0..<layout.rows { TraceDrawing.drawCalibration(row: row, geometry: g, on: &canvas) }
        let validBeats = beats.filter { $0 >= 0 && $0 < wave.sampleCount }
        if validBeats.count < beats.count { notes.append("\(beats.count - validBeats.count) beat positions outside the record were ignored") }
        PlotMarks.drawBeats(validBeats, rateHz: rate, panels: layout.panels, on: &canvas)
        let allInvalid = Set(wave.leads.indices.filter { !wave.leads[$0].samples.contains(where: \.isFinite) })
        PageText.drawLabels(panels: layout.panels, invalidLeads: allInvalid, on: &canvas)

        // Header and footer.
        let shownStart = options.startSeconds, shownEnd = options.startSeconds + g.pageSeconds
        let n = PageText.number
        var header1 = "\(file)   \(wave.leads.count) lead\(wave.leads.count == 1 ? "" : "s"), \(n(rate, rate.rounded() == rate ? 0 : 2)) Hz, "
        header1 += "\(n(duration, 1)) s recorded, \(n(shownStart, 1))-\(n(min(shownEnd, duration), 1)) s shown"
        var header2 = ""
        if !beats.isEmpty {
            let summary = BeatSummary(beats: validBeats, rateHz: rate, startSeconds: shownStart, endSeconds: shownEnd)
            header2 = "\(beatSource): \(summary.count) beats shown"
            if let rr = summary.medianRRms, let hr = summary.ratePerMinute {
                header2 += ", median RR \(n(rr, 0)) ms (\(n(hr, 0))/min)"
            }
        }
        let disclaimer = "Vigil - research software, not a diagnosis"
        let disclaimerInHeader = PageText.drawHeader([header1, header2], right: disclaimer, geometry: g, on: &canvas)
        var footer1 = "\(n(options.mmPerSecond, 0)) mm/s   \(n(options.mmPerMillivolt, 0)) mm/mV   \(filterText)"
        let derived = wave.leads.filter(\.isDerived).map(\.name)
        if !derived.isEmpty { footer1 += "   derived by the reader: \(derived.joined(separator: ", "))" }
        var footer2 = layout.kind == .standard12 ? "3x4 leads, \(PageText.trimmed(g.pageSeconds / 4)) s each; rhythm strip \(layout.panels.last?.lead ?? "II")" : "one strip per lead"
        if !layout.omittedLeads.isEmpty { footer2 += "   not shown: \(layout.omittedLeads.joined(separator: ", "))" }
        PageText.drawFooter(disclaimerInHeader ? [footer1, footer2] : [footer1, footer2, disclaimer], rows: layout.rows, evidenceLegend: shaded,
                            beatLegend: beats.isEmpty ? nil : beatSource, geometry: g, on: &canvas)

        if !layout.omittedLeads.isEmpty { notes.append("leads not shown: \(layout.omittedLeads.joined(separator: ", "))") }
        for p in layout.panels where p.leadIndex == nil { notes.append("lead \(p.lead) is not in the record (drawn as n/a)") }
        if shownEnd > duration + 1e-9 {
            notes.append("the record ends at \(n(duration, 2)) s; the plot is blank after that")
        }
        for lead in wave.leads {
            if let count = wave.invalidSampleCounts[lead.name], count > 0 {
                notes.append("lead \(lead.name): \(count) invalid samples drawn as gaps")
            }
        }
        return ECGPlotResult(canvas: canvas, layout: layout, filterDescription: filterText, notes: notes)
    }

    /// Filter settling margin on each side of the shown seconds.
    static let filterMarginSeconds = 5.0

    /// The sample range processed for a page from `start` covering `seconds`: the shown samples plus
    /// ``filterMarginSeconds`` on each side, clipped to the record.
    static func sampleWindow(start: Double, seconds: Double, rate: Double, count: Int) -> Range<Int> {
        let lo = max(0, Int(((start - filterMarginSeconds) * rate).rounded(.down)))
        let hi = min(count, Int(min(Double(count), ((start + seconds + filterMarginSeconds) * rate).rounded(.up))) + 1)
        return lo..<max(lo, hi)
    }
}
