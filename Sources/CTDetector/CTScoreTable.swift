import DetectorInputs
import DetectorKit
import Foundation

/// The readable report `vigil ct score` prints for one study: its series, the finding (probability,
/// threshold, decision, measurements, key slices with their regions, images, notes) or the abstention,
/// the per-slice scores and the stage times. No identifiers (the study's name only).
public enum CTScoreTable {
    /// The table for `study` (shown as `name`) and its report.
    public static func render(study: CTStudy, name: String, report: CTStudyReport) -> String {
        var lines = ["CT study \(name): \(study.volumes.count) series (" + study.volumes.map { "\($0.slices)x\($0.rows)x\($0.columns)" }.joined(separator: ", ") + ")"]
        switch report.outcome {
        case let .abstained(a):
            lines.append("  ABSTAINED  \(a.reason)")
            lines.append("  \(a.message)")
            for (k, v) in a.details.sorted(by: { $0.key < $1.key }) { lines.append("    \(k): \(v)") }
        case let .findings(findings):
            for f in findings {
                let p = f.probability.map { String(format: "%.3f", $0) } ?? "-"
                let t = f.threshold.map { String(format: "%.3f", $0) } ?? "-"
                lines.append("  \(f.label) [\(f.code)]  probability \(p)  threshold \(t)  decision \(f.decision.rawValue.uppercased())")
                for m in f.measurements { lines.append("    \(m.name) = \(String(format: "%g", m.value)) \(m.unit)") }
                for e in f.evidence {
                    switch e {
                    case let .slice(index, region, note):
                        let box = region.map { " box x\($0.x) y\($0.y) \($0.width)x\($0.height) px" } ?? ""
                        lines.append("    slice \(index)\(box): \(note ?? "")")
                    case let .image(path, _): lines.append("    image \(path)")
                    case let .text(text): lines.append("    note: \(text)")
                    default: break
                    }
                }
            }
            if let r = report.result {
                let scores = r.sliceScores.map { "\($0.index):\(String(format: "%.2f", $0.logit))" }.joined(separator: " ")
                lines.append("  per-slice scores (index:score): \(scores)")
                lines.append(String(format: "  time %.2f s (checks %.2f, preprocessing %.2f, localiser %.2f, lesion %.2f, saliency %.2f)",
                                    report.checkSeconds + r.timings.total, report.checkSeconds, r.timings.preprocessing,
                                    r.timings.localizer, r.timings.lesion, r.timings.saliency))
            }
        }
        return lines.joined(separator: "\n")
    }
}
