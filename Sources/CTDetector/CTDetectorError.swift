import DetectorKit
import Foundation

/// A failure of the CT detector's own machinery: a model folder or card that cannot be used, a model
/// that does not fit the contract in docs/ct-models.md, or a model run that failed. Each case names the
/// file (or model) and what is wrong. Inputs the detector should not read are never errors: they are
/// abstentions.
public enum CTDetectorError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The model folder (or its card) does not exist.
    case modelFolderMissing(path: String, role: String)
    /// A card key the detector needs is missing or has an unusable value.
    case cardKey(path: String, key: String, problem: String)
    /// The ONNX model does not match its card (input or output names, shapes).
    case modelMismatch(path: String, problem: String)
    /// A model could not be loaded or run.
    case modelFailure(path: String, problem: String)
    /// An overlay image could not be rendered or written.
    case rendering(path: String, problem: String)

    /// One line naming the file and the defect.
    public var description: String {
        switch self {
        case let .modelFolderMissing(path, role):
            return "CT \(role) model not found at '\(path)' (expected model.card.json and its weights there; "
                + "see docs/ct-models.md for the folder layout and Models/README.md for cards)"
        case let .cardKey(path, key, problem):
            return "model card '\(path)': \(key) \(problem) (docs/ct-models.md lists the keys the CT detector reads)"
        case let .modelMismatch(path, problem):
            return "model '\(path)' does not fit its card: \(problem)"
        case let .modelFailure(path, problem):
            return "model '\(path)': \(problem)"
        case let .rendering(path, problem):
            return "overlay '\(path)': \(problem)"
        }
    }
}

extension CTDetectorError {
    /// A card key refused by DetectorKit's reader (``DetectorKit/ModelCardKeys``), as this detector's error.
    init(_ e: ModelCardKeyError) { self = .cardKey(path: e.path, key: e.key, problem: e.problem) }
}
