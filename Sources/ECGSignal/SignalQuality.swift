import Foundation

/// A second, deliberately different QRS detector used to check the first one: per lead, the absolute
/// 8–20 Hz band-passed signal is peak-picked against a fixed fraction of its typical beat amplitude
/// (250 ms refractory), and a beat is accepted where at least half of the leads agree within 100 ms
/// (fiducial: the median of the agreeing leads' positions). It has no adaptive thresholds and no
/// search-back, so it fails differently from `QRSDetector`.
public struct VotingQRSDetector: Sendable {
    /// Fraction of the median 2 s window maximum a peak must exceed.
    public var thresholdFraction = 0.4
    /// Creates the detector with its default threshold.
    public init() {}

    /// Detects beats; returns ascending sample indices at `sampleRate` (Hz).
    /// - Parameter leads: equal-length leads (mV). Leads whose band-passed signal is all zero do not vote.
    public func detect(leads: [[Float]], sampleRate fs: Double) throws -> [Int] {
        vote(try perLeadPeaks(leads: leads, sampleRate: fs), sampleRate: fs)
    }

    /// The peaks of each lead before the vote (ascending sample indices at `sampleRate`, one array per lead in
    /// input order; nil for a lead whose band-passed signal is all zero).
    public func perLeadPeaks(leads: [[Float]], sampleRate fs: Double) throws -> [[Int]?] {
        guard !leads.isEmpty, fs >= 100 else { throw ECGSignalError.invalidParameter("needs leads and sampleRate >= 100 Hz") }
        let n = leads[0].count
        guard leads.allSatisfy({ $0.count == n }), n > Int(fs) else { throw ECGSignalError.signalTooShort(needed: Int(fs), got: n) }
        let bp = try IIRFilter.butterworthBandPass(order: 2, lowHz: 8, highHz: 20, sampleRate: fs)
        let refractory = Int(0.25 * fs)
        var perLead: [[Int]?] = []
        for lead in leads {
            let a = try bp.filtfilt(lead.map(Double.init)).map(abs)
            let scale = median(windowMaxima(a, Int(2 * fs)))
            guard scale > 0 else { perLead.append(nil); continue }
            let thr = thresholdFraction * scale
            var peaks: [Int] = []
            var i = 1
            while i < n - 1 {
                if a[i] > thr && a[i] >= a[i - 1] && a[i] >= a[i + 1] {
                    // Take the largest sample within the refractory window that starts here.
                    let hi = min(n - 1, i + refractory)
                    var best = i
                    for j in i...hi where a[j] > a[best] { best = j }
                    if let last = peaks.last, best - last < refractory {
                        if a[best] > a[last] { peaks[peaks.count - 1] = best }
                    } else {
                        peaks.append(best)
                    }
                    i = best + 1
                } else {
                    i += 1
                }
            }
            perLead.append(peaks)
        }
        return perLead
    }

    /// The vote over per-lead peaks (see the type's description).
    public func vote(_ peaks: [[Int]?], sampleRate fs: Double) -> [Int] {
        let perLead = peaks.compactMap { $0 }
        let refractory = Int(0.25 * fs), near = Int(0.1 * fs)
        guard !perLead.isEmpty else { return [] }
        let needed = (perLead.count + 1) / 2
        // Vote: cluster all lead detections in time.
        let all = perLead.enumerated().flatMap { l, ps in ps.map { ($0, l) } }.sorted { $0.0 < $1.0 }
        var beats: [Int] = []
        var k = 0
        while k < all.count {
            var cluster = [all[k]]
            var j = k + 1
            while j < all.count && all[j].0 - all[k].0 <= near { cluster.append(all[j]); j += 1 }
            let votes = Set(cluster.map(\.1)).count
            if votes >= needed {
                let pos = Int(median(cluster.map { Double($0.0) }).rounded())
                if let last = beats.last, pos - last < refractory { k = j; continue }
                beats.append(pos)
            }
            k = j
        }
        return beats
    }
}

/// Quality measures of one lead. Amplitudes assume the lead is in millivolts.
public struct LeadQuality: Sendable, Equatable {
    /// A reason a lead is unusable or doubtful.
    public enum Problem: String, Sendable, Equatable, CaseIterable {
        /// Most of the lead has (almost) no signal: disconnected electrode or no data.
        case flatLine = "flat line"
        /// The lead sits at its extreme values for a noticeable fraction of the time: amplifier saturation.
        case clipping
        /// Power above 40 Hz is large compared with the 0.5–40 Hz ECG band: muscle noise or interference.
        case highFrequencyNoise = "high-frequency noise"
        /// Large low-frequency (< 0.5 Hz) excursions: respiration or electrode motion (a warning; the
        /// band-pass removes most of it, so it alone does not make the lead unusable).
        case baselineWander = "baseline wander"
    }

    /// Fraction (0–1) of samples in 200 ms segments whose peak-to-peak range is below the flat threshold.
    public let flatFraction: Double
    /// Fraction (0–1) of samples on plateaus (≥ 3 equal samples) at the lead's minimum or maximum value.
    public let clippedFraction: Double
    /// RMS above 40 Hz divided by RMS in 0.5–40 Hz (dimensionless); nil when the rate is below 100 Hz.
    public let highFrequencyNoiseRatio: Double?
    /// Spread (99th minus 1st percentile) of the component below 0.5 Hz, in mV.
    public let baselineWanderMv: Double
    /// Problems found, in `Problem.allCases` order.
    public let problems: [Problem]

    /// Whether the lead may be used for detection and measurement (no flat line, clipping or HF noise).
    public var usable: Bool { problems.allSatisfy { $0 == .baselineWander } }
}

/// Thresholds of the quality checks. These are engineering choices for resting ECGs in mV, not values
/// from a standard; they are stated here so that a reviewer can see and change them.
public struct QualityThresholds: Sendable, Equatable {
    /// Peak-to-peak range below which a 200 ms segment counts as flat (mV).
    public var flatRangeMv = 0.01
    /// Flat fraction at or above which the lead is a flat line.
    public var flatFraction = 0.5
    /// Clipped fraction above which the lead is clipped.
    public var clippedFraction = 0.01
    /// High-frequency noise ratio above which the lead is noisy.
    public var highFrequencyNoiseRatio = 0.5
    /// Baseline wander spread above which wander is reported (mV).
    public var baselineWanderMv = 1.5
    /// Shortest record that can be assessed (s).
    public var minimumDuration = 5.0
    /// Agreement `2TP / (2TP + FP + FN)` of the two detectors over the whole record below which the record's
    /// windows are looked at one by one. A cue only: the verdict rests on the windows (`WindowQuality`).
    public var minimumDetectorAgreement = 0.9
    /// Length of the quality windows (s). A last piece shorter than half a window joins the window before it.
    public var windowSeconds = 10.0
    /// bSQI (beat agreement of the two detectors in one lead and window, matched/(both − matched)) at or above
    /// which a window of a lead is readable without further checks. Li, Clifford & Mark 2008 (Physiol. Meas.
    /// 29:15) use 0.8 for "good" in their 10 s windows.
    public var goodBSQI = 0.8
    /// bSQI below which a window of a lead is unreadable whatever its other SQIs say.
    public var minimumBSQI = 0.5
    /// Kurtosis (Pearson, of the 0.5–40 Hz band) at or above which a window looks like QRS complexes rather than
    /// Gaussian noise (kurtosis 3); used when the bSQI is between `minimumBSQI` and `goodBSQI`. Li et al. 2008: 5.
    public var minimumKurtosis = 5.0
    /// Range of the spectral power ratio P(5–15 Hz)/P(5–40 Hz) of a readable window with a doubtful bSQI.
    /// Li et al. 2008 give 0.5–0.8 for clean ECG; widened here for wide and pathological QRS complexes.
    public var spectralRatioRange = 0.4...0.95
    /// Whole-beat template correlation (`BeatTemplateQuality.correlation`) below which a window with a doubtful
    /// bSQI (below `goodBSQI`) is unreadable when its QRS template correlation is also below
    /// `minimumQRSTemplateCorrelation`: the two detectors disagree and the beats found do not repeat. Chosen on the
    /// even-numbered half of CinC 2017 (docs/ecg-signal-eval.md, "CinC 2017 gate: beat-template veto").
    public var minimumTemplateCorrelation = 0.5
    /// QRS-only template correlation (`BeatTemplateQuality.qrsCorrelation`) that goes with
    /// `minimumTemplateCorrelation`; chosen on the same data.
    public var minimumQRSTemplateCorrelation = 0.6
    /// Fraction of a window in flat 200 ms segments at or above which the window of that lead is flat.
    public var windowFlatFraction = 0.5
    /// Fraction of a window on clipped plateaus above which the window of that lead is saturated.
    public var windowClippedFraction = 0.1
    /// Fraction of the record that must be readable (at least one lead readable in the window); for records
    /// longer than `readableCap` / fraction seconds, `readableCap` seconds suffice.
    public var minimumReadableFraction = 0.5
    /// Readable signal (s) that is always enough to assess a long record.
    public var readableCap = 60.0
    /// Creates the default thresholds.
    public init() {}
}

/// Record-level quality: per-lead measures, the beats, detector agreement and the verdict.
public struct RecordQuality: Sendable, Equatable {
    /// The verdict on a record.
    public enum Verdict: Sendable, Equatable {
        /// The record can be measured and scored.
        case assessable
        /// The record must not be scored; `reason` says why in words a clinician can read.
        case notAssessable(reason: String)
    }
    /// Per-lead quality, in input order.
    public let leads: [LeadQuality]
    /// Beats from `QRSDetector` on the usable leads (empty when no lead is usable).
    public let beats: [Int]
    /// Beats from `VotingQRSDetector` on the usable leads.
    public let checkBeats: [Int]
    /// Agreement `2TP / (2TP + FP + FN)` (0–1) of the two detectors, matched within 150 ms; nil if not computed.
    /// A cue to look at the windows, not a verdict.
    public let detectorAgreement: Double?
    /// Assessable, or not assessable with the reason.
    public let verdict: Verdict
    /// Indices of the leads the detectors and the windows used: the `usable` leads; when none is usable, in a
    /// record of two windows or more, every lead that is not a flat line (clipping and high-frequency noise are
    /// then judged per window, so one bad stretch does not condemn the record).
    public var usedLeads: [Int] = []
    /// The quality windows, in time order (empty when the record was refused before they were computed).
    public var windows: [WindowQuality] = []
    /// Seconds of the record in readable windows.
    public var readableSeconds: Double = 0
    /// `readableSeconds` / record duration (0–1).
    public var readableFraction: Double = 0

    /// Whether sample `i` (at the assessed rate) lies in a readable window; true when no windows were computed.
    public func isReadable(sample i: Int) -> Bool {
        guard !windows.isEmpty else { return true }
        var lo = 0, hi = windows.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if windows[mid].start <= i { lo = mid } else { hi = mid - 1 }
        }
        return windows[lo].readable
    }
}

/// Signal quality of one lead in one window.
public struct LeadWindowQuality: Sendable, Equatable {
    /// bSQI: the two detectors' beats that match within 150 ms over the beats either found
    /// (`matched / (primary + check − matched)`, 0–1; Li, Clifford & Mark 2008); nil when neither found a beat.
    /// Primary: the multi-lead `QRSDetector`; check: this lead's own peaks of `VotingQRSDetector`.
    public let bSQI: Double?
    /// Pearson kurtosis of the 0.5–40 Hz band-passed window (Gaussian noise: 3; ECG: usually > 5).
    public let kurtosis: Double
    /// Spectral power ratio P(5–15 Hz) / P(5–40 Hz) (0–1), from band-passed power.
    public let spectralRatio: Double
    /// RMS above 40 Hz over RMS in 0.5–40 Hz (as `LeadQuality.highFrequencyNoiseRatio`, per window); a window
    /// above `QualityThresholds.highFrequencyNoiseRatio` is unreadable (muscle noise).
    public let highFrequencyNoiseRatio: Double
    /// Whether the window is (mostly) flat, or saturated.
    public let flat: Bool, clipped: Bool
    /// Beat-template SQIs of the primary detector's beats in this lead and window (`BeatTemplateQuality`); nil where
    /// the rule does not need them (a good bSQI, or a flat, saturated, noisy or silent lead), so they are not computed.
    public let template: BeatTemplateQuality?
    /// The verdict: readable signal.
    public let readable: Bool
}

/// Signal quality of one window over all usable leads.
public struct WindowQuality: Sendable, Equatable {
    /// First sample and end (exclusive) of the window, at the assessed rate.
    public let start: Int, end: Int
    /// Per usable lead (same order as the usable leads; unusable leads are not judged).
    public let leads: [LeadWindowQuality]
    /// Whether at least one lead is readable in this window.
    public var readable: Bool { leads.contains { $0.readable } }
}

/// Signal-quality checks per lead and per record.
public enum SignalQuality {
    /// Measures the quality of one lead.
    /// - Parameters: `lead` samples in mV (finite), `sampleRate` in Hz (≥ 10).
    public static func assess(lead: [Float], sampleRate fs: Double, thresholds t: QualityThresholds = QualityThresholds()) throws -> LeadQuality {
        try assessKeepingBands(lead: lead, sampleRate: fs, thresholds: t).quality
    }

    /// `assess(lead:)`, also returning its 0.5–40 Hz band and > 40 Hz part (nil below 100 Hz) for the window SQIs.
    static func assessKeepingBands(lead: [Float], sampleRate fs: Double, thresholds t: QualityThresholds)
        throws -> (quality: LeadQuality, band: [Double]?, high: [Double]?) {
        guard fs >= 10 else { throw ECGSignalError.invalidParameter("sampleRate must be at least 10 Hz") }
        guard lead.count >= Int(fs), lead.allSatisfy(\.isFinite) else {
            throw ECGSignalError.invalidParameter("lead must be finite and at least 1 s long")
        }
        let n = lead.count
        let x = lead.map(Double.init)

        // Flat: 200 ms segments with tiny range.
        let seg = max(2, Int(0.2 * fs))
        var flat = 0
        var s = 0
        while s < n {
            let e = min(n, s + seg)
            let part = x[s..<e]
            if part.max()! - part.min()! < t.flatRangeMv { flat += e - s }
            s = e
        }
        let flatFraction = Double(flat) / Double(n)

        // Clipping: plateaus of ≥ 3 equal samples at the global extremes (only if the lead is not constant).
        let hi = x.max()!, lo = x.min()!
        var clipped = 0
        if hi > lo {
            var i = 0
            while i < n {
                var j = i
                while j + 1 < n && x[j + 1] == x[i] { j += 1 }
                if (x[i] == hi || x[i] == lo) && j - i + 1 >= 3 { clipped += j - i + 1 }
                i = j + 1
            }
        }
        let clippedFraction = Double(clipped) / Double(n)

        // High-frequency noise ratio.
        var hfRatio: Double? = nil
        var keptBand: [Double]? = nil, keptHigh: [Double]? = nil
        if fs >= 100 {
            let band = try IIRFilter.butterworthBandPass(order: 2, lowHz: 0.5, highHz: 40, sampleRate: fs).filtfilt(x)
            let high = try IIRFilter.butterworthHighPass(order: 4, cutoffHz: 40, sampleRate: fs).filtfilt(x)
            let rb = rms(band), rh = rms(high)
            hfRatio = rb > 0 ? rh / rb : (rh > 0 ? .infinity : 0)
            keptBand = band; keptHigh = high
        }

        // Baseline wander: spread of the < 0.5 Hz component.
        let low = try IIRFilter.butterworthLowPass(order: 2, cutoffHz: 0.5, sampleRate: fs).filtfilt(x)
        let sorted = low.sorted()
        let wander = sorted[Int(0.99 * Double(n - 1))] - sorted[Int(0.01 * Double(n - 1))]

        var problems: [LeadQuality.Problem] = []
        if flatFraction >= t.flatFraction { problems.append(.flatLine) }
        if clippedFraction > t.clippedFraction { problems.append(.clipping) }
        if let r = hfRatio, r > t.highFrequencyNoiseRatio, !problems.contains(.flatLine) { problems.append(.highFrequencyNoise) }
        if wander > t.baselineWanderMv { problems.append(.baselineWander) }
        return (LeadQuality(flatFraction: flatFraction, clippedFraction: clippedFraction,
                            highFrequencyNoiseRatio: hfRatio, baselineWanderMv: wander, problems: problems), keptBand, keptHigh)
    }

    /// Assesses a record: lead quality, QRS detection on the usable leads, the agreement of two detectors and
    /// per-window SQIs, and a verdict. The record is not assessable when it is too short, no lead is usable,
    /// fewer than 3 QRS complexes are found, or too little of it is readable: less than
    /// `minimumReadableFraction` of the record (or than `readableCap` seconds, whichever is less) in windows
    /// where at least one lead is readable. Detector disagreement over the whole record alone refuses nothing.
    /// - Parameters: `leads` equal-length leads in mV, optional `leadNames` for the reason text, `sampleRate` in Hz (≥ 100).
    public static func assess(leads: [[Float]], leadNames: [String]? = nil, sampleRate fs: Double,
                              thresholds t: QualityThresholds = QualityThresholds()) throws -> RecordQuality {
        guard !leads.isEmpty, fs >= 100 else { throw ECGSignalError.invalidParameter("needs leads and sampleRate >= 100 Hz") }
        let n = leads[0].count
        guard leads.allSatisfy({ $0.count == n }) else { throw ECGSignalError.invalidParameter("leads differ in length") }
        func name(_ i: Int) -> String { leadNames.map { i < $0.count ? $0[i] : "lead \(i + 1)" } ?? "lead \(i + 1)" }
        let duration = Double(n) / fs
        guard duration >= t.minimumDuration else {
            return RecordQuality(leads: [], beats: [], checkBeats: [], detectorAgreement: nil,
                                 verdict: .notAssessable(reason: String(format: "record is %.1f s long; at least %.1f s is needed", duration, t.minimumDuration)))
        }
        guard leads.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            return RecordQuality(leads: [], beats: [], checkBeats: [], detectorAgreement: nil,
                                 verdict: .notAssessable(reason: "record contains missing or non-finite samples"))
        }
        let assessed = try leads.map { try assessKeepingBands(lead: $0, sampleRate: fs, thresholds: t) }
        let quality = assessed.map(\.quality)
        let windowed = duration >= 2 * t.windowSeconds
        // The detectors run on the leads that pass the whole-lead checks (a lead of broadband noise spoils the
        // multi-lead detection feature: on MIT-BIH 115 and 200 taking it in cost 391 and 1760 beats). Only when
        // no lead passes them, a record of two windows or more falls back to every lead that is not a flat line,
        // and the windows decide which stretches are readable.
        var usable = quality.indices.filter { quality[$0].usable }
        if usable.isEmpty && windowed { usable = quality.indices.filter { !quality[$0].problems.contains(.flatLine) } }
        guard !usable.isEmpty else {
            let why = quality.indices.map { "\(name($0)): \(quality[$0].problems.map(\.rawValue).joined(separator: ", "))" }
            return RecordQuality(leads: quality, beats: [], checkBeats: [], detectorAgreement: nil,
                                 verdict: .notAssessable(reason: "no usable lead (" + why.joined(separator: "; ") + ")"))
        }
        let used = usable.map { leads[$0] }
        let primary = try QRSDetector().detect(leads: used, sampleRate: fs).rPeaks
        let voting = VotingQRSDetector()
        let perLead = try voting.perLeadPeaks(leads: used, sampleRate: fs)
        let check = voting.vote(perLead, sampleRate: fs)
        let m = BeatMatch.compare(reference: primary, detected: check, sampleRate: fs)
        let denom = 2 * m.truePositives + m.falsePositives + m.falseNegatives
        let agreement = denom == 0 ? 0 : Double(2 * m.truePositives) / Double(denom)
        let windows = try windowQuality(leads: used, primary: primary, perLeadPeaks: perLead, sampleRate: fs, thresholds: t,
                                        bands: usable.map { assessed[$0].band }, highs: usable.map { assessed[$0].high })
        let readable = Double(windows.filter(\.readable).reduce(0) { $0 + $1.end - $1.start }) / fs
        let needed = max(t.minimumDuration, min(t.minimumReadableFraction * duration, t.readableCap))
        let verdict: RecordQuality.Verdict
        if primary.count < 3 {
            verdict = .notAssessable(reason: "fewer than 3 QRS complexes found in \(usable.count) usable lead(s)")
        } else if readable < needed {
            verdict = .notAssessable(reason: String(
                format: "only %.0f s of %.0f s (%.0f %%) is readable ECG in %d-s windows; at least %.0f s is needed (QRS detector agreement %.2f)",
                readable, duration, 100 * readable / duration, Int(t.windowSeconds), needed, agreement))
        } else {
            verdict = .assessable
        }
        var r = RecordQuality(leads: quality, beats: primary, checkBeats: check, detectorAgreement: agreement, verdict: verdict)
        r.windows = windows
        r.usedLeads = usable
        r.readableSeconds = readable
        r.readableFraction = readable / duration
        return r
    }

    /// Per-window, per-lead SQIs (see `LeadWindowQuality`) and the readability rule: a lead's window is readable
    /// when it is neither flat, saturated nor swamped by high-frequency noise, and either its bSQI is good, or its bSQI is doubtful (between
    /// `minimumBSQI` and `goodBSQI`, or undefined) but its kurtosis and spectral ratio look like ECG and its beats
    /// repeat (not both template correlations below `minimumTemplateCorrelation` / `minimumQRSTemplateCorrelation`).
    /// - Parameters: `leads` the usable leads (mV), `primary` the multi-lead beats, `perLeadPeaks` each lead's
    ///   own `VotingQRSDetector` peaks (nil: silent lead), `sampleRate` Hz; optionally each lead's 0.5–40 Hz band and
    ///   > 40 Hz part already computed (as `assess(lead:)` filters them), so they are not filtered twice.
    public static func windowQuality(leads: [[Float]], primary: [Int], perLeadPeaks: [[Int]?], sampleRate fs: Double,
                                     thresholds t: QualityThresholds = QualityThresholds(),
                                     bands: [[Double]?]? = nil, highs: [[Double]?]? = nil) throws -> [WindowQuality] {
        guard let n = leads.first?.count, n > 0 else { return [] }
        let w = max(1, Int((t.windowSeconds * fs).rounded()))
        var bounds: [Int] = Array(stride(from: 0, to: n, by: w))
        if bounds.count > 1, n - bounds.last! < w / 2 { bounds.removeLast() }
        let ends = Array(bounds.dropFirst()) + [n]
        let band = try IIRFilter.butterworthBandPass(order: 2, lowHz: 0.5, highHz: 40, sampleRate: fs)
        let qrsBand = try IIRFilter.butterworthBandPass(order: 2, lowHz: 5, highHz: min(15, 0.45 * fs), sampleRate: fs)
        let wideBand = try IIRFilter.butterworthBandPass(order: 2, lowHz: 5, highHz: min(40, 0.45 * fs), sampleRate: fs)
        let high = try IIRFilter.butterworthHighPass(order: 4, cutoffHz: 40, sampleRate: fs)
        let tol = Int((0.150 * fs).rounded(.down))
        let seg = max(2, Int(0.2 * fs))
        var perLead: [[LeadWindowQuality]] = []
        for (li, lead) in leads.enumerated() {
            let x = lead.map(Double.init)
            let b = try bands?[li] ?? band.filtfilt(x), hf = try highs?[li] ?? high.filtfilt(x)
            let q = try qrsBand.filtfilt(x), wb = try wideBand.filtfilt(x)
            // Clipped: plateaus of >= 3 equal samples at the lead's extremes.
            let hi = x.max()!, lo = x.min()!
            var clipped = [Bool](repeating: false, count: n)
            if hi > lo {
                var i = 0
                while i < n {
                    var j = i
                    while j + 1 < n && x[j + 1] == x[i] { j += 1 }
                    if (x[i] == hi || x[i] == lo) && j - i + 1 >= 3 { for k in i...j { clipped[k] = true } }
                    i = j + 1
                }
            }
            var out: [LeadWindowQuality] = []
            for (s, e) in zip(bounds, ends) {
                let len = Double(e - s)
                var flat = 0, k = s
                while k < e {
                    let ke = min(e, k + seg)
                    var mn = x[k], mx = x[k]
                    for v in x[k..<ke] { mn = min(mn, v); mx = max(mx, v) }
                    if mx - mn < t.flatRangeMv { flat += ke - k }
                    k = ke
                }
                let clip = (s..<e).reduce(0) { $0 + (clipped[$1] ? 1 : 0) }
                var mean = 0.0
                for v in b[s..<e] { mean += v }
                mean /= len
                var m2 = 0.0, m4 = 0.0
                for v in b[s..<e] { let d = (v - mean) * (v - mean); m2 += d; m4 += d * d }
                m2 /= len; m4 /= len
                let kurt = m2 > 0 ? m4 / (m2 * m2) : 0
                var pq = 0.0, pw = 0.0, ph = 0.0
                for i in s..<e { pq += q[i] * q[i]; pw += wb[i] * wb[i]; ph += hf[i] * hf[i] }
                let ratio = pw > 0 ? pq / pw : 0
                let hfRatio = m2 > 0 ? (ph / len / m2).squareRoot() : (ph > 0 ? .infinity : 0)
                var bsqi: Double? = nil
                if let peaks = perLeadPeaks[li] {
                    let p = primary.filter { $0 >= s && $0 < e }, c = peaks.filter { $0 >= s && $0 < e }
                    if !p.isEmpty || !c.isEmpty {
                        let mm = BeatMatch.compare(reference: p, detected: c, sampleRate: fs, tolerance: Double(tol) / fs)
                        bsqi = Double(mm.truePositives) / Double(p.count + c.count - mm.truePositives)
                    }
                }
                let isFlat = Double(flat) / len >= t.windowFlatFraction
                let isClipped = Double(clip) / len > t.windowClippedFraction
                let looksLikeECG = kurt >= t.minimumKurtosis && t.spectralRatioRange.contains(ratio)
                let readable: Bool
                let isNoisy = hfRatio > t.highFrequencyNoiseRatio
                var tq: BeatTemplateQuality? = nil
                // Beats that do not repeat, neither as whole beats nor as QRS complexes (undefined with < 3 beats:
                // no veto). It only decides where the detectors already disagree (bSQI below goodBSQI), so it is
                // measured only there.
                func unlikeBeats() -> Bool {
                    let q = BeatTemplateQuality.measure(band: b, beats: primary, start: s, end: e, sampleRate: fs)
                    tq = q
                    return (q.correlation.map { $0 < t.minimumTemplateCorrelation } ?? false)
                        && (q.qrsCorrelation.map { $0 < t.minimumQRSTemplateCorrelation } ?? false)
                }
                if isFlat || isClipped || isNoisy || perLeadPeaks[li] == nil {
                    readable = false
                } else if let bs = bsqi, bs >= t.goodBSQI {
                    readable = true
                } else if let bs = bsqi {
                    readable = bs >= t.minimumBSQI && looksLikeECG && !unlikeBeats()
                } else {
                    readable = looksLikeECG && !unlikeBeats()
                }
                out.append(LeadWindowQuality(bSQI: bsqi, kurtosis: kurt, spectralRatio: ratio, highFrequencyNoiseRatio: hfRatio,
                                             flat: isFlat, clipped: isClipped, template: tq, readable: readable))
            }
            perLead.append(out)
        }
        return bounds.indices.map { wi in WindowQuality(start: bounds[wi], end: ends[wi], leads: perLead.map { $0[wi] }) }
    }

    private static func rms(_ x: [Double]) -> Double {
        (x.reduce(0) { $0 + $1 * $1 } / Double(max(1, x.count))).squareRoot()
    }
}
