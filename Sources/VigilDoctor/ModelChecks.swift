import CTDetector
import DetectorCatalog
import DetectorKit
import ECGDetectors
import Foundation

/// The models folder: each shipped model's card and weights hash, then the registry built from them.
enum ModelChecks {
    /// The shipped model folders and the detector each belongs to (the catalog's list).
    static var folders: [(folder: String, detector: String)] { DetectorCatalog.shippedModelFolders }

    /// The detectors that need weights, in the catalog's order, each once.
    static var modelDetectors: [String] {
        folders.map(\.detector).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    static func run(_ setup: DoctorSetup) -> [DoctorCheck] {
        let (dir, origin) = setup.resolvedModels
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        guard fm.fileExists(atPath: dir.path, isDirectory: &isFolder), isFolder.boolValue else {
            return [DoctorCheck(
                "models", .error,
                "no models folder at \(dir.path) (looked at \(origin)): \(modelDetectors.joined(separator: ", ")) are not available, only ecg-rhythm (rules, no weights) runs",
                fix: "run vigil from the repository root, or set \(ModelsDirectory.environmentVariable) to the folder holding "
                    + folders.map { $0.folder + "/" }.joined(separator: ", "))]
        }
        var checks: [DoctorCheck] = []
        for (folder, detector) in folders {
            let url = dir.appendingPathComponent(folder)
            let cardURL = url.appendingPathComponent("model.card.json")
            guard fm.fileExists(atPath: url.path) else {
                checks.append(DoctorCheck(
                    "models", .warning, "\(folder): not found at \(url.path) (looked at \(origin)): \(detector) is not registered",
                    fix: "copy \(folder)/ from the Vigil repository's Models/ into \(dir.path), or set \(ModelsDirectory.environmentVariable) to a folder that has it"))
                continue
            }
            let card: ModelCard
            do {
                card = try ModelCard.load(from: cardURL)
            } catch {
                checks.append(DoctorCheck("models", .error, "\(folder): the model card cannot be used: \(error)",
                                          fix: "restore \(cardURL.path) from the Vigil repository (git checkout -- Models/\(folder))"))
                continue
            }
            do {
                try card.verifyWeights(cardURL: cardURL)
            } catch {
                checks.append(DoctorCheck("models", .error, "\(folder): \(error)",
                                          fix: "restore the weights the card describes (git checkout -- Models/\(folder)), or the card that matches your weights"))
                continue
            }
            let weights = card.weightsURL(cardURL: cardURL)
            let bytes = (try? fm.attributesOfItem(atPath: weights.path)[.size] as? Int) ?? nil
            let size = bytes.map { String(format: ", %.1f MB", Double($0) / 1_000_000) } ?? ""
            let data = card.trainingData.synthetic ? "trained on synthetic data only" : "trained on real data (see its card)"
            checks.append(DoctorCheck(
                "models", .ok,
                "\(folder): \(card.name) \(card.version), weights SHA-256 \(card.weightsSHA256.prefix(12))… verified (\(weights.lastPathComponent)\(size)); \(data)"))
        }
        var warnings: [String] = []
        do {
            let registry = try DetectorCatalog.registry(modelsDirectory: dir, warn: { warnings.append($0) })
            let names = registry.detectors.map { "\($0.id) \($0.descriptor.version)" }
            let expected = Set(folders.map(\.detector) + ["ecg-rhythm"])
            let missing = expected.subtracting(registry.detectors.map(\.id)).sorted()
            checks.append(DoctorCheck(
                "models", missing.isEmpty ? .ok : .warning,
                "detectors registered: " + names.joined(separator: ", ")
                    + (missing.isEmpty ? "" : "; not registered: " + missing.joined(separator: ", ")),
                fix: missing.isEmpty ? nil : "see the model lines above"))
        } catch {
            checks.append(DoctorCheck("models", .error, "the detectors cannot be loaded: \(error)",
                                      fix: "restore the model folder named in the message (git checkout -- Models)"))
        }
        return checks
    }
}
