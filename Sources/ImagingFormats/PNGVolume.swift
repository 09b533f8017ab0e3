import CPNG
import Foundation

/// The JSON sidecar that gives PNG slices their geometry and HU mapping.
///
/// Example (`volume.json` beside the PNG files):
/// ```json
/// {"format": "vigil-ct-png/1", "slices": ["s000.png", "s001.png"],
///  "pixelSpacingMM": [0.8, 0.8], "sliceSpacingMM": 2.5,
///  "orientation": [1, 0, 0, 0, 1, 0], "originMM": [-200, -200, -100],
///  "rescaleSlope": 1, "rescaleIntercept": -1024, "sliceOrder": "increasing"}
/// ```
public struct PNGSidecar: Codable, Sendable {
    /// Must be "vigil-ct-png/1".
    public var format: String
    /// PNG files (relative to the sidecar), one per slice, in `sliceOrder`.
    public var slices: [String]
    /// [row spacing, column spacing] in mm (as DICOM Pixel Spacing).
    public var pixelSpacingMM: [Double]
    /// Distance between slice centres in mm (required when there is more than one slice).
    public var sliceSpacingMM: Double?
    /// Direction cosines of the rows and the columns (6, as DICOM Image Orientation (Patient)).
    public var orientation: [Double]
    /// Position of the first voxel of the first listed slice in mm (3).
    public var originMM: [Double]
    /// HU = stored value × rescaleSlope + rescaleIntercept.
    public var rescaleSlope: Double
    /// HU = stored value × rescaleSlope + rescaleIntercept.
    public var rescaleIntercept: Double
    /// "increasing": listed slices go along +(row × column direction); "decreasing": the opposite.
    public var sliceOrder: String
    /// Optional series facts.
    public var metadata: SeriesMetadata?

    /// Makes a sidecar.
    public init(slices: [String], pixelSpacingMM: [Double], sliceSpacingMM: Double?, orientation: [Double],
                originMM: [Double], rescaleSlope: Double, rescaleIntercept: Double, sliceOrder: String = "increasing",
                metadata: SeriesMetadata? = nil) {
        self.format = "vigil-ct-png/1"
        self.slices = slices
        self.pixelSpacingMM = pixelSpacingMM
        self.sliceSpacingMM = sliceSpacingMM
        self.orientation = orientation
        self.originMM = originMM
        self.rescaleSlope = rescaleSlope
        self.rescaleIntercept = rescaleIntercept
        self.sliceOrder = sliceOrder
        self.metadata = metadata
    }
}

/// A grayscale PNG read through libpng's simplified API.
public struct GrayPNG: Sendable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// 8 or 16.
    public let bitDepth: Int
    /// Stored values, row-major (height × width): 0…255 for 8-bit files, 0…65535 for 16-bit files.
    public let values: [UInt16]

    /// Reads a PNG file. 16-bit files are read as linear 16-bit gray (bit-exact); 8-bit files as 8-bit gray
    /// (no gamma conversion). Colour files are refused.
    /// - Throws: `ImagingError` naming the file and the defect.
    public static func read(_ url: URL, maxPixels: Int = 1 << 26) throws -> GrayPNG {
        func fail(_ d: String) -> ImagingError { ImagingError(source: url.path, detail: d) }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, url.path) != 0 else {
            let m = message(&image)
            png_image_free(&image)
            throw fail("not a readable PNG (\(m))")
        }
        defer { png_image_free(&image) }
        let colour = image.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
        guard !colour else { throw fail("colour PNG: only grayscale is supported") }
        let w = Int(image.width), h = Int(image.height)
        guard w > 0, h > 0, w * h <= maxPixels else { throw fail("image size \(w)x\(h) is empty or larger than \(maxPixels) pixels") }
        let sixteen = image.format & UInt32(PNG_FORMAT_FLAG_LINEAR) != 0
        image.format = sixteen ? UInt32(PNG_FORMAT_LINEAR_Y) : UInt32(PNG_FORMAT_GRAY)
        let size = vigil_png_image_size(&image)
        var values = [UInt16](repeating: 0, count: w * h)
        if sixteen {
            let ok = values.withUnsafeMutableBytes { buf -> Int32 in
                guard buf.count >= size else { return 0 }
                return png_image_finish_read(&image, nil, buf.baseAddress, 0, nil)
            }
            guard ok != 0 else { throw fail("cannot decode PNG (\(message(&image)))") }
        } else {
            var bytes = [UInt8](repeating: 0, count: size)
            let ok = bytes.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
            guard ok != 0 else { throw fail("cannot decode PNG (\(message(&image)))") }
            for i in 0..<(w * h) { values[i] = UInt16(bytes[i]) }
        }
        return GrayPNG(width: w, height: h, bitDepth: sixteen ? 16 : 8, values: values)
    }

    static func message(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            let b = raw.prefix { $0 != 0 }
            return String(decoding: b, as: UTF8.self)
        }
    }
}

enum PNGVolume {
    static func read(sidecar url: URL) throws -> ImageVolume {
        func fail(_ d: String) -> ImagingError { ImagingError(source: url.path, detail: d) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw fail("cannot read sidecar: \(error.localizedDescription)") }
        guard data.count < 16 << 20 else { throw fail("sidecar is larger than 16 MiB") }
        let s: PNGSidecar
        do { s = try JSONDecoder().decode(PNGSidecar.self, from: data) } catch {
            throw fail("not a valid PNG volume sidecar: \(error)")
        }
        guard s.format == "vigil-ct-png/1" else { throw fail("sidecar format '\(s.format.prefix(32))' is not vigil-ct-png/1") }
        guard !s.slices.isEmpty else { throw fail("sidecar lists no slices") }
        guard s.pixelSpacingMM.count == 2, s.pixelSpacingMM.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw fail("pixelSpacingMM must be two positive numbers")
        }
        guard s.orientation.count == 6, s.originMM.count == 3, s.originMM.allSatisfy(\.isFinite) else {
            throw fail("orientation must have 6 numbers and originMM 3")
        }
        let r = Array(s.orientation[0..<3]), c = Array(s.orientation[3..<6])
        guard abs(dot(r, r) - 1) < 2e-3, abs(dot(c, c) - 1) < 2e-3, abs(dot(r, c)) < 1e-3 else {
            throw fail("orientation is not two orthogonal unit vectors")
        }
        guard s.rescaleSlope != 0, s.rescaleSlope.isFinite, s.rescaleIntercept.isFinite else { throw fail("invalid rescale slope/intercept") }
        guard s.sliceOrder == "increasing" || s.sliceOrder == "decreasing" else {
            throw fail("sliceOrder must be 'increasing' or 'decreasing'")
        }
        if s.slices.count > 1 {
            guard let sp = s.sliceSpacingMM, sp > 0, sp.isFinite else { throw fail("sliceSpacingMM must be positive for more than one slice") }
        }
        let dir = url.deletingLastPathComponent()
        var images: [GrayPNG] = []
        for name in s.slices {
            guard !name.hasPrefix("/"), !name.isEmpty else { throw fail("slice paths must be relative file names") }
            let png = try GrayPNG.read(dir.appendingPathComponent(name))
            if let f = images.first {
                guard png.width == f.width, png.height == f.height else {
                    throw fail("slice \(name) is \(png.width)x\(png.height), the first is \(f.width)x\(f.height)")
                }
                guard png.bitDepth == f.bitDepth else { throw fail("slice \(name) has bit depth \(png.bitDepth), the first \(f.bitDepth)") }
            }
            images.append(png)
        }
        var ordered = images
        var names = s.slices
        var origin = s.originMM
        let normal = cross(r, c)
        let spacing = s.sliceSpacingMM
        if s.sliceOrder == "decreasing" {
            ordered.reverse()
            names.reverse()
            let shift = Double(images.count - 1) * (spacing ?? 0)
            origin = (0..<3).map { origin[$0] - shift * normal[$0] }
        }
        let w = images[0].width, h = images[0].height
        var voxels = [Float](repeating: 0, count: ordered.count * w * h)
        for (k, img) in ordered.enumerated() {
            let base = k * w * h
            for i in 0..<(w * h) {
                voxels[base + i] = Float(Double(img.values[i]) * s.rescaleSlope + s.rescaleIntercept)
            }
        }
        let p0 = dot(origin, normal)
        var warnings: [String] = []
        if images[0].bitDepth == 8 { warnings.append("8-bit PNG slices: HU resolution is limited to 256 levels") }
        return ImageVolume(
            slices: ordered.count, rows: h, columns: w, voxels: voxels, rowSpacingMM: s.pixelSpacingMM[0],
            columnSpacingMM: s.pixelSpacingMM[1], sliceSpacingMM: spacing, rowDirection: r, columnDirection: c,
            originMM: origin, slicePositionsMM: (0..<ordered.count).map { p0 + Double($0) * (spacing ?? 0) },
            sliceSources: names.map { dir.appendingPathComponent($0).path }, metadata: s.metadata ?? SeriesMetadata(),
            warnings: warnings)
    }
}
