import DetectorInputs
import DetectorKit
import Foundation
import ImagingFormats
import Testing
@testable import CTDetector

/// Series stored in another orientation are mirrored before scoring; voxels keep their patient positions
/// and evidence boxes come back in the stored pixel order.
@Suite struct RadiologicalOrientationTests {
    func position(_ v: ImageVolume, _ r: Int, _ c: Int) -> [Double] {
        (0..<3).map { v.originMM[$0] + Double(c) * v.columnSpacingMM * v.rowDirection[$0] + Double(r) * v.rowSpacingMM * v.columnDirection[$0] }
    }

    /// `volume` stored upside down and mirrored left-right, with its geometry saying so.
    func storedMirrored(_ v: ImageVolume) -> ImageVolume {
        var voxels = v.voxels
        for s in 0..<v.slices { for r in 0..<v.rows { for c in 0..<v.columns {
            voxels[(s * v.rows + r) * v.columns + c] = v.voxels[(s * v.rows + (v.rows - 1 - r)) * v.columns + (v.columns - 1 - c)]
        } } }
        let origin = (0..<3).map { v.originMM[$0] + Double(v.rows - 1) * v.rowSpacingMM * v.columnDirection[$0] + Double(v.columns - 1) * v.columnSpacingMM * v.rowDirection[$0] }
        return ImageVolume(slices: v.slices, rows: v.rows, columns: v.columns, voxels: voxels, rowSpacingMM: v.rowSpacingMM,
                           columnSpacingMM: v.columnSpacingMM, sliceSpacingMM: v.sliceSpacingMM, rowDirection: v.rowDirection.map { -$0 },
                           columnDirection: v.columnDirection.map { -$0 }, originMM: origin, slicePositionsMM: v.slicePositionsMM,
                           sliceSources: v.sliceSources, metadata: v.metadata, warnings: [])
    }

    @Test func mirroringKeepsPatientPositions() throws {
        let base = makeVolume(slices: 2, rows: 20, columns: 30, spacingMM: 1.5) { s, y, x in Float(s * 1000) + Float(y * 7 + x) }
        let stored = storedMirrored(base)
        let o = RadiologicalOrientation(of: stored)
        #expect(o.flipRows && o.flipColumns)
        let oriented = o.apply(to: stored)
        for (r, c) in [(0, 0), (3, 17), (19, 29)] {
            #expect(oriented[1, r, c] == base[1, r, c])
            let a = position(oriented, r, c), b = position(base, r, c)
            #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-9 }, "\(a) vs \(b)")
        }
        #expect(o.original(BoundingBox(x: 0, y: 0, width: 5, height: 4)) == BoundingBox(x: 25, y: 16, width: 5, height: 4))
        #expect(RadiologicalOrientation(of: base).isIdentity)
    }

    @Test func mirroredStudyScoresTheSameWithBoxesInStoredOrder() throws {
        let phantom = Phantom()
        let detector = CTPancreasDetector(models: try Fixtures.models("std"))
        let plain = try #require(try detector.score(phantom.study()).outcome.findings?.first)
        let stored = storedMirrored(phantom.volume())
        let mirrored = try #require(try detector.score(CTStudy(label: "m", volumes: [stored])).outcome.findings?.first)
        #expect(plain.probability == mirrored.probability)
        guard case let .slice(_, region?, _) = mirrored.evidence.first else {
            Issue.record("no slice evidence")
            return
        }
        let centre = phantom.lesionCenterPixel
        let (r, c) = (Double(phantom.side - 1) - centre.row, Double(phantom.side - 1) - centre.column)
        #expect(Double(region.x) <= c && c <= Double(region.x + region.width), "\(region) vs column \(c)")
        #expect(Double(region.y) <= r && r <= Double(region.y + region.height), "\(region) vs row \(r)")
    }
}
