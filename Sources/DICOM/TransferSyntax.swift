/// The transfer syntaxes the parser knows (PS3.5 §10 and PS3.6 Annex A), and whether it reads them.
public struct TransferSyntax: Hashable, Sendable, CustomStringConvertible {
    /// The transfer syntax UID.
    public let uid: String

    /// Makes a value from a UID (trailing NUL/space padding removed).
    public init(uid: String) {
        var u = Substring(uid)
        while let l = u.last, l == "\0" || l == " " { u.removeLast() }
        self.uid = String(u)
    }

    public static let implicitVRLittleEndian = TransferSyntax(uid: "1.2.840.10008.1.2")
    public static let explicitVRLittleEndian = TransferSyntax(uid: "1.2.840.10008.1.2.1")
    public static let deflatedExplicitVRLittleEndian = TransferSyntax(uid: "1.2.840.10008.1.2.1.99")
    public static let explicitVRBigEndian = TransferSyntax(uid: "1.2.840.10008.1.2.2")
    public static let jpegLosslessProcess14 = TransferSyntax(uid: "1.2.840.10008.1.2.4.57")
    public static let jpegLosslessSV1 = TransferSyntax(uid: "1.2.840.10008.1.2.4.70")
    public static let jpeg2000Lossless = TransferSyntax(uid: "1.2.840.10008.1.2.4.90")
    public static let jpeg2000 = TransferSyntax(uid: "1.2.840.10008.1.2.4.91")

    /// How the pixel data of this syntax is stored.
    public enum PixelEncoding: Sendable { case native, jpegLossless, jpeg2000, other }

    /// Whether the data set after the file meta information uses implicit VR.
    public var isImplicitVR: Bool { self == .implicitVRLittleEndian }

    /// Data set encodings this parser reads: implicit VR LE, explicit VR LE, and the known encapsulated
    /// syntaxes (explicit VR LE data set). Deflate, big endian and unknown UIDs are refused.
    public var dataSetIsReadable: Bool {
        self != .deflatedExplicitVRLittleEndian && self != .explicitVRBigEndian && name != "unknown transfer syntax"
    }

    /// How the pixel data is encoded; `.other` syntaxes are parsed but their pixels are refused.
    public var pixelEncoding: PixelEncoding {
        switch self {
        case .implicitVRLittleEndian, .explicitVRLittleEndian: return .native
        case .jpegLosslessSV1, .jpegLosslessProcess14: return .jpegLossless
        case .jpeg2000Lossless, .jpeg2000: return .jpeg2000
        default: return .other
        }
    }

    /// A readable name for error messages.
    public var name: String {
        switch self {
        case .implicitVRLittleEndian: return "Implicit VR Little Endian"
        case .explicitVRLittleEndian: return "Explicit VR Little Endian"
        case .deflatedExplicitVRLittleEndian: return "Deflated Explicit VR Little Endian"
        case .explicitVRBigEndian: return "Explicit VR Big Endian (retired)"
        case .jpegLosslessProcess14: return "JPEG Lossless, Non-Hierarchical (Process 14)"
        case .jpegLosslessSV1: return "JPEG Lossless, Process 14, Selection Value 1"
        case .jpeg2000Lossless: return "JPEG 2000 Image Compression (Lossless Only)"
        case .jpeg2000: return "JPEG 2000 Image Compression"
        case TransferSyntax(uid: "1.2.840.10008.1.2.4.50"): return "JPEG Baseline (Process 1)"
        case TransferSyntax(uid: "1.2.840.10008.1.2.4.51"): return "JPEG Extended (Process 2 & 4)"
        case TransferSyntax(uid: "1.2.840.10008.1.2.4.80"): return "JPEG-LS Lossless"
        case TransferSyntax(uid: "1.2.840.10008.1.2.4.81"): return "JPEG-LS Lossy (Near-Lossless)"
        case TransferSyntax(uid: "1.2.840.10008.1.2.5"): return "RLE Lossless"
        case TransferSyntax(uid: "1.2.840.10008.1.2.4.92"): return "JPEG 2000 Part 2 Multi-component (Lossless Only)"
        case TransferSyntax(uid: "1.2.840.10008.1.2.4.93"): return "JPEG 2000 Part 2 Multi-component"
        case TransferSyntax(uid: "1.2.840.10008.1.2.4.201"): return "High-Throughput JPEG 2000 (Lossless Only)"
        case TransferSyntax(uid: "1.2.840.10008.1.2.4.202"): return "High-Throughput JPEG 2000 with RPCL (Lossless Only)"
        case TransferSyntax(uid: "1.2.840.10008.1.2.4.203"): return "High-Throughput JPEG 2000"
        case TransferSyntax(uid: "1.2.840.10008.1.2.1.98"): return "Encapsulated Uncompressed Explicit VR Little Endian"
        default: return "unknown transfer syntax"
        }
    }

    public var description: String { "\(uid) (\(name))" }
}
