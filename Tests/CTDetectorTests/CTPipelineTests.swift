import DetectorInputs
import DetectorKit
import Foundation
import ImagingFormats
import Testing
@testable import CTDetector

/// The two-stage pipeline on synthetic phantoms with the band test models (Tools/ct/make_test_models.py):
/// the lesion model's score is 400 × (fraction of the centre slice at 10–50 HU) − 2, temperature 2.
@Suite struct CTPipelineTests {
    @Test(arguments: ["std", "small"])
    func positivePhantomIsFlaggedWithEvidence(tag: String) throws {
        let detector = CTPancreasDetector(models: try Fixtures.models(tag))
        let phantom = Phantom()
        let report = try detector.score(phantom.study())
        let finding = try #require(report.outcome.findings?.first, "\(report.outcome)")
        let result = try #require(report.result)
        #expect(finding.code == "ct.pancreas.lesion_suspected")
        #expect(finding.decision == .positive)
        // The 16 mm disc (30 HU in 200 HU) of the 2.5 mm phantom, resampled bilinearly, keeps 10–50 HU on a
        // disc of about 7 mm radius: 1.6 % of the 96 mm crop, score ≈ 400 × 0.016 − 2 ≈ 4.5.
        #expect(result.studyLogit > 3.5 && result.studyLogit < 5.5, "study score \(result.studyLogit)")
        #expect(abs(try #require(finding.probability) - 1 / (1 + exp(-result.studyLogit / 2))) < 1e-12)
        // The organ spans slices 2–9; only those are scored.
        #expect(result.sliceScores.map(\.index) == Array(2..<10))
        // Key slices are the lesion slices, with the lesion box around the lesion centre.
        #expect(Set(result.keySlices.map(\.score.index)) == [5, 6, 7])
        let key = try #require(result.keySlices.first)
        let box = try #require(key.lesionBox)
        let centre = phantom.lesionCenterPixel
        #expect(Double(box.x) <= centre.column && centre.column <= Double(box.x + box.width))
        #expect(Double(box.y) <= centre.row && centre.row <= Double(box.y + box.height))
        // Longest axis ≈ the 16 mm diameter (pixel quantisation of the crop grid: ± 2 crop pixels).
        let size = try #require(key.lesionLongestAxisMM)
        let crop = detector.pipeline.models.lesionSpec.pixelSpacingMM
        #expect(abs(size - 16) <= 2 * crop + 1, "size \(size) mm")
        #expect(finding.measurements.contains { $0.name == "lesionLongestAxis" && $0.unit == "mm" })
        // Saliency peaks on the lesion.
        let spec = detector.pipeline.models.lesionSpec
        let peak = try #require(key.saliency.indices.max { key.saliency[$0] < key.saliency[$1] })
        let geometry = CropGeometry(volume: phantom.volume(), spec: spec, centerRow: key.score.centerRow, centerColumn: key.score.centerColumn)
        let src = geometry.source(Double(peak / spec.columns), Double(peak % spec.columns))
        let distanceMM = hypot(src.row - centre.row, src.column - centre.column) * phantom.spacingMM
        #expect(distanceMM < 8 + Double(spec.occlusionPatch) * spec.pixelSpacingMM, "saliency peak \(distanceMM) mm from the lesion centre")
        #expect(key.saliency.max() == 1)
    }

    @Test(arguments: ["std", "small"])
    func negativePhantomIsNotFlagged(tag: String) throws {
        var phantom = Phantom()
        phantom.lesionSlices = nil
        let report = try CTPancreasDetector(models: try Fixtures.models(tag)).score(phantom.study())
        let finding = try #require(report.outcome.findings?.first)
        #expect(finding.decision == .negative)
        let result = try #require(report.result)
        #expect(result.studyLogit > -2.1 && result.studyLogit < -1.5, "study score \(result.studyLogit)")
        #expect(result.keySlices.allSatisfy { $0.lesionBox == nil && $0.lesionLongestAxisMM == nil })
        #expect(!finding.measurements.contains { $0.name == "lesionLongestAxis" })
    }

    @Test func cardsDriveSizesSpacingsAndNames() throws {
        let std = try Fixtures.models("std"), small = try Fixtures.models("small")
        #expect(std.localizerSpec.rows == 128 && small.localizerSpec.rows == 64)
        #expect(std.lesionSpec.rows == 96 && small.lesionSpec.rows == 48)
        #expect(small.lesionSpec.pixelSpacingMM == 2 && small.lesionSpec.sliceSpacingMM == 3)
        #expect(small.lesionSpec.window == HUWindow(centerHU: 60, widthHU: 360))
        #expect(small.lesionSpec.inputName == "patch" && small.lesionSpec.scoreOutputName == "score")
    }

    @Test func singleSliceIsScoredWithEdgeReplicationNoted() throws {
        var phantom = Phantom()
        phantom.slices = 1
        phantom.organSlices = 0..<1
        phantom.lesionSlices = 0..<1
        let report = try CTPancreasDetector(models: try Fixtures.models("std")).score(phantom.study())
        let finding = try #require(report.outcome.findings?.first, "\(report.outcome)")
        #expect(finding.decision == .positive)
        #expect(finding.evidence.contains { if case let .text(t) = $0 { t.contains("edge replication") } else { false } })
    }

    @Test func registryRunsItAsAnyDetector() async throws {
        let detector = CTPancreasDetector(models: try Fixtures.models("std"))
        var registry = DetectorRegistry()
        try registry.register(detector)
        let outcome = try await registry.analyze(id: CTPancreasDetector.id, input: Phantom().study())
        let finding = try #require(outcome.findings?.first)
        #expect(finding.detector.modelSHA256 == detector.pipeline.models.lesion.card.weightsSHA256)
        // Round trip through the findings JSON.
        let json = try VigilJSON.encode(outcome)
        #expect(try VigilJSON.decode(DetectorOutcome.self, from: json) == outcome)
    }
}
