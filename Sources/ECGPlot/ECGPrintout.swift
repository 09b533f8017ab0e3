import ECGFormats
import ECGSignal
import Foundation

/// `vigil ecg plot`: a record drawn as the standard printout (``ECGPlot/render(_:beats:beatSource:evidence:options:)``)
/// with its beat ticks from Vigil's QRS detector or from the file's own beat annotations, and the lead-span evidence
/// of a findings document shaded, written as a PNG.
public enum ECGPrintout {
    /// Where the beat ticks come from.
    public enum Beats: String, Sendable, CaseIterable {
        /// Vigil's QRS detector on the record's finite leads.
        case detector
        /// The file's beat annotations (e.g. WFDB `.atr`).
        case annotations
        /// No ticks.
        case none
    }

    /// What was drawn.
    public struct Result: Sendable {
        /// The PNG's size in pixels.
        public let width: Int, height: Int
        /// The layout used and the display filter, in words.
        public let layout: String, filter: String
        /// Notes for the user (beat marks left out, evidence not found, …).
        public let notes: [String]
    }

    /// Draws `record` and writes the PNG to `output`.
    /// - Parameter findings: a findings JSON file (DetectorOutcome, Finding, or an array of either) whose lead-span
    ///   evidence is shaded; `includeNegative` also shades findings decided negative.
    /// - Throws: ``ECGPlotError`` (bad options, unreadable findings, nothing to draw), PNG writing errors.
    public static func draw(_ record: ECGRecord, beats: Beats, findings: URL?, includeNegative: Bool, options: ECGPlotOptions,
                            to output: URL) throws -> Result {
        var notes: [String] = []
        var evidence: [EvidenceWindow] = []
        if let findings {
            let data: Data
            do { data = try Data(contentsOf: findings) } catch {
                throw ECGPlotError.badFindings(file: findings.lastPathComponent, detail: "cannot read the file")
            }
            evidence = try EvidenceWindow.fromFindingsJSON(data, file: findings.lastPathComponent, includeNegative: includeNegative)
            if evidence.isEmpty { notes.append("\(findings.lastPathComponent): no lead-span evidence to shade") }
        }
        var beatSamples: [Int] = []
        var beatSource = "QRS detector"
        switch beats {
        case .detector:
            let usable = record.rhythm.leads.map(\.samples).filter { $0.allSatisfy(\.isFinite) }
            do {
                guard !usable.isEmpty else { throw ECGPlotError.noValidSamples(file: record.sourceFile) }
                beatSamples = try QRSDetector().detect(leads: usable, sampleRate: record.rhythm.samplingRateHz).rPeaks
            } catch {
                notes.append("beat marks omitted: \(error)")
            }
        case .annotations:
            beatSource = "file annotations"
            beatSamples = record.annotations.filter(\.isBeat).map(\.sample)
            if beatSamples.isEmpty { notes.append("beat marks omitted: \(record.sourceFile) has no beat annotations") }
        case .none:
            break
        }
        let result = try ECGPlot.render(record, beats: beatSamples, beatSource: beatSource, evidence: evidence, options: options)
        try result.canvas.writePNG(to: output)
        return Result(width: result.canvas.width, height: result.canvas.height, layout: result.layout.kind.rawValue,
                      filter: result.filterDescription, notes: notes + result.notes.map { "note: \($0)" })
    }
}
