import ECGSignal
import Foundation

/// RR-interval features of one model window, the second input of `ecg-af` 0.2.0 (feature set
/// ``AFRhythmFeatures/featureSet``): the Swift side of `Tools/ecg/real/af_rr.py` (the tests compare the two on
/// a real MIT-BIH excerpt).
///
/// Beats come from ``QRSDetector`` run on the whole lead as the model sees it (band-passed, at the model rate,
/// before windowing). A window's features use the beats inside it (`start ≤ beat < start + length`); with RR
/// intervals in seconds and `med` their median:
///
/// | # | feature |
/// |---|---|
/// | 0 | 1 when the window has at least 3 RR intervals (then all features are 0 otherwise) |
/// | 1 | ln((60 / med) / 75): the rate |
/// | 2 | median \|ΔRR\| / med: robust to isolated premature beats (one disturbs 2 of ~10 differences) |
/// | 3 | fraction of \|ΔRR\| above 0.1 med |
/// | 4 | fraction of RR more than 10 % away from med |
/// | 5 | RMSSD / mean RR (Dash et al., Ann. Biomed. Eng. 2009) |
/// | 6 | interquartile range of RR (linear percentiles, as numpy) / med |
/// | 7 | RR count / 20 |
///
/// Every feature is clipped to [−3, 3].
public enum AFRhythmFeatures {
    /// The card's name for this feature set (`io.inputs[1].preprocessing.features`).
    public static let featureSet = "vigil.af.rr.v1"
    /// Features per window.
    public static let count = 8

    /// The QRS detector's settings as ecg-af 0.2.0 was trained with them (Tools/ecg/real/af_rr.py): one lead weight
    /// over the whole lead, no relearning of the levels after a lock-out and no clipping of the energy, which the
    /// detector gained later. A trained model's features stay as they were when it was trained; a retrained model
    /// can take the new settings.
    public static let detectorConfiguration: QRSDetector.Configuration = {
        var c = QRSDetector.Configuration()
        c.leadWeightWindow = .infinity
        c.relearnAfter = .infinity
        c.energyClip = .infinity
        c.dominantLeadVeto = 0
        return c
    }()

    /// Beats (sample indices, ascending) of one band-passed lead at `sampleRate` Hz (≥ 100); empty when the lead
    /// carries no QRS energy or is shorter than 1 s.
    public static func beats(lead: [Double], sampleRate: Double) -> [Int] {
        let x = lead.map(Float.init)
        guard x.count >= Int(sampleRate),
              let d = try? QRSDetector(configuration: detectorConfiguration).detect(leads: [x], sampleRate: sampleRate) else { return [] }
        return d.rPeaks
    }

    /// The ``count`` features of the window `[start, start + length)` (samples at `sampleRate`) from the lead's beats.
    public static func window(beats: [Int], start: Int, length: Int, sampleRate: Double) -> [Float] {
        var f = [Double](repeating: 0, count: count)
        let inside = beats.filter { $0 >= start && $0 < start + length }
        guard inside.count >= 4 else { return f.map(Float.init) }
        let rr = zip(inside.dropFirst(), inside).map { Double($0 - $1) / sampleRate }
        let sorted = rr.sorted()
        let med = percentile(sorted, 0.5)
        let d = zip(rr.dropFirst(), rr).map { abs($0 - $1) }
        let n = Double(rr.count), nd = Double(d.count)
        f[0] = 1
        f[1] = log((60 / med) / 75)
        f[2] = percentile(d.sorted(), 0.5) / med
        f[3] = Double(d.filter { $0 > 0.1 * med }.count) / nd
        f[4] = Double(rr.filter { abs($0 - med) > 0.1 * med }.count) / n
        f[5] = (d.reduce(0) { $0 + $1 * $1 } / nd).squareRoot() / (rr.reduce(0, +) / n)
        f[6] = (percentile(sorted, 0.75) - percentile(sorted, 0.25)) / med
        f[7] = n / 20
        return f.map { Float(min(3, max(-3, $0))) }
    }

    /// numpy's default (linear) percentile of ascending `s` (non-empty), `q` in 0…1.
    static func percentile(_ s: [Double], _ q: Double) -> Double {
        let pos = Double(s.count - 1) * q
        let lo = Int(pos.rounded(.down))
        let hi = min(lo + 1, s.count - 1)
        return s[lo] + (s[hi] - s[lo]) * (pos - Double(lo))
    }
}
