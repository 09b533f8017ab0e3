import Foundation

/// QRS onset and offset, T-wave end and the derived intervals of a median beat (first cut).
public struct BeatIntervals: Sendable, Equatable {
    /// QRS onset, offset and T end as sample indices into the median beat.
    public let qrsOnset: Int, qrsOffset: Int, tEnd: Int
    /// QRS duration in milliseconds (offset − onset).
    public let qrsDurationMs: Double
    /// QT interval in milliseconds (T end − QRS onset).
    public let qtMs: Double
}

/// Delineation of multi-lead median beats, combining leads so that no single lead decides:
///
/// - QRS onset/offset: where the spatial velocity (root sum of squares over leads of the time derivative,
///   mV/s) stays below 5% of its peak in the QRS for 8 ms, searching at most 200 ms out from the fiducial point
///   (wide complexes such as left bundle branch block reach 150 ms past the fiducial).
///   The 5% level is an engineering choice checked only by eye on synthetic beats and the MIT-BIH 208 excerpt,
///   not against reference annotations.
/// - T end: the tangent method (intersection with the isoelectric level of the tangent at the steepest
///   descending point after the T peak) applied to the root-sum-square amplitude across leads, relative
///   to the isoelectric level taken just before QRS onset. The tangent method ends slightly before the
///   true end of a rounded T wave (by design of the method).
///
/// Every result is nil (abstain) when a boundary is not found within its search window, or when the T end
/// falls beyond 90% of the RR interval after the fiducial point.
public enum Delineation {
    /// Delineates median beats.
    /// - Parameters:
    ///   - medianBeats: one median beat per lead (mV), equal lengths, band-passed (e.g. 0.5–40 Hz).
    ///   - fiducial: index of the beat's fiducial (R) point in the median beats.
    ///   - sampleRate: Hz.
    ///   - rrMs: mean RR interval (ms), bounds the T-wave search to 70% of it (at most 600 ms after R).
    public static func measure(medianBeats: [[Float]], fiducial: Int, sampleRate fs: Double, rrMs: Double) -> BeatIntervals? {
        guard let first = medianBeats.first, fs > 0, rrMs > 0 else { return nil }
        let n = first.count
        guard n > 4, medianBeats.allSatisfy({ $0.count == n }), fiducial > 1, fiducial < n - 2 else { return nil }
        let ms = fs / 1000
        // Spatial velocity.
        var v = [Double](repeating: 0, count: n)
        for k in 1..<(n - 1) {
            var s = 0.0
            for b in medianBeats { let d = Double(b[k + 1] - b[k - 1]) * fs / 2; s += d * d }
            v[k] = s.squareRoot()
        }
        let w = Int(60 * ms)
        let lo = max(1, fiducial - w), hi = min(n - 2, fiducial + w)
        guard let vmax = v[lo...hi].max(), vmax > 0 else { return nil }
        let thr = 0.05 * vmax
        let run = max(2, Int((8 * ms).rounded()))  // must stay below threshold this long
        let reach = Int(200 * ms)
        func quiet(_ start: Int, _ step: Int) -> Bool {
            for j in 0..<run { let k = start + j * step; if k < 1 || k > n - 2 || v[k] >= thr { return false } }
            return true
        }
        var onset: Int? = nil
        var k = fiducial
        while k >= max(1, fiducial - reach) { if quiet(k, -1) { onset = k + 1; break }; k -= 1 }
        var offset: Int? = nil
        k = fiducial
        while k <= min(n - 2, fiducial + reach) { if quiet(k, 1) { offset = k - 1; break }; k += 1 }
        guard let on = onset, let off = offset, off > on else { return nil }

        // Amplitude (root sum of squares) relative to the isoelectric level before the QRS.
        let isoLo = max(0, on - Int(20 * ms)), isoHi = max(isoLo + 1, on - Int(5 * ms))
        let base = medianBeats.map { b -> Double in
            let seg = b[isoLo..<min(isoHi, n)].map(Double.init)
            return seg.reduce(0, +) / Double(max(1, seg.count))
        }
        var a = [Double](repeating: 0, count: n)
        for k in 0..<n {
            var s = 0.0
            for (l, b) in medianBeats.enumerated() { let d = Double(b[k]) - base[l]; s += d * d }
            a[k] = s.squareRoot()
        }
        let tLo = off + Int(60 * ms)
        let tHi = min(n - 2, fiducial + Int(min(600, 0.7 * rrMs) * ms))
        guard tLo < tHi else { return nil }
        var tPeak = tLo
        for k in tLo...tHi where a[k] > a[tPeak] { tPeak = k }
        // The peak must be inside the window (at its start is allowed: a discordant ST-T, as in bundle branch
        // block, is largest right after the QRS and falls from there).
        guard tPeak >= tLo, tPeak < tHi else { return nil }
        let floor = a[isoLo..<min(isoHi, n)].max() ?? 0
        guard a[tPeak] > 3 * floor + 1e-6 else { return nil }  // no T wave distinguishable from the baseline
        var steepest = tPeak, slope = 0.0
        // Search the descent only up to the window end, so that at fast rates the next P wave or QRS is not taken.
        for k in tPeak..<min(n - 1, tPeak + Int(250 * ms), tHi + 1) {
            let d = (a[k + 1] - a[k - 1]) / 2
            if d < slope { slope = d; steepest = k }
        }
        guard slope < 0 else { return nil }
        let tEndD = Double(steepest) + (a[steepest] - floor) / -slope
        let tEnd = Int(tEndD.rounded())
        // A shallow tangent can run far; a T end must come before the next beat's QRS.
        guard tEnd < n, Double(tEnd - fiducial) / ms < 0.9 * rrMs else { return nil }
        return BeatIntervals(qrsOnset: on, qrsOffset: off, tEnd: tEnd,
                             qrsDurationMs: Double(off - on) / ms, qtMs: Double(tEnd - on) / ms)
    }

    /// Median beats of all leads (0.5–40 Hz band-passed) around `beats`, then `measure`.
    /// - Parameters: `leads` in mV (equal lengths; pass only leads `SignalQuality` finds usable, since every
    ///   lead given counts), `beats` fiducial indices, `sampleRate` Hz (> 80).
    /// - Returns: intervals (indices relative to the median-beat window starting 250 ms before the fiducial), or nil.
    public static func measure(leads: [[Float]], beats: [Int], sampleRate fs: Double) throws -> BeatIntervals? {
        guard let rr = RRStatistics(beats: beats, sampleRate: fs) else { return nil }
        let bp = try IIRFilter.butterworthBandPass(order: 2, lowHz: 0.5, highHz: 40, sampleRate: fs)
        var medians: [[Float]] = []
        for lead in leads {
            guard let m = MedianBeat.compute(lead: try bp.filtfilt(lead), beats: beats, sampleRate: fs,
                                             before: 0.25, after: 0.65) else { return nil }
            medians.append(m)
        }
        return measure(medianBeats: medians, fiducial: Int((0.25 * fs).rounded()), sampleRate: fs, rrMs: rr.meanMs)
    }
}
