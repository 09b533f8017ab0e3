import DetectorKit
import FindingsStore
import Foundation

/// What a batch did: its inputs, and per detector its run's counts, flagged findings per code with
/// rates, and — where the model card states PPV at a prevalence — the expected true positives.
public struct BatchReport: Sendable {
    /// How many recorded errors a report lists per detector (the store keeps all of them).
    public static let listedErrors = 20

    /// Inputs the source yielded.
    public let inputs: Int
    /// Inputs skipped because every detector version had already recorded them.
    public let skipped: Int
    /// The first ``listedErrors`` files that could not be read at all (not recorded: no content to
    /// identify them by).
    public let unreadable: [String]
    /// How many files could not be read at all.
    public let unreadableCount: Int
    /// The first ``listedErrors`` inputs the store refused (content registered before with another
    /// patient id, for example).
    public let refused: [String]
    /// How many inputs the store refused.
    public let refusedCount: Int
    /// Wall time of the batch.
    public let seconds: Double
    /// Per detector: its run and what came of it.
    public let detectors: [DetectorReport]

    /// One detector's part of the batch.
    public struct DetectorReport: Sendable {
        /// The detector.
        public let descriptor: DetectorDescriptor
        /// Its model card, for predictive values.
        public let modelCard: ModelCard?
        /// Its run's counts and per-code counts.
        public let summary: RunSummary
        /// The first recorded errors (see ``BatchReport/listedErrors``).
        public let errors: [StoredError]

        /// Per code: flagged count, rate among the inputs that reported the code, and the expected
        /// true positives when the card gives PPV at a stated prevalence.
        public var codes: [CodeReport] {
            summary.perCode.map { count in
                let label = modelCard?.io.outputs.flatMap(\.labels).first { $0.code == count.code }
                let pv = label?.predictiveValues
                return CodeReport(code: count.code, findings: count.findings, flagged: count.flagged,
                                  ppv: pv?.ppv, prevalence: pv?.prevalence)
            }
        }
    }

    /// One finding code's counts.
    public struct CodeReport: Sendable, Hashable {
        /// The code.
        public let code: String
        /// Findings with this code.
        public let findings: Int
        /// Of those, positive.
        public let flagged: Int
        /// PPV at the operating threshold, from the card.
        public let ppv: Double?
        /// The prevalence that PPV holds at.
        public let prevalence: Double?

        /// Flagged / findings.
        public var rate: Double { findings > 0 ? Double(flagged) / Double(findings) : 0 }
        /// flagged × PPV, when the card gives PPV (valid only at its stated prevalence).
        public var expectedTruePositives: Double? { ppv.map { Double(flagged) * $0 } }
    }

    /// The summary as text (no identifiers: file names and row ids only).
    public func render() -> String {
        var lines: [String] = []
        let rate = seconds > 0 ? Double(inputs) / seconds : 0
        lines.append("Batch: \(inputs) inputs in \(BatchProgress.duration(seconds)) (\(String(format: "%.1f", rate))/s); "
            + "\(skipped) already scored (skipped), \(unreadableCount) unreadable, \(refusedCount) refused by the store")
        for d in detectors {
            let c = d.summary.run.counts
            let model = d.modelCard.map { ", model \($0.name) \($0.version)" } ?? ""
            lines.append("")
            lines.append("\(d.descriptor.id) \(d.descriptor.version)\(model) — \(d.summary.run.id): "
                + "\(c.inputs) inputs scored now: \(c.scored) scored, \(c.abstained) abstained, \(c.errors) errors")
            let codes = d.codes
            if codes.isEmpty {
                lines.append("  no findings")
            } else {
                lines.append("  code                             flagged / findings    rate   expected true positives")
                for code in codes {
                    let count = "\(code.flagged) / \(code.findings)"
                    var expected = "- (the model card gives no PPV)"
                    if let tp = code.expectedTruePositives, let ppv = code.ppv, let prevalence = code.prevalence {
                        expected = String(format: "%.1f (PPV %.2f at prevalence %.1f%%; holds only at that prevalence)",
                                          tp, ppv, prevalence * 100)
                    }
                    lines.append("  " + code.code.padding(toLength: 32, withPad: " ", startingAt: 0) + " "
                        + count.padding(toLength: 19, withPad: " ", startingAt: 0)
                        + String(format: "%6.1f%%", code.rate * 100) + "   " + expected)
                }
            }
            if !d.errors.isEmpty {
                let more = c.errors > d.errors.count ? " (first \(d.errors.count) of \(c.errors))" : ""
                lines.append("  errors\(more):")
                for e in d.errors { lines.append("    \(e.input): \(e.reason)") }
            }
        }
        if !unreadable.isEmpty {
            lines.append("")
            lines.append("Unreadable (not recorded; fix and run again):")
            for u in unreadable { lines.append("  \(u)") }
            if unreadableCount > unreadable.count { lines.append("  … and \(unreadableCount - unreadable.count) more") }
        }
        if !refused.isEmpty {
            lines.append("")
            lines.append("Refused by the store (not recorded):")
            for r in refused { lines.append("  \(r)") }
            if refusedCount > refused.count { lines.append("  … and \(refusedCount - refused.count) more") }
        }
        return lines.joined(separator: "\n")
    }
}
