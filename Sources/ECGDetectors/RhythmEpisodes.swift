import ECGSignal
import Foundation

/// The rhythm of one window of a long record.
public struct RhythmWindow: Sendable, Equatable {
    /// What the window shows.
    public enum Rhythm: String, Sendable, Equatable {
        /// Irregular RR intervals and no P wave in the window's median beat.
        case atrialFibrillation = "AF"
        /// Anything else that could be judged (regular, or irregular with P waves).
        case other = "non-AF"
        /// Too few readable beats to judge (unreadable window, or fewer than `RhythmCriteria.minimumWindowIntervals`).
        case notJudged = "not judged"
    }
    /// Start and end of the window (s from the record start).
    public let startSeconds: Double, endSeconds: Double
    /// The rhythm.
    public let rhythm: Rhythm
    /// RMSSD / mean NN over the window's readable normal-to-normal intervals; nil when not judged.
    public let normalisedRMSSD: Double?
    /// Whether the window's median beat has a P wave; nil when not computed.
    public let pWavePresent: Bool?
    /// Readable RR intervals in the window (all beat classes).
    public let rrCount: Int
    /// Whether the window's signal was readable (`WindowQuality`). A readable window can still be not judged, e.g.
    /// with too few normal-to-normal intervals in ventricular bigeminy; it still counts as monitored time in the burden.
    public var readable: Bool = true
}

/// A run of windows with one rhythm, as evidence.
public struct RhythmEpisode: Sendable, Equatable {
    /// Start and end (s from the record start).
    public let startSeconds: Double, endSeconds: Double
    /// The rhythm.
    public let rhythm: RhythmWindow.Rhythm
    /// Duration (s).
    public var durationSeconds: Double { endSeconds - startSeconds }
}

/// Windowed rhythm analysis of long records: the AF rule of `RhythmFindings` (RR irregularity and no P wave)
/// applied to each quality window (10 s) with the beats of the whole record, as the record rule applies it:
/// the irregularity is RMSSD / mean of the normal-to-normal intervals (an interval touching a ventricular beat
/// is not atrial rhythm; in ventricular bigeminy or runs of ectopy a window has too few NN intervals and is not
/// judged), the median successive difference is over all readable RR intervals, and the P wave is looked for in
/// the median of the window's normal beats (the ventricular beats have none). Consecutive AF windows are joined
/// into episodes (a single not-judged window between two AF windows does not break an episode), and the AF
/// burden (AF seconds over judged seconds).
public enum RhythmEpisodes {
    /// Rhythm per window.
    /// - Parameters: `filtered` the band-passed usable leads (mV), `beats` fiducials with their `readable` flags and
    ///   `classes` (`BeatClassifier`), `windows` the quality windows, `sampleRate` Hz.
    static func windows(filtered: [[Float]], beats: [Int], readable: [Bool], classes: [BeatClass], windows: [WindowQuality],
                        sampleRate fs: Double, criteria c: RhythmCriteria) -> [RhythmWindow] {
        var out: [RhythmWindow] = []
        var lo = 0
        for w in windows {
            while lo < beats.count && beats[lo] < w.start { lo += 1 }
            var hi = lo
            while hi < beats.count && beats[hi] < w.end { hi += 1 }
            // RR intervals ending in this window whose both beats are readable.
            var rr: [Double] = [], nn: [Double] = []
            if w.readable {
                for i in max(1, lo)..<max(max(1, lo), hi) where readable[i] && readable[i - 1] {
                    rr.append(Double(beats[i] - beats[i - 1]) * 1000 / fs)
                    if classes[i] == .normal && classes[i - 1] == .normal { nn.append(rr[rr.count - 1]) }
                }
            }
            let t0 = Double(w.start) / fs, t1 = Double(w.end) / fs
            guard rr.count >= c.minimumWindowIntervals, nn.count >= c.minimumWindowIntervals else {
                out.append(RhythmWindow(startSeconds: t0, endSeconds: t1, rhythm: .notJudged, normalisedRMSSD: nil, pWavePresent: nil,
                                        rrCount: rr.count, readable: w.readable))
                continue
            }
            let mean = rr.reduce(0, +) / Double(rr.count)
            let nnMean = nn.reduce(0, +) / Double(nn.count)
            let d = zip(nn.dropFirst(), nn).map { ($0 - $1) * ($0 - $1) }
            let nrmssd = (d.reduce(0, +) / Double(d.count)).squareRoot() / nnMean
            // Irregularity not explained by isolated premature beats (RhythmCriteria.irregularMedianSuccessiveDifference).
            let msd = ECGAnalysis.medianSuccessiveDifference(successive: zip(rr.dropFirst(), rr).map { abs($0 - $1) }, rr: rr) ?? 0
            let irregular = nrmssd >= c.irregularNormalisedRMSSD && msd >= c.irregularMedianSuccessiveDifference
            var p: Bool? = nil
            if irregular {
                // Irregular: is there a P wave? The window's median beat (its readable beats) decides.
                let normal = (lo..<hi).filter { readable[$0] && classes[$0] == .normal }.map { beats[$0] }
                let wb = normal.count >= 3 ? normal : (lo..<hi).filter { readable[$0] }.map { beats[$0] }
                let before = 0.5, after = 0.65
                let medians = filtered.compactMap { MedianBeat.compute(lead: $0, beats: wb, sampleRate: fs, before: before, after: after) }
                let offset = Int((before * fs).rounded())
                if medians.count == filtered.count, !medians.isEmpty,
                   let iv = Delineation.measure(medianBeats: medians, fiducial: offset, sampleRate: fs, rrMs: mean) {
                    let short = rr.sorted()[max(0, Int((0.1 * Double(rr.count)).rounded(.up)) - 1)]
                    let pw = PWave.delineate(medianBeats: medians, fiducial: offset, qrsOnset: iv.qrsOnset, sampleRate: fs, rrMs: mean,
                                             leads: filtered, beats: wb, previousTEnd: iv.tEnd - Int((min(mean, short) * fs / 1000).rounded()))
                    p = pw.present
                } else {
                    p = false
                }
            }
            let af = irregular && p == false
            out.append(RhythmWindow(startSeconds: t0, endSeconds: t1, rhythm: af ? .atrialFibrillation : .other,
                                    normalisedRMSSD: nrmssd, pWavePresent: p, rrCount: rr.count))
        }
        return out
    }

    /// AF episodes: runs of AF windows; one not-judged window between AF windows is bridged; episodes shorter than
    /// `minimumSeconds` are dropped.
    public static func afEpisodes(_ windows: [RhythmWindow], minimumSeconds: Double = 30) -> [RhythmEpisode] {
        var out: [RhythmEpisode] = []
        var i = 0
        while i < windows.count {
            guard windows[i].rhythm == .atrialFibrillation else { i += 1; continue }
            var j = i
            while true {
                if j + 1 < windows.count && windows[j + 1].rhythm == .atrialFibrillation { j += 1; continue }
                if j + 2 < windows.count && windows[j + 1].rhythm == .notJudged && windows[j + 2].rhythm == .atrialFibrillation { j += 2; continue }
                break
            }
            let e = RhythmEpisode(startSeconds: windows[i].startSeconds, endSeconds: windows[j].endSeconds, rhythm: .atrialFibrillation)
            if e.durationSeconds >= minimumSeconds - 1e-9 { out.append(e) }
            i = j + 1
        }
        return out
    }

    /// AF burden: seconds in AF episodes over monitored seconds, the readable windows' (0–1); nil when no window was
    /// judged. A readable window that could not be judged (too few NN intervals) is monitored time not counted as AF;
    /// an unreadable window is not monitored.
    public static func afBurden(_ windows: [RhythmWindow], episodes: [RhythmEpisode]) -> Double? {
        guard windows.contains(where: { $0.rhythm != .notJudged }) else { return nil }
        let judged = windows.filter { $0.rhythm != .notJudged || $0.readable }.reduce(0) { $0 + $1.endSeconds - $1.startSeconds }
        guard judged > 0 else { return nil }
        // Only the judged AF windows inside episodes count (a bridged not-judged window is not AF time).
        let af = windows.filter { w in w.rhythm == .atrialFibrillation && episodes.contains { $0.startSeconds <= w.startSeconds && w.endSeconds <= $0.endSeconds } }
            .reduce(0) { $0 + $1.endSeconds - $1.startSeconds }
        return af / judged
    }
}
