import CPNG
import DICOM
import Foundation

/// An 8-bit RGB image read from a PNG (the CT detector's saliency overlays).
public struct RGBImage: Sendable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Pixels, row-major, R G B interleaved (height × width × 3).
    public let rgb: [UInt8]

    /// Reads a PNG of any colour type as 8-bit RGB (libpng's simplified API; alpha is composed on black).
    /// - Throws: ``SecondaryCaptureError`` naming the file.
    public static func readPNG(_ url: URL, maxPixels: Int = 1 << 26) throws -> RGBImage {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, url.path) != 0 else {
            png_image_free(&image)
            throw SecondaryCaptureError(file: url.path, problem: "not a readable PNG")
        }
        defer { png_image_free(&image) }
        let w = Int(image.width), h = Int(image.height)
        guard w > 0, h > 0, w * h <= maxPixels else {
            throw SecondaryCaptureError(file: url.path, problem: "image size \(w)x\(h) is empty or too large")
        }
        image.format = UInt32(PNG_FORMAT_RGB)
        var bytes = [UInt8](repeating: 0, count: vigil_png_image_size(&image))
        var black = png_color(red: 0, green: 0, blue: 0)
        let ok = bytes.withUnsafeMutableBytes { png_image_finish_read(&image, &black, $0.baseAddress, 0, nil) }
        guard ok != 0 else { throw SecondaryCaptureError(file: url.path, problem: "cannot decode the PNG") }
        return RGBImage(width: w, height: h, rgb: Array(bytes.prefix(w * h * 3)))
    }
}

/// Why an overlay could not be turned into a Secondary Capture image.
public struct SecondaryCaptureError: Error, CustomStringConvertible, Sendable {
    /// The file.
    public let file: String
    /// What is wrong.
    public let problem: String
    public var description: String { "\(file): \(problem)" }
}

/// A DICOM Secondary Capture Image (1.2.840.10008.5.1.4.1.1.7) of a rendered overlay, in the study of the
/// CT it was derived from: same patient/study modules as the SR, its own series, Derivation Description
/// and Source Image Sequence naming the source slice, Image Type DERIVED\SECONDARY, Burned In
/// Annotation YES (the heat map is drawn into the pixels).
public struct SecondaryCapture: Sendable {
    /// Secondary Capture Image Storage.
    public static let sopClassUID = "1.2.840.10008.5.1.4.1.1.7"

    /// The picture.
    public let image: RGBImage
    /// The report whose patient/study modules it copies.
    public let report: MeasurementReport
    /// 1-based instance number in the overlay series.
    public let number: Int
    /// The caption, written as Derivation Description.
    public let caption: String?
    /// The source slice it was rendered from, when known.
    public let sourceSlice: Int?

    /// Creates an SC.
    public init(image: RGBImage, report: MeasurementReport, number: Int, caption: String?, sourceSlice: Int?) {
        self.image = image
        self.report = report
        self.number = number
        self.caption = caption
        self.sourceSlice = sourceSlice
    }

    /// Its SOP Instance UID (derived from the report and the number).
    public var sopInstanceUID: String { DICOMUID.derived("sc|\(report.key)|\(number)") }
    /// Its reference, for the SR's image library.
    public var reference: SOPReference { SOPReference(sopClassUID: Self.sopClassUID, sopInstanceUID: sopInstanceUID) }

    /// The data set.
    public func dataSet() -> DICOMWriteDataSet {
        let sr = report.dataSet()
        var d = DICOMWriteDataSet()
        // Patient and study modules exactly as in the SR.
        for tag in [(0x0010, 0x0010), (0x0010, 0x0020), (0x0010, 0x0021), (0x0010, 0x0030), (0x0010, 0x0040), (0x0008, 0x0020),
                    (0x0008, 0x0030), (0x0008, 0x0050), (0x0008, 0x0090), (0x0008, 0x1030), (0x0020, 0x000D), (0x0020, 0x0010),
                    (0x0008, 0x0012), (0x0008, 0x0013), (0x0008, 0x0201)]
        {
            let t = DICOMTag(UInt16(tag.0), UInt16(tag.1))
            if let e = sr.elements[t.value], case let .bytes(b) = e.value { d.set(t, e.vr, bytes: b) }
        }
        d.set(DICOMTag(0x0008, 0x0005), .CS, "ISO_IR 192")
        d.set(DICOMTag(0x0008, 0x0008), .CS, ["DERIVED", "SECONDARY"])
        d.set(DICOMTag(0x0008, 0x0016), .UI, Self.sopClassUID)
        d.set(DICOMTag(0x0008, 0x0018), .UI, sopInstanceUID)
        d.set(DICOMTag(0x0008, 0x0060), .CS, "OT")
        d.set(DICOMTag(0x0008, 0x0064), .CS, "SYN")  // Conversion Type: synthetic image
        d.set(DICOMTag(0x0008, 0x0070), .LO, "Vigil")
        if let caption { d.set(DICOMTag(0x0008, 0x2111), .ST, String(caption.prefix(1024))) }
        if let s = sourceSlice {
            let ref = report.slice(s)
            var item = DICOMWriteDataSet()
            item.set(DICOMTag(0x0008, 0x1150), .UI, ref.sopClassUID)
            item.set(DICOMTag(0x0008, 0x1155), .UI, ref.sopInstanceUID)
            if let f = ref.frame { item.set(DICOMTag(0x0008, 0x1160), .IS, String(f)) }
            d.set(DICOMTag(0x0008, 0x2112), items: [item])
        }
        d.set(DICOMTag(0x0018, 0x1016), .LO, "Vigil")  // Secondary Capture Device Manufacturer
        d.set(DICOMTag(0x0018, 0x1018), .LO, String((report.detector.modelName ?? report.detector.id).prefix(64)))
        d.set(DICOMTag(0x0018, 0x1019), .LO, [report.detector.version])
        d.set(DICOMTag(0x0020, 0x000E), .UI, report.overlaySeriesUID)
        d.setEmpty(DICOMTag(0x0020, 0x0060), .CS)  // Laterality, Type 2C: not a paired structure
        d.set(DICOMTag(0x0020, 0x0011), .IS, "9002")
        d.set(DICOMTag(0x0020, 0x0013), .IS, String(number))
        d.set(DICOMTag(0x0020, 0x0020), .CS, [])  // Patient Orientation, Type 2
        d.set(DICOMTag(0x0028, 0x0002), us: [3])
        d.set(DICOMTag(0x0028, 0x0004), .CS, "RGB")
        d.set(DICOMTag(0x0028, 0x0006), us: [0])
        d.set(DICOMTag(0x0028, 0x0010), us: [UInt16(image.height)])
        d.set(DICOMTag(0x0028, 0x0011), us: [UInt16(image.width)])
        d.set(DICOMTag(0x0028, 0x0100), us: [8])
        d.set(DICOMTag(0x0028, 0x0101), us: [8])
        d.set(DICOMTag(0x0028, 0x0102), us: [7])
        d.set(DICOMTag(0x0028, 0x0103), us: [0])
        d.set(DICOMTag(0x0028, 0x0301), .CS, "YES")  // Burned In Annotation
        d.set(DICOMTag(0x7FE0, 0x0010), .OB, bytes: image.rgb)
        return d
    }

    /// The SC as a DICOM Part 10 file.
    public func file() -> Data {
        DICOMPart10Writer.file(dataSet(), implementationClassUID: DICOMUID.implementationClassUID,
                               implementationVersion: DICOMUID.implementationVersion)
    }
}
