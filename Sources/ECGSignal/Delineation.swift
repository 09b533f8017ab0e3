import Foundation

/// QRS onset and offset, T-wave end and the derived intervals of a median beat (first cut).
public struct BeatIntervals: Sendable, Equatable {
    /// QRS onset, offset and T end as sample indices into the median beat.
    public let qrsOnset: Int, qrsOffset: Int, tEnd: Int
    /// QRS duration in milliseconds (offset − onset).
    public let qrsDurationMs: Double
    /// QT interval in milliseconds (T end − QRS onset).
    public let qtMs: Double
    /// T end of each lead (sample index into the median beat; nil where the lead's T wave is too small or
    /// has no end), in the order of the median beats given; the global `tEnd` is taken from these.
    public var leadTEnds: [Int?] = []
}

/// Delineation of multi-lead median beats, combining leads so that no single lead decides:
///
/// - QRS onset/offset: where the spatial velocity (root sum of squares over leads of the time derivative,
///   mV/s) stays below 5% of its peak in the QRS for 8 ms, searching at most 200 ms out from the fiducial point
///   (wide complexes such as left bundle branch block reach 150 ms past the fiducial).
///   The 5% level is an engineering choice checked only by eye on synthetic beats and the MIT-BIH 208 excerpt,
///   not against reference annotations.
///   The spatial velocity is a global measure by construction (every lead's slope adds to it, so with one
///   absolute threshold it leaves the baseline no later than any single lead): the global onset/offset of the
///   12-lead programs (earliest onset, latest offset over the leads), taken from one function.
/// - T end: per lead by the trapezium-area method (`tEndTrapezium`, Zhang et al. 2005/2006), each lead
///   relative to its isoelectric level just before QRS onset; the global T end is the latest lead end that a
///   second lead confirms within 30 ms (`globalTEnd`), as 12-lead programs (12SL, Glasgow; CSE practice)
///   take the latest T end over the leads with an outlier guard. Leads whose T wave is under 20 % of the
///   largest lead's are not used. Before issue 20 this was the tangent method on the across-lead RMS, which
///   ends before the true end of a rounded T wave by design and measured QT 19 ms short of the machines.
///   Limits: a biphasic T wave's end is placed after its larger lobe only.
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

        // Isoelectric level of each lead: the mean just before QRS onset.
        let isoLo = max(0, on - Int(20 * ms)), isoHi = max(isoLo + 1, on - Int(5 * ms))
        let centred: [[Double]] = medianBeats.map { b in
            let seg = b[isoLo..<min(isoHi, n)].map(Double.init)
            let base = seg.reduce(0, +) / Double(max(1, seg.count))
            return b.map { Double($0) - base }
        }
        let tLo = off + Int(60 * ms)
        let tHi = min(n - 2, fiducial + Int(min(600, 0.7 * rrMs) * ms))
        guard tLo < tHi else { return nil }
        // The area window must close before the next P wave: at most RR − 220 ms after the fiducial (a PR of
        // ~170 ms plus the ~50 ms from QRS onset to R), never past the 90 %-of-RR bound of the T end.
        let xrLimit = min(n - 1, fiducial + Int((min(0.9 * rrMs, rrMs - 220)) * ms))
        let perLead = centred.map { tEndTrapezium($0, tLo: tLo, tHi: tHi, xrLimit: xrLimit, isoRange: isoLo..<min(isoHi, n), ms: ms) }
        // Leads whose T wave is too small to place an end are left out: below 20 % of the largest lead's
        // T amplitude (a flat T wave in one lead says nothing about where repolarisation ends).
        let largest = perLead.compactMap { $0?.amplitude }.max() ?? 0
        let ends = perLead.compactMap { $0 }.filter { $0.amplitude >= 0.2 * largest }.map(\.end).sorted()
        guard let tEnd = globalTEnd(ends, tolerance: Int((30 * ms).rounded())) else { return nil }
        // A T end must come before the next beat's QRS.
        guard tEnd < n, Double(tEnd - fiducial) / ms < 0.9 * rrMs else { return nil }
        var result = BeatIntervals(qrsOnset: on, qrsOffset: off, tEnd: tEnd,
                                   qrsDurationMs: Double(off - on) / ms, qtMs: Double(tEnd - on) / ms)
        result.leadTEnds = perLead.map { $0?.end }
        return result
    }

    /// T end of one lead by the trapezium-area method of Zhang et al. (IRISA report 1744, 2005; IEEE Trans
    /// Biomed Eng 53:2544, 2006), also used by Vázquez-Seisdedos et al. (BioMed Eng OnLine 10:77, 2011):
    /// with `xm` the steepest point of the T wave's return to baseline and `xr` a point past the T end, the
    /// T end is the `t` in `xm...xr` that maximises the area of the trapezium
    /// `A(t) = ½ (y(xm) − y(t)) (2 xr − t − xm)` (y the T wave made positive). For a T wave that is concave
    /// after `xm` and flat after its end the maximum is at the end; being an integral, it is robust to noise.
    /// Here `xr = xm + 150 ms` (the T end lies within ~150 ms of the steepest descent in adult ECGs; Tpeak–Tend
    /// is typically 80–120 ms), clipped to `xrLimit`, and to the trough where the signal turns back up by more
    /// than 10 % of the T amplitude, or passes the isoelectric level by more than that (a next wave right behind
    /// the T wave).
    /// - Parameters: `x` one lead's median beat minus its isoelectric level (mV); `tLo...tHi` the T-peak
    ///   search window; `isoRange` the isoelectric segment (noise floor); `ms` samples per millisecond.
    /// - Returns: the end (sample index) and the T amplitude (mV), or nil when the lead shows no T wave above
    ///   3 × its isoelectric noise (and 0.02 mV), or the area has no interior maximum.
    static func tEndTrapezium(_ x: [Double], tLo: Int, tHi: Int, xrLimit: Int, isoRange: Range<Int>, ms: Double) -> (end: Int, amplitude: Double)? {
        let n = x.count
        guard tLo >= 1, tHi < n - 1, tLo < tHi else { return nil }
        var peak = tLo
        for k in tLo...tHi where abs(x[k]) > abs(x[peak]) { peak = k }
        let sign: Double = x[peak] >= 0 ? 1 : -1
        let amplitude = abs(x[peak])
        let floor = isoRange.isEmpty ? 0 : isoRange.map { abs(x[$0]) }.max()!
        guard amplitude >= 0.02, amplitude > 3 * floor, peak < tHi else { return nil }
        // Steepest return to baseline after the peak, within 150 ms.
        var xm = -1, slope = 0.0
        let mEnd = min(n - 2, xrLimit - 1, peak + Int(150 * ms))
        if peak + 1 <= mEnd {
            for k in (peak + 1)...mEnd {
                let d = sign * (x[k + 1] - x[k - 1]) / 2
                if d < slope { slope = d; xm = k }
            }
        }
        guard xm > 0 else { return nil }
        var xr = min(xrLimit, n - 1, xm + Int(150 * ms))
        // The method assumes the signal stays flat after the T end; when it turns back up by more than 10 % of
        // the T amplitude (the next P wave close behind the T wave, as with a long PR at a fast rate), the window
        // ends at that trough, which is then the latest possible end; likewise where it passes the isoelectric
        // level by more than 10 % of the T amplitude (a next wave of the opposite polarity).
        var lowest = sign * x[xm], lowAt = xm, cut = false
        for k in xm...xr {
            let v = sign * x[k]
            if v < -0.1 * amplitude { xr = k; cut = true; break }  // past the isoelectric level: an opposite wave
            if v < lowest { lowest = v; lowAt = k } else if v - lowest > 0.1 * amplitude { xr = lowAt; cut = true; break }
        }
        guard xr > xm + 2 else { return nil }
        let ym = sign * x[xm]
        var best = xm, bestArea = -Double.infinity
        for t in xm...xr {
            let a = 0.5 * (ym - sign * x[t]) * Double(2 * xr - t - xm)
            if a > bestArea { bestArea = a; best = t }
        }
        guard best > xm, best < xr || cut, bestArea > 0 else { return nil }
        return (best, amplitude)
    }

    /// Global T end from the per-lead ends (ascending), as the 12-lead programs take it: the latest end over
    /// the leads, with an outlier guard — the latest end that another lead confirms within `tolerance`
    /// samples (30 ms, the order of the T-end tolerance of IEC 60601-2-25); when no two leads agree, the
    /// (lower) median. One lead: its end. No lead: nil.
    static func globalTEnd(_ ends: [Int], tolerance: Int) -> Int? {
        guard !ends.isEmpty else { return nil }
        if ends.count == 1 { return ends[0] }
        for i in stride(from: ends.count - 1, through: 1, by: -1) where ends[i] - ends[i - 1] <= tolerance { return ends[i] }
        return ends[(ends.count - 1) / 2]
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
