import Foundation

/// Beat-template SQIs of one lead in one window.
///
/// Template matching as a signal-quality index goes back to Li, Clifford & Mark 2008 (Physiol. Meas. 29:15) and
/// was made a rule by Orphanidou et al. 2015 (IEEE J. Biomed. Health Inform. 19:832): beats of readable ECG look
/// alike, so each beat's correlation with the window's average beat is high, while in noise the "beats" a detector
/// finds are unrelated stretches of signal and correlate poorly. Here the beats are the primary detector's, each
/// re-aligned on its largest 0.5–40 Hz deflection within ±40 ms in this lead (the multi-lead fiducial need not
/// sit on this lead's peak), cut from the 0.5–40 Hz band, and compared with the sample-wise median beat; the
/// median (not the mean) of the correlations lets a few ectopic beats pass.
public struct BeatTemplateQuality: Sendable, Equatable {
    /// Median Pearson correlation (−1…1) of the beats' whole-beat segments (−250 ms…+450 ms around R) with the
    /// median beat; nil with fewer than 3 whole segments in the window.
    public let correlation: Double?
    /// The same over the QRS only (±100 ms around R); nil with fewer than 3 segments.
    public let qrsCorrelation: Double?
    /// Beats of the primary detector in the window.
    public let beatCount: Int

    /// Measures the template SQIs of `band` (one lead's 0.5–40 Hz band, mV) on the `beats` (ascending sample
    /// indices, at `sampleRate` Hz) that fall in `start..<end`.
    public static func measure(band: [Double], beats: [Int], start: Int, end: Int, sampleRate fs: Double) -> BeatTemplateQuality {
        let n = band.count
        let inWindow = beats.filter { $0 >= start && $0 < end }
        let search = Int((0.04 * fs).rounded())
        let aligned = inWindow.map { k -> Int in
            let lo = max(0, k - search), hi = min(n - 1, k + search)
            var best = lo
            for i in lo...hi where abs(band[i]) > abs(band[best]) { best = i }
            return best
        }
        func correlation(before: Double, after: Double) -> Double? {
            let pre = Int((before * fs).rounded()), post = Int((after * fs).rounded())
            let segments: [[Double]] = aligned.compactMap { k in
                guard k - pre >= 0, k + post <= n else { return nil }
                return BeatClassifier.centred(Array(band[(k - pre)..<(k + post)]))
            }
            guard segments.count >= 3 else { return nil }
            let len = pre + post
            var template = [Double](repeating: 0, count: len)
            var column = [Double](repeating: 0, count: segments.count)
            for i in 0..<len {
                for (j, s) in segments.enumerated() { column[j] = s[i] }
                template[i] = median(column)
            }
            let centredTemplate = BeatClassifier.centred(template)
            return median(segments.map { BeatClassifier.correlation($0, centredTemplate) })
        }
        return BeatTemplateQuality(correlation: correlation(before: 0.25, after: 0.45),
                                   qrsCorrelation: correlation(before: 0.1, after: 0.1), beatCount: inWindow.count)
    }
}
