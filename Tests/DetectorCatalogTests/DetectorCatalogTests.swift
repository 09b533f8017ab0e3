import DetectorCatalog
import DetectorKit
import Foundation
import Testing
import VigilTestSupport

@Suite struct DetectorCatalogTests {
    private let repositoryModels = Repository.models

    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-catalog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func theRepositoryModelsRegisterAllFourDetectorsWithoutWarnings() throws {
        var warnings: [String] = []
        let registry = try DetectorCatalog.registry(modelsDirectory: repositoryModels) { warnings.append($0) }
        #expect(Set(registry.detectors.map(\.id)) == ["ecg-rhythm", "ecg-cnn", "ecg-af", "ct-pancreas"])
        #expect(registry.detectors(for: .ecg).count == 3)
        #expect(registry.detectors(for: .ctStudy).count == 1)
        #expect(warnings.isEmpty)
    }

    @Test func everyDetectorWithAModelHasItsFoldersListedForTheDoctor() throws {
        let registry = try DetectorCatalog.registry(modelsDirectory: repositoryModels) { _ in }
        let listed = DetectorCatalog.shippedModelFolders
        // Each listed folder is in the repository's Models/ and belongs to a registered detector.
        for (folder, detector) in listed {
            #expect(FileManager.default.fileExists(atPath: repositoryModels.appendingPathComponent(folder).path), "\(folder)")
            #expect(registry.detectors.contains { $0.id == detector }, "\(detector)")
        }
        // Each registered detector with a model card has at least one listed folder (ecg-rhythm has none).
        for detector in registry.detectors where detector.modelCard != nil {
            #expect(listed.contains { $0.detector == detector.id }, "\(detector.id) has weights but no listed model folder")
        }
        #expect(!listed.contains { $0.detector == "ecg-rhythm" })
    }

    @Test func absentModelFoldersLeaveTheRuleBasedDetectorAndSayWhatIsMissing() throws {
        let empty = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: empty) }
        var warnings: [String] = []
        let registry = try DetectorCatalog.registry(modelsDirectory: empty) { warnings.append($0) }
        #expect(registry.detectors.map(\.id) == ["ecg-rhythm"])
        #expect(warnings.count == 3)
        #expect(warnings.contains { $0.hasPrefix("ecg-cnn not registered") && $0.contains(empty.path) })
        #expect(warnings.contains { $0.hasPrefix("ecg-af not registered") && $0.contains(empty.path) })
        #expect(warnings.contains { $0.hasPrefix("ct-pancreas not registered") })
    }

    @Test func aPresentButBrokenModelFolderThrowsInsteadOfBeingSkipped() throws {
        let models = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: models) }
        let folder = models.appendingPathComponent("ecg-cnn")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // The shipped card with weights that do not match its SHA-256.
        try FileManager.default.copyItem(at: repositoryModels.appendingPathComponent("ecg-cnn/model.card.json"),
                                         to: folder.appendingPathComponent("model.card.json"))
        try Data("not the weights".utf8).write(to: folder.appendingPathComponent("model.onnx"))
        #expect(throws: (any Error).self) { try DetectorCatalog.registry(modelsDirectory: models) { _ in } }
    }
}
