import Foundation

/// A parsed DICOM Part 10 file (PS3.10 §7): file meta information and the data set.
public struct DICOMFile: Sendable {
    /// The file's path, or the name given to `parse`.
    public let file: String
    /// Group 0002 file meta information.
    public let meta: DICOMDataSet
    /// The data set (everything after the file meta information).
    public let dataSet: DICOMDataSet
    /// The transfer syntax of the data set.
    public let transferSyntax: TransferSyntax
    /// False when the file had no 128-byte preamble and "DICM" magic but began directly with group 0002.
    public let hasPreamble: Bool
    /// Remarks about tolerated deviations from the standard (e.g. a missing preamble). No patient data.
    public let notes: [String]

    /// Reads and parses a file.
    /// - Parameters:
    ///   - url: the file.
    ///   - limits: parser limits (file size, nesting, counts).
    /// - Throws: `DICOMError` naming the file and the defect.
    public static func read(_ url: URL, limits: DICOMLimits = DICOMLimits()) throws -> DICOMFile {
        let path = url.path
        let size: Int
        do {
            let attrs = try FileManager.default.attributesOfItem(atPath: path)
            size = (attrs[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw DICOMError(file: path, kind: .io, detail: "cannot read file: \(error.localizedDescription)")
        }
        guard size <= limits.maxFileBytes else {
            throw DICOMError(file: path, kind: .limitExceeded, detail: "file is \(size) bytes, more than the \(limits.maxFileBytes)-byte limit")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DICOMError(file: path, kind: .io, detail: "cannot read file: \(error.localizedDescription)")
        }
        return try parse([UInt8](data), name: path, limits: limits)
    }

    /// Whether `bytes` look like a DICOM file (preamble + "DICM", or a leading group 0002 element).
    public static func looksLikeDICOM(_ bytes: ArraySlice<UInt8>) -> Bool {
        let b = Array(bytes.prefix(132))
        if b.count >= 132, b[128...131] == [0x44, 0x49, 0x43, 0x4D] { return true }
        return b.count >= 8 && b[0] == 0x02 && b[1] == 0x00 && (65...90).contains(b[4]) && (65...90).contains(b[5])
    }

    /// Parses a whole file held in memory.
    /// - Parameters:
    ///   - bytes: the file's bytes.
    ///   - name: the name used in errors (a path).
    ///   - limits: parser limits.
    /// - Throws: `DICOMError` naming `name` and the defect.
    public static func parse(_ bytes: [UInt8], name: String, limits: DICOMLimits = DICOMLimits()) throws -> DICOMFile {
        guard bytes.count <= limits.maxFileBytes else {
            throw DICOMError(file: name, kind: .limitExceeded, detail: "file is \(bytes.count) bytes, more than the \(limits.maxFileBytes)-byte limit")
        }
        var notes: [String] = []
        var start: Int
        let hasPreamble: Bool
        if bytes.count >= 132, bytes[128] == 0x44, bytes[129] == 0x49, bytes[130] == 0x43, bytes[131] == 0x4D {
            start = 132
            hasPreamble = true
        } else if bytes.count >= 8, bytes[0] == 0x02, bytes[1] == 0x00, (65...90).contains(bytes[4]), (65...90).contains(bytes[5]) {
            start = 0
            hasPreamble = false
            notes.append("no 128-byte preamble and 'DICM' magic: the file starts directly with the file meta information")
        } else {
            throw DICOMError(file: name, kind: .notDICOM, offset: bytes.count >= 132 ? 128 : 0,
                             detail: bytes.count < 132
                                ? "not a DICOM file: only \(bytes.count) bytes and no file meta information"
                                : "not a DICOM file: no 'DICM' magic at byte 128 and no file meta information at byte 0")
        }
        var parser = DICOMParser(bytes: bytes, file: name, limits: limits, position: start)
        // File meta information: always explicit VR little endian, group 0002.
        let meta = try parser.readDataSet(implicit: false, end: bytes.count, depth: 0, characterSet: "", stopAtGroupChange: 0x0002)
        guard let tsString = try meta.string(.transferSyntaxUID) else {
            throw DICOMError(file: name, kind: .missingAttribute, offset: start, detail: "file meta information has no Transfer Syntax UID (0002,0010)")
        }
        let ts = TransferSyntax(uid: tsString)
        guard ts.dataSetIsReadable else {
            throw DICOMError(file: name, kind: .unsupportedTransferSyntax, offset: parser.position,
                             detail: "transfer syntax \(ts) is not supported (supported: implicit and explicit VR little endian, JPEG Lossless, JPEG 2000)")
        }
        start = parser.position
        var implicit = ts.isImplicitVR
        // Some writers declare explicit VR but write implicit VR (or the reverse): detect from the first element.
        if bytes.count - start >= 6 {
            let vrLooksValid = (65...90).contains(bytes[start + 4]) && (65...90).contains(bytes[start + 5])
            if !implicit && !vrLooksValid {
                implicit = true
                notes.append("transfer syntax says explicit VR but the data set is implicit VR: read as implicit VR")
            } else if implicit && vrLooksValid {
                let tag = DICOMTag(UInt16(bytes[start]) | UInt16(bytes[start + 1]) << 8, UInt16(bytes[start + 2]) | UInt16(bytes[start + 3]) << 8)
                let code = UInt16(bytes[start + 4]) << 8 | UInt16(bytes[start + 5])
                if let dv = DICOMDictionary.vr(of: tag), dv.code == code {
                    implicit = false
                    notes.append("transfer syntax says implicit VR but the data set is explicit VR: read as explicit VR")
                }
            }
        }
        let ds = try parser.readDataSet(implicit: implicit, end: bytes.count, depth: 0, characterSet: "")
        return DICOMFile(file: name, meta: meta, dataSet: ds, transferSyntax: ts, hasPreamble: hasPreamble, notes: notes)
    }
}
