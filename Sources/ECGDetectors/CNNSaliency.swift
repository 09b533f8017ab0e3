import DetectorKit
import Foundation

/// One lead × time-window cell of an occlusion map and how much hiding it lowered a label's score.
public struct CNNSaliencyCell: Sendable, Equatable {
    /// Lead name.
    public let lead: String
    /// Window start and end, seconds from the start of the recording.
    public let startSeconds: Double, endSeconds: Double
    /// Calibrated log-odds with the record as is minus with this cell set to zero (positive: the cell
    /// supported the label).
    public let drop: Double
}

/// Occlusion saliency: every lead × window cell of the model input is set to zero (the baseline after
/// filtering, or the lead mean after standardisation) in its own copy of the input, and all copies run as
/// one batch with the unoccluded input first. A cell whose occlusion lowers a label's calibrated log-odds
/// carried that label.
///
/// ```swift
/// let grid = CNNOcclusionGrid(input: prepared, windowSeconds: 1)
/// let batch = grid.batch()                      // (1 + leads × windows) × leads × length
/// let cells = grid.ranked(base: z[0], occluded: Array(z[1...]))
/// ```
public struct CNNOcclusionGrid: Sendable {
    /// The input being explained.
    public let input: CNNPreparedInput
    /// Sample ranges of the windows within the crop.
    public let windows: [Range<Int>]

    /// Splits the crop into `floor(length / window)` equal windows (at least one).
    public init(input: CNNPreparedInput, windowSeconds: Double) {
        self.input = input
        let t = input.lengthSamples
        let seconds = Double(t) / Double(input.sampleRateHz)
        let count = max(1, min(t, Int((seconds / windowSeconds + 1e-9).rounded(.down))))
        windows = (0..<count).map { w in (w * t / count)..<((w + 1) * t / count) }
    }

    /// Number of occluded copies: leads × windows.
    public var cellCount: Int { input.leads.count * windows.count }

    /// The batch: the input, then one copy per cell (lead-major: lead 0 window 0, lead 0 window 1, …).
    public func batch() -> [Float] {
        let one = input.samples
        let t = input.lengthSamples
        var out = [Float]()
        out.reserveCapacity(one.count * (1 + cellCount))
        out.append(contentsOf: one)
        for l in input.leads.indices {
            for w in windows {
                var copy = one
                for i in w { copy[l * t + i] = 0 }
                out.append(contentsOf: copy)
            }
        }
        return out
    }

    /// Cells ranked by drop (largest first) from the calibrated log-odds of the unoccluded input and of
    /// each occluded copy (in ``batch()`` order).
    public func ranked(base: Double, occluded: [Double]) -> [CNNSaliencyCell] {
        var cells: [CNNSaliencyCell] = []
        let rate = Double(input.sampleRateHz)
        for (l, lead) in input.leads.enumerated() {
            for (w, window) in windows.enumerated() {
                let k = l * windows.count + w
                guard k < occluded.count else { continue }
                cells.append(CNNSaliencyCell(
                    lead: lead,
                    startSeconds: input.cropStartSeconds + Double(window.lowerBound) / rate,
                    endSeconds: input.cropStartSeconds + Double(window.upperBound) / rate,
                    drop: base - occluded[k]))
            }
        }
        return cells.sorted { $0.drop != $1.drop ? $0.drop > $1.drop : ($0.lead, $0.startSeconds) < ($1.lead, $1.startSeconds) }
    }

    /// Evidence from ranked cells: the `top` cells whose occlusion lowered the score (as lead spans with
    /// the drop in their note), and a sentence naming the leads that carried the most in total.
    public static func evidence(from ranked: [CNNSaliencyCell], top: Int = 3) -> [Evidence] {
        let supporting = ranked.filter { $0.drop > 1e-4 }
        guard !supporting.isEmpty else {
            return [.text("Occlusion saliency: hiding no single lead × window lowered this score.")]
        }
        var items: [Evidence] = supporting.prefix(top).map { cell in
            .leadSpan(lead: cell.lead, startSeconds: cell.startSeconds, endSeconds: cell.endSeconds,
                      note: String(format: "occlusion lowers the calibrated log-odds by %.3f", cell.drop))
        }
        var perLead: [String: Double] = [:]
        for cell in supporting { perLead[cell.lead, default: 0] += cell.drop }
        let leads = perLead.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(3).map(\.key)
        items.append(.text("Occlusion saliency: the leads that carried this score most are \(leads.joined(separator: ", "))."))
        return items
    }
}
