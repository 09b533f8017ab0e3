import Foundation
import ImagingFormats
import Rendering
import Testing

@Suite struct CanvasTests {
    private func tempURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("vigil-canvas-\(UUID().uuidString)-\(name)")
    }

    /// Pixels whose colour differs from `background`, as (x, y) pairs.
    static func changed(_ c: Canvas, from background: RGB = .white) -> Set<[Int]> {
        var out: Set<[Int]> = []
        for y in 0..<c.height { for x in 0..<c.width where c.pixel(x: x, y: y) != background { out.insert([x, y]) } }
        return out
    }

    @Test func invalidSizesAndBufferCountsThrow() {
        #expect(throws: DrawingError.self) { try Canvas(width: 0, height: 4) }
        #expect(throws: DrawingError.self) { try Canvas(width: 4, height: -1) }
        #expect(throws: DrawingError.self) { try Canvas(width: Canvas.maxSide + 1, height: 1) }
        #expect(throws: DrawingError.self) { try Canvas(width: 2, height: 2, pixels: [UInt8](repeating: 0, count: 11)) }
    }

    @Test func fillRectCoversExactlyItsBoundsAndClips() throws {
        var c = try Canvas(width: 10, height: 8)
        c.fillRect(x: 1, y: 2, width: 3, height: 2, color: .black)
        #expect(Self.changed(c) == [[1, 2], [2, 2], [3, 2], [1, 3], [2, 3], [3, 3]])
        var d = try Canvas(width: 4, height: 4)
        d.fillRect(x: -2, y: 3, width: 4, height: 9, color: .black)  // partly outside: clipped, no crash
        #expect(Self.changed(d) == [[0, 3], [1, 3]])
    }

    @Test func blendingArithmetic() throws {
        // round(bg × (1 − a) + fg × a), computed by hand: 255 × 0.25 = 63.75 → 64, 255 × 0.75 = 191.25 → 191.
        #expect(RGB(255, 0, 0).over(RGB(0, 0, 255), alpha: 0.25) == RGB(64, 0, 191))
        #expect(RGB(10, 20, 30).over(RGB(200, 100, 0), alpha: 0) == RGB(200, 100, 0))
        #expect(RGB(10, 20, 30).over(RGB(200, 100, 0), alpha: 1) == RGB(10, 20, 30))
        #expect(RGB(10, 20, 30).over(RGB(200, 100, 0), alpha: 7) == RGB(10, 20, 30))  // clamped
        var c = try Canvas(width: 3, height: 1, background: RGB(100, 100, 100))
        c.blendRect(x: 1, y: 0, width: 5, height: 1, color: RGB(200, 0, 50), alpha: 0.5)
        #expect(c.pixel(x: 0, y: 0) == RGB(100, 100, 100))
        #expect(c.pixel(x: 1, y: 0) == RGB(150, 50, 75))
        #expect(c.pixel(x: 2, y: 0) == RGB(150, 50, 75))
    }

    @Test func strokeRectAndBlit() throws {
        var c = try Canvas(width: 6, height: 6)
        c.strokeRect(x: 1, y: 1, width: 4, height: 3, color: .black)
        #expect(Self.changed(c).count == 10)  // 4 + 4 + 1 + 1
        #expect(c.pixel(x: 2, y: 2) == .white)
        let tile = try Canvas(width: 2, height: 2, background: RGB(1, 2, 3))
        var d = try Canvas(width: 3, height: 3)
        d.draw(tile, x: 2, y: -1)
        #expect(Self.changed(d) == [[2, 0]])
        #expect(d.pixel(x: 2, y: 0) == RGB(1, 2, 3))
    }

    @Test func grayPNGRoundTripsThroughGrayPNGReader() throws {
        let values: [Float] = (0..<(9 * 7)).map { Float($0 * 23 - 400) }
        let canvas = try Canvas.windowed(values: values, width: 9, height: 7, center: 300, window: 1200)
        let url = tempURL("gray.png")
        defer { try? FileManager.default.removeItem(at: url) }
        try canvas.writeGrayPNG(to: url)
        let back = try GrayPNG.read(url)
        #expect(back.width == 9 && back.height == 7 && back.bitDepth == 8)
        #expect(back.values == canvas.grayLevels().map(UInt16.init))
        #expect(back.values == stride(from: 0, to: canvas.pixels.count, by: 3).map { UInt16(canvas.pixels[$0]) })
    }

    @Test func rgbPNGHasTheCanvasSize() throws {
        let canvas = try Canvas(width: 37, height: 21, background: RGB(9, 99, 199))
        let url = tempURL("rgb.png")
        defer { try? FileManager.default.removeItem(at: url) }
        try canvas.writePNG(to: url)
        let bytes = [UInt8](try Data(contentsOf: url))
        #expect(bytes.count > 33)
        #expect(Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR")
        func be32(_ i: Int) -> Int { bytes[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
        #expect(be32(16) == 37 && be32(20) == 21)
        #expect(bytes[24] == 8 && bytes[25] == 2)  // 8-bit, colour type 2 (RGB)
    }
}
