import DetectorKit
import ECGFormats
import ECGSignal
import Foundation

/// A record turned into the model's input: the card's leads in the card's order, resampled, filtered,
/// centre-cropped and (optionally) standardised.
public struct CNNPreparedInput: Sendable, Equatable {
    /// Lead names in channel order.
    public let leads: [String]
    /// Row-major `[leads, lengthSamples]` samples, as fed to the model.
    public let samples: [Float]
    /// Samples per lead.
    public let lengthSamples: Int
    /// The model's sampling rate, Hz.
    public let sampleRateHz: Int
    /// Where the crop starts, in seconds from the start of the recording.
    public let cropStartSeconds: Double
    /// The selected leads before preprocessing, at the record's own rate (mV), for quality checks and
    /// measurements.
    public let rawLeads: [[Float]]
    /// The record's sampling rate, Hz.
    public let rawSampleRateHz: Double
}

/// Why a record cannot be fed to the model: the abstention reason, a message for a clinician and
/// supporting details.
public struct CNNInputRefusal: Sendable, Equatable, Error {
    /// Machine-readable reason.
    public let reason: AbstentionReason
    /// What is wrong and what to do.
    public let message: String
    /// Supporting values.
    public let details: [String: JSONValue]
}

/// Builds model inputs from records as a ``CNNModelSpec`` describes: the Swift side of
/// `Tools/ecg/cnn_common.py`'s `preprocess` (the tests compare the two).
///
/// Order: pick the leads by standard name → resample the whole record to the model rate
/// (`PolyphaseResampler`, like `scipy.signal.resample_poly`) → notch (if any) → band-pass (if any),
/// both zero-phase → centre-crop `lengthSamples` (start `(n − length) / 2`) → standardise (if any).
/// A record shorter than the crop is refused, never padded.
public enum CNNModelInput {
    /// Prepares `record` for the model of `spec`.
    /// - Returns: the input, or the refusal (missing leads, invalid samples, unsupported rate, too short).
    public static func prepare(_ record: ECGRecord, spec: CNNModelSpec) -> Result<CNNPreparedInput, CNNInputRefusal> {
        let rhythm = record.rhythm
        let present = rhythm.leads.map(\.name)
        var raw: [[Float]] = []
        var missing: [String] = []
        for name in spec.leads {
            if let lead = rhythm.lead(named: name) { raw.append(lead.samples) } else { missing.append(name) }
        }
        if !missing.isEmpty {
            return .failure(CNNInputRefusal(
                reason: .inputIncomplete,
                message: "The model reads leads \(spec.leads.joined(separator: ", ")); this record lacks "
                    + "\(missing.joined(separator: ", ")) (it has \(present.isEmpty ? "no leads" : present.joined(separator: ", "))). "
                    + "Leads are not synthesised.",
                details: ["missingLeads": .array(missing.map(JSONValue.string)),
                          "presentLeads": .array(present.map(JSONValue.string))]))
        }
        for (i, samples) in raw.enumerated() {
            let bad = samples.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
            if bad > 0 {
                return .failure(CNNInputRefusal(
                    reason: .signalUnreadable,
                    message: "Lead \(spec.leads[i]) has \(bad) missing or invalid samples; the model is not run on gaps.",
                    details: ["lead": .string(spec.leads[i]), "invalidSamples": .number(Double(bad))]))
            }
        }
        let fs = rhythm.samplingRateHz
        guard fs.isFinite, fs >= 1, abs(fs - fs.rounded()) < 1e-9, fs <= 100_000 else {
            return .failure(CNNInputRefusal(
                reason: .unsupportedAcquisition,
                message: String(format: "The record's sampling rate %.4g Hz is not a whole number of Hz; it cannot be resampled exactly to the model's %d Hz.", fs, spec.sampleRateHz),
                details: ["samplingRateHz": .number(fs)]))
        }
        let inputRate = Int(fs.rounded())
        let resampler: PolyphaseResampler
        do {
            resampler = try PolyphaseResampler(inputRate: inputRate, outputRate: spec.sampleRateHz)
        } catch {
            return .failure(CNNInputRefusal(reason: .unsupportedAcquisition,
                                            message: "Cannot resample \(inputRate) Hz to \(spec.sampleRateHz) Hz: \(error)",
                                            details: ["samplingRateHz": .number(fs)]))
        }
        let n = rhythm.sampleCount
        let resampledCount = resampler.outputCount(for: n)
        if resampledCount < spec.lengthSamples {
            return .failure(tooShort(seconds: Double(n) / fs, spec: spec))
        }
        let modelRate = Double(spec.sampleRateHz)
        var out: [Float] = []
        out.reserveCapacity(spec.leads.count * spec.lengthSamples)
        let start = (resampledCount - spec.lengthSamples) / 2
        do {
            let notch = try spec.mainsNotchHz.map { try IIRFilter.notch(notchHz: $0, q: 30, sampleRate: modelRate) }
            let band = try spec.bandPassHz.map {
                try IIRFilter.butterworthBandPass(order: spec.bandPassOrder, lowHz: $0.low, highHz: $0.high, sampleRate: modelRate)
            }
            for lead in raw {
                var x = resampler.resample(lead.map(Double.init))
                if let notch { x = try notch.filtfilt(x) }
                if let band { x = try band.filtfilt(x) }
                var crop = Array(x[start..<(start + spec.lengthSamples)])
                if spec.standardization == .perLead {
                    let m = Double(crop.count)
                    let mean = crop.reduce(0, +) / m
                    let sd = (crop.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / m).squareRoot()
                    let scale = max(sd, 0.001)
                    crop = crop.map { ($0 - mean) / scale }
                }
                out.append(contentsOf: crop.map(Float.init))
            }
        } catch ECGSignalError.signalTooShort {
            return .failure(tooShort(seconds: Double(n) / fs, spec: spec))
        } catch {
            return .failure(CNNInputRefusal(reason: .unsupportedAcquisition,
                                            message: "The model's filters cannot be applied to this record: \(error)",
                                            details: [:]))
        }
        return .success(CNNPreparedInput(
            leads: spec.leads, samples: out, lengthSamples: spec.lengthSamples, sampleRateHz: spec.sampleRateHz,
            cropStartSeconds: Double(start) / modelRate, rawLeads: raw, rawSampleRateHz: fs))
    }

    private static func tooShort(seconds: Double, spec: CNNModelSpec) -> CNNInputRefusal {
        CNNInputRefusal(
            reason: .inputIncomplete,
            message: String(format: "The record is %.2f s long; the model reads %.2f s (%d samples at %d Hz). "
                + "Longer records are centre-cropped; shorter ones are not padded, so the model is not run.",
                seconds, spec.lengthSeconds, spec.lengthSamples, spec.sampleRateHz),
            details: ["recordSeconds": .number(seconds), "requiredSeconds": .number(spec.lengthSeconds)])
    }
}
