import Foundation

/// Beat-by-beat comparison of detected beats with reference beats, as ANSI/AAMI EC57 prescribes for QRS
/// detectors: a detection matches a reference beat when they are at most 150 ms apart; each reference
/// beat and each detection is matched at most once.
public struct BeatMatch: Sendable, Equatable {
    /// Reference beats matched by a detection.
    public let truePositives: Int
    /// Reference beats with no matching detection (missed beats).
    public let falseNegatives: Int
    /// Detections with no matching reference beat (extra beats).
    public let falsePositives: Int

    /// Creates a result from counts.
    public init(truePositives: Int, falseNegatives: Int, falsePositives: Int) {
        self.truePositives = truePositives
        self.falseNegatives = falseNegatives
        self.falsePositives = falsePositives
    }

    /// Sensitivity `TP / (TP + FN)` as a fraction in [0, 1]; nil when there are no reference beats.
    public var sensitivity: Double? {
        truePositives + falseNegatives == 0 ? nil : Double(truePositives) / Double(truePositives + falseNegatives)
    }

    /// Positive predictivity `TP / (TP + FP)` as a fraction in [0, 1]; nil when there are no detections.
    public var positivePredictivity: Double? {
        truePositives + falsePositives == 0 ? nil : Double(truePositives) / Double(truePositives + falsePositives)
    }

    /// Sum of the counts of several records (gross statistics in EC57 terms).
    public static func + (l: BeatMatch, r: BeatMatch) -> BeatMatch {
        BeatMatch(truePositives: l.truePositives + r.truePositives,
                  falseNegatives: l.falseNegatives + r.falseNegatives,
                  falsePositives: l.falsePositives + r.falsePositives)
    }

    /// Matches `detected` to `reference` beats.
    /// - Parameters:
    ///   - reference: reference beat sample indices (any order).
    ///   - detected: detected beat sample indices (any order).
    ///   - sampleRate: sampling rate of both, in Hz.
    ///   - tolerance: largest allowed distance in seconds (EC57: 0.150).
    /// - Each reference beat, in time order, takes the nearest still-unmatched detection within the tolerance.
    public static func compare(reference: [Int], detected: [Int], sampleRate: Double, tolerance: Double = 0.150) -> BeatMatch {
        let ref = reference.sorted(), det = detected.sorted()
        let tol = Int((tolerance * sampleRate).rounded(.down))
        var used = [Bool](repeating: false, count: det.count)
        var tp = 0
        var start = 0
        for r in ref {
            while start < det.count && det[start] < r - tol { start += 1 }
            var best: Int? = nil
            var j = start
            while j < det.count && det[j] <= r + tol {
                if !used[j] && (best == nil || abs(det[j] - r) < abs(det[best!] - r)) { best = j }
                j += 1
            }
            if let b = best { used[b] = true; tp += 1 }
        }
        return BeatMatch(truePositives: tp, falseNegatives: ref.count - tp, falsePositives: det.count - tp)
    }
}
