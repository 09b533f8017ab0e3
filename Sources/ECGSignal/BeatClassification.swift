import Foundation

/// The class of one detected beat.
public enum BeatClass: String, Sendable, Equatable, Codable {
    /// Same QRS morphology as the dominant beat (normal or supraventricular conduction).
    case normal = "N"
    /// Wide QRS of a different morphology from the dominant beat: a ventricular (ectopic) beat.
    case ventricular = "V"
    /// Too close to the record's start or end to compare its whole QRS.
    case unclassified = "Q"
}

/// Morphology of one beat compared with the dominant beat.
public struct BeatMorphology: Sendable, Equatable {
    /// Pearson correlation (−1…1) of the beat's QRS window with the dominant template, all leads concatenated.
    public let correlation: Double
    /// QRS width estimate in ms: span where the beat's spatial velocity exceeds 20% of its own maximum.
    public let widthMs: Double
}

/// Ventricular-beat classifier by QRS morphology against the record's dominant beat.
///
/// The dominant template is the sample-wise median of all beats (−100…+150 ms around each fiducial),
/// so it is the normal beat as long as fewer than half of the beats are ectopic (in ventricular
/// bigeminy or above it is not, and the classes swap: a stated limit). A beat is ventricular when
/// its correlation with the template is below `maximumCorrelation` and its width exceeds the template's
/// by at least `minimumExtraWidthMs`. Thresholds are engineering choices, tested on synthetic records
/// with known ventricular beats, not tuned on an arrhythmia database.
public struct BeatClassifier: Sendable {
    /// Correlation below which a beat's morphology counts as different.
    public var maximumCorrelation = 0.8
    /// Extra width (ms) over the template that, with a different morphology, makes a beat ventricular.
    public var minimumExtraWidthMs = 25.0

    /// Creates a classifier with the default thresholds.
    public init() {}

    /// Classifies beats.
    /// - Parameters:
    ///   - leads: equal-length band-passed leads (mV), the usable ones only.
    ///   - beats: fiducial indices (ascending) at `sampleRate`.
    ///   - sampleRate: Hz.
    /// - Returns: one class per beat and the morphology numbers behind it (nil for unclassified beats).
    public func classify(leads: [[Float]], beats: [Int], sampleRate fs: Double) -> (classes: [BeatClass], morphology: [BeatMorphology?]) {
        let pre = Int((0.10 * fs).rounded()), post = Int((0.15 * fs).rounded())
        guard let n = leads.first?.count, !beats.isEmpty, fs > 0 else {
            return (beats.map { _ in .unclassified }, beats.map { _ in nil })
        }
        let fits = beats.map { $0 - pre >= 1 && $0 + post < n - 1 }
        let usable = beats.indices.filter { fits[$0] }
        guard usable.count >= 3 else { return (beats.map { _ in .unclassified }, beats.map { _ in nil }) }
        let width = pre + post
        // Template: sample-wise median per lead.
        var template: [[Double]] = []
        var column = [Double](repeating: 0, count: usable.count)
        for lead in leads {
            var t = [Double](repeating: 0, count: width)
            for k in 0..<width {
                for (j, i) in usable.enumerated() { column[j] = Double(lead[beats[i] - pre + k]) }
                t[k] = median(column)
            }
            template.append(t)
        }
        let templateWidth = Self.velocityWidth(template, fs: fs)
        let tFlat = template.flatMap { Self.centred($0) }
        var classes: [BeatClass] = []
        var morph: [BeatMorphology?] = []
        for (i, b) in beats.enumerated() {
            guard fits[i] else { classes.append(.unclassified); morph.append(nil); continue }
            let seg = leads.map { lead in (0..<width).map { Double(lead[b - pre + $0]) } }
            let r = Self.correlation(tFlat, seg.flatMap { Self.centred($0) })
            let w = Self.velocityWidth(seg, fs: fs)
            morph.append(BeatMorphology(correlation: r, widthMs: w))
            classes.append(r < maximumCorrelation && w >= templateWidth + minimumExtraWidthMs ? .ventricular : .normal)
        }
        return (classes, morph)
    }

    /// Span (ms) where the spatial velocity exceeds 20% of its maximum.
    static func velocityWidth(_ seg: [[Double]], fs: Double) -> Double {
        guard let m = seg.first?.count, m > 2 else { return 0 }
        var v = [Double](repeating: 0, count: m)
        for k in 1..<(m - 1) {
            var s = 0.0
            for x in seg { let d = x[k + 1] - x[k - 1]; s += d * d }
            v[k] = s.squareRoot()
        }
        guard let vmax = v.max(), vmax > 0 else { return 0 }
        let thr = 0.2 * vmax
        guard let first = v.firstIndex(where: { $0 > thr }), let last = v.lastIndex(where: { $0 > thr }) else { return 0 }
        return Double(last - first) * 1000 / fs
    }

    static func centred(_ x: [Double]) -> [Double] {
        let m = x.reduce(0, +) / Double(max(1, x.count))
        return x.map { $0 - m }
    }

    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        var ab = 0.0, aa = 0.0, bb = 0.0
        for (x, y) in zip(a, b) { ab += x * y; aa += x * x; bb += y * y }
        return aa > 0 && bb > 0 ? ab / (aa * bb).squareRoot() : 0
    }
}
