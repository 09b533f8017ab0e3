import DetectorKit
import ECGFormats
import Foundation

/// What a CNN ECG model expects and returns, read from its model card's `io` section only.
///
/// Keys of `io.inputs[0].preprocessing` (the card is the only place these live; no model-specific code):
///
/// | key | required | meaning |
/// |---|---|---|
/// | `leads` | yes | standard lead names (`I`…`V6`, matched case-insensitively), in the model's channel order |
/// | `sampleRateHz` | yes | the model's sampling rate (integer Hz); records are resampled to it (polyphase) |
/// | `lengthSamples` | yes | samples per lead; longer records are centre-cropped, shorter ones abstain |
/// | `scaling` | yes | `"mV"`: samples are fed in millivolts |
/// | `bandPassHz` | no | `[low, high]`: zero-phase Butterworth band-pass; absent = none |
/// | `bandPassOrder` | no | order per band edge (default 2) |
/// | `mainsNotchHz` | no | notch at 50 or 60 Hz (Q 30), zero-phase; absent = none |
/// | `standardize` | no | `"none"` (default) or `"per_lead"`: `(x − mean) / max(sd, 0.001)` per lead over the crop |
/// | `pacedRhythm` | no | `"outside_intended_use"` (default): paced records abstain; `"allowed"` |
/// | `saliencyWindowSeconds` | no | occlusion window length in seconds (default 1) |
/// | `withheldLabels` | no | label codes the model computes but the detector does not report (the card's limitations say why; e.g. AF, superseded by `ecg-af`) |
///
/// Outputs: every entry of `io.outputs` is read; its labels, in order, are the positions of the tensor's
/// last axis (`[batch, labels]`), with `kind` `logits` or `probabilities`.
///
/// ```swift
/// let spec = try CNNModelSpec(card: card, cardPath: "Models/ecg-cnn/model.card.json")
/// spec.leads          // ["I", "II", …]
/// spec.lengthSeconds  // 10
/// ```
public struct CNNModelSpec: Sendable, Equatable {
    /// What to do when the record is paced.
    public enum PacedPolicy: String, Sendable, Equatable {
        /// Paced records are outside the intended use: the detector abstains.
        case outsideIntendedUse = "outside_intended_use"
        /// Paced records are scored.
        case allowed
    }

    /// Per-lead standardisation.
    public enum Standardization: String, Sendable, Equatable {
        /// Samples are fed as millivolts.
        case none
        /// `(x − mean) / max(sd, 0.001)` per lead over the cropped window.
        case perLead = "per_lead"
    }

    /// The model's input tensor name.
    public let inputName: String
    /// Standard lead names in channel order.
    public let leads: [String]
    /// The model's sampling rate, Hz.
    public let sampleRateHz: Int
    /// Samples per lead.
    public let lengthSamples: Int
    /// Band-pass edges in Hz, or nil.
    public let bandPassHz: (low: Double, high: Double)?
    /// Butterworth order per band edge.
    public let bandPassOrder: Int
    /// Mains notch frequency in Hz, or nil.
    public let mainsNotchHz: Double?
    /// Standardisation.
    public let standardization: Standardization
    /// Paced-record policy.
    public let pacedPolicy: PacedPolicy
    /// Occlusion window in seconds.
    public let saliencyWindowSeconds: Double
    /// The outputs to read (each with its labels).
    public let outputs: [ModelOutputSpec]
    /// Label codes that are computed but not reported (`withheldLabels`).
    public let withheldLabels: Set<String>

    /// The crop's duration in seconds.
    public var lengthSeconds: Double { Double(lengthSamples) / Double(sampleRateHz) }

    /// Reads the spec from `card`; `cardPath` is used in messages.
    /// - Throws: ``CNNDetectorError/unsupportedCard(path:problem:)`` naming the key and what is wrong.
    public init(card: ModelCard, cardPath: String) throws {
        func fail(_ problem: String) -> CNNDetectorError { .unsupportedCard(path: cardPath, problem: problem) }
        guard card.io.inputs.count == 1, let input = card.io.inputs.first else {
            throw fail("io.inputs must describe exactly one input (the ECG tensor), found \(card.io.inputs.count)")
        }
        let p = input.preprocessing
        let key = "io.inputs[0].preprocessing"
        guard let leadValues = p["leads"]?.arrayValue, !leadValues.isEmpty else {
            throw fail("\(key).leads must be a non-empty list of lead names")
        }
        var leads: [String] = []
        for (i, value) in leadValues.enumerated() {
            guard let name = value.stringValue, !name.isEmpty else { throw fail("\(key).leads[\(i)] must be a lead name") }
            let normalised = ECGLeadName.normalise(name)
            if leads.contains(where: { $0.lowercased() == normalised.lowercased() }) {
                throw fail("\(key).leads lists '\(name)' twice")
            }
            leads.append(normalised)
        }
        guard let rate = p["sampleRateHz"]?.doubleValue, rate >= 50, rate <= 10_000, rate == rate.rounded() else {
            throw fail("\(key).sampleRateHz must be an integer number of Hz between 50 and 10000, got \(p["sampleRateHz"]?.description ?? "nothing")")
        }
        guard let length = p["lengthSamples"]?.doubleValue, length >= 1, length == length.rounded(), length <= 1_000_000 else {
            throw fail("\(key).lengthSamples must be a positive integer, got \(p["lengthSamples"]?.description ?? "nothing")")
        }
        guard let scaling = p["scaling"]?.stringValue else { throw fail("\(key).scaling is required (\"mV\")") }
        guard scaling == "mV" else { throw fail("\(key).scaling '\(scaling)' is not supported (this detector feeds \"mV\")") }
        var band: (Double, Double)? = nil
        if let b = p["bandPassHz"], b != .null {
            guard let pair = b.arrayValue, pair.count == 2, let lo = pair[0].doubleValue, let hi = pair[1].doubleValue,
                  lo > 0, hi > lo, hi < rate / 2
            else { throw fail("\(key).bandPassHz must be [low, high] with 0 < low < high < sampleRateHz/2, got \(b)") }
            band = (lo, hi)
        }
        var order = 2
        if let o = p["bandPassOrder"], o != .null {
            guard let v = o.doubleValue, v >= 1, v <= 8, v == v.rounded() else { throw fail("\(key).bandPassOrder must be an integer 1…8, got \(o)") }
            order = Int(v)
        }
        var notch: Double? = nil
        if let n = p["mainsNotchHz"], n != .null {
            guard let v = n.doubleValue, v > 0, v < rate / 2 else { throw fail("\(key).mainsNotchHz must be below sampleRateHz/2, got \(n)") }
            notch = v
        }
        var standardization = Standardization.none
        if let s = p["standardize"], s != .null {
            guard let raw = s.stringValue, let v = Standardization(rawValue: raw) else {
                throw fail("\(key).standardize must be \"none\" or \"per_lead\", got \(s)")
            }
            standardization = v
        }
        var paced = PacedPolicy.outsideIntendedUse
        if let s = p["pacedRhythm"], s != .null {
            guard let raw = s.stringValue, let v = PacedPolicy(rawValue: raw) else {
                throw fail("\(key).pacedRhythm must be \"outside_intended_use\" or \"allowed\", got \(s)")
            }
            paced = v
        }
        var window = 1.0
        if let w = p["saliencyWindowSeconds"], w != .null {
            guard let v = w.doubleValue, v > 0 else { throw fail("\(key).saliencyWindowSeconds must be > 0, got \(w)") }
            window = v
        }
        let lengthSeconds = length / rate
        if window > lengthSeconds { window = lengthSeconds }
        var withheld: Set<String> = []
        if let w = p["withheldLabels"], w != .null {
            guard let list = w.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                throw fail("\(key).withheldLabels must be a list of label codes, got \(w)")
            }
            let codes = Set(card.io.outputs.flatMap { $0.labels.map(\.code) })
            for code in list.compactMap(\.stringValue) where !codes.contains(code) {
                throw fail("\(key).withheldLabels names '\(code)', which is not a label of io.outputs")
            }
            withheld = Set(list.compactMap(\.stringValue))
        }
        for (i, output) in card.io.outputs.enumerated() where output.kind == .maskLogits {
            throw fail("io.outputs[\(i)] is of kind mask_logits; an ECG classifier's outputs are logits or probabilities")
        }
        inputName = input.name
        self.leads = leads
        sampleRateHz = Int(rate)
        lengthSamples = Int(length)
        bandPassHz = band.map { (low: $0.0, high: $0.1) }
        bandPassOrder = order
        mainsNotchHz = notch
        self.standardization = standardization
        pacedPolicy = paced
        saliencyWindowSeconds = window
        outputs = card.io.outputs
        withheldLabels = withheld
    }

    /// Equality over every field (tuples are compared by value).
    public static func == (a: CNNModelSpec, b: CNNModelSpec) -> Bool {
        a.inputName == b.inputName && a.leads == b.leads && a.sampleRateHz == b.sampleRateHz
            && a.lengthSamples == b.lengthSamples && a.bandPassHz?.low == b.bandPassHz?.low
            && a.bandPassHz?.high == b.bandPassHz?.high && a.bandPassOrder == b.bandPassOrder
            && a.mainsNotchHz == b.mainsNotchHz && a.standardization == b.standardization
            && a.pacedPolicy == b.pacedPolicy && a.saliencyWindowSeconds == b.saliencyWindowSeconds
            && a.outputs == b.outputs && a.withheldLabels == b.withheldLabels
    }
}
