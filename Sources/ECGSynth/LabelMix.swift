import Foundation

/// Which kinds of records a data set contains.
public enum LabelMix: Sendable, Equatable {
    /// Each record draws one main label (normal twice as likely as each other) and, with probability 0.3,
    /// one compatible extra label (e.g. `lbbb` + `afib`). Flat-line and noise-only records are not included.
    case defaultMix
    /// Record i gets `kinds[i % kinds.count]`.
    case cycle([ECGSynthKind])

    /// Parses `--labels` text: comma-separated items, each a label, a `+`-joined combination
    /// (`lbbb+afib`), `flat_line`, `noise_only` or `la_ra_reversal`; `default` gives `.defaultMix`.
    /// - Throws: `ECGSynthError.badLabels`.
    public static func parse(_ text: String) throws -> LabelMix {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.lowercased() == "default" { return .defaultMix }
        var kinds: [ECGSynthKind] = []
        for item in t.split(separator: ",") {
            let s = item.trimmingCharacters(in: .whitespaces).lowercased()
            if s.isEmpty { continue }
            switch s {
            case "flat_line", "flatline", "flat": kinds.append(.flatLine)
            case "noise_only", "noise": kinds.append(.noiseOnly)
            case "la_ra_reversal": kinds.append(.armLeadReversal)
            default: kinds.append(.ecg(try ECGSynthLabel.parseCombination(s)))
            }
        }
        guard !kinds.isEmpty else { throw ECGSynthError.badLabels("no labels in '\(text)'") }
        return .cycle(kinds)
    }

    /// The kind of record `index` in a data set with base seed `seed`.
    public func kind(index: Int, seed: UInt64) -> ECGSynthKind {
        switch self {
        case .cycle(let kinds): return kinds[index % kinds.count]
        case .defaultMix:
            var rng = SeededRandom(seed: SeededRandom.mix(seed, UInt64(index)), stream: 7)
            let main = LabelMix.mainLabels[rng.index(LabelMix.mainLabels.count)]
            var labels: Set<ECGSynthLabel> = [main]
            if main != .normal, rng.chance(0.3) {
                let extras = ECGSynthLabel.allCases.filter { $0 != .normal && $0 != main && ECGSynthLabel.incompatibility(labels.union([$0])) == nil }
                if !extras.isEmpty { labels.insert(extras[rng.index(extras.count)]) }
            }
            return .ecg(labels)
        }
    }

    /// Main labels of the default mix (normal listed twice: twice as likely).
    static let mainLabels: [ECGSynthLabel] = [.normal] + ECGSynthLabel.allCases
}
