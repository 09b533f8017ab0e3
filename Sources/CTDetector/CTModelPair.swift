import DetectorKit
import Foundation
import ONNXEngine
import TensorCore

/// One of the detector's two models: its card, the weights checked against the card, and a session.
public struct CTLoadedModel: Sendable {
    /// The model card.
    public let card: ModelCard
    /// Where the card was read from.
    public let cardURL: URL
    /// The ONNX model.
    public let model: ONNXModel
    /// A session over it (one inference at a time).
    public let session: InferenceSession

    /// Loads `folder/model.card.json`, checks the weights' SHA-256, loads and plans the weights.
    /// - Throws: ``CTDetectorError/modelFolderMissing(path:role:)`` when the folder or card is absent,
    ///   DetectorKit's errors for a bad card or weights, ``CTDetectorError/modelFailure(path:problem:)``
    ///   when the ONNX file cannot be loaded.
    public init(folder: URL, role: String) throws {
        let cardURL = folder.appendingPathComponent("model.card.json")
        guard FileManager.default.fileExists(atPath: cardURL.path) else {
            throw CTDetectorError.modelFolderMissing(path: folder.path, role: role)
        }
        let card = try ModelCard.load(from: cardURL)
        try card.verifyWeights(cardURL: cardURL)
        let weights = card.weightsURL(cardURL: cardURL)
        do {
            model = try ONNXModel(contentsOf: weights)
            session = try InferenceSession(model: model, planCacheSize: 6)
        } catch {
            throw CTDetectorError.modelFailure(path: weights.path, problem: "cannot load: \(error)")
        }
        self.card = card
        self.cardURL = cardURL
    }

    /// Checks that the graph has the card's input and output names.
    func checkNames(input: String, outputs: [String]) throws {
        let path = card.weightsURL(cardURL: cardURL).path
        guard model.inputs.count == 1, model.inputs[0].name == input else {
            throw CTDetectorError.modelMismatch(path: path, problem: "the card's input is '\(input)' but the graph's inputs are \(model.inputs.map(\.name))")
        }
        for name in outputs where !model.outputs.contains(where: { $0.name == name }) {
            throw CTDetectorError.modelMismatch(path: path, problem: "the card's output '\(name)' is not among the graph's outputs \(model.outputs.map(\.name))")
        }
    }

    /// Runs the model on `batch` (first axis = items) and returns the named outputs.
    func run(_ input: String, _ batch: [Float], shape: [Int]) throws -> [String: [Float]] {
        do {
            return try session.run([input: Tensor(shape: shape, storage: batch)]).mapValues(\.storage)
        } catch {
            throw CTDetectorError.modelFailure(path: card.weightsURL(cardURL: cardURL).path, problem: "inference failed: \(error)")
        }
    }
}

/// The localiser and lesion models with the specs read from their cards.
///
/// ```swift
/// let models = try CTModelPair(localizerFolder: root.appendingPathComponent("Models/ct-pancreas-localizer"),
///                              lesionFolder: root.appendingPathComponent("Models/ct-pancreas-lesion"))
/// ```
public struct CTModelPair: Sendable {
    /// Stage 1.
    public let localizer: CTLoadedModel
    /// Stage 2.
    public let lesion: CTLoadedModel
    /// Stage 1 settings.
    public let localizerSpec: LocalizerSpec
    /// Stage 2 settings.
    public let lesionSpec: LesionSpec

    /// The default folder names under a models directory.
    public static let localizerFolderName = "ct-pancreas-localizer"
    /// The default folder names under a models directory.
    public static let lesionFolderName = "ct-pancreas-lesion"

    /// Loads both models and checks their cards against the contract.
    public init(localizerFolder: URL, lesionFolder: URL) throws {
        localizer = try CTLoadedModel(folder: localizerFolder, role: "pancreas localiser")
        lesion = try CTLoadedModel(folder: lesionFolder, role: "lesion scorer")
        localizerSpec = try LocalizerSpec(card: localizer.card, path: localizer.cardURL.path)
        lesionSpec = try LesionSpec(card: lesion.card, path: lesion.cardURL.path)
        try localizer.checkNames(input: localizerSpec.inputName, outputs: [localizerSpec.outputName])
        try lesion.checkNames(input: lesionSpec.inputName, outputs: [lesionSpec.scoreOutputName, lesionSpec.maskOutputName])
    }

    /// Loads `modelsDirectory/ct-pancreas-localizer` and `modelsDirectory/ct-pancreas-lesion`.
    public init(modelsDirectory: URL) throws {
        try self.init(localizerFolder: modelsDirectory.appendingPathComponent(Self.localizerFolderName),
                      lesionFolder: modelsDirectory.appendingPathComponent(Self.lesionFolderName))
    }
}
