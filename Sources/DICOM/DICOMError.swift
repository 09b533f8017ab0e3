/// Why a DICOM file could not be read. Every case names the file (its path or the name it was given)
/// and, where known, the byte offset of the defect. Messages never contain patient data.
public struct DICOMError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of defect.
    public enum Kind: String, Sendable, Equatable {
        case notDICOM, truncated, lengthPastEnd, malformed, limitExceeded, unsupportedTransferSyntax
        case unsupportedCharacterSet, missingAttribute, invalidValue, unsupportedImage, decodeFailed, io
    }
    /// The file (path or caller-given name).
    public let file: String
    /// What kind of defect.
    public let kind: Kind
    /// Byte offset in the file where the defect was found, if known.
    public let offset: Int?
    /// Human-readable explanation (no patient data).
    public let detail: String

    /// Makes an error.
    public init(file: String, kind: Kind, offset: Int? = nil, detail: String) {
        self.file = file
        self.kind = kind
        self.offset = offset
        self.detail = detail
    }

    public var description: String {
        if let offset { return "\(file): \(detail) (at byte \(offset))" }
        return "\(file): \(detail)"
    }
}
