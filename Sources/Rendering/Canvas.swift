import Foundation

/// An RGB8 raster: `width × height` pixels, row-major from the top-left corner, 3 bytes per pixel.
///
/// Drawing calls clip to the canvas: whatever falls outside is dropped, never an error. Calls whose
/// inputs cannot be drawn (a heat map of the wrong size, a NaN value) throw ``DrawingError``.
///
/// ```swift
/// var canvas = try Canvas(width: 320, height: 200, background: .white)
/// canvas.fillRect(x: 10, y: 10, width: 50, height: 20, color: RGB(200, 0, 0))
/// canvas.strokePolyline([Point(x: 0, y: 100), Point(x: 319, y: 50)], color: .black, width: 2)
/// canvas.drawText("Lead II", x: 12, y: 40, scale: 2, color: .black)
/// try canvas.writePNG(to: URL(fileURLWithPath: "out.png"))
/// ```
public struct Canvas: Sendable, Equatable {
    /// Width in pixels (> 0).
    public let width: Int
    /// Height in pixels (> 0).
    public let height: Int
    /// Row-major RGB bytes, `width × height × 3` of them.
    public internal(set) var pixels: [UInt8]

    /// The largest side accepted, in pixels (libpng's simplified API and memory both stay comfortable).
    public static let maxSide = 1 << 15

    /// A canvas filled with `background`.
    /// - Throws: ``DrawingError`` when a side is not in 1…``maxSide``.
    public init(width: Int, height: Int, background: RGB = .white) throws {
        try Self.checkSize(width, height)
        self.width = width
        self.height = height
        var bytes = [UInt8](repeating: 0, count: width * height * 3)
        if background != .black {
            bytes.withUnsafeMutableBufferPointer { b in
                var i = 0
                while i < b.count {
                    b[i] = background.r
                    b[i + 1] = background.g
                    b[i + 2] = background.b
                    i += 3
                }
            }
        }
        pixels = bytes
    }

    /// A canvas over existing RGB bytes (row-major, 3 per pixel).
    /// - Throws: ``DrawingError`` when the size is invalid or `pixels.count != width × height × 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        try Self.checkSize(width, height)
        guard pixels.count == width * height * 3 else {
            throw DrawingError("canvas \(width)x\(height) needs \(width * height * 3) RGB bytes, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    static func checkSize(_ width: Int, _ height: Int) throws {
        guard (1...maxSide).contains(width), (1...maxSide).contains(height) else {
            throw DrawingError("canvas size \(width)x\(height) is empty or larger than \(maxSide) px a side")
        }
    }

    /// The colour at (`x`, `y`), or nil outside the canvas.
    public func pixel(x: Int, y: Int) -> RGB? {
        guard x >= 0, y >= 0, x < width, y < height else { return nil }
        let i = (y * width + x) * 3
        return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// Sets (`x`, `y`) to `color`; does nothing outside the canvas.
    public mutating func setPixel(x: Int, y: Int, color: RGB) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = (y * width + x) * 3
        pixels[i] = color.r
        pixels[i + 1] = color.g
        pixels[i + 2] = color.b
    }

    /// Blends `color` over (`x`, `y`) with opacity `alpha` (see ``RGB/over(_:alpha:)``); does nothing
    /// outside the canvas or for `alpha ≤ 0`.
    public mutating func blendPixel(x: Int, y: Int, color: RGB, alpha: Double) {
        guard x >= 0, y >= 0, x < width, y < height, alpha > 0 else { return }
        let i = (y * width + x) * 3
        let mixed = color.over(RGB(pixels[i], pixels[i + 1], pixels[i + 2]), alpha: alpha)
        pixels[i] = mixed.r
        pixels[i + 1] = mixed.g
        pixels[i + 2] = mixed.b
    }

    /// Writes the canvas as an 8-bit RGB PNG.
    /// - Throws: ``RenderingError`` naming the file when it cannot be written.
    public func writePNG(to url: URL) throws {
        try PNGWriter.writeRGB8(pixels, width: width, height: height, to: url)
    }

    /// The canvas as 8-bit gray levels, `round(luminance)` of each pixel (exact for gray canvases).
    public func grayLevels() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: width * height)
        for p in 0..<(width * height) {
            let c = RGB(pixels[3 * p], pixels[3 * p + 1], pixels[3 * p + 2])
            out[p] = UInt8(min(255, c.luminance.rounded()))
        }
        return out
    }

    /// Writes the canvas as an 8-bit grayscale PNG of ``grayLevels()``.
    /// - Throws: ``RenderingError`` naming the file when it cannot be written.
    public func writeGrayPNG(to url: URL) throws {
        try PNGWriter.writeGray8(grayLevels(), width: width, height: height, to: url)
    }
}
