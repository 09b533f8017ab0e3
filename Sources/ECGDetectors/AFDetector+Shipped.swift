import DetectorKit
import Foundation

extension AFDetector {
    /// The folder name of the shipped model under the models directory.
    public static let shippedFolderName = "ecg-af"

    /// The shipped detector (id `ecg-af`) over `<modelsDirectory>/ecg-af`.
    /// - Throws: ``CNNDetectorError/modelFolderMissing(path:)`` or what is wrong with the card or weights.
    public static func shipped(modelsDirectory: URL = ModelsDirectory.resolve()) throws -> AFDetector {
        try AFDetector(modelDirectory: modelsDirectory.appendingPathComponent(shippedFolderName),
                       id: "ecg-af", name: "ECG atrial fibrillation (real-data trained, any lead count, research use)")
    }
}
