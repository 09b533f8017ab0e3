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
    public enum PacedPolicy: String, Sendable, Equatable, CaseIterable {
        /// Paced records are outside the intended use: the detector abstains.
        case outsideIntendedUse = "outside_intended_use"
        /// Paced records are scored.
        case allowed
    }

    /// Per-lead standardisation.
    public enum Standardization: String, Sendable, Equatable, CaseIterable {
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
        do { try self.init(reading: card, cardPath: cardPath) } catch let e as ModelCardKeyError {
            throw CNNDetectorError.unsupportedCard(path: cardPath, problem: e.keyAndProblem)
        }
    }

    /// The keys, read with DetectorKit's card-key reader (``DetectorKit/ModelCardKeys``).
    private init(reading card: ModelCard, cardPath: String) throws {
        guard card.io.inputs.count == 1, let input = card.io.inputs.first else {
            throw CNNDetectorError.unsupportedCard(
                path: cardPath, problem: "io.inputs must describe exactly one input (the ECG tensor), found \(card.io.inputs.count)")
        }
        let keys = ModelCardKeys(path: cardPath, values: input.preprocessing, prefix: "io.inputs[0].preprocessing.")
        guard let names = try keys.strings("leads") else { throw keys.fail("leads", "must be a non-empty list of lead names") }
        var leads: [String] = []
        for (i, name) in names.enumerated() {
            guard !name.isEmpty else { throw keys.fail("leads[\(i)]", "must be a lead name") }
            let normalised = ECGLeadName.normalise(name)
            if leads.contains(where: { $0.lowercased() == normalised.lowercased() }) { throw keys.fail("leads", "lists '\(name)' twice") }
            leads.append(normalised)
        }
        let rate = try keys.integer("sampleRateHz", in: 50...10_000)
        let length = try keys.integer("lengthSamples", in: 1...1_000_000)
        guard keys.has("scaling") else { throw keys.fail("scaling", "is required (\"mV\")") }
        let scaling = try keys.string("scaling")
        guard scaling == "mV" else { throw keys.fail("scaling", "'\(scaling)' is not supported (this detector feeds \"mV\")") }
        let nyquist = Double(rate) / 2
        var band: (Double, Double)? = nil
        if let pair = try keys.numbers("bandPassHz") {
            guard pair.count == 2, pair[0] > 0, pair[1] > pair[0], pair[1] < nyquist else {
                throw keys.fail("bandPassHz", "must be [low, high] with 0 < low < high < sampleRateHz/2, got \(pair)")
            }
            band = (pair[0], pair[1])
        }
        let order = keys.has("bandPassOrder") ? try keys.integer("bandPassOrder", in: 1...8) : 2
        var notch: Double? = nil
        if keys.has("mainsNotchHz") {
            let v = try keys.number("mainsNotchHz")
            guard v > 0, v < nyquist else { throw keys.fail("mainsNotchHz", "must be above 0 and below sampleRateHz/2, got \(v)") }
            notch = v
        }
        let standardization = try keys.choice("standardize", default: Standardization.none)
        let paced = try keys.choice("pacedRhythm", default: PacedPolicy.outsideIntendedUse)
        var window = keys.has("saliencyWindowSeconds") ? try keys.positive("saliencyWindowSeconds") : 1.0
        let lengthSeconds = Double(length) / Double(rate)
        if window > lengthSeconds { window = lengthSeconds }
        var withheld: Set<String> = []
        if let list = try keys.strings("withheldLabels") {
            let codes = Set(card.io.outputs.flatMap { $0.labels.map(\.code) })
            for code in list where !codes.contains(code) {
                throw keys.fail("withheldLabels", "names '\(code)', which is not a label of io.outputs")
            }
            withheld = Set(list)
        }
        for (i, output) in card.io.outputs.enumerated() where output.kind == .maskLogits {
            throw CNNDetectorError.unsupportedCard(
                path: cardPath, problem: "io.outputs[\(i)] is of kind mask_logits; an ECG classifier's outputs are logits or probabilities")
        }
        inputName = input.name
        self.leads = leads
        sampleRateHz = rate
        lengthSamples = length
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
