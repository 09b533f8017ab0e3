import Foundation
import Testing
@testable import CTDetector

/// Aggregation and lesion regions against numpy / scipy.ndimage (Tools/ct/detector_fixtures.py).
@Suite struct StudyAggregationTests {
    @Test func maxWindowMeanMatchesNumpy() throws {
        let ref = try #require(try Fixtures.referenceJSON()["aggregation"] as? [String: Any])
        let scores = try #require(ref["scores"] as? [Double])
        for c in try #require(ref["cases"] as? [[String: Any]]) {
            let window = try #require(c["window"] as? Int)
            let got = try #require(StudyAggregation.maxWindowMean(scores, window: window))
            #expect(abs(got.value - (try #require(c["expected"] as? Double))) < 1e-9, "window \(window)")
            #expect(got.range.lowerBound == (try #require(c["start"] as? Int)), "window \(window)")
        }
        #expect(StudyAggregation.maxWindowMean([], window: 3) == nil)
    }

    @Test func lesionRegionMatchesScipyLabel() throws {
        let regions = try #require(try Fixtures.referenceJSON()["regions"] as? [[String: Any]])
        #expect(regions.count == 4)
        for (k, r) in regions.enumerated() {
            let rows = try #require(r["rows"] as? Int), cols = try #require(r["columns"] as? Int)
            let flags = try #require(r["mask"] as? [Int]).map { $0 != 0 }
            let region = LesionRegion(flags: flags, rows: rows, columns: cols)
            if let expected = r["longestAxisPixels"] as? Double {
                let got = try #require(region, "case \(k)")
                #expect(abs(got.longestAxisPixels - expected) < 1e-9, "case \(k)")
                #expect(got.mask.filter { $0 }.count == (try #require(r["pixels"] as? Int)), "case \(k)")
            } else {
                #expect(region == nil, "case \(k)")
            }
        }
    }
}
