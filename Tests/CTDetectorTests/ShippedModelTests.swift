import DetectorInputs
import DetectorKit
import Foundation
import Testing
@testable import CTDetector

/// The shipped model pair (Models/ct-pancreas-localizer, Models/ct-pancreas-lesion), when present: it
/// loads through the catalog path and scores the real TCIA slice (no abstention, no error). The score
/// itself is reported by `vigil ct score`, not asserted: it changes with every retraining.
@Suite(.enabled(if: CTPancreasDetector.shippedModelsPresent(in: Fixtures.repository.appendingPathComponent("Models")),
                "the shipped CT models are not in Models/"))
struct ShippedModelTests {
    @Test func realSliceIsScoredByTheShippedPair() throws {
        let detector = try #require(try CTPancreasDetector.shipped(modelsDirectory: Fixtures.repository.appendingPathComponent("Models")))
        let study = try CTStudy.read(paths: [Fixtures.repository.appendingPathComponent("SampleData/ct/PancreasCT_0001_slice122_j2k.dcm")])
        let report = try detector.score(study)
        let finding = try #require(report.outcome.findings?.first, "\(report.outcome)")
        #expect(finding.code == "ct.pancreas.lesion_suspected")
        let p = try #require(finding.probability)
        #expect(p >= 0 && p <= 1)
        #expect(report.result?.sliceScores.count == 1)
    }
}
