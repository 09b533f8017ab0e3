import DetectorKit
import Foundation

extension CNNECGDetector {
    /// The folder name of the shipped model under the models directory.
    public static let shippedFolderName = "ecg-cnn"

    /// The models directory: `$VIGIL_MODELS` when set, else `Models` under the current directory (the
    /// repository root when Vigil runs from a checkout). The same rule as the CT detector's.
    public static func defaultModelsDirectory() -> URL {
        ModelsDirectory.resolve()
    }

    /// The shipped detector (id `ecg-cnn`) over `<modelsDirectory>/ecg-cnn`.
    /// - Throws: ``CNNDetectorError/modelFolderMissing(path:)`` naming the folder it looked for (set
    ///   `VIGIL_MODELS` or run from the repository root), or what is wrong with the card or weights.
    public static func shipped(modelsDirectory: URL = defaultModelsDirectory()) throws -> CNNECGDetector {
        try CNNECGDetector(modelDirectory: modelsDirectory.appendingPathComponent(shippedFolderName),
                           id: "ecg-cnn", name: "ECG CNN findings (synthetic-trained, research use)")
    }
}
