import DetectorKit
import ECGFormats
import ECGSignal
import Foundation

/// The readable report `vigil ecg score` prints for one record: quality, pacing, measurements next to
/// the machine's own, and each detector's findings or abstention. No identifiers (file name only).
public enum ECGScoreTable {
    /// One row of the measurement table: name, unit, Vigil's value, the machine's value.
    public struct Row: Sendable, Equatable {
        /// Quantity name as printed.
        public let name: String
        /// Unit.
        public let unit: String
        /// Vigil's value, if measured.
        public let vigil: Double?
        /// The machine's value, if the file has one.
        public let machine: Double?
    }

    /// The measurement rows of an analysis (every quantity, measured or not).
    public static func rows(_ a: ECGAnalysis) -> [Row] {
        let m = a.measurements, mc = a.machine
        return [
            Row(name: "heart rate", unit: "/min", vigil: m?.heartRateBpm, machine: mc.heartRateBpm),
            Row(name: "RR mean", unit: "ms", vigil: m?.rrMeanMs, machine: nil),
            Row(name: "RR SD", unit: "ms", vigil: m?.rrSDMs, machine: nil),
            Row(name: "SDNN", unit: "ms", vigil: m?.sdnnMs, machine: nil),
            Row(name: "RMSSD", unit: "ms", vigil: m?.rmssdMs, machine: nil),
            Row(name: "PR", unit: "ms", vigil: m?.prMs, machine: mc.prMs),
            Row(name: "QRS duration", unit: "ms", vigil: m?.qrsMs, machine: mc.qrsMs),
            Row(name: "QT", unit: "ms", vigil: m?.qtMs, machine: mc.qtMs),
            Row(name: "QTc Bazett", unit: "ms", vigil: m?.qtcBazettMs, machine: nil),
            Row(name: "QTc Fridericia", unit: "ms", vigil: m?.qtcFridericiaMs, machine: mc.qtcFridericiaMs),
            Row(name: "QTc (machine, formula not stated)", unit: "ms", vigil: nil, machine: mc.qtcMs),
            Row(name: "frontal QRS axis", unit: "deg", vigil: m?.axisDeg, machine: mc.axisDeg),
        ]
    }

    /// The whole report as text.
    public static func render(record: ECGRecord, analysis a: ECGAnalysis, outcomes: [(AnyDetector, DetectorOutcome)]) -> String {
        var out: [String] = []
        let leads = record.rhythm.leads.map(\.name)
        out.append(String(format: "ECG %@ — %d lead(s) [%@], %.1f s at %g Hz", record.sourceFile, leads.count,
                          leads.joined(separator: ","), record.rhythm.durationSeconds, record.rhythm.samplingRateHz))
        for ex in a.excludedLeads { out.append("  lead \(ex.lead) set aside: \(ex.reason)") }
        if let q = a.quality {
            let verdict: String
            switch q.verdict {
            case .assessable: verdict = "assessable"
            case .notAssessable(let why): verdict = "not assessable (\(why))"
            }
            let agreement = q.detectorAgreement.map { String(format: "; QRS detectors agree %.3f", $0) } ?? ""
            let readable = q.windows.isEmpty ? "" : String(format: "; readable %.0f of %.0f s (%d of %d windows)", q.readableSeconds,
                                                           a.durationSeconds, q.windows.filter(\.readable).count, q.windows.count)
            out.append("  quality: \(verdict)\(agreement)\(readable)")
            let problems = zip(a.leadNames, q.leads).filter { !$0.1.problems.isEmpty }
                .map { "\($0.0): \($0.1.problems.map(\.rawValue).joined(separator: ", "))" }
            out.append("  leads: " + (problems.isEmpty ? "all \(q.leads.count) usable" : problems.joined(separator: "; ")))
        } else if let p = a.problem {
            out.append("  quality: not assessed (\(p.message))")
        }
        if let p = a.pacing {
            let verdict = !p.assessed ? "not searched" : (p.paced ? "PACED (\(p.spikes.count) spikes, \(p.pacedBeats) paced beats)"
                                                           : "\(p.spikes.count) spike(s), not paced")
            out.append("  pacing: \(verdict)" + (p.limitation.map { " — \($0)" } ?? ""))
        }
        if let m = a.measurements {
            out.append("  beats: \(m.beatCount) (\(m.ventricularBeatCount) ventricular); P wave in median beat: \(m.pWavePresent ? "yes" : "no")")
        }
        out.append("")
        out.append("  " + pad("measurement", 34) + lpad("vigil", 9) + lpad(a.machine.isEmpty ? "" : "machine", 9) + lpad(a.machine.isEmpty ? "" : "diff", 8) + "  unit")
        for r in rows(a) where r.vigil != nil || r.machine != nil {
            let v = r.vigil.map { String(format: "%.0f", $0) } ?? "-"
            let mm = a.machine.isEmpty ? "" : (r.machine.map { String(format: "%.0f", $0) } ?? "-")
            var diff = ""
            if let x = r.vigil, let y = r.machine { diff = String(format: "%+.0f", x - y) }
            out.append("  " + pad(r.name, 34) + lpad(v, 9) + lpad(mm, 9) + lpad(diff, 8) + "  " + r.unit)
        }
        if !a.machine.isEmpty { out.append("  machine values: \(a.machine.source)") }
        for (d, outcome) in outcomes {
            out.append("")
            let model = d.modelCard.map { "model \($0.name) \($0.version)" } ?? "rule-based, no trained model"
            out.append("  \(d.id) \(d.descriptor.version) (\(model))")
            switch outcome {
            case .abstained(let ab):
                out.append("    NOT ASSESSABLE [\(ab.reason)]: \(ab.message)")
            case .findings(let findings):
                for f in findings {
                    let p = f.probability.map { String(format: "p=%.2f (threshold %.2f)", $0, f.threshold ?? 0) } ?? "measured"
                    let ms = f.measurements.prefix(3).map { m in
                        String(format: "%@ %g %@", m.name, m.value, m.unit)
                    }.joined(separator: ", ")
                    out.append("    " + pad(f.code, 32) + pad(f.decision.rawValue, 14) + pad(p, 26) + ms)
                }
            }
        }
        out.append("")
        out.append("  Research software, not a medical device: no output is a diagnosis.")
        return out.joined(separator: "\n")
    }

    private static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
    private static func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? " " + s : String(repeating: " ", count: n - s.count) + s }
}
