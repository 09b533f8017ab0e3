import Foundation
import ImagingFormats
import Testing
@testable import CTDetector

/// Resampling and windowing against scipy.ndimage.map_coordinates + numpy (Tools/ct/detector_fixtures.py).
@Suite struct SliceSamplerTests {
    func referenceVolume(_ ref: [String: Any]) throws -> ImageVolume {
        let v = try #require(ref["volume"] as? [String: Any])
        let (s, r, c) = (try #require(v["slices"] as? Int), try #require(v["rows"] as? Int), try #require(v["columns"] as? Int))
        let voxels = try #require(v["voxels"] as? [Double]).map(Float.init)
        return ImageVolume(slices: s, rows: r, columns: c, voxels: voxels,
                           rowSpacingMM: try #require(v["rowSpacingMM"] as? Double), columnSpacingMM: try #require(v["columnSpacingMM"] as? Double),
                           sliceSpacingMM: 2.5, rowDirection: [1, 0, 0], columnDirection: [0, 1, 0], originMM: [0, 0, 0],
                           slicePositionsMM: try #require(v["slicePositionsMM"] as? [Double]), sliceSources: Array(repeating: "ref", count: s),
                           metadata: abdomenMetadata(), warnings: [])
    }

    @Test func matchesScipyMapCoordinatesAndNumpyWindowing() throws {
        let ref = try Fixtures.referenceJSON()
        let sampler = SliceSampler(volume: try referenceVolume(ref))
        let cases = try #require(ref["samples"] as? [[String: Any]])
        #expect(cases.count == 4)
        for (k, c) in cases.enumerated() {
            let d = { (key: String) throws -> Double in try #require(c[key] as? Double) }
            let rows = try #require(c["rows"] as? Int), cols = try #require(c["cols"] as? Int)
            let out = sampler.sample(zMM: try d("z"), centerRow: try d("center_r"), centerColumn: try d("center_c"), rows: rows, columns: cols,
                                     spacingMM: try d("spacing"), padHU: try d("pad"),
                                     window: HUWindow(centerHU: try d("wc"), widthHU: try d("ww")))
            let expected = try #require(c["expected"] as? [Double])
            #expect(out.count == expected.count)
            let worst = zip(out, expected).map { abs(Double($0) - $1) }.max() ?? .infinity
            #expect(worst < 1e-5, "case \(k): max |swift − scipy| = \(worst)")
        }
    }

    @Test func windowClipsAndScales() {
        let w = HUWindow(centerHU: 40, widthHU: 400)
        #expect(w.normalized(-1000) == 0)
        #expect(w.normalized(1000) == 1)
        #expect(abs(w.normalized(40) - 0.5) < 1e-7)
        #expect(abs(w.normalized(-60) - 0.25) < 1e-7)
    }
}
