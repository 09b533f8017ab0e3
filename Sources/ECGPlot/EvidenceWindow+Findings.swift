import DetectorKit
import Foundation

extension EvidenceWindow {
    /// The lead spans of `findings` as windows labelled with the finding's label (and the span's note).
    ///
    /// Findings decided `negative` are left out unless `includeNegative`: shading what a detector
    /// pointed at while calling a condition absent would read as a positive sign. Indeterminate findings
    /// are kept, their label marked "(indeterminate)". Lead `"*"` or `"all"` means every lead.
    public static func from(findings: [Finding], includeNegative: Bool = false) -> [EvidenceWindow] {
        var out: [EvidenceWindow] = []
        for f in findings where includeNegative || f.decision != .negative {
            for case let .leadSpan(lead, start, end, note) in f.evidence {
                var label = f.label
                if f.decision == .indeterminate { label += " (indeterminate)" }
                if f.decision == .negative { label += " (negative)" }
                if let note { label += ": " + note }
                let all = lead == "*" || lead.lowercased() == "all"
                out.append(EvidenceWindow(lead: all ? nil : lead, startSeconds: start, endSeconds: end, label: label))
            }
        }
        return out
    }

    /// Reads a findings document: one `DetectorOutcome`, an array of them, one `Finding`, or an array
    /// of findings (Vigil's JSON, see docs/findings-schema.md), and returns its lead-span evidence.
    /// Abstentions contribute nothing.
    /// - Throws: ``ECGPlotError/badFindings(file:detail:)`` naming `file` when the data is none of these.
    public static func fromFindingsJSON(_ data: Data, file: String, includeNegative: Bool = false) throws -> [EvidenceWindow] {
        var findings: [Finding]?
        var firstError: Error?
        func attempt<T: Decodable>(_ type: T.Type, _ take: (T) -> [Finding]) {
            guard findings == nil else { return }
            do { findings = take(try VigilJSON.decode(T.self, from: data)) } catch { if firstError == nil { firstError = error } }
        }
        let trimmed = data.first { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }
        if trimmed == UInt8(ascii: "[") {
            attempt([DetectorOutcome].self) { $0.flatMap { $0.findings ?? [] } }
            attempt([Finding].self) { $0 }
        } else {
            attempt(DetectorOutcome.self) { $0.findings ?? [] }
            attempt(Finding.self) { [$0] }
        }
        guard let findings else {
            let detail = firstError.map { "\($0)" } ?? "empty document"
            throw ECGPlotError.badFindings(file: file, detail: "expected a DetectorOutcome, a Finding or an array of either: \(detail)")
        }
        return from(findings: findings, includeNegative: includeNegative)
    }
}
