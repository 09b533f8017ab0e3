import ECGSignal
import Foundation

/// A multinomial logistic-regression heartbeat classifier over `BeatFeatures`, read from a JSON file that
/// `Tools/ecg/real/train_beat_classes.py` writes (trained on MIT-BIH DS1, de Chazal et al. 2004).
///
/// File fields: `features` (names, must equal `BeatFeatures.names`), `classes` (AAMI symbols), `mean` and `scale`
/// (standardisation per feature), `weights` (classes × features), `bias` (per class), and free-text `trainedOn`.
/// Probabilities are softmax(W · (x − mean) / scale + b).
public struct BeatClassModel: Sendable, Codable, Equatable {
    /// The feature names the weights expect, in order.
    public let features: [String]
    /// The output classes, in weight-row order.
    public let classes: [AAMIBeatClass]
    /// Per-feature mean and scale used for standardisation.
    public let mean: [Double], scale: [Double]
    /// Weights, one row per class, one column per feature.
    public let weights: [[Double]]
    /// Bias per class.
    public let bias: [Double]
    /// What the model was trained on (records, date), as the training script states it.
    public let trainedOn: String

    /// Reads and checks a model file.
    /// - Throws: `BeatClassModelError` naming the file and the defect.
    public static func load(_ url: URL) throws -> BeatClassModel {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw BeatClassModelError("\(url.lastPathComponent): cannot be read")
        }
        let model: BeatClassModel
        do { model = try JSONDecoder().decode(BeatClassModel.self, from: data) } catch {
            throw BeatClassModelError("\(url.lastPathComponent): not a beat-class model (\(error))")
        }
        try model.check(name: url.lastPathComponent)
        return model
    }

    /// Checks shapes and values.
    /// - Throws: `BeatClassModelError` naming `name` and the defect.
    public func check(name: String) throws {
        guard features == BeatFeatures.names else {
            throw BeatClassModelError("\(name): its features \(features) are not this build's \(BeatFeatures.names)")
        }
        let f = features.count, c = classes.count
        guard c >= 2, mean.count == f, scale.count == f, bias.count == c, weights.count == c, weights.allSatisfy({ $0.count == f }) else {
            throw BeatClassModelError("\(name): weights, bias, mean or scale do not match \(c) classes × \(f) features")
        }
        let values = mean + scale + bias + weights.flatMap { $0 }
        guard values.allSatisfy(\.isFinite), scale.allSatisfy({ $0 > 0 }) else {
            throw BeatClassModelError("\(name): non-finite values or a scale ≤ 0")
        }
    }

    /// Class probabilities (in `classes` order, summing to 1) of one feature row.
    public func probabilities(_ x: [Double]) -> [Double] {
        let z = (0..<features.count).map { (x[$0] - mean[$0]) / scale[$0] }
        let logits = zip(weights, bias).map { w, b in zip(w, z).reduce(b) { $0 + $1.0 * $1.1 } }
        let top = logits.max() ?? 0
        let e = logits.map { Foundation.exp($0 - top) }
        let sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }

    /// The most probable class of one feature row; `.unknown` for a missing row or non-finite features.
    public func classify(_ x: [Double]?) -> AAMIBeatClass {
        guard let x, x.count == features.count, x.allSatisfy(\.isFinite) else { return .unknown }
        let p = probabilities(x)
        return classes[p.indices.max { p[$0] < p[$1] }!]
    }
}

/// A beat-class model file that cannot be used.
public struct BeatClassModelError: Error, CustomStringConvertible, Equatable {
    /// What is wrong, naming the file.
    public let description: String
    init(_ description: String) { self.description = description }
}
