import DetectorKit
import ECGFormats
import ECGSignal
import Foundation

/// A record cut into model windows, lead by lead: the Swift side of `Tools/ecg/real/af_common.py`
/// (`filter_lead`, `window_starts`, `standardize`; the tests compare the two on a committed fixture).
///
/// Per lead (mV, the record's rate): resample the whole lead to the model rate (``PolyphaseResampler``, as
/// `scipy.signal.resample_poly`) → zero-phase Butterworth band-pass → windows of `lengthSamples` every
/// `hopSamples`, the last one ending at the end of the lead → per-window `(x − mean) / max(sd, 0.001)`.
public struct AFPreparedInput: Sendable, Equatable {
    /// Names of the leads that were read, in row order.
    public let leads: [String]
    /// Leads left out, with the reason (flat line, clipping, invalid samples).
    public let skippedLeads: [String: String]
    /// Window starts in seconds from the start of the record.
    public let windowStartsSeconds: [Double]
    /// Row-major `[leads × windows, lengthSamples]`: lead 0's windows first, then lead 1's…
    public let samples: [Float]
    /// Samples per window.
    public let lengthSamples: Int
    /// The record's duration, s.
    public let durationSeconds: Double
    /// Row-major `[leads × windows, AFRhythmFeatures.count]` RR features, same row order as `samples`; empty when
    /// the model takes none.
    public let rhythmFeatures: [Float]
    /// Beats found per lead (sample indices at the model rate), when RR features were computed.
    public let beatsPerLead: [[Int]]

    /// Creates prepared input (normally made by ``AFModelInput/prepare(_:spec:)``).
    public init(leads: [String], skippedLeads: [String: String], windowStartsSeconds: [Double], samples: [Float],
                lengthSamples: Int, durationSeconds: Double, rhythmFeatures: [Float] = [], beatsPerLead: [[Int]] = []) {
        self.leads = leads
        self.skippedLeads = skippedLeads
        self.windowStartsSeconds = windowStartsSeconds
        self.samples = samples
        self.lengthSamples = lengthSamples
        self.durationSeconds = durationSeconds
        self.rhythmFeatures = rhythmFeatures
        self.beatsPerLead = beatsPerLead
    }

    /// Number of windows per lead.
    public var windowCount: Int { windowStartsSeconds.count }
}

/// Builds ``AFPreparedInput`` from a record as an ``AFModelSpec`` says, or the reason it cannot.
public enum AFModelInput {
    /// Prepares every readable lead of `record`.
    /// - Returns: the windows, or the refusal (too short, too few readable leads, unsupported rate).
    public static func prepare(_ record: ECGRecord, spec: AFModelSpec) -> Result<AFPreparedInput, CNNInputRefusal> {
        let rhythm = record.rhythm
        let fs = rhythm.samplingRateHz
        guard fs.isFinite, fs >= 50, abs(fs - fs.rounded()) < 1e-9, fs <= 100_000 else {
            return .failure(CNNInputRefusal(
                reason: .unsupportedAcquisition,
                message: String(format: "The record's sampling rate %.4g Hz is not a whole number of Hz from 50 Hz up; it cannot be resampled exactly to the model's %d Hz.", fs, spec.sampleRateHz),
                details: ["samplingRateHz": .number(fs)]))
        }
        let duration = Double(rhythm.sampleCount) / fs
        if duration + 1e-9 < spec.windowSeconds || rhythm.leads.isEmpty {
            return .failure(CNNInputRefusal(
                reason: .inputIncomplete,
                message: String(format: "The record is %.2f s long; the AF model reads windows of %.0f s and does not pad shorter records.", duration, spec.windowSeconds),
                details: ["recordSeconds": .number(duration), "requiredSeconds": .number(spec.windowSeconds)]))
        }
        var skipped: [String: String] = [:]
        var readable: [(name: String, samples: [Float])] = []
        for lead in rhythm.leads {
            let bad = lead.samples.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
            if bad > 0 { skipped[lead.name] = "\(bad) missing or invalid samples"; continue }
            guard let q = try? SignalQuality.assess(lead: lead.samples, sampleRate: fs) else {
                skipped[lead.name] = "signal quality could not be assessed"; continue
            }
            let fatal = q.problems.filter { $0 == .flatLine || $0 == .clipping }
            if !fatal.isEmpty { skipped[lead.name] = fatal.map(\.rawValue).joined(separator: ", "); continue }
            readable.append((lead.name, lead.samples))
        }
        if readable.count < spec.minimumReadableLeads {
            let why = skipped.keys.sorted().map { "\($0): \(skipped[$0]!)" }.joined(separator: "; ")
            return .failure(CNNInputRefusal(
                reason: .signalUnreadable,
                message: "Too few readable leads: \(readable.count) of \(rhythm.leads.count) (the model needs at least \(spec.minimumReadableLeads)). \(why)",
                details: ["readableLeads": .number(Double(readable.count)),
                          "skippedLeads": .array(skipped.keys.sorted().map(JSONValue.string))]))
        }
        let inputRate = Int(fs.rounded())
        var out: [Float] = []
        var features: [Float] = []
        var beatsPerLead: [[Int]] = []
        var starts: [Int] = []
        do {
            let resampler = try PolyphaseResampler(inputRate: inputRate, outputRate: spec.sampleRateHz)
            let rate = Double(spec.sampleRateHz)
            let band = try spec.bandPassLowHz.map {
                try IIRFilter.butterworthBandPass(order: spec.bandPassOrder, lowHz: $0, highHz: spec.bandPassHighHz!, sampleRate: rate)
            }
            for (i, lead) in readable.enumerated() {
                var x = inputRate == spec.sampleRateHz ? lead.samples.map(Double.init) : resampler.resample(lead.samples.map(Double.init))
                if let band { x = try band.filtfilt(x) }
                let s = spec.windowStarts(count: x.count)
                if i == 0 {
                    starts = s
                    out.reserveCapacity(readable.count * s.count * spec.lengthSamples)
                }
                guard s == starts else { throw ECGSignalError.invalidParameter("leads of unequal length") }
                for start in s {
                    out.append(contentsOf: window(x[start..<(start + spec.lengthSamples)], spec.standardization))
                }
                if spec.rhythmFeaturesInputName != nil {
                    // Beats over the whole lead, as the model sees it (af_rr.py: float32 of the band-passed lead).
                    let b = AFRhythmFeatures.beats(lead: x, sampleRate: rate)
                    beatsPerLead.append(b)
                    for start in s {
                        features.append(contentsOf: AFRhythmFeatures.window(beats: b, start: start, length: spec.lengthSamples, sampleRate: rate))
                    }
                }
            }
        } catch {
            return .failure(CNNInputRefusal(reason: .unsupportedAcquisition,
                                            message: "The model's filters cannot be applied to this record: \(error)",
                                            details: [:]))
        }
        if starts.isEmpty {
            return .failure(CNNInputRefusal(
                reason: .inputIncomplete,
                message: String(format: "The record is %.2f s long; after resampling no full %.0f s window fits.", duration, spec.windowSeconds),
                details: ["recordSeconds": .number(duration)]))
        }
        return .success(AFPreparedInput(
            leads: readable.map(\.name), skippedLeads: skipped,
            windowStartsSeconds: starts.map { Double($0) / Double(spec.sampleRateHz) },
            samples: out, lengthSamples: spec.lengthSamples, durationSeconds: duration,
            rhythmFeatures: features, beatsPerLead: beatsPerLead))
    }

    static func window(_ w: ArraySlice<Double>, _ mode: AFModelSpec.Standardization) -> [Float] {
        switch mode {
        case .none:
            return w.map(Float.init)
        case .perWindow:
            let m = Double(w.count)
            let mean = w.reduce(0, +) / m
            let sd = (w.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / m).squareRoot()
            let scale = max(sd, 0.001)
            return w.map { Float(($0 - mean) / scale) }
        }
    }
}
