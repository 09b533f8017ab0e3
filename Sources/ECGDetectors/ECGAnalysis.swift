import DetectorKit
import ECGFormats
import ECGSignal
import Foundation

/// Global measurements of one record, with units in the names.
public struct ECGIntervalMeasurements: Sendable, Equatable {
    /// Mean heart rate over all beats (/min).
    public let heartRateBpm: Double
    /// Mean and sample SD of all RR intervals (ms).
    public let rrMeanMs: Double, rrSDMs: Double
    /// SDNN and RMSSD over normal-to-normal intervals only (ms); nil with fewer than 3 NN intervals.
    public let sdnnMs: Double?, rmssdMs: Double?
    /// Mean NN interval (ms); nil with fewer than 3 NN intervals.
    public let nnMeanMs: Double?
    /// RMSSD / mean NN (dimensionless), the RR-irregularity statistic of the AF rule; nil as above.
    public let normalisedRMSSD: Double?
    /// Median |ΔRR| over the median RR (dimensionless), over successive pairs of readable intervals, ectopic beats
    /// included: irregularity that isolated premature beats do not explain; nil with fewer than 3 such pairs.
    public var medianSuccessiveRRDifference: Double? = nil
    /// Number of NN intervals behind the NN statistics.
    public let nnCount: Int
    /// PR interval, QRS duration, QT (ms) of the median normal beat; nil where a boundary was not found.
    public let prMs: Double?, qrsMs: Double?, qtMs: Double?
    /// QTc by Bazett and by Fridericia (ms), with the mean NN (or RR) interval.
    public let qtcBazettMs: Double?, qtcFridericiaMs: Double?
    /// Frontal QRS axis (degrees, −180…180] from the net QRS areas of leads I and aVF (aVF derived
    /// as II − I/2 when only I and II are usable); nil without those leads.
    public let axisDeg: Double?
    /// Whether the median normal beat has a P wave.
    public let pWavePresent: Bool
    /// Beats, and how many were classified ventricular.
    public let beatCount: Int, ventricularBeatCount: Int
}

/// Record → preprocessing → QRS detection → beat classes → median beat → delineation (QRS, T end,
/// P wave) → measurements, plus per-lead quality and pacing. Shared by the rhythm detector and by
/// the CNN detector's evidence and abstention checks.
///
/// Steps:
/// 1. Leads holding invalid (NaN) samples are set aside and named in `excludedLeads`.
/// 2. Pacing spikes are searched in the raw leads at the file's own rate (`PacingDetector`).
/// 3. The leads are resampled (polyphase) to `configuration.analysisRate` and assessed
///    (`SignalQuality`: flat line, clipping, high-frequency noise, baseline wander, agreement of two
///    QRS detectors). A record that fails is `problem` (with the reason) and gets no measurements.
/// 4. The usable leads are band-passed 0.5–40 Hz (with an optional mains notch), beats classified
///    (`BeatClassifier`), and the normal beats' median beat is delineated (`Delineation`, `PWave`).
///
/// ```swift
/// let a = try ECGAnalysis.analyze(record)
/// if let problem = a.problem { print(problem.message) } else { print(a.measurements!.heartRateBpm) }
/// ```
public struct ECGAnalysis: Sendable {
    /// Settings.
    public struct Configuration: Sendable, Equatable {
        /// Rate the analysis runs at (Hz).
        public var analysisRate = 500
        /// Mains frequency to notch (50 or 60 Hz), or nil for none (the 40 Hz low-pass and median
        /// averaging reduce hum already).
        public var mainsHz: Double? = nil
        /// Quality thresholds.
        public var quality = QualityThresholds()
        /// Rhythm criteria used for the windowed analysis of long records (`rhythmWindows`).
        public var rhythm = RhythmCriteria()
        /// Also compute `beatFeatures` (for heartbeat-classification training and evaluation; off by default: the
        /// detectors do not read them).
        public var beatFeatures = false
        /// Creates the defaults.
        public init() {}
    }

    /// Why a record cannot be measured: the abstention reason and a message naming the file.
    public struct Problem: Sendable, Equatable {
        /// Machine-readable reason.
        public let reason: AbstentionReason
        /// For a clinician: what is wrong, naming the file.
        public let message: String
    }

    /// The source file name (no directories).
    public let file: String
    /// The file's sampling rate and the analysis rate (Hz).
    public let sourceRate: Double, sampleRate: Double
    /// Duration in seconds.
    public let durationSeconds: Double
    /// Names of the leads analysed (the record's leads minus `excludedLeads`), in record order.
    public let leadNames: [String]
    /// Leads set aside before analysis, with the reason.
    public let excludedLeads: [(lead: String, reason: String)]
    /// Quality of the analysed leads (nil when the record was refused before assessment).
    public let quality: RecordQuality?
    /// Pacing-spike search on the raw leads.
    public let pacing: PacingDetection?
    /// Beat fiducial points at `sampleRate`.
    public let beats: [Int]
    /// Class of each beat (same order as `beats`).
    public let beatClasses: [BeatClass]
    /// Median-beat delineation (indices relative to the median-beat window, which starts
    /// `medianBeatOffset` samples before the fiducial).
    public let intervals: BeatIntervals?
    /// P-wave delineation of the median beat.
    public let pWave: PWaveDelineation?
    /// Samples before the fiducial in the median-beat window.
    public let medianBeatOffset: Int
    /// The median beats of the usable leads (band-passed 0.5–40 Hz, mV, at `sampleRate`; the window starts
    /// `medianBeatOffset` samples before the fiducial), named by `medianBeatLeads`; empty when none was made.
    public var medianBeats: [[Float]] = []
    /// Lead names of `medianBeats`, in the same order.
    public var medianBeatLeads: [String] = []
    /// Measurements; nil when `problem` is set.
    public let measurements: ECGIntervalMeasurements?
    /// The machine's own measurements from the file.
    public let machine: MachineMeasurements
    /// Why the record cannot be measured; nil when it can.
    public let problem: Problem?
    /// Rhythm per quality window for records longer than `RhythmCriteria.longRecordSeconds` (empty otherwise).
    public var rhythmWindows: [RhythmWindow] = []
    /// AF episodes of `rhythmWindows` (at least `RhythmCriteria.minimumAFEpisodeSeconds` long).
    public var afEpisodes: [RhythmEpisode] = []
    /// AF burden (0–1): AF seconds over the readable seconds of `rhythmWindows` (`RhythmEpisodes.afBurden`); nil for
    /// short records.
    public var afBurden: Double? = nil
    /// Per-beat classification features (`BeatFeatures.names`, same order as `beats`; nil where a beat's windows do
    /// not fit); empty unless `Configuration.beatFeatures` is set.
    public var beatFeatures: [[Double]?] = []

    /// Names of the usable leads (quality passed).
    public var usableLeads: [String] {
        guard let q = quality, q.leads.count == leadNames.count else { return [] }
        return q.usedLeads.filter { $0 < leadNames.count }.map { leadNames[$0] }
    }

    /// Beats at the file's own sampling rate.
    public var beatsAtSourceRate: [Int] {
        beats.map { Int((Double($0) * sourceRate / sampleRate).rounded()) }
    }

    /// Beat times in seconds from the record start.
    public var beatTimes: [Double] { beats.map { Double($0) / sampleRate } }

    /// Analyses `record`.
    /// - Throws: only for failures of the signal code on input it accepted (a bug); an input it cannot
    ///   measure is reported in `problem`, never thrown.
    public static func analyze(_ record: ECGRecord, configuration c: Configuration = Configuration()) throws -> ECGAnalysis {
        let file = record.sourceFile
        let wave = record.rhythm
        let fs = wave.samplingRateHz
        let machine = MachineMeasurements(record: record)
        var excluded: [(lead: String, reason: String)] = []
        var kept: [ECGLead] = []
        for lead in wave.leads {
            let bad = wave.invalidSampleCounts[lead.name] ?? lead.samples.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
            if bad > 0 || lead.samples.contains(where: { !$0.isFinite }) {
                excluded.append((lead.name, "\(max(bad, 1)) invalid sample(s)"))
            } else {
                kept.append(lead)
            }
        }
        func refuse(_ reason: AbstentionReason, _ message: String, quality: RecordQuality? = nil, pacing: PacingDetection? = nil) -> ECGAnalysis {
            ECGAnalysis(file: file, sourceRate: fs, sampleRate: Double(c.analysisRate), durationSeconds: wave.durationSeconds,
                        leadNames: kept.map(\.name), excludedLeads: excluded, quality: quality, pacing: pacing, beats: [], beatClasses: [],
                        intervals: nil, pWave: nil, medianBeatOffset: 0, measurements: nil, machine: machine,
                        problem: Problem(reason: reason, message: "\(file): \(message)"))
        }
        guard fs.isFinite, fs >= 100, fs <= 20_000 else {
            return refuse(.unsupportedAcquisition, String(format: "sampling rate %g Hz is outside 100–20000 Hz", fs))
        }
        guard fs == fs.rounded() else {
            return refuse(.unsupportedAcquisition, String(format: "sampling rate %g Hz is not a whole number of hertz", fs))
        }
        guard !wave.leads.isEmpty else { return refuse(.inputIncomplete, "the record has no leads") }
        guard !kept.isEmpty else {
            return refuse(.signalUnreadable, "every lead has invalid samples (" + excluded.map { "\($0.lead): \($0.reason)" }.joined(separator: "; ") + ")")
        }
        guard wave.durationSeconds >= c.quality.minimumDuration else {
            return refuse(.inputIncomplete, String(format: "the record is %.1f s long; at least %.1f s is needed", wave.durationSeconds, c.quality.minimumDuration))
        }

        // Resample the raw leads to the analysis rate.
        let rate = Double(c.analysisRate)
        let raw = kept.map(\.samples)
        let leads: [[Float]]
        if Int(fs) == c.analysisRate {
            leads = raw
        } else {
            let resampler = try PolyphaseResampler(inputRate: Int(fs), outputRate: c.analysisRate)
            leads = raw.map { resampler.resample($0) }
        }
        let names = kept.map(\.name)
        let quality = try SignalQuality.assess(leads: leads, leadNames: names, sampleRate: rate, thresholds: c.quality)
        let beats = quality.beats
        let pacing = PacingDetector().detect(leads: raw, sampleRate: fs,
                                             beats: beats.map { Int((Double($0) * fs / rate).rounded()) })
        if case let .notAssessable(reason) = quality.verdict {
            return refuse(.signalUnreadable, reason, quality: quality, pacing: pacing)
        }

        // Band-pass the usable leads once; everything below works on these.
        let usableIdx = quality.usedLeads
        let band = try IIRFilter.butterworthBandPass(order: 2, lowHz: 0.5, highHz: 40, sampleRate: rate)
        let notch = try c.mainsHz.map { try IIRFilter.notch(notchHz: $0, q: 30, sampleRate: rate) }
        let filtered: [[Float]] = try usableIdx.map { i in
            var x = leads[i]
            if let notch { x = try notch.filtfilt(x) }
            return try band.filtfilt(x)
        }
        let usableNames = usableIdx.map { names[$0] }
        let (classes, _) = BeatClassifier().classify(leads: filtered, beats: beats, sampleRate: rate)

        // Measurements use the beats in readable windows only (`SignalQuality` windows): an RR interval counts when
        // both its beats are readable, the median beat is made of readable beats.
        let readable = beats.map { quality.isReadable(sample: $0) }
        // RR statistics: all intervals, and normal-to-normal ones.
        let msPerSample = 1000 / rate
        var rrAll: [Double] = []
        var nn: [Double] = []
        var successive: [Double] = []
        var previousRR: Double? = nil
        for i in beats.indices.dropFirst() {
            guard readable[i] && readable[i - 1] else { previousRR = nil; continue }
            let rr = Double(beats[i] - beats[i - 1]) * msPerSample
            rrAll.append(rr)
            if let p = previousRR { successive.append(abs(rr - p)) }
            previousRR = rr
            if classes[i] == .normal && classes[i - 1] == .normal { nn.append(rr) }
        }
        guard let rrStats = RRStatistics(rrIntervalsMs: rrAll) else {
            return refuse(.signalUnreadable, "fewer than 4 beats were found", quality: quality, pacing: pacing)
        }
        let nnStats = RRStatistics(rrIntervalsMs: nn)

        // Median beat of the normal beats (all beats if fewer than 3 are normal).
        let normalBeats = beats.indices.filter { classes[$0] == .normal && readable[$0] }.map { beats[$0] }
        let readableBeats = beats.indices.filter { readable[$0] }.map { beats[$0] }
        let medianSource = normalBeats.count >= 3 ? normalBeats : readableBeats
        let before = 0.5, after = 0.65
        var medians: [[Float]] = []
        for x in filtered {
            guard let m = MedianBeat.compute(lead: x, beats: medianSource, sampleRate: rate, before: before, after: after) else { break }
            medians.append(m)
        }
        let offset = Int((before * rate).rounded())
        let rrForQT = nnStats?.meanMs ?? rrStats.meanMs
        var intervals: BeatIntervals? = nil
        var pWave: PWaveDelineation? = nil
        var axis: Double? = nil
        if medians.count == filtered.count, !medians.isEmpty {
            intervals = Delineation.measure(medianBeats: medians, fiducial: offset, sampleRate: rate, rrMs: rrForQT)
            if let iv = intervals {
                // A P wave that the median beat may keep must follow the previous beat's T wave in (nearly)
                // every beat, so the window starts after the T end of the *short* cycles (10th percentile of
                // the RR intervals), not the mean: with an irregular rhythm the mean places the window on the
                // smeared T waves of the short cycles, which then pass for a P wave with an impossible PR.
                let rrShortMs = Self.lowerDecile(nn.count >= 3 ? nn : rrAll) ?? rrForQT
                pWave = PWave.delineate(medianBeats: medians, fiducial: offset, qrsOnset: iv.qrsOnset, sampleRate: rate, rrMs: rrForQT,
                                        leads: filtered, beats: medianSource,
                                        previousTEnd: iv.tEnd - Int((min(rrForQT, rrShortMs) / msPerSample).rounded()))
                axis = frontalAxis(medians: medians, names: usableNames, intervals: iv, sampleRate: rate)
            }
        }
        let qt = intervals?.qtMs
        var measurements = ECGIntervalMeasurements(
            heartRateBpm: rrStats.heartRateBpm, rrMeanMs: rrStats.meanMs, rrSDMs: rrStats.sdMs,
            sdnnMs: nnStats?.sdnnMs, rmssdMs: nnStats?.rmssdMs, nnMeanMs: nnStats?.meanMs,
            normalisedRMSSD: nnStats.map { $0.rmssdMs / $0.meanMs }, nnCount: nn.count,
            prMs: pWave?.prMs, qrsMs: intervals?.qrsDurationMs, qtMs: qt,
            qtcBazettMs: qt.flatMap { QTCorrection.bazett(qtMs: $0, rrMs: rrForQT) },
            qtcFridericiaMs: qt.flatMap { QTCorrection.fridericia(qtMs: $0, rrMs: rrForQT) },
            axisDeg: axis, pWavePresent: pWave?.present ?? false,
            beatCount: beats.count, ventricularBeatCount: classes.filter { $0 == .ventricular }.count)
        measurements.medianSuccessiveRRDifference = Self.medianSuccessiveDifference(successive: successive, rr: rrAll)
        var result = ECGAnalysis(file: file, sourceRate: fs, sampleRate: rate, durationSeconds: wave.durationSeconds, leadNames: names,
                                 excludedLeads: excluded, quality: quality, pacing: pacing, beats: beats, beatClasses: classes,
                                 intervals: intervals, pWave: pWave, medianBeatOffset: offset, measurements: measurements,
                                 machine: machine, problem: nil)
        if medians.count == filtered.count {
            result.medianBeats = medians
            result.medianBeatLeads = usableNames
        }
        if c.beatFeatures { result.beatFeatures = BeatFeatures.compute(leads: filtered, beats: beats, sampleRate: rate) }
        if wave.durationSeconds > c.rhythm.longRecordSeconds {
            result.rhythmWindows = RhythmEpisodes.windows(filtered: filtered, beats: beats, readable: readable, classes: classes, windows: quality.windows,
                                                          sampleRate: rate, criteria: c.rhythm)
            result.afEpisodes = RhythmEpisodes.afEpisodes(result.rhythmWindows, minimumSeconds: c.rhythm.minimumAFEpisodeSeconds)
            result.afBurden = RhythmEpisodes.afBurden(result.rhythmWindows, episodes: result.afEpisodes)
        }
        return result
    }

    /// The analysis of `record` shared by every detector of one call (``DetectionRequest/shared``): the first
    /// detector that asks computes it, the others reuse it, so one record has one heart rate and one QRS
    /// duration whichever detectors read it.
    /// - Throws: as ``analyze(_:configuration:)``.
    public static func shared(_ record: ECGRecord, configuration: Configuration = Configuration(),
                              request: DetectionRequest) throws -> ECGAnalysis {
        try shared(record, configuration: configuration, in: request.shared)
    }

    /// The analysis of `record` with `configuration` from `cache`, computed and stored there when it is not
    /// there yet (what ``shared(_:configuration:request:)`` does, for callers that hold the cache itself, as
    /// `vigil ecg score` does for its table).
    /// - Throws: as ``analyze(_:configuration:)``.
    public static func shared(_ record: ECGRecord, configuration: Configuration = Configuration(),
                              in cache: SharedAnalyses) throws -> ECGAnalysis {
        try cache.value(sharedKey(record, configuration: configuration)) { try analyze(record, configuration: configuration) }
    }

    /// The key of `record`'s analysis with `configuration` in a ``SharedAnalyses`` cache. The cache belongs to
    /// one input; the record's file and shape in the key guard against a cache reused by mistake.
    public static func sharedKey(_ record: ECGRecord, configuration: Configuration = Configuration()) -> String {
        "ECGAnalysis|\(record.sourceFile)|\(record.rhythm.samplingRateHz)|"
            + record.rhythm.leads.map { "\($0.name):\($0.samples.count)" }.joined(separator: ",") + "|\(configuration)"
    }

    /// Median of `successive` (|ΔRR|) over the median of `rr`; nil with fewer than 3 differences.
    static func medianSuccessiveDifference(successive: [Double], rr: [Double]) -> Double? {
        func median(_ x: [Double]) -> Double {
            let s = x.sorted(), m = s.count / 2
            return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
        }
        guard successive.count >= 3, !rr.isEmpty else { return nil }
        let med = median(rr)
        return med > 0 ? median(successive) / med : nil
    }

    /// Frontal axis from the net QRS amplitudes of I and aVF (or aVF = II − I/2) in the median beats.
    /// The 10th percentile of `values` (nearest rank), nil when empty.
    static func lowerDecile(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = max(0, Int((0.1 * Double(sorted.count)).rounded(.up)) - 1)
        return sorted[rank]
    }

    static func frontalAxis(medians: [[Float]], names: [String], intervals iv: BeatIntervals, sampleRate rate: Double) -> Double? {
        func lead(_ n: String) -> [Float]? { names.firstIndex(of: n).map { medians[$0] } }
        guard let one = lead("I") else { return nil }
        let avf: [Float]
        if let f = lead("aVF") { avf = f } else if let two = lead("II") { avf = zip(two, one).map { $0 - $1 / 2 } } else { return nil }
        let window = iv.qrsOnset..<(iv.qrsOffset + 1)
        let isoStart = max(0, iv.qrsOnset - Int((0.02 * rate).rounded()))
        func base(_ x: [Float]) -> Float {
            let seg = x[isoStart..<max(isoStart + 1, iv.qrsOnset)]
            return seg.reduce(0, +) / Float(seg.count)
        }
        guard let a = FrontalAxis.netAmplitude(beat: one, window: window, baseline: base(one)),
              let f = FrontalAxis.netAmplitude(beat: avf, window: window, baseline: base(avf)) else { return nil }
        return FrontalAxis.degrees(leadINet: a, aVFNet: f)
    }
}
