import Foundation

/// Why a CNN ECG model folder cannot be used: each case names the file and what is wrong with it.
///
/// These are configuration errors, thrown when the detector is built (``CNNECGDetector/init(modelDirectory:id:)``),
/// never for a record: a record the model cannot read is an `Abstention`.
public enum CNNDetectorError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The model folder (or its card) does not exist.
    case modelFolderMissing(path: String)
    /// The card's `io` section does not describe an input this detector can build, or an output it can read.
    case unsupportedCard(path: String, problem: String)
    /// The ONNX model and its card disagree (input name, shape, number of labels).
    case modelCardMismatch(path: String, problem: String)
    /// The model ran but returned something other than what its card describes.
    case unexpectedOutput(path: String, problem: String)

    /// A one-line explanation naming the file.
    public var description: String {
        switch self {
        case let .modelFolderMissing(path):
            return "CNN ECG model folder '\(path)' is missing or has no model.card.json "
                + "(the models directory is $VIGIL_MODELS when set, else ./Models: run from the repository root or set VIGIL_MODELS)"
        case let .unsupportedCard(path, problem):
            return "model card '\(path)': \(problem)"
        case let .modelCardMismatch(path, problem):
            return "model '\(path)' does not match its card: \(problem)"
        case let .unexpectedOutput(path, problem):
            return "model '\(path)' returned an unexpected output: \(problem)"
        }
    }

    /// Same as ``description``.
    public var errorDescription: String? { description }
}
