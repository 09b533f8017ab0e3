import DetectorInputs
import DetectorKit
import Foundation
import Rendering
import Testing
@testable import CTDetector

/// Overlays: written as PNG, cited as image evidence, the heat map on the lesion and the anatomy grey
/// elsewhere.
@Suite struct CTOverlayTests {
    @Test func overlaysAreWrittenCitedAndHighlightTheLesion() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-ct-overlay-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let phantom = Phantom()
        let detector = CTPancreasDetector(models: try Fixtures.models("std"), overlayDirectory: dir)
        let report = try detector.score(phantom.study())
        let finding = try #require(report.outcome.findings?.first)
        let images = finding.evidence.compactMap { if case let .image(path, _) = $0 { path } else { nil } }
        #expect(images.count == 4)   // three key slices and the montage
        #expect(images.contains { $0.hasSuffix("montage.png") })
        for path in images {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "\(path) is not a PNG")
        }

        let result = try #require(report.result)
        let key = try #require(result.keySlices.first)
        let (full, _) = try detector.renderer.draw(key, volume: phantom.volume(), spec: detector.pipeline.models.lesionSpec)
        // The full panel is the 160-pixel slice scaled to 384 pixels: the lesion centre is coloured, a pixel
        // of soft tissue far from the crop is grey (W400/L40: 120 HU → 0.7 × 255 ≈ 178).
        #expect(full.width == 384 && full.height == 384)
        let centre = phantom.lesionCenterPixel
        let zoom = 384.0 / 160
        let hot = try #require(full.pixel(x: Int(((centre.column + 0.5) * zoom).rounded(.down)), y: Int(((centre.row + 0.5) * zoom).rounded(.down))))
        #expect(!(hot.r == hot.g && hot.g == hot.b), "lesion centre pixel \(hot) is not highlighted")
        let far = try #require(full.pixel(x: Int(104.5 * zoom), y: Int(55.5 * zoom)))
        #expect(far.r == far.g && far.g == far.b && abs(Int(far.r) - 179) <= 1, "soft tissue pixel \(far)")
    }

    @Test func noOverlayFilesWithoutAFolder() throws {
        let report = try CTPancreasDetector(models: try Fixtures.models("std")).score(Phantom().study())
        let finding = try #require(report.outcome.findings?.first)
        #expect(!finding.evidence.contains { $0.type == "image" })
        #expect(report.overlays.count == 4)
    }
}
