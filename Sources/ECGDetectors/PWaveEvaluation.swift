import ECGFormats
import ECGSignal
import Foundation

/// P-wave detection (`PWaveBeats`) against reference P-wave annotations (e.g. the expert `.pwave` files of 12
/// MIT-BIH Arrhythmia records: one annotation per P wave, at its peak).
///
/// Scoring: reference and detected P peaks are matched one to one, nearest first, within `toleranceMs`;
/// Se = TP / (TP + FN), +P = TP / (TP + FP). Only rhythm segments with P waves are scored (the record's
/// rhythm annotations; AFIB, AFL, VFL, VT and ventricular flutter episodes `[`…`]` are left out); P waves
/// called inside AFIB (and AFL) segments are counted apart, as errors of their own. Detection runs on the
/// same leads and beats as the measurement pipeline (`ECGAnalysis`: usable leads, resampled to its rate,
/// band-passed 0.5–40 Hz; ventricular beats and unreadable windows skipped).
public enum PWaveEvaluation {
    /// Rhythms without (scoreable) P waves.
    public static let rhythmsWithoutP: Set<String> = ["(AFIB", "(AFL", "(VFL", "(VT"]

    /// Result for one record.
    public struct RecordResult: Sendable, Equatable {
        /// Reference P waves in scored segments, matched ones, missed, extra detections.
        public let reference: Int, truePositives: Int, falseNegatives: Int, falsePositives: Int
        /// P waves called inside AFIB segments and inside AFL segments, and those segments' lengths (s).
        public let callsInAF: Int, callsInAFL: Int, afSeconds: Double, aflSeconds: Double
        /// Se and +P (0–1); nil without reference P waves / detections.
        public var sensitivity: Double? { reference > 0 ? Double(truePositives) / Double(reference) : nil }
        public var positivePredictivity: Double? { truePositives + falsePositives > 0 ? Double(truePositives) / Double(truePositives + falsePositives) : nil }
    }

    /// Rhythm segments (s) of a record's rhythm annotations: (start, end, rhythm text such as "(N").
    public static func rhythmSegments(_ annotations: [ECGAnnotation], sampleRate fs: Double, durationSeconds: Double) -> [(Double, Double, String)] {
        var out: [(Double, Double, String)] = []
        var current: (Double, String)? = nil
        for a in annotations.sorted(by: { $0.sample < $1.sample }) where a.isRhythmChange {
            let t = Double(a.sample) / fs
            if let c = current { out.append((c.0, t, c.1)) }
            current = (t, (a.auxText ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "\0 ")))
        }
        if let c = current { out.append((c.0, durationSeconds, c.1)) }
        return out
    }

    /// Matches reference and detected times (s) one to one within `tolerance` (s), nearest pairs first.
    /// - Returns: the number of matched pairs.
    public static func matchCount(reference: [Double], detected: [Double], tolerance: Double) -> Int {
        var pairs: [(Double, Int, Int)] = []
        var j0 = 0
        let d = detected.sorted()
        for (i, r) in reference.sorted().enumerated() {
            while j0 < d.count && d[j0] < r - tolerance { j0 += 1 }
            var j = j0
            while j < d.count && d[j] <= r + tolerance { pairs.append((abs(d[j] - r), i, j)); j += 1 }
        }
        pairs.sort { $0.0 < $1.0 }
        var usedR = Set<Int>(), usedD = Set<Int>()
        for (_, i, j) in pairs where !usedR.contains(i) && !usedD.contains(j) { usedR.insert(i); usedD.insert(j) }
        return usedR.count
    }

    /// Detected P waves of an analysed record, as times in seconds.
    public static func detect(record: ECGRecord, analysis a: ECGAnalysis, options: PWaveBeats.Options = PWaveBeats.Options()) throws -> [Double] {
        guard a.problem == nil, let q = a.quality else { return [] }
        let rate = a.sampleRate
        let names = a.usableLeads
        let byName = Dictionary(record.rhythm.leads.map { ($0.name, $0.samples) }, uniquingKeysWith: { x, _ in x })
        let fs = record.rhythm.samplingRateHz
        let resampler = Int(fs) == Int(rate) ? nil : try PolyphaseResampler(inputRate: Int(fs), outputRate: Int(rate))
        let band = try IIRFilter.butterworthBandPass(order: 2, lowHz: 0.5, highHz: 40, sampleRate: rate)
        let leads: [[Float]] = try names.compactMap { byName[$0] }.map { x in try band.filtfilt(resampler?.resample(x) ?? x) }
        guard !leads.isEmpty else { return [] }
        let skip = a.beats.indices.map { a.beatClasses[$0] == .ventricular || !q.isReadable(sample: a.beats[$0]) }
        return PWaveBeats.detect(leads: leads, beats: a.beats, sampleRate: rate, skip: skip, options: options).map { Double($0.peak) / rate }
    }

    /// Scores detections (s) against reference P annotations of a record with rhythm annotations.
    /// - Parameters: `reference` P-wave annotations (their `sample` at `referenceRate`), `rhythm` the record's
    ///   annotations (rhythm changes and `[`/`]`), at `rhythmRate`; `edgeSeconds` not scored at either end.
    public static func score(detected: [Double], reference: [ECGAnnotation], referenceRate: Double, rhythm: [ECGAnnotation], rhythmRate: Double,
                             durationSeconds: Double, toleranceMs: Double = 50, edgeSeconds: Double = 1) -> RecordResult {
        let segments = rhythmSegments(rhythm, sampleRate: rhythmRate, durationSeconds: durationSeconds)
        let vf = EC57Evaluation.vfEpisodes(annotations: rhythm, sampleCount: Int(durationSeconds * rhythmRate))
            .map { (Double($0.lowerBound) / rhythmRate, Double($0.upperBound) / rhythmRate) }
        func rhythmAt(_ t: Double) -> String? { segments.last { $0.0 <= t && t < $0.1 }?.2 }
        func scored(_ t: Double) -> Bool {
            guard t >= edgeSeconds, t <= durationSeconds - edgeSeconds, !vf.contains(where: { $0.0 <= t && t < $0.1 }) else { return false }
            // Records without rhythm annotations are scored throughout.
            guard !segments.isEmpty else { return true }
            guard let r = rhythmAt(t) else { return false }
            return !rhythmsWithoutP.contains(r)
        }
        let ref = reference.map { Double($0.sample) / referenceRate }.filter(scored)
        let det = detected.filter(scored)
        let tp = matchCount(reference: ref, detected: det, tolerance: toleranceMs / 1000)
        let inAF = detected.filter { rhythmAt($0) == "(AFIB" }.count
        let inAFL = detected.filter { rhythmAt($0) == "(AFL" }.count
        func seconds(_ rhythm: String) -> Double {
            var total = 0.0
            for (start, end, text) in segments where text == rhythm { total += end - start }
            return total
        }
        let afS = seconds("(AFIB"), aflS = seconds("(AFL")
        return RecordResult(reference: ref.count, truePositives: tp, falseNegatives: ref.count - tp, falsePositives: det.count - tp,
                            callsInAF: inAF, callsInAFL: inAFL, afSeconds: afS, aflSeconds: aflS)
    }
}
