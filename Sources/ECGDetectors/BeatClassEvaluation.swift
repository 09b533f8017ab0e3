import ECGFormats
import ECGSignal
import Foundation

/// The heartbeat classes of ANSI/AAMI EC57 (and de Chazal et al. 2004), from MIT-BIH beat annotation symbols.
public enum AAMIBeatClass: String, Sendable, Equatable, CaseIterable, Codable {
    /// Normal and bundle-branch-block beats, atrial and nodal escape beats (N, L, R, e, j).
    case normal = "N"
    /// Supraventricular ectopic beats: atrial, aberrated atrial, nodal and supraventricular premature beats (A, a, J, S).
    case supraventricular = "S"
    /// Ventricular ectopic beats: premature ventricular contractions and ventricular escape beats (V, E).
    case ventricular = "V"
    /// Fusion of ventricular and normal beats (F).
    case fusion = "F"
    /// Paced, fusion of paced and normal, and unclassifiable beats (/, f, Q); not scored in EC57 class statistics.
    case unknown = "Q"

    /// The class of an MIT-BIH beat symbol; nil for symbols that are not beats.
    public init?(mitSymbol symbol: String) {
        switch symbol {
        case "N", "L", "R", "e", "j": self = .normal
        case "A", "a", "J", "S": self = .supraventricular
        case "V", "E": self = .ventricular
        case "F": self = .fusion
        case "/", "f", "Q": self = .unknown
        default: return nil
        }
    }
}

/// Heartbeat classification against reference beat labels (`vigil ecg eval --beat-classes`): each detected beat
/// takes the class of the nearest reference beat within 150 ms (EC57's matching window); unmatched detections and
/// beats of class Q are not scored.
public enum BeatClassEvaluation {
    /// One detected beat with its reference class and features.
    public struct LabelledBeat: Sendable {
        /// Index of the detected beat in the analysis's `beats`.
        public let beat: Int
        /// Time of the detected beat (s from the record start).
        public let seconds: Double
        /// The matched reference beat's class.
        public let reference: AAMIBeatClass
        /// `BeatFeatures` of the beat (nil where its windows do not fit).
        public let features: [Double]?
    }

    /// The detected beats of `analysis` (computed with `Configuration.beatFeatures`) matched to `record`'s
    /// annotated beats; empty when the record has no beat annotations or was refused.
    public static func labelled(record: ECGRecord, analysis: ECGAnalysis) -> [LabelledBeat] {
        guard analysis.problem == nil else { return [] }
        let ref = record.annotations.filter(\.isBeat).compactMap { a in AAMIBeatClass(mitSymbol: a.symbol).map { (a.sample, $0) } }
            .sorted { $0.0 < $1.0 }
        guard !ref.isEmpty else { return [] }
        let fs = record.rhythm.samplingRateHz
        let tolerance = Int((0.15 * fs).rounded())
        let detected = analysis.beatsAtSourceRate
        var out: [LabelledBeat] = []
        var j = 0
        for (i, d) in detected.enumerated() {
            while j + 1 < ref.count && abs(ref[j + 1].0 - d) <= abs(ref[j].0 - d) { j += 1 }
            guard abs(ref[j].0 - d) <= tolerance else { continue }
            let features = i < analysis.beatFeatures.count ? analysis.beatFeatures[i] : nil
            out.append(LabelledBeat(beat: i, seconds: Double(d) / fs, reference: ref[j].1, features: features))
        }
        return out
    }

    /// Counts of reference × predicted class over N, S, V, F.
    public struct Confusion: Sendable, Equatable {
        /// The scored classes, in table order.
        public static let classes: [AAMIBeatClass] = [.normal, .supraventricular, .ventricular, .fusion]
        /// `counts[reference][predicted]`, indexed as `classes`.
        public private(set) var counts = [[Int]](repeating: [Int](repeating: 0, count: 4), count: 4)

        /// An empty table.
        public init() {}

        /// Adds one beat (Q beats on either side are not scored).
        public mutating func add(reference: AAMIBeatClass, predicted: AAMIBeatClass) {
            guard let r = Self.classes.firstIndex(of: reference), let p = Self.classes.firstIndex(of: predicted) else { return }
            counts[r][p] += 1
        }

        /// Adds another table's counts.
        public mutating func add(_ other: Confusion) {
            for r in 0..<4 { for p in 0..<4 { counts[r][p] += other.counts[r][p] } }
        }

        /// Sensitivity of `c` (0–1): correct over reference beats of `c`; nil when there are none.
        public func sensitivity(_ c: AAMIBeatClass) -> Double? {
            guard let k = Self.classes.firstIndex(of: c) else { return nil }
            let total = counts[k].reduce(0, +)
            return total > 0 ? Double(counts[k][k]) / Double(total) : nil
        }

        /// Positive predictivity of `c` (0–1): correct over beats called `c`; nil when none was.
        public func positivePredictivity(_ c: AAMIBeatClass) -> Double? {
            guard let k = Self.classes.firstIndex(of: c) else { return nil }
            let called = (0..<4).reduce(0) { $0 + counts[$1][k] }
            return called > 0 ? Double(counts[k][k]) / Double(called) : nil
        }
    }
}
