import DetectorInputs
import DetectorKit
import Foundation
import Testing
@testable import CTDetector

/// The registry door: overlays only when a request asks for them, the study report in its sink.
@Suite struct CTArtefactRequestTests {
    @Test func aPlainCallRendersNothingAndAnArtefactRequestGetsTheOverlaysAndTheReport() async throws {
        let detector = AnyDetector(CTPancreasDetector(models: try Fixtures.models("std")))
        let study = Phantom().study()
        #expect(detector.findingCodes?.count == 1)

        let plain = DetectionRequest()
        let quiet = try #require(try await detector.analyze(study, request: plain).findings?.first)
        #expect(!quiet.evidence.contains { $0.type == "image" })
        #expect(plain.artefacts.collected.isEmpty)

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-ct-request-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let asking = DetectionRequest(artefacts: ArtefactRequest(directory: dir))
        let outcome = try await detector.analyze(study, request: asking)
        let finding = try #require(outcome.findings?.first)
        let report = try #require(asking.artefacts.sink?.items(of: CTStudyReport.self).first)
        #expect(report.overlays.count == 4)  // three key slices and the montage
        #expect(report.modelCards.count == 2)
        let images = finding.evidence.compactMap { if case let .image(path, _) = $0 { path } else { nil } }
        #expect(images.count == 4)
        #expect(images.allSatisfy { $0.hasPrefix(dir.path) && FileManager.default.fileExists(atPath: $0) })
        // Same score either way: artefacts change the pictures, not the finding.
        #expect(finding.probability == quiet.probability && finding.decision == quiet.decision)
        #expect(CTScoreTable.render(study: study, name: "phantom", report: report).contains("per-slice scores"))
    }
}
