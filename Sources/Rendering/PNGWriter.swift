import CPNG
import Foundation

/// An error writing an image file, naming the file.
public struct RenderingError: Error, CustomStringConvertible, Sendable {
    /// The file being written.
    public let path: String
    /// What went wrong.
    public let detail: String

    /// Creates an error for `path`.
    public init(path: String, detail: String) {
        self.path = path
        self.detail = detail
    }

    /// "path: detail".
    public var description: String { "\(path): \(detail)" }
}

/// Writes PNG files through libpng's simplified API (no setjmp; errors come back as messages).
///
/// ```swift
/// try PNGWriter.writeRGB8(pixels, width: 640, height: 480, to: URL(fileURLWithPath: "ecg.png"))
/// try PNGWriter.writeGray16(values, width: 512, height: 512, to: sliceURL)   // bit-exact round trip
/// ```
public enum PNGWriter {
    /// Writes 8-bit RGB, `pixels` row-major with 3 bytes per pixel (count = width × height × 3).
    public static func writeRGB8(_ pixels: [UInt8], width: Int, height: Int, to url: URL) throws {
        try write(pixels, width: width, height: height, channels: 3, format: UInt32(PNG_FORMAT_RGB), to: url)
    }

    /// Writes 8-bit grayscale, `pixels` row-major (count = width × height).
    public static func writeGray8(_ pixels: [UInt8], width: Int, height: Int, to url: URL) throws {
        try write(pixels, width: width, height: height, channels: 1, format: UInt32(PNG_FORMAT_GRAY), to: url)
    }

    /// Writes 16-bit grayscale, `values` row-major (count = width × height); read back bit-exactly by
    /// ImagingFormats' `GrayPNG.read`.
    public static func writeGray16(_ values: [UInt16], width: Int, height: Int, to url: URL) throws {
        try write(values, width: width, height: height, channels: 1, format: UInt32(PNG_FORMAT_LINEAR_Y), to: url)
    }

    private static func write<T>(_ buffer: [T], width: Int, height: Int, channels: Int, format: UInt32, to url: URL) throws {
        func fail(_ d: String) -> RenderingError { RenderingError(path: url.path, detail: d) }
        guard width > 0, height > 0, width <= 1 << 20, height <= 1 << 20 else {
            throw fail("image size \(width)x\(height) is empty or too large")
        }
        guard buffer.count == width * height * channels else {
            throw fail("pixel buffer holds \(buffer.count) values, expected \(width)×\(height)×\(channels)")
        }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = format
        let ok = buffer.withUnsafeBytes { raw in
            png_image_write_to_file(&image, url.path, 0, raw.baseAddress, 0, nil)
        }
        defer { png_image_free(&image) }
        guard ok != 0 else {
            let message = withUnsafeBytes(of: &image.message) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            throw fail("cannot write PNG (\(message))")
        }
    }
}
