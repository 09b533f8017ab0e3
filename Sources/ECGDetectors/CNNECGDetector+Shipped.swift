import DetectorKit
import Foundation

extension CNNECGDetector {
    /// The folder name of the shipped model under the models directory.
    public static let shippedFolderName = "ecg-cnn"

    /// The shipped detector (id `ecg-cnn`) over `<modelsDirectory>/ecg-cnn`.
    /// - Throws: ``CNNDetectorError/modelFolderMissing(path:)`` naming the folder it looked for (set
    ///   `VIGIL_MODELS` or run from the repository root), or what is wrong with the card or weights.
    public static func shipped(modelsDirectory: URL = ModelsDirectory.resolve()) throws -> CNNECGDetector {
        try CNNECGDetector(modelDirectory: modelsDirectory.appendingPathComponent(shippedFolderName),
                           id: "ecg-cnn", name: "ECG CNN findings (synthetic-trained, research use)")
    }
}
