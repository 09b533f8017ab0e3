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
        guard !leads.isEmpty, fs >= 100 else { throw ECGSignalError.invalidParameter("needs leads and sampleRate >= 100 Hz") }
        let n = leads[0].count
        guard leads.allSatisfy({ $0.count == n }), n > Int(fs) else { throw ECGSignalError.signalTooShort(needed: Int(fs), got: n) }
        let bp = try IIRFilter.butterworthBandPass(order: 2, lowHz: 8, highHz: 20, sampleRate: fs)
        let refractory = Int(0.25 * fs), near = Int(0.1 * fs)
        var perLead: [[Int]] = []
        for lead in leads {
            let a = try bp.filtfilt(lead.map(Double.init)).map(abs)
            let scale = median(windowMaxima(a, Int(2 * fs)))
            guard scale > 0 else { continue }
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
    /// Smallest agreement `2TP / (2TP + FP + FN)` between the two detectors for an assessable record.
    public var minimumDetectorAgreement = 0.9
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
    public let detectorAgreement: Double?
    /// Assessable, or not assessable with the reason.
    public let verdict: Verdict
}

/// Signal-quality checks per lead and per record.
public enum SignalQuality {
    /// Measures the quality of one lead.
    /// - Parameters: `lead` samples in mV (finite), `sampleRate` in Hz (≥ 10).
    public static func assess(lead: [Float], sampleRate fs: Double, thresholds t: QualityThresholds = QualityThresholds()) throws -> LeadQuality {
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
        if fs >= 100 {
            let band = try IIRFilter.butterworthBandPass(order: 2, lowHz: 0.5, highHz: 40, sampleRate: fs).filtfilt(x)
            let high = try IIRFilter.butterworthHighPass(order: 4, cutoffHz: 40, sampleRate: fs).filtfilt(x)
            let rb = rms(band), rh = rms(high)
            hfRatio = rb > 0 ? rh / rb : (rh > 0 ? .infinity : 0)
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
        return LeadQuality(flatFraction: flatFraction, clippedFraction: clippedFraction,
                           highFrequencyNoiseRatio: hfRatio, baselineWanderMv: wander, problems: problems)
    }

    /// Assesses a record: lead quality, QRS detection on the usable leads, agreement of two detectors and
    /// a verdict. The record is not assessable when it is too short, no lead is usable, fewer than 3 QRS
    /// complexes are found, or the two detectors disagree.
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
        let quality = try leads.map { try assess(lead: $0, sampleRate: fs, thresholds: t) }
        let usable = quality.indices.filter { quality[$0].usable }
        guard !usable.isEmpty else {
            let why = quality.indices.map { "\(name($0)): \(quality[$0].problems.map(\.rawValue).joined(separator: ", "))" }
            return RecordQuality(leads: quality, beats: [], checkBeats: [], detectorAgreement: nil,
                                 verdict: .notAssessable(reason: "no usable lead (" + why.joined(separator: "; ") + ")"))
        }
        let used = usable.map { leads[$0] }
        let primary = try QRSDetector().detect(leads: used, sampleRate: fs).rPeaks
        let check = try VotingQRSDetector().detect(leads: used, sampleRate: fs)
        let m = BeatMatch.compare(reference: primary, detected: check, sampleRate: fs)
        let denom = 2 * m.truePositives + m.falsePositives + m.falseNegatives
        let agreement = denom == 0 ? 0 : Double(2 * m.truePositives) / Double(denom)
        let verdict: RecordQuality.Verdict
        if primary.count < 3 {
            verdict = .notAssessable(reason: "fewer than 3 QRS complexes found in \(usable.count) usable lead(s)")
        } else if agreement < t.minimumDetectorAgreement {
            verdict = .notAssessable(reason: String(format: "the two QRS detectors disagree (agreement %.2f, %d vs %d beats)",
                                                    agreement, primary.count, check.count))
        } else {
            verdict = .assessable
        }
        return RecordQuality(leads: quality, beats: primary, checkBeats: check, detectorAgreement: agreement, verdict: verdict)
    }

    private static func rms(_ x: [Double]) -> Double {
        (x.reduce(0) { $0 + $1 * $1 } / Double(max(1, x.count))).squareRoot()
    }
}
