import DetectorKit
import Foundation

/// What a windowed, lead-agnostic atrial-fibrillation model expects and returns, read from its model card
/// (`io.inputs[0].preprocessing`) only.
///
/// | key | required | meaning |
/// |---|---|---|
/// | `sampleRateHz` | yes | the model's rate (integer Hz); each lead is resampled to it (polyphase) |
/// | `lengthSamples` | yes | samples per window (`[batch, 1, lengthSamples]`, one lead per row) |
/// | `hopSamples` | yes | window step; the last window is aligned with the end of the record |
/// | `scaling` | yes | `"mV"` |
/// | `bandPassHz`, `bandPassOrder` | no | zero-phase Butterworth band-pass over the whole lead before windowing |
/// | `standardize` | no | `"per_window"` (default): `(x − mean) / max(sd, 0.001)` per window; `"none"` |
/// | `leadCombination` | no | `"mean"` (default): a window's probability is the mean over readable leads |
/// | `recordSpanSeconds` | no | record probability = largest mean over runs of windows covering this span (default 30) |
/// | `minimumReadableLeads` | no | abstain below this many readable leads (default 1) |
///
/// An optional second input (`io.inputs[1]`, shape `[batch, count]`) takes per-window RR-interval features:
/// `preprocessing.features` names the feature set (only ``AFRhythmFeatures/featureSet``) and
/// `preprocessing.count` its length (``AFRhythmFeatures/count``); its rows go with the signal rows.
///
/// Output: `io.outputs[0]`, kind `logits` or `probabilities`, shape `[batch, 1]`, one label (the AF label,
/// with its temperature and operating threshold, which applies to window and record probabilities alike).
public struct AFModelSpec: Sendable, Equatable {
    /// Per-window standardisation.
    public enum Standardization: String, Sendable, Equatable {
        /// `(x − mean) / max(sd, 0.001)` per window.
        case perWindow = "per_window"
        /// Millivolts as filtered.
        case none
    }

    /// Input tensor name.
    public let inputName: String
    /// Name of the RR-feature input (`[batch, AFRhythmFeatures.count]`), or nil for a signal-only model.
    public let rhythmFeaturesInputName: String?
    /// Model rate, Hz.
    public let sampleRateHz: Int
    /// Samples per window.
    public let lengthSamples: Int
    /// Window step, samples.
    public let hopSamples: Int
    /// Band-pass edges (Hz), or nil.
    public let bandPassLowHz: Double?
    /// Upper band edge (Hz), or nil.
    public let bandPassHighHz: Double?
    /// Butterworth order per edge.
    public let bandPassOrder: Int
    /// Standardisation.
    public let standardization: Standardization
    /// Span (s) over which window probabilities are averaged for the record probability.
    public let recordSpanSeconds: Double
    /// Fewest readable leads to score a record.
    public let minimumReadableLeads: Int
    /// The output (one label).
    public let output: ModelOutputSpec

    /// The AF label.
    public var label: OutputLabel { output.labels[0] }
    /// Window duration, s.
    public var windowSeconds: Double { Double(lengthSamples) / Double(sampleRateHz) }
    /// Hop, s.
    public var hopSeconds: Double { Double(hopSamples) / Double(sampleRateHz) }

    /// Reads the spec; `cardPath` is used in messages.
    /// - Throws: ``CNNDetectorError/unsupportedCard(path:problem:)`` naming the key.
    public init(card: ModelCard, cardPath: String) throws {
        func fail(_ problem: String) -> CNNDetectorError { .unsupportedCard(path: cardPath, problem: problem) }
        guard (1...2).contains(card.io.inputs.count), let input = card.io.inputs.first else {
            throw fail("io.inputs must describe one input (the signal) or two (signal, RR features), found \(card.io.inputs.count)")
        }
        var rhythmName: String? = nil
        if card.io.inputs.count == 2 {
            let second = card.io.inputs[1]
            let fp = second.preprocessing
            guard fp["features"]?.stringValue == AFRhythmFeatures.featureSet else {
                throw fail("io.inputs[1].preprocessing.features must be \"\(AFRhythmFeatures.featureSet)\", got \(fp["features"]?.description ?? "nothing")")
            }
            guard fp["count"]?.doubleValue == Double(AFRhythmFeatures.count) else {
                throw fail("io.inputs[1].preprocessing.count must be \(AFRhythmFeatures.count), got \(fp["count"]?.description ?? "nothing")")
            }
            guard second.name != input.name else { throw fail("io.inputs[1] must not share the name '\(input.name)' of io.inputs[0]") }
            rhythmName = second.name
        }
        let p = input.preprocessing
        let key = "io.inputs[0].preprocessing"
        func integer(_ name: String, _ range: ClosedRange<Double>) throws -> Int {
            guard let v = p[name]?.doubleValue, range.contains(v), v == v.rounded() else {
                throw fail("\(key).\(name) must be an integer in \(Int(range.lowerBound))…\(Int(range.upperBound)), got \(p[name]?.description ?? "nothing")")
            }
            return Int(v)
        }
        let rate = try integer("sampleRateHz", 50...10_000)
        let length = try integer("lengthSamples", 16...1_000_000)
        let hop = try integer("hopSamples", 1...1_000_000)
        guard hop <= length else { throw fail("\(key).hopSamples (\(hop)) must not exceed lengthSamples (\(length))") }
        guard p["scaling"]?.stringValue == "mV" else { throw fail("\(key).scaling must be \"mV\"") }
        var lo: Double? = nil, hi: Double? = nil
        if let b = p["bandPassHz"], b != .null {
            guard let pair = b.arrayValue, pair.count == 2, let l = pair[0].doubleValue, let h = pair[1].doubleValue,
                  l > 0, h > l, h < Double(rate) / 2
            else { throw fail("\(key).bandPassHz must be [low, high] with 0 < low < high < sampleRateHz/2, got \(b)") }
            lo = l; hi = h
        }
        var order = 2
        if p["bandPassOrder"] != nil, p["bandPassOrder"] != .null { order = try integer("bandPassOrder", 1...8) }
        var std = Standardization.perWindow
        if let s = p["standardize"], s != .null {
            guard let raw = s.stringValue, let v = Standardization(rawValue: raw) else {
                throw fail("\(key).standardize must be \"per_window\" or \"none\", got \(s)")
            }
            std = v
        }
        if let c = p["leadCombination"], c != .null, c.stringValue != "mean" {
            throw fail("\(key).leadCombination must be \"mean\", got \(c)")
        }
        var span = 30.0
        if let s = p["recordSpanSeconds"], s != .null {
            guard let v = s.doubleValue, v > 0 else { throw fail("\(key).recordSpanSeconds must be > 0, got \(s)") }
            span = v
        }
        var minLeads = 1
        if p["minimumReadableLeads"] != nil, p["minimumReadableLeads"] != .null { minLeads = try integer("minimumReadableLeads", 1...64) }
        guard card.io.outputs.count == 1, let out = card.io.outputs.first, out.labels.count == 1 else {
            throw fail("io.outputs must hold exactly one output with one label (the AF label)")
        }
        guard out.kind == .logits || out.kind == .probabilities else {
            throw fail("io.outputs[0].kind must be logits or probabilities")
        }
        inputName = input.name
        rhythmFeaturesInputName = rhythmName
        sampleRateHz = rate
        lengthSamples = length
        hopSamples = hop
        bandPassLowHz = lo
        bandPassHighHz = hi
        bandPassOrder = order
        standardization = std
        recordSpanSeconds = span
        minimumReadableLeads = minLeads
        output = out
    }

    /// Window starts (samples at the model rate) over `count` samples: every hop, plus one window ending at
    /// the last sample; empty when the lead is shorter than one window.
    public func windowStarts(count: Int) -> [Int] {
        guard count >= lengthSamples else { return [] }
        var s = Array(stride(from: 0, through: count - lengthSamples, by: hopSamples))
        if s.last != count - lengthSamples { s.append(count - lengthSamples) }
        return s
    }

    /// The record probability from window probabilities (in window order): the largest mean over runs of
    /// consecutive windows covering ``recordSpanSeconds`` (all windows when there are fewer).
    /// Same rule as `record_probability` in Tools/ecg/real/af_common.py.
    public func recordProbability(windowProbabilities p: [Double]) -> Double {
        guard !p.isEmpty else { return .nan }
        let k = max(1, Int(((recordSpanSeconds * Double(sampleRateHz) - Double(lengthSamples)) / Double(hopSamples)).rounded()) + 1)
        if p.count <= k { return p.reduce(0, +) / Double(p.count) }
        var sum = p[0..<k].reduce(0, +)
        var best = sum
        for i in k..<p.count {
            sum += p[i] - p[i - k]
            best = max(best, sum)
        }
        return best / Double(k)
    }
}
