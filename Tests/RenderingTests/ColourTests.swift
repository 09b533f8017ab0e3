import Rendering
import Testing

@Suite struct ColourTests {
    @Test func windowLevelMapsTheRampEnds() throws {
        // center 40, window 400: ≤ −160 black, ≥ 240 white, 40 → 127.5 → 128.
        let c = try Canvas.windowed(values: [-1000, -160, 40, 240, 3000, -60], width: 6, height: 1, center: 40, window: 400)
        #expect((0..<6).map { c.pixel(x: $0, y: 0)!.r } == [0, 0, 128, 255, 255, 64])
        #expect(c.pixel(x: 2, y: 0) == RGB(gray: 128))
    }

    @Test func windowLevelRefusesBadInput() {
        #expect(throws: DrawingError.self) { try Canvas.windowed(values: [1, 2, 3], width: 2, height: 2, center: 0, window: 1) }
        #expect(throws: DrawingError.self) { try Canvas.windowed(values: [1, 2], width: 2, height: 1, center: 0, window: 0) }
        do {
            _ = try Canvas.windowed(values: [1, .nan], width: 2, height: 1, center: 0, window: 10)
            Issue.record("NaN accepted")
        } catch let e as DrawingError {
            #expect(e.detail.contains("index 1"))
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func heatColormapEndpointsAndMonotonicLuminance() {
        #expect(HeatColormap.color(at: 0) == RGB(0, 0, 4))
        #expect(HeatColormap.color(at: 1) == RGB(252, 255, 164))
        #expect(HeatColormap.color(at: -3) == HeatColormap.color(at: 0))
        #expect(HeatColormap.color(at: 9) == HeatColormap.color(at: 1))
        var last = -1.0
        for k in 0...100 {
            let y = HeatColormap.color(at: Double(k) / 100).luminance
            #expect(y > last, "luminance not increasing at \(k)%: \(y) after \(last)")
            last = y
        }
    }

    @Test func heatOverlayBlendsAboveThresholdOnly() throws {
        var c = try Canvas(width: 3, height: 1, background: .black)
        try c.overlayHeatmap([0.1, 1.0, 0.5], maxAlpha: 0.5, threshold: 0.2)
        #expect(c.pixel(x: 0, y: 0) == .black)
        // color(1) = (252, 255, 164) at alpha 0.5 over black: 126, 127.5 → 128, 82.
        #expect(c.pixel(x: 1, y: 0) == RGB(126, 128, 82))
        let mid = HeatColormap.color(at: 0.5)
        #expect(c.pixel(x: 2, y: 0) == mid.over(.black, alpha: 0.25))
    }

    @Test func heatOverlayRefusesBadInput() throws {
        var c = try Canvas(width: 2, height: 1)
        #expect(throws: DrawingError.self) { try c.overlayHeatmap([0.5], maxAlpha: 0.5, threshold: 0) }
        #expect(throws: DrawingError.self) { try c.overlayHeatmap([0.5, .infinity], maxAlpha: 0.5, threshold: 0) }
        #expect(throws: DrawingError.self) { try c.overlayHeatmap([0.5, 0.5], maxAlpha: 1.5, threshold: 0) }
    }
}
