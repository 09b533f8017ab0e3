import Foundation

/// The P wave of a multi-lead median beat: whether one is there, where it starts, peaks and ends, and
/// the PR interval it gives.
public struct PWaveDelineation: Sendable, Equatable {
    /// Whether a P wave was found (a bump standing clearly above the PR baseline before the QRS).
    public let present: Bool
    /// P onset, peak and offset as sample indices into the median beat; nil when absent or not bounded
    /// inside the search window.
    public let onset: Int?, peak: Int?, offset: Int?
    /// Peak of the across-lead RMS of the detrended P window, in mV (0 when the window is empty).
    public let amplitudeMv: Double
    /// The same RMS at the QRS (peak within ±40 ms of the fiducial), in mV, for scale.
    public let qrsAmplitudeMv: Double
    /// PR interval (QRS onset − P onset) in ms; nil when no P onset was found.
    public let prMs: Double?
    /// P-wave duration (offset − onset) in ms; nil when not bounded.
    public let durationMs: Double?
    /// Fraction of beats repeating the median P wave (`PWave.beatConsistency`); nil when not computed.
    public var consistency: Double? = nil
}

/// P-wave delineation on median beats, all leads together so that no single lead decides.
///
/// Method (an engineering choice, tested against synthetic beats with known P waves):
/// 1. Search window: from the previous beat's T end (when known; at most 450 ms before QRS onset; retried
///    from 50 ms earlier when no P wave is found or the one found starts within 20 ms of the window start) or else
///    `min(300 ms, 0.5 RR)` before QRS onset, up to QRS onset.
/// 2. Each lead is detrended by the straight line joining its values at the two ends of the window
///    (the PR segment and the end of the previous T–P segment are taken as isoelectric).
/// 3. The across-lead RMS of the detrended leads is the P-wave envelope; its largest value between
///    20 ms after the window start and 20 ms before QRS onset is the P peak.
/// 4. A P wave is present when the peak is at least `minimumAmplitudeMv`, at least
///    `minimumQRSFraction` of the QRS envelope, and the envelope falls below half the peak on both
///    sides inside the window (a bump, not a slope).
/// 5. Onset and offset by the tangent method on the projection of the detrended leads onto their
///    direction at the peak: the tangent at the steepest rise before the peak (fall after it) meets the
///    baseline at the onset (offset); the projection is first smoothed over about 12 ms. For a Gaussian P wave of standard deviation σ that is 2 σ either
///    side of the centre. Real P waves often sit on a slow ramp, which a fixed fraction of the peak would
///    mistake for the P wave; the tangent ignores it. The P wave must be bounded inside the window and
///    last 40–200 ms, or it counts as absent.
///
/// 6. When the band-passed leads and beats are given, at least `minimumConsistency` of the beats must
///    repeat the median P wave (`beatConsistency`): fibrillatory waves leave a residue in a median
///    beat that can look like a small P wave, but it does not repeat beat after beat.
///
/// Limits: at fast rates the window can reach into the previous T wave; an atrial flutter or an
/// ectopic atrial rhythm also has "P waves" here (morphology and axis are not judged).
public enum PWave {
    /// Tunable thresholds.
    public struct Thresholds: Sendable, Equatable {
        /// Smallest P envelope peak counted as a P wave (mV, across-lead RMS).
        public var minimumAmplitudeMv = 0.02
        /// Smallest ratio of P envelope peak to QRS envelope peak.
        public var minimumQRSFraction = 0.04
        /// Smallest fraction of beats that must repeat the median P wave (when the leads are given).
        public var minimumConsistency = 0.6
        /// Creates the default thresholds.
        public init() {}
    }

    /// Delineates the P wave of median beats.
    /// - Parameters:
    ///   - medianBeats: one median beat per lead (mV), equal lengths, band-passed (0.5–40 Hz).
    ///   - fiducial: index of the R fiducial point in the median beats.
    ///   - qrsOnset: QRS onset index (from `Delineation`).
    ///   - sampleRate: Hz.
    ///   - rrMs: mean RR interval in ms (bounds the search window).
    ///   - leads: optionally, the band-passed leads the median beats were made from, and `beats` those
    ///     beats, for the consistency check (step 6).
    ///   - previousTEnd: optionally, where the previous beat's T wave ends, as an index into the median
    ///     beats (T end − RR; may be negative): the window then runs from there (at most 450 ms before QRS
    ///     onset) instead of the fixed `min(300 ms, 0.5 RR)`, so long PR intervals fit; when no P wave is
    ///     found, once more from 50 ms earlier (at fast rates the P wave can start on the T wave's tail).
    public static func delineate(medianBeats: [[Float]], fiducial: Int, qrsOnset: Int, sampleRate fs: Double, rrMs: Double,
                                 leads: [[Float]]? = nil, beats: [Int] = [], previousTEnd: Int? = nil,
                                 thresholds t: Thresholds = Thresholds()) -> PWaveDelineation {
        let ms = fs / 1000
        var starts: [Int]
        if let prev = previousTEnd {
            // From the previous T end; if no P wave is found there, 50 ms earlier (at fast rates the P wave
            // can start on the T wave's tail).
            let earliest = qrsOnset - Int((450 * ms).rounded())
            starts = [max(0, earliest, prev), max(0, earliest, prev - Int((50 * ms).rounded()))]
        } else {
            starts = [max(0, qrsOnset - Int((min(300, 0.5 * rrMs) * ms).rounded()))]
        }
        var p = delineateMedian(medianBeats: medianBeats, fiducial: fiducial, qrsOnset: qrsOnset, sampleRate: fs, rrMs: rrMs,
                                windowStart: starts[0], thresholds: t)
        // Retry from earlier when no P wave was found, or when the one found starts within 20 ms of the window
        // start (the window may cut its onset: with a long PR at a fast rate the P wave starts right at the T end).
        let atEdge = p.onset.map { Double($0 - starts[0]) / ms < 20 } ?? false
        if !p.present || atEdge, starts.count > 1, starts[1] != starts[0] {
            let earlier = delineateMedian(medianBeats: medianBeats, fiducial: fiducial, qrsOnset: qrsOnset, sampleRate: fs, rrMs: rrMs,
                                          windowStart: starts[1], thresholds: t)
            if earlier.present || !p.present { p = earlier }
        }
        guard p.present, let leads, !beats.isEmpty else { return p }
        let c = beatConsistency(leads: leads, beats: beats, medianBeats: medianBeats, fiducial: fiducial, p: p)
        if let c, c >= t.minimumConsistency {
            p.consistency = c
            return p
        }
        var absent = PWaveDelineation(present: false, onset: nil, peak: nil, offset: nil, amplitudeMv: p.amplitudeMv,
                                      qrsAmplitudeMv: p.qrsAmplitudeMv, prMs: nil, durationMs: nil)
        absent.consistency = c
        return absent
    }

    static func delineateMedian(medianBeats: [[Float]], fiducial: Int, qrsOnset: Int, sampleRate fs: Double, rrMs: Double,
                                windowStart: Int, thresholds t: Thresholds) -> PWaveDelineation {
        let none = PWaveDelineation(present: false, onset: nil, peak: nil, offset: nil, amplitudeMv: 0, qrsAmplitudeMv: 0,
                                    prMs: nil, durationMs: nil)
        guard let n = medianBeats.first?.count, n > 0, medianBeats.allSatisfy({ $0.count == n }), fs > 0, rrMs > 0,
              qrsOnset > 0, qrsOnset < n, fiducial >= 0, fiducial < n else { return none }
        let ms = fs / 1000
        let ws = max(0, windowStart)
        let we = qrsOnset
        guard we - ws > Int(60 * ms) else { return none }
        let leads = Double(medianBeats.count)
        // Envelope over the P window, detrended per lead.
        var env = [Double](repeating: 0, count: we - ws + 1)
        for b in medianBeats {
            let y0 = Double(b[ws]), y1 = Double(b[we])
            for k in ws...we {
                let line = y0 + (y1 - y0) * Double(k - ws) / Double(we - ws)
                let d = Double(b[k]) - line
                env[k - ws] += d * d
            }
        }
        env = env.map { ($0 / leads).squareRoot() }
        // QRS envelope for scale, relative to the value at QRS onset.
        var qrsPeak = 0.0
        for k in max(0, fiducial - Int(40 * ms))...min(n - 1, fiducial + Int(40 * ms)) {
            var s = 0.0
            for b in medianBeats { let d = Double(b[k] - b[qrsOnset]); s += d * d }
            qrsPeak = max(qrsPeak, (s / leads).squareRoot())
        }
        let lo = Int(20 * ms), hi = env.count - 1 - Int(20 * ms)
        guard lo < hi else { return none }
        var p = lo
        for k in lo...hi where env[k] > env[p] { p = k }
        let amp = env[p]
        // A bump: the envelope must fall below half the peak on both sides within the window.
        let fallsBefore = env[0..<p].contains { $0 < 0.5 * amp }
        let fallsAfter = env[(p + 1)...].contains { $0 < 0.5 * amp }
        let present = amp >= t.minimumAmplitudeMv && amp >= t.minimumQRSFraction * qrsPeak && fallsBefore && fallsAfter
        guard present else {
            return PWaveDelineation(present: false, onset: nil, peak: nil, offset: nil, amplitudeMv: amp, qrsAmplitudeMv: qrsPeak,
                                    prMs: nil, durationMs: nil)
        }
        // Onset and offset on the signed projection of the detrended leads onto the lead vector at the
        // peak: noise averages out there instead of adding to the envelope, so the edges are not pushed out.
        var u = medianBeats.map { b -> Double in
            let y0 = Double(b[ws]), y1 = Double(b[we])
            return Double(b[p + ws]) - (y0 + (y1 - y0) * Double(p) / Double(we - ws))
        }
        let norm = u.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return none }
        u = u.map { $0 / norm }
        var proj = [Double](repeating: 0, count: env.count)
        for (l, b) in medianBeats.enumerated() {
            let y0 = Double(b[ws]), y1 = Double(b[we])
            for k in 0..<env.count {
                proj[k] += u[l] * (Double(b[k + ws]) - (y0 + (y1 - y0) * Double(k) / Double(we - ws)))
            }
        }
        // Smooth the projection over ~12 ms (centred moving average) so that the steepest slope is that of the
        // P wave, not of residual noise.
        let half = max(1, Int((6 * ms).rounded()))
        var smooth = proj
        for k in proj.indices {
            let lo = max(0, k - half), hi = min(proj.count - 1, k + half)
            smooth[k] = proj[lo...hi].reduce(0, +) / Double(hi - lo + 1)
        }
        proj = smooth
        // Tangent method on the projection: the tangent at the steepest rise before the peak (steepest
        // fall after it) meets the baseline (0) at the onset (offset).
        var rise = 0.0, riseAt = p, fall = 0.0, fallAt = p
        for k in 1..<max(1, p) {
            let slope = (proj[k + 1] - proj[k - 1]) / 2
            if slope > rise { rise = slope; riseAt = k }
        }
        if p + 1 < env.count - 1 {
            for k in (p + 1)..<(env.count - 1) {
                let slope = (proj[k + 1] - proj[k - 1]) / 2
                if slope < fall { fall = slope; fallAt = k }
            }
        }
        var on: Int? = nil, off: Int? = nil
        if rise > 0 {
            let x = Double(riseAt) - proj[riseAt] / rise
            if x >= 0 { on = Int(x.rounded()) }
        }
        if fall < 0 {
            let x = Double(fallAt) + proj[fallAt] / -fall
            if x <= Double(env.count - 1) { off = Int(x.rounded()) }
        }
        // A P wave must be bounded on both sides inside the window and last 40–200 ms.
        guard let onIdx = on, let offIdx = off, Double(offIdx - onIdx) / ms >= 40, Double(offIdx - onIdx) / ms <= 200 else {
            return PWaveDelineation(present: false, onset: nil, peak: nil, offset: nil, amplitudeMv: amp, qrsAmplitudeMv: qrsPeak,
                                    prMs: nil, durationMs: nil)
        }
        _ = (onIdx, offIdx)
        let onset = on.map { $0 + ws }, offset = off.map { $0 + ws }
        var duration: Double? = nil
        if let a = onset, let b = offset { duration = Double(b - a) / ms }
        return PWaveDelineation(present: true, onset: onset, peak: p + ws, offset: offset, amplitudeMv: amp, qrsAmplitudeMv: qrsPeak,
                                prMs: onset.map { Double(qrsOnset - $0) / ms },
                                durationMs: duration)
    }
}

extension PWave {
    /// How consistently the individual beats show the median beat's P wave: the fraction (0–1) of beats
    /// whose P-wave segment (all leads, each detrended by the line joining the segment's ends) correlates
    /// with the median beat's at r ≥ `minimumCorrelation`. A real P wave repeats beat after beat; the
    /// residue that fibrillatory waves leave in a median beat does not. Nil when no beat's segment fits.
    /// - Parameters:
    ///   - leads: the band-passed leads the median beats were made from (mV), equal lengths.
    ///   - beats: the beats the median was made of (fiducial indices).
    ///   - medianBeats: median beats (same leads, same order); `fiducial` is the R index in them.
    ///   - p: the delineation (`onset` and `offset` must be set).
    public static func beatConsistency(leads: [[Float]], beats: [Int], medianBeats: [[Float]], fiducial: Int, p: PWaveDelineation,
                                       minimumCorrelation: Double = 0.5) -> Double? {
        guard let on = p.onset, let off = p.offset, off > on + 2, leads.count == medianBeats.count,
              let n = leads.first?.count, let m = medianBeats.first?.count, on >= 0, off < m else { return nil }
        func detrended(_ x: [Float], _ start: Int) -> [Double] {
            let y0 = Double(x[start]), y1 = Double(x[start + off - on])
            return (0...(off - on)).map { Double(x[start + $0]) - (y0 + (y1 - y0) * Double($0) / Double(off - on)) }
        }
        let template = medianBeats.flatMap { detrended($0, on) }
        var hits = 0, total = 0
        for b in beats {
            let start = b - fiducial + on
            guard start >= 0, start + off - on < n else { continue }
            let seg = leads.flatMap { detrended($0, start) }
            var ab = 0.0, aa = 0.0, bb = 0.0
            for (x, y) in zip(template, seg) { ab += x * y; aa += x * x; bb += y * y }
            total += 1
            if aa > 0, bb > 0, ab / (aa * bb).squareRoot() >= minimumCorrelation { hits += 1 }
        }
        return total == 0 ? nil : Double(hits) / Double(total)
    }
}
