import Rendering
import Testing

@Suite struct LayoutTests {
    @Test func contourDrawsTheOuterRingOfAMask() throws {
        var mask = [Bool](repeating: false, count: 36)
        for y in 1...4 { for x in 1...4 { mask[y * 6 + x] = true } }
        var c = try Canvas(width: 6, height: 6)
        try c.drawContour(mask: mask, color: .black)
        let hit = CanvasTests.changed(c)
        #expect(hit.count == 12)
        #expect(!hit.contains([2, 2]) && !hit.contains([3, 3]))
        #expect(hit.contains([1, 1]) && hit.contains([4, 2]))
        var thick = try Canvas(width: 6, height: 6)
        try thick.drawContour(mask: mask, color: .black, thickness: 2)
        #expect(CanvasTests.changed(thick).count == 16)
        #expect(throws: DrawingError.self) { try c.drawContour(mask: [true], color: .black) }
    }

    @Test func nearestScalingReplicatesPixels() throws {
        let src = try Canvas(width: 2, height: 2, pixels: [10, 0, 0, 20, 0, 0, 30, 0, 0, 40, 0, 0])
        let big = try src.scaled(width: 4, height: 4, method: .nearest)
        #expect(big.pixel(x: 0, y: 0)?.r == 10 && big.pixel(x: 1, y: 1)?.r == 10)
        #expect(big.pixel(x: 2, y: 0)?.r == 20 && big.pixel(x: 3, y: 1)?.r == 20)
        #expect(big.pixel(x: 0, y: 3)?.r == 30 && big.pixel(x: 3, y: 3)?.r == 40)
    }

    @Test func bilinearScalingInterpolatesBetweenCentres() throws {
        let src = try Canvas(width: 2, height: 1, pixels: [0, 0, 0, 255, 255, 255])
        let wide = try src.scaled(width: 4, height: 1, method: .bilinear)
        // Destination centres map to −0.25, 0.25, 0.75, 1.25 → clamped 0, 0.25, 0.75, 1.
        #expect((0..<4).map { wide.pixel(x: $0, y: 0)!.g } == [0, 64, 191, 255])
        let half = try Canvas(width: 4, height: 2, background: RGB(7, 8, 9)).scaled(by: 0.5)
        #expect(half.width == 2 && half.height == 1 && half.pixel(x: 1, y: 0) == RGB(7, 8, 9))
        #expect(throws: DrawingError.self) { try src.scaled(by: 0) }
    }

    @Test func montagePlacesTilesInAGrid() throws {
        let tiles = try [RGB(255, 0, 0), RGB(0, 255, 0), RGB(0, 0, 255)].map { try Canvas(width: 4, height: 3, background: $0) }
        let m = try Canvas.montage(tiles, columns: 2, gap: 1)
        #expect(m.width == 11 && m.height == 9)
        #expect(m.pixel(x: 0, y: 0) == .black)
        #expect(m.pixel(x: 1, y: 1) == RGB(255, 0, 0) && m.pixel(x: 4, y: 3) == RGB(255, 0, 0))
        #expect(m.pixel(x: 5, y: 1) == .black)
        #expect(m.pixel(x: 6, y: 1) == RGB(0, 255, 0))
        #expect(m.pixel(x: 1, y: 5) == RGB(0, 0, 255))
        #expect(m.pixel(x: 6, y: 5) == .black)  // empty fourth cell
    }

    @Test func montageCaptionsGoBelowTiles() throws {
        let tiles = try [Canvas(width: 40, height: 10, background: .black), Canvas(width: 40, height: 10, background: .black)]
        let m = try Canvas.montage(tiles, columns: 2, gap: 0, captions: ["I", ""], captionScale: 1)
        let band = Canvas.textHeight(scale: 1) + 2
        #expect(m.height == 10 + band)
        // "I" top row ".###." at x 1…3, one row below the tile.
        #expect(m.pixel(x: 2, y: 11) == .white && m.pixel(x: 0, y: 11) == .black)
        #expect((40..<80).allSatisfy { m.pixel(x: $0, y: 11) == .black })
        #expect(throws: DrawingError.self) { try Canvas.montage(tiles, columns: 2, captions: ["a"]) }
        #expect(throws: DrawingError.self) { try Canvas.montage([], columns: 2) }
    }
}
