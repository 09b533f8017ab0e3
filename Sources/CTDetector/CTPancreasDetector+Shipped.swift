import DetectorKit
import Foundation

extension CTPancreasDetector {
    /// Whether both model folders of the shipped pair have a card under `modelsDirectory`.
    public static func shippedModelsPresent(in modelsDirectory: URL) -> Bool {
        [CTModelPair.localizerFolderName, CTModelPair.lesionFolderName].allSatisfy {
            FileManager.default.fileExists(atPath: modelsDirectory.appendingPathComponent($0).appendingPathComponent("model.card.json").path)
        }
    }

    /// The detector over the shipped pair in `modelsDirectory`, or nil when its folders are absent (the
    /// detector is then not registered; `vigil ct score` says where it looked). A pair that is present but
    /// broken (card, weights hash, graph) throws, naming the file.
    public static func shipped(modelsDirectory: URL = ModelsDirectory.resolve()) throws -> CTPancreasDetector? {
        guard shippedModelsPresent(in: modelsDirectory) else { return nil }
        return CTPancreasDetector(models: try CTModelPair(modelsDirectory: modelsDirectory))
    }
}
