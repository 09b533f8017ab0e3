import Foundation

/// One P wave found in the signal, beat by beat.
public struct DetectedPWave: Sendable, Equatable {
    /// P peak, onset and offset (sample indices into the leads).
    public let peak: Int, onset: Int, offset: Int
    /// Correlation (−1…1) of this P wave with its window's median P wave (all leads, detrended).
    public let correlation: Double
    /// Whether it is the P wave conducted to the following QRS (at the median PR interval), or one found
    /// elsewhere in the T–P segment (a non-conducted P wave, as in second-degree AV block).
    public let conducted: Bool
}

/// Beat-by-beat P-wave detection, built on the median-beat P wave of each window (`PWave`).
///
/// Method (an engineering choice; evaluated against the MIT-BIH expert P-wave annotations, see
/// docs/ecg-signal-eval.md):
/// 1. The record is cut into windows (10 s); in each, the median beat of its beats is delineated
///    (`Delineation`, then `PWave.delineate` with the beat-consistency check and `Options.median`). A window whose median beat
///    has no P wave — atrial fibrillation or flutter, junctional rhythm, or P waves that do not repeat — gets
///    no P wave at all: a P wave is only called where the window's beats repeat one.
/// 2. Conducted P waves: for each beat, the window's median P wave (onset…offset, every lead detrended by
///    the line joining its ends) is slid ±`lagMs` around its median position before the beat's QRS; the best
///    correlation, when at least `minimumCorrelation`, places that beat's P wave (it must end before QRS onset).
/// 3. Non-conducted P waves: between the previous beat's T end (median T end) and the conducted P wave,
///    every position where the correlation with the template has a local maximum of at least
///    `nonConductedCorrelation` and the least-squares gain of the template is 0.5–2 is a candidate
///    (at least `minimumSeparationMs` from its neighbours). Hidden inside a T wave, a P wave is not found.
///    Candidates are kept only where they form an atrial rhythm of their own: in at least
///    `minimumNonConductedBeats` beats of the window, at intervals before the next P wave that agree within
///    `nonConductedSpread` of their median (2:1 or 3:2 block, a run of blocked beats). A lone bump in a long
///    T–P segment of sinus rhythm (a U wave, noise) is not a P wave. When that atrial cycle is shorter than
///    `minimumAtrialCycleMs` (over 240/min) the window is atrial flutter and gets no P waves at all.
///
/// Limits: the median P wave of a window is the only template, so an ectopic atrial beat with another P
/// shape is missed; a P wave that changes its PR by more than `lagMs` within a window is missed.
public enum PWaveBeats {
    /// Settings.
    public struct Options: Sendable, Equatable {
        /// Window length (s) for the median beats.
        public var windowSeconds = 10.0
        /// Search range (ms) of a beat's P wave around the window's median position.
        public var lagMs = 60.0
        /// Smallest correlation with the template for a conducted P wave.
        public var minimumCorrelation = 0.6
        /// Smallest correlation for a P wave away from the median PR (non-conducted).
        public var nonConductedCorrelation = 0.8
        /// Smallest distance (ms) between two P waves.
        public var minimumSeparationMs = 200.0
        /// Fewest beats of a window that must show a non-conducted P wave for any of them to be kept.
        public var minimumNonConductedBeats = 3
        /// Largest relative distance of a non-conducted P wave's interval to the next P wave from the window's
        /// median of those intervals (0.2 = ±20 %).
        public var nonConductedSpread = 0.2
        /// Shortest atrial cycle (ms) of P waves; a window whose non-conducted waves recur faster (over 240/min)
        /// is taken for atrial flutter and gets no P waves.
        public var minimumAtrialCycleMs = 250.0
        /// Thresholds of each window's median-beat P wave (`PWave.delineate`); default `PWave.Thresholds()`.
        /// Atrial depolarisation does not grow with the QRS, so in bundle-branch block or ventricular
        /// hypertrophy an ordinary P wave of 0.05–0.1 mV is only 3–4 % of the QRS and the 4 % rule
        /// (`minimumQRSFraction`) drops whole windows; 0.02 finds them (MIT-BIH 207/214, see
        /// docs/ecg-signal-eval.md) but lets about three times as many P waves be called in atrial
        /// fibrillation, so it is not the default until an AF guard keeps that residue out.
        public var median = PWave.Thresholds()
        /// Creates the defaults.
        public init() {}
    }

    /// Detects P waves.
    /// - Parameters:
    ///   - leads: band-passed (0.5–40 Hz) leads in mV, equal lengths.
    ///   - beats: QRS fiducial indices (ascending).
    ///   - sampleRate: Hz.
    ///   - skip: optionally, per beat, true for beats not to search a P wave before and not to build medians
    ///     from (ventricular beats, unreadable signal).
    /// - Returns: P waves in ascending order of peak.
    public static func detect(leads: [[Float]], beats: [Int], sampleRate fs: Double, skip: [Bool]? = nil,
                              options o: Options = Options()) -> [DetectedPWave] {
        guard let n = leads.first?.count, leads.allSatisfy({ $0.count == n }), fs > 0, beats.count >= 4 else { return [] }
        let ms = fs / 1000
        let win = Int(o.windowSeconds * fs)
        var out: [DetectedPWave] = []
        var lo = 0
        while lo < beats.count {
            let w0 = beats[lo] - beats[lo] % max(1, win)
            var hi = lo
            while hi < beats.count && beats[hi] < w0 + win { hi += 1 }
            defer { lo = hi }
            let idx = (lo..<hi).filter { skip?[$0] != true }
            let wb = idx.map { beats[$0] }
            guard wb.count >= 4 else { continue }
            let rr = zip(wb.dropFirst(), wb).map { Double($0 - $1) / ms }
            let meanRR = rr.reduce(0, +) / Double(rr.count)
            let before = 0.5, after = 0.65
            let fid = Int((before * fs).rounded())
            var medians: [[Float]] = []
            for x in leads {
                guard let m = MedianBeat.compute(lead: x, beats: wb, sampleRate: fs, before: before, after: after) else { break }
                medians.append(m)
            }
            guard medians.count == leads.count,
                  let iv = Delineation.measure(medianBeats: medians, fiducial: fid, sampleRate: fs, rrMs: meanRR) else { continue }
            let short = rr.sorted()[max(0, Int((0.1 * Double(rr.count)).rounded(.up)) - 1)]
            let p = PWave.delineate(medianBeats: medians, fiducial: fid, qrsOnset: iv.qrsOnset, sampleRate: fs, rrMs: meanRR,
                                    leads: leads, beats: wb, previousTEnd: iv.tEnd - Int((min(meanRR, short) * ms).rounded()),
                                    thresholds: o.median)
            guard p.present, let on = p.onset, let off = p.offset, let pk = p.peak, off > on + 2 else { continue }
            let len = off - on
            let template = medians.flatMap { detrend($0, on, len) }
            let tNorm = template.reduce(0) { $0 + $1 * $1 }
            guard tNorm > 0 else { continue }
            let lag = Int((o.lagMs * ms).rounded())
            // Correlation and least-squares gain of the template at a start sample of the leads.
            func score(_ s: Int) -> (r: Double, gain: Double)? {
                guard s >= 0, s + len < n else { return nil }
                var ab = 0.0, bb = 0.0
                var i = 0
                for x in leads {
                    let y0 = Double(x[s]), y1 = Double(x[s + len])
                    for k in 0...len {
                        let y = Double(x[s + k]) - (y0 + (y1 - y0) * Double(k) / Double(len))
                        ab += template[i] * y; bb += y * y; i += 1
                    }
                }
                guard bb > 0 else { return nil }
                return (ab / (tNorm * bb).squareRoot(), ab / tNorm)
            }
            // Non-conducted candidates of this window with the peak of the P wave that follows each (the next
            // candidate of the same beat, or the beat's conducted or expected P wave).
            var blocked: [(p: DetectedPWave, nextPeak: Int, beat: Int)] = []
            var conducted: [DetectedPWave] = []
            for j in idx {
                let b = beats[j]
                let qrsOn = b - fid + iv.qrsOnset
                let expected = b - fid + on
                var best: (s: Int, r: Double)? = nil
                for s in (expected - lag)...(expected + lag) where s + len < qrsOn {
                    if let v = score(s), v.r > (best?.r ?? -2) { best = (s, v.r) }
                }
                var conductedStart: Int? = nil
                if let best, best.r >= o.minimumCorrelation {
                    conductedStart = best.s
                    conducted.append(DetectedPWave(peak: best.s + pk - on, onset: best.s, offset: best.s + len, correlation: best.r, conducted: true))
                }
                // Non-conducted P waves between the previous beat's T end and this beat's P wave.
                guard j > 0 else { continue }
                let prevTEnd = beats[j - 1] - fid + iv.tEnd
                let stop = (conductedStart ?? expected) - Int((o.minimumSeparationMs * ms).rounded())
                guard prevTEnd < stop else { continue }
                var scores: [(s: Int, r: Double, gain: Double)] = []
                for s in prevTEnd...stop { if let v = score(s) { scores.append((s, v.r, v.gain)) } }
                var extra: [DetectedPWave] = []
                for i in scores.indices {
                    let v = scores[i]
                    guard v.r >= o.nonConductedCorrelation, v.gain >= 0.5, v.gain <= 2,
                          i == 0 || scores[i - 1].r <= v.r, i == scores.count - 1 || scores[i + 1].r < v.r else { continue }
                    let peak = v.s + pk - on
                    if let last = extra.last, Double(peak - last.peak) / ms < o.minimumSeparationMs {
                        if v.r > last.correlation { extra[extra.count - 1] = DetectedPWave(peak: peak, onset: v.s, offset: v.s + len, correlation: v.r, conducted: false) }
                        continue
                    }
                    extra.append(DetectedPWave(peak: peak, onset: v.s, offset: v.s + len, correlation: v.r, conducted: false))
                }
                let following = (conductedStart ?? expected) + pk - on
                for (k, e) in extra.enumerated() {
                    blocked.append((e, k + 1 < extra.count ? extra[k + 1].peak : following, j))
                }
            }
            // Keep the non-conducted P waves only when they recur at a steady atrial interval.
            let intervals = blocked.map { Double($0.nextPeak - $0.p.peak) }
            let mid = median(intervals)
            if Set(blocked.map(\.beat)).count >= o.minimumNonConductedBeats, mid > 0 {
                // An atrial cycle shorter than `minimumAtrialCycleMs` is flutter: its waves are not P waves, and
                // neither are the "conducted" ones the window's median beat found among them.
                if mid / ms < o.minimumAtrialCycleMs { continue }
                out.append(contentsOf: blocked.filter { abs(Double($0.nextPeak - $0.p.peak) - mid) <= o.nonConductedSpread * mid }.map(\.p))
            }
            out.append(contentsOf: conducted)
        }
        return out.sorted { $0.peak < $1.peak }
    }

    /// `x[start...start+len]` minus the straight line joining its ends.
    static func detrend(_ x: [Float], _ start: Int, _ len: Int) -> [Double] {
        let y0 = Double(x[start]), y1 = Double(x[start + len])
        return (0...len).map { Double(x[start + $0]) - (y0 + (y1 - y0) * Double($0) / Double(len)) }
    }
}
