import Foundation

/// RR-interval statistics from beat positions. All beats count as normal-to-normal (NN) intervals:
/// no beat classification is done here, so `sdnnMs` equals `sdMs` and ectopic beats are not removed.
public struct RRStatistics: Sendable, Equatable {
    /// Number of RR intervals used.
    public let count: Int
    /// Mean RR interval in milliseconds.
    public let meanMs: Double
    /// Sample standard deviation (n − 1 denominator) of the RR intervals in milliseconds.
    public let sdMs: Double
    /// SDNN in milliseconds: the sample standard deviation of NN intervals (here all RR intervals).
    public let sdnnMs: Double
    /// RMSSD in milliseconds: root mean square of successive RR differences.
    public let rmssdMs: Double
    /// Mean heart rate in beats per minute, `60000 / meanMs`.
    public let heartRateBpm: Double

    /// Computes the statistics from RR intervals in milliseconds; nil (abstain) with fewer than 3 intervals
    /// or any interval that is not positive and finite.
    public init?(rrIntervalsMs rr: [Double]) {
        guard rr.count >= 3, rr.allSatisfy({ $0.isFinite && $0 > 0 }) else { return nil }
        let n = Double(rr.count)
        let mean = rr.reduce(0, +) / n
        let sd = (rr.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
        var sq = 0.0
        for i in 1..<rr.count { sq += (rr[i] - rr[i - 1]) * (rr[i] - rr[i - 1]) }
        count = rr.count
        meanMs = mean
        sdMs = sd
        sdnnMs = sd
        rmssdMs = (sq / Double(rr.count - 1)).squareRoot()
        heartRateBpm = 60000 / mean
    }

    /// Computes the statistics from beat sample indices (ascending) at `sampleRate` Hz; nil with fewer than 4 beats.
    public init?(beats: [Int], sampleRate: Double) {
        guard beats.count >= 2, sampleRate > 0 else { return nil }
        let rr = zip(beats.dropFirst(), beats).map { Double($0 - $1) * 1000 / sampleRate }
        self.init(rrIntervalsMs: rr)
    }
}

/// Heart-rate corrections of the QT interval.
public enum QTCorrection {
    /// Bazett: `QTc = QT / sqrt(RR)`, RR in seconds. Inputs and result in milliseconds; nil if RR ≤ 0 or QT ≤ 0.
    public static func bazett(qtMs: Double, rrMs: Double) -> Double? {
        guard qtMs > 0, rrMs > 0 else { return nil }
        return qtMs / (rrMs / 1000).squareRoot()
    }

    /// Fridericia: `QTc = QT / cbrt(RR)`, RR in seconds. Inputs and result in milliseconds; nil if RR ≤ 0 or QT ≤ 0.
    public static func fridericia(qtMs: Double, rrMs: Double) -> Double? {
        guard qtMs > 0, rrMs > 0 else { return nil }
        return qtMs / Foundation.cbrt(rrMs / 1000)
    }
}

/// Frontal-plane QRS axis from the net QRS amplitudes of lead I (0°) and lead aVF (+90°).
public enum FrontalAxis {
    /// Axis in degrees in (−180, 180], `atan2(aVF, I)`; nil when both net amplitudes are zero or non-finite.
    /// - Parameters: net QRS amplitudes (largest positive minus largest negative deflection) in mV.
    public static func degrees(leadINet: Double, aVFNet: Double) -> Double? {
        guard leadINet.isFinite, aVFNet.isFinite, leadINet != 0 || aVFNet != 0 else { return nil }
        return atan2(aVFNet, leadINet) * 180 / Double.pi
    }

    /// Net QRS amplitude of a beat: maximum plus minimum of `beat` within `window` (sample range),
    /// after subtracting `baseline`; in the unit of `beat` (mV for the axis).
    public static func netAmplitude(beat: [Float], window: Range<Int>, baseline: Float = 0) -> Double? {
        let w = window.clamped(to: 0..<beat.count)
        guard !w.isEmpty else { return nil }
        let seg = beat[w].map { Double($0 - baseline) }
        return max(0, seg.max()!) + min(0, seg.min()!)
    }
}

/// Median beat: the sample-wise median of fixed windows around each beat.
public enum MedianBeat {
    /// Median beat of one lead.
    /// - Parameters:
    ///   - lead: samples (mV), ideally band-passed.
    ///   - beats: fiducial indices at `sampleRate`.
    ///   - before/after: window around each fiducial, in seconds.
    /// - Returns: `round(before*fs) + round(after*fs)` samples, fiducial at index `round(before*fs)`;
    ///   nil with fewer than 3 beats whose windows fit inside the lead.
    public static func compute(lead: [Float], beats: [Int], sampleRate: Double,
                               before: Double = 0.25, after: Double = 0.45) -> [Float]? {
        let pre = Int((before * sampleRate).rounded()), post = Int((after * sampleRate).rounded())
        let usable = beats.filter { $0 - pre >= 0 && $0 + post <= lead.count }
        guard usable.count >= 3 else { return nil }
        var out = [Float](repeating: 0, count: pre + post)
        var column = [Double](repeating: 0, count: usable.count)
        for k in 0..<(pre + post) {
            for (j, b) in usable.enumerated() { column[j] = Double(lead[b - pre + k]) }
            out[k] = Float(median(column))
        }
        return out
    }
}
