import Foundation

extension DetectorRegistry {
    /// A plain-text listing of the registered detectors and their model cards, for `vigil models`.
    ///
    /// ```swift
    /// print(registry.report())
    /// ```
    /// Metrics are always printed with the data set they were measured on, and a card whose training or
    /// evaluation data is synthetic says so.
    public func report() -> String {
        if detectors.isEmpty { return "Registered detectors: none." }
        var lines = ["Registered detectors: \(count)"]
        for d in detectors.sorted(by: { $0.id < $1.id }) {
            lines.append("")
            lines.append("\(d.id) \(d.descriptor.version)  \(d.descriptor.name)  (input: \(d.descriptor.inputKind.rawValue))")
            guard let card = d.modelCard else {
                lines.append("  model card: none (a rule-based detector without learned weights)")
                continue
            }
            lines.append(contentsOf: card.reportLines().map { "  " + $0 })
        }
        return lines.joined(separator: "\n")
    }
}

extension ModelCard {
    /// The card as indented text lines (used by `DetectorRegistry.report()`).
    public func reportLines() -> [String] {
        var lines: [String] = []
        lines.append("model: \(name) \(version)   weights: \(weightsFile) sha256 \(weightsSHA256.prefix(16))…")
        lines.append("intended use: \(intendedUse)")
        for n in notForUse { lines.append("not for: \(n)") }
        lines.append("training data: \(trainingData.description)\(trainingData.synthetic ? " [SYNTHETIC]" : "")")
        for e in evaluation {
            let metrics = e.metrics.map { m -> String in
                var s = "\(m.name) \(String(format: "%.3f", m.value))"
                if let ci = m.ci95 { s += " (95% CI \(String(format: "%.3f", ci.lower))–\(String(format: "%.3f", ci.upper)))" }
                if let g = m.subgroup { s += " [\(g)]" }
                return s
            }.joined(separator: ", ")
            lines.append("evaluated on \(e.dataset.name) (n=\(e.dataset.size)\(e.dataset.synthetic ? ", synthetic" : "")): \(metrics)")
        }
        for l in limitations { lines.append("limitation: \(l)") }
        for output in io.outputs {
            for label in output.labels {
                var s = "output \(label.code): \(label.label), operating threshold \(label.operatingThreshold)"
                if label.temperature != 1 { s += ", temperature \(label.temperature)" }
                if let pv = label.predictiveValues {
                    s += ", PPV \(pv.ppv) / NPV \(pv.npv) at prevalence \(pv.prevalence)"
                }
                lines.append(s)
            }
        }
        return lines
    }
}
