import DetectorKit
import Foundation
import Testing
@testable import CTDetector

/// Model folders and cards: a missing or broken one is a clear error naming the file, never a crash.
@Suite struct CTModelPairTests {
    func copyOfStd() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-ct-models-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Fixtures.root.appendingPathComponent("models/std"), to: dir)
        return dir
    }

    @Test func missingFolderNamesThePath() throws {
        let dir = URL(fileURLWithPath: "/nonexistent-vigil-models")
        #expect(throws: CTDetectorError.modelFolderMissing(path: "/nonexistent-vigil-models/ct-pancreas-localizer", role: "pancreas localiser")) {
            try CTModelPair(modelsDirectory: dir)
        }
        #expect(try CTPancreasDetector.shipped(modelsDirectory: dir) == nil)
    }

    @Test func missingCardKeyNamesFileAndKey() throws {
        let dir = try copyOfStd()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cardURL = dir.appendingPathComponent("lesion/model.card.json")
        let text = try String(contentsOf: cardURL, encoding: .utf8)
        try text.replacingOccurrences(of: "\"sliceSpacingMM\"", with: "\"sliceSpacingMillimetres\"").write(to: cardURL, atomically: true, encoding: .utf8)
        do {
            _ = try CTModelPair(localizerFolder: dir.appendingPathComponent("localizer"), lesionFolder: dir.appendingPathComponent("lesion"))
            Issue.record("a card without sliceSpacingMM loaded")
        } catch let error as CTDetectorError {
            #expect(error == .cardKey(path: cardURL.path, key: "io.inputs[0].preprocessing.sliceSpacingMM", problem: "is missing"))
            #expect(error.description.contains(cardURL.path))
        }
    }

    @Test func changedWeightsAreRefused() throws {
        let dir = try copyOfStd()
        defer { try? FileManager.default.removeItem(at: dir) }
        let weights = dir.appendingPathComponent("localizer/model.onnx")
        var data = try Data(contentsOf: weights)
        data[data.count - 1] ^= 0xFF
        try data.write(to: weights)
        #expect(throws: DetectorKitError.self) {
            try CTModelPair(localizerFolder: dir.appendingPathComponent("localizer"), lesionFolder: dir.appendingPathComponent("lesion"))
        }
    }

    @Test func cardShapeMustFitTheContract() throws {
        let dir = try copyOfStd()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cardURL = dir.appendingPathComponent("lesion/model.card.json")
        let text = try String(contentsOf: cardURL, encoding: .utf8)
        try text.replacingOccurrences(of: "\"cropSizeMM\": 96.0", with: "\"cropSizeMM\": 80").write(to: cardURL, atomically: true, encoding: .utf8)
        #expect(throws: CTDetectorError.self) {
            try CTModelPair(localizerFolder: dir.appendingPathComponent("localizer"), lesionFolder: dir.appendingPathComponent("lesion"))
        }
    }
}
