import Rendering
import Testing

@Suite struct StrokeTests {
    @Test func horizontalLineCoversExactlyItsEndpointsAndBetween() throws {
        var c = try Canvas(width: 12, height: 8)
        c.drawLine(from: Point(x: 2, y: 3), to: Point(x: 8, y: 3), color: .black)
        #expect(CanvasTests.changed(c) == Set((2...8).map { [$0, 3] }))
        #expect(c.pixel(x: 2, y: 3) == .black && c.pixel(x: 8, y: 3) == .black)
    }

    @Test func verticalTwoPixelLineAtHalfCoordinatesIsTwoColumnsWide() throws {
        var c = try Canvas(width: 8, height: 8)
        c.drawLine(from: Point(x: 3.5, y: 1), to: Point(x: 3.5, y: 5), color: .black, width: 2)
        // Distance 0.5 from the centres of columns 3 and 4: coverage 2/2 + 0.5 − 0.5 = 1.
        for y in 1...5 { #expect(c.pixel(x: 3, y: y) == .black && c.pixel(x: 4, y: y) == .black) }
        #expect(c.pixel(x: 2, y: 3) == .white && c.pixel(x: 5, y: 3) == .white)
    }

    @Test func diagonalLineIsAntiAliasedAndHitsBothEnds() throws {
        var c = try Canvas(width: 10, height: 10)
        c.drawLine(from: Point(x: 1, y: 1), to: Point(x: 8, y: 5), color: .black)
        #expect(c.pixel(x: 1, y: 1) == .black && c.pixel(x: 8, y: 5) == .black)
        let partial = CanvasTests.changed(c).filter { c.pixel(x: $0[0], y: $0[1]) != .black }
        #expect(!partial.isEmpty)  // intermediate grays exist
        #expect(c.pixel(x: 8, y: 1) == .white && c.pixel(x: 1, y: 5) == .white)
    }

    @Test func clipRectangleBoundsEverything() throws {
        var c = try Canvas(width: 10, height: 10)
        let clip = PixelRect(x: 2, y: 2, width: 4, height: 4)
        c.drawLine(from: Point(x: -10, y: -10), to: Point(x: 20, y: 20), color: .black, width: 2, clip: clip)
        let hit = CanvasTests.changed(c)
        #expect(!hit.isEmpty)
        #expect(hit.allSatisfy { clip.contains(x: $0[0], y: $0[1]) })
        #expect(c.pixel(x: 3, y: 3) == .black)
    }

    @Test func nonFinitePointsBreakThePolyline() throws {
        var c = try Canvas(width: 12, height: 5)
        c.strokePolyline([Point(x: 0, y: 2), Point(x: 3, y: 2), Point(x: .nan, y: 2), Point(x: 8, y: 2), Point(x: 11, y: 2)],
                         color: .black)
        #expect(c.pixel(x: 3, y: 2) == .black && c.pixel(x: 8, y: 2) == .black)
        for x in 5...6 { #expect(c.pixel(x: x, y: 2) == .white) }  // no segment joined across the gap
    }

    @Test func denseJointsDoNotDarkenBeyondSingleCoverage() throws {
        // Many sub-pixel segments along y = 2.5: each of rows 2 and 3 is at distance 0.5 → coverage 0.5,
        // blended once (127.5 → 128 over white), not once per segment.
        var c = try Canvas(width: 10, height: 6)
        let pts = stride(from: 2.0, through: 7.0, by: 0.25).map { Point(x: $0, y: 2.5) }
        c.strokePolyline(pts, color: .black, width: 1)
        #expect(c.pixel(x: 5, y: 2) == RGB(gray: 128))
        #expect(c.pixel(x: 5, y: 3) == RGB(gray: 128))
    }
}

@Suite struct StrokeRobustnessTests {
    @Test func farOffFiniteCoordinatesClipInsteadOfTrapping() throws {
        var c = try Canvas(width: 10, height: 10)
        c.strokePolyline([Point(x: 5, y: 5), Point(x: 5, y: -1e300), Point(x: 1e308, y: 3)], color: .black)
        #expect(c.pixel(x: 5, y: 5) == .black && c.pixel(x: 5, y: 0) == .black)
        c.drawLine(from: Point(x: -1e200, y: -1e200), to: Point(x: -1e199, y: 1e250), color: .black)  // wholly outside
        #expect(CanvasTests.changed(c).allSatisfy { $0[0] >= 4 })
    }
}
