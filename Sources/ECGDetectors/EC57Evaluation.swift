import ECGFormats
import ECGSignal
import Foundation

/// Beat-by-beat QRS-detection evaluation as ANSI/AAMI EC57 prescribes and PhysioNet's `bxb` does it:
/// a detection matches a reference beat within 150 ms (each used once, nearest first); reference beats
/// and detections inside ventricular flutter/fibrillation episodes are not scored (EC57 scores VF
/// separately); the first 5 minutes of a record are the detector's learning period and are not scored
/// (`bxb -f 0:5`). Both choices are reported both ways, so a reader can compare with papers that skip
/// them.
///
/// VF/VFL episodes are the spans between the MIT annotations `[` (start of VF/VFL) and `]` (end), and
/// the rhythm episodes whose rhythm-change text is `(VFL` or `(VF` (up to the next rhythm change). An
/// episode left open at the end of the record lasts to the end.
public enum EC57Evaluation {
    /// Scoring settings.
    public struct Options: Sendable, Equatable {
        /// Largest distance between a detection and its reference beat (s). EC57: 0.150.
        public var matchWindow = 0.150
        /// Learning period at the start of each record that is not scored in the "after learning" figures (s).
        /// EC57/bxb for MIT-BIH: 300.
        public var learningPeriod = 300.0
        /// Beats within this many seconds of the record's start or end are not scored in any variant: a QRS
        /// complex cut by the record boundary can be judged neither way.
        public var edge = 0.1
        /// Creates the EC57 defaults.
        public init() {}
    }

    /// Which beats a variant scores.
    public struct Variant: Sendable, Hashable, CustomStringConvertible {
        /// Whether VF/VFL episodes are left out.
        public let excludesVF: Bool
        /// Whether the learning period is left out.
        public let skipsLearning: Bool
        /// The standard bxb figures: VF excluded, learning period skipped.
        public static let standard = Variant(excludesVF: true, skipsLearning: true)
        /// All four combinations, the standard one first.
        public static let all: [Variant] = [.standard, Variant(excludesVF: true, skipsLearning: false),
                                            Variant(excludesVF: false, skipsLearning: true), Variant(excludesVF: false, skipsLearning: false)]
        /// Creates a variant.
        public init(excludesVF: Bool, skipsLearning: Bool) { self.excludesVF = excludesVF; self.skipsLearning = skipsLearning }
        /// E.g. "VF excluded, from 5:00".
        public var description: String {
            (excludesVF ? "VF excluded" : "VF scored") + ", " + (skipsLearning ? "after learning period" : "whole record")
        }
    }

    /// The result for one record.
    public struct RecordResult: Sendable {
        /// Record name (file name).
        public let name: String
        /// Record duration (s).
        public let durationSeconds: Double
        /// Where the reference beats came from.
        public let referenceSource: ReferenceBeats.Source
        /// Reference points merged because they were < 200 ms from another.
        public let mergedReferencePoints: Int
        /// VF/VFL episodes as sample ranges at the record's rate (half-open).
        public let vfEpisodes: [Range<Int>]
        /// Counts per variant.
        public let matches: [Variant: BeatMatch]
        /// Why the pipeline refused the record (its beats then count as missed); nil when it was analysed.
        public let refusal: String?
        /// Missed reference beats and extra detections of the standard variant (samples at the record's rate).
        public let missed: [Int], extra: [Int]
        /// Sampling rate of the record (Hz).
        public let sampleRate: Double
        /// Whole-record agreement of the pipeline's two QRS detectors (a quality cue), and the fraction of the
        /// record in readable quality windows; nil when not computed.
        public var detectorAgreement: Double? = nil, readableFraction: Double? = nil
        /// Seconds of VF/VFL in the record.
        public var vfSeconds: Double { Double(vfEpisodes.reduce(0) { $0 + $1.count }) / sampleRate }
    }

    /// Gross and average statistics over records.
    public struct Summary: Sendable {
        /// Summed counts.
        public let gross: BeatMatch
        /// Mean of the per-record sensitivities (records with reference beats) and positive
        /// predictivities (records with detections), fractions.
        public let averageSensitivity: Double?, averagePositivePredictivity: Double?
        /// Records summarised.
        public let records: Int
    }

    /// VF/VFL episodes of a WFDB annotation list (sample ranges, half-open), merged where they overlap.
    /// - Parameter sampleCount: record length in samples (an open episode ends there).
    public static func vfEpisodes(annotations: [ECGAnnotation], sampleCount: Int) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        let sorted = annotations.sorted { $0.sample < $1.sample }
        var open: Int? = nil
        for a in sorted where a.code == 32 || a.code == 33 {
            if a.code == 32 { if open == nil { open = a.sample } } else if let s = open {
                spans.append(s..<max(s + 1, a.sample + 1)); open = nil
            }
        }
        if let s = open { spans.append(s..<max(s + 1, sampleCount)) }
        var rhythmStart: Int? = nil
        for a in sorted where a.isRhythmChange {
            let text = (a.auxText ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "\0 "))
            if let s = rhythmStart { spans.append(s..<max(s + 1, a.sample)); rhythmStart = nil }
            if text == "(VFL" || text == "(VF" { rhythmStart = a.sample }
        }
        if let s = rhythmStart { spans.append(s..<max(s + 1, sampleCount)) }
        spans.sort { $0.lowerBound < $1.lowerBound }
        var merged: [Range<Int>] = []
        for s in spans {
            if let last = merged.last, s.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, s.upperBound)
            } else {
                merged.append(s)
            }
        }
        return merged
    }

    /// Scores `detected` against `reference` (samples at `sampleRate`) for one variant.
    /// - Parameters:
    ///   - vf: VF/VFL spans; beats inside them are dropped when `variant.excludesVF`.
    ///   - sampleCount: record length in samples (for the edge rule).
    public static func score(reference: [Int], detected: [Int], sampleRate fs: Double, sampleCount: Int, vf: [Range<Int>],
                             variant: Variant, options o: Options = Options()) -> (match: BeatMatch, missed: [Int], extra: [Int]) {
        let edge = Int((o.edge * fs).rounded())
        let lo = max(edge, variant.skipsLearning ? Int((o.learningPeriod * fs).rounded()) : 0), hi = sampleCount - 1 - edge
        let tol = Int((o.matchWindow * fs).rounded(.down))
        func inVF(_ s: Int) -> Bool { variant.excludesVF && vf.contains { $0.contains(s) } }
        let ref = reference.filter { $0 >= lo && $0 <= hi && !inVF($0) }.sorted()
        // A detection just outside the scored span may still be the match of a scored beat (bxb pairs first, then
        // discards pairs outside the span), so detections are kept to `tol` beyond it and only counted as extra inside it.
        let det = detected.filter { $0 >= lo - tol && $0 <= hi + tol && !inVF($0) }.sorted()
        var used = [Bool](repeating: false, count: det.count)
        var missed: [Int] = []
        var start = 0
        for r in ref {
            while start < det.count && det[start] < r - tol { start += 1 }
            var best: Int? = nil
            var j = start
            while j < det.count && det[j] <= r + tol {
                if !used[j] && (best == nil || abs(det[j] - r) < abs(det[best!] - r)) { best = j }
                j += 1
            }
            if let b = best { used[b] = true } else { missed.append(r) }
        }
        let extra = det.indices.filter { !used[$0] && det[$0] >= lo && det[$0] <= hi }.map { det[$0] }
        let tp = ref.count - missed.count
        return (BeatMatch(truePositives: tp, falseNegatives: missed.count, falsePositives: extra.count), missed, extra)
    }

    /// Evaluates one record with its analysis; nil when the record carries no reference beats.
    public static func evaluate(record: ECGRecord, analysis: ECGAnalysis, options o: Options = Options()) -> RecordResult? {
        guard let ref = ReferenceBeats.of(record) else { return nil }
        let fs = record.rhythm.samplingRateHz, n = record.rhythm.sampleCount
        let vf = record.sourceFormat == .dicom ? [] : vfEpisodes(annotations: record.annotations, sampleCount: n)
        let detected = analysis.problem == nil ? analysis.beatsAtSourceRate : []
        var matches: [Variant: BeatMatch] = [:]
        var missed: [Int] = [], extra: [Int] = []
        for v in Variant.all {
            let s = score(reference: ref.beats, detected: detected, sampleRate: fs, sampleCount: n, vf: vf, variant: v, options: o)
            matches[v] = s.match
            if v == .standard { missed = s.missed; extra = s.extra }
        }
        var result = RecordResult(name: analysis.file, durationSeconds: record.rhythm.durationSeconds, referenceSource: ref.source,
                            mergedReferencePoints: ref.merged, vfEpisodes: vf, matches: matches,
                            refusal: analysis.problem.map { "\($0.reason.rawValue): \($0.message)" }, missed: missed, extra: extra, sampleRate: fs)
        result.detectorAgreement = analysis.quality?.detectorAgreement
        result.readableFraction = analysis.quality.flatMap { $0.windows.isEmpty ? nil : $0.readableFraction }
        return result
    }

    /// Gross and average statistics of `results` for one variant.
    public static func summarize(_ results: [RecordResult], variant: Variant) -> Summary {
        let ms = results.compactMap { $0.matches[variant] }
        let gross = ms.reduce(BeatMatch(truePositives: 0, falseNegatives: 0, falsePositives: 0), +)
        func mean(_ x: [Double]) -> Double? { x.isEmpty ? nil : x.reduce(0, +) / Double(x.count) }
        return Summary(gross: gross, averageSensitivity: mean(ms.compactMap(\.sensitivity)),
                       averagePositivePredictivity: mean(ms.compactMap(\.positivePredictivity)), records: ms.count)
    }
}

/// AF episode detection against a WFDB record's rhythm annotations, in the terms of EC57's episode statistics
/// (as `epicmp -A` reports them): an episode is detected when a detected episode overlaps it, a detected
/// episode is true when it overlaps a reference one; duration sensitivity and positive predictivity are the
/// overlap over the reference and over the detected AF time.
public struct AFEpisodeScore: Sendable, Equatable {
    /// Reference AF episodes (`(AFIB` to the next rhythm change), s.
    public let reference: [ClosedRange<Double>]
    /// Detected AF episodes, s.
    public let detected: [ClosedRange<Double>]
    /// Reference episodes overlapped by a detection; detected episodes overlapping a reference one.
    public let detectedReference: Int, trueDetections: Int
    /// Seconds of reference AF, of detected AF, and of their overlap.
    public let referenceSeconds: Double, detectedSeconds: Double, overlapSeconds: Double
    /// Record duration (s).
    public let recordSeconds: Double
    /// The detector's own AF burden (AF over readable time, 0–1), nil when not computed.
    public let detectedBurden: Double?

    /// Episode sensitivity and positive predictivity (0–1); nil without reference / detected episodes.
    public var episodeSensitivity: Double? { reference.isEmpty ? nil : Double(detectedReference) / Double(reference.count) }
    public var episodePositivePredictivity: Double? { detected.isEmpty ? nil : Double(trueDetections) / Double(detected.count) }
    /// Duration sensitivity and positive predictivity (0–1).
    public var durationSensitivity: Double? { referenceSeconds > 0 ? overlapSeconds / referenceSeconds : nil }
    public var durationPositivePredictivity: Double? { detectedSeconds > 0 ? overlapSeconds / detectedSeconds : nil }
    /// Reference burden: reference AF seconds over the record (0–1).
    public var referenceBurden: Double { recordSeconds > 0 ? referenceSeconds / recordSeconds : 0 }

    /// Reference AF episodes of a WFDB annotation list (s).
    public static func referenceEpisodes(annotations: [ECGAnnotation], sampleRate fs: Double, durationSeconds: Double) -> [ClosedRange<Double>] {
        var out: [ClosedRange<Double>] = []
        var start: Double? = nil
        for a in annotations.sorted(by: { $0.sample < $1.sample }) where a.isRhythmChange {
            let t = Double(a.sample) / fs
            if let s = start { out.append(s...max(s, t)); start = nil }
            let text = (a.auxText ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "\0 "))
            if text == "(AFIB" { start = t }
        }
        if let s = start { out.append(s...max(s, durationSeconds)) }
        return out
    }

    /// Scores detected against reference episodes.
    public init(reference: [ClosedRange<Double>], detected: [ClosedRange<Double>], recordSeconds: Double, detectedBurden: Double?) {
        func overlap(_ a: ClosedRange<Double>, _ b: ClosedRange<Double>) -> Double { max(0, min(a.upperBound, b.upperBound) - max(a.lowerBound, b.lowerBound)) }
        self.reference = reference
        self.detected = detected
        detectedReference = reference.filter { r in detected.contains { overlap(r, $0) > 0 } }.count
        trueDetections = detected.filter { d in reference.contains { overlap(d, $0) > 0 } }.count
        referenceSeconds = reference.reduce(0) { $0 + $1.upperBound - $1.lowerBound }
        detectedSeconds = detected.reduce(0) { $0 + $1.upperBound - $1.lowerBound }
        overlapSeconds = reference.reduce(0) { acc, r in acc + detected.reduce(0) { $0 + overlap(r, $1) } }
        self.recordSeconds = recordSeconds
        self.detectedBurden = detectedBurden
    }

    /// The score of one analysed WFDB record; nil when the record has no rhythm annotations.
    public static func of(record: ECGRecord, analysis: ECGAnalysis) -> AFEpisodeScore? {
        guard record.annotations.contains(where: \.isRhythmChange) else { return nil }
        let ref = referenceEpisodes(annotations: record.annotations, sampleRate: record.rhythm.samplingRateHz,
                                    durationSeconds: record.rhythm.durationSeconds)
        return AFEpisodeScore(reference: ref, detected: analysis.afEpisodes.map { $0.startSeconds...$0.endSeconds },
                              recordSeconds: record.rhythm.durationSeconds, detectedBurden: analysis.afBurden)
    }
}
