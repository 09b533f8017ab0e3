import Foundation

/// Per-beat features for heartbeat classification in the inter-patient paradigm (de Chazal, O'Dwyer & Reilly,
/// IEEE TBME 51:1196, 2004): RR-interval features, and morphology compared with the record's own dominant beat.
///
/// Every feature is relative to the record (ratios to its local and overall RR, correlation and amplitude against
/// its median beat), because a model trained on some patients meets other patients' amplitudes, leads and rates:
/// absolute amplitudes and intervals do not carry over, a beat's difference from its own record's normal beat does.
public enum BeatFeatures {
    /// The feature names, in the order of each row of ``compute(leads:beats:sampleRate:)``.
    ///
    /// - `preRR`, `postRR`: the RR interval before and after the beat (s).
    /// - `preLocal`, `postLocal`: those intervals over the local RR, the median of the 20 intervals around the beat.
    /// - `prePost`: pre over post interval (premature beats with a compensatory pause are far below 1).
    /// - `localOverall`: local RR over the record's median RR within ±200 beats.
    /// - `qrsCorrelation`: Pearson correlation of the beat's QRS window (−100…+150 ms, all leads) with the median beat's.
    /// - `widthMs`, `extraWidthMs`: QRS width (spatial velocity above 20 % of its peak) and its excess over the median
    ///   beat's, in ms.
    /// - `qrsAmplitude`: RMS of the beat's QRS window over the median beat's.
    /// - `tCorrelation`, `tAmplitude`: the same for +150…+400 ms (ST–T; discordant in ventricular beats).
    /// - `pCorrelation`, `pAmplitude`: the same for −300…−100 ms (the P wave of a sinus beat; early, different or
    ///   absent in a premature atrial beat).
    public static let names = ["preRR", "postRR", "preLocal", "postLocal", "prePost", "localOverall",
                               "qrsCorrelation", "widthMs", "extraWidthMs", "qrsAmplitude",
                               "tCorrelation", "tAmplitude", "pCorrelation", "pAmplitude"]

    /// Features of every beat.
    /// - Parameters:
    ///   - leads: equal-length band-passed leads (mV), the usable ones only.
    ///   - beats: fiducial indices (ascending) at `sampleRate`.
    ///   - sampleRate: Hz.
    /// - Returns: one row of `names.count` values per beat, or nil for a beat whose windows (−300…+400 ms) do not fit
    ///   in the record or that has no neighbour on one side; all nil when fewer than 3 beats fit.
    public static func compute(leads: [[Float]], beats: [Int], sampleRate fs: Double) -> [[Double]?] {
        guard let n = leads.first?.count, beats.count >= 3, fs > 0 else { return beats.map { _ in nil } }
        func samples(_ s: Double) -> Int { Int((s * fs).rounded()) }
        let windows = [(samples(-0.10), samples(0.15)), (samples(0.15), samples(0.40)), (samples(-0.30), samples(-0.10))]
        let lo = samples(-0.30), hi = samples(0.40)
        let fits = beats.indices.map { i in i > 0 && i + 1 < beats.count && beats[i] + lo >= 1 && beats[i] + hi < n - 1 }
        let usable = beats.indices.filter { fits[$0] }
        guard usable.count >= 3 else { return beats.map { _ in nil } }

        // The median beat of each window, per lead (the dominant morphology while fewer than half the beats differ).
        var column = [Double](repeating: 0, count: usable.count)
        let templates: [[[Double]]] = windows.map { from, to in
            leads.map { lead in
                (from..<to).map { k in
                    for (j, i) in usable.enumerated() { column[j] = Double(lead[beats[i] + k]) }
                    return median(column)
                }
            }
        }
        let flatTemplates = templates.map { $0.flatMap(BeatClassifier.centred) }
        let templateRMS = flatTemplates.map(rms)
        let templateWidth = BeatClassifier.velocityWidth(templates[0], fs: fs)

        let rr = zip(beats.dropFirst(), beats).map { Double($0 - $1) / fs }   // rr[k]: beats[k] → beats[k + 1]
        return beats.indices.map { i -> [Double]? in
            guard fits[i] else { return nil }
            let pre = rr[i - 1], post = rr[i]
            let local = median(Array(rr[max(0, i - 10)..<min(rr.count, i + 10)]))
            let overall = median(Array(rr[max(0, i - 200)..<min(rr.count, i + 200)]))
            var row = [pre, post, pre / local, post / local, pre / post, local / overall]
            for (w, (from, to)) in windows.enumerated() {
                let seg = leads.map { lead in (from..<to).map { Double(lead[beats[i] + $0]) } }
                let flat = seg.flatMap(BeatClassifier.centred)
                let correlation = BeatClassifier.correlation(flatTemplates[w], flat)
                let amplitude = templateRMS[w] > 0 ? rms(flat) / templateRMS[w] : 0
                if w == 0 {
                    let width = BeatClassifier.velocityWidth(seg, fs: fs)
                    row += [correlation, width, width - templateWidth, amplitude]
                } else {
                    row += [correlation, amplitude]
                }
            }
            return row
        }
    }

    static func rms(_ x: [Double]) -> Double {
        x.isEmpty ? 0 : (x.reduce(0) { $0 + $1 * $1 } / Double(x.count)).squareRoot()
    }
}
