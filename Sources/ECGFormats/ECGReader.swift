import DICOM
import Foundation

/// Entry point for `vigil ecg convert`: reads any supported ECG file into an `ECGRecord`.
public enum ECGReader {
    /// Reads `url`, choosing the reader by extension and content:
    /// - `.hea` (or a path without extension next to `<path>.hea`) → WFDB;
    /// - `.csv`, `.tsv` → CSV;
    /// - text starting `# OpenSignals Text File Format` → OpenSignals (BITalino ECG);
    /// - `.xml` or content starting with `<` → by root element: `RestingECG` → GE MUSE,
    ///   `AnnotatedECG` → HL7 aECG, `CardiologyXML` → GE CardioSoft (`CardioSoftXMLReader`), `restingecgdata` → Philips SierraECG
    ///   (`PhilipsXMLReader`; UTF-16 files are recognised by their byte-order mark);
    /// - `.dcm`, or content with the DICOM `DICM` magic at byte 128 (or starting with file meta information)
    ///   → DICOM ECG waveform (`DICOMECGReader`).
    /// - Throws: `ECGFormatError.unknownFormat` for anything else, or the chosen reader's error.
    public static func read(url: URL, options: ECGReadOptions = .init()) throws -> ECGRecord {
        let name = url.lastPathComponent
        let ext = url.pathExtension.lowercased()
        switch ext {
        case "hea": return try WFDBReader.read(url: url, options: options)
        case "csv", "tsv": return try CSVECGReader.read(url: url, options: options)
        case "dcm", "dicom": return try DICOMECGReader.read(url: url, options: options)
        case "dat", "atr":
            let hea = url.deletingPathExtension().appendingPathExtension("hea")
            if FileManager.default.fileExists(atPath: hea.path) { return try WFDBReader.read(url: hea, options: options) }
            throw ECGFormatError.unknownFormat(file: name, detail: "WFDB .\(ext) file without its .hea header")
        case "":
            let hea = url.appendingPathExtension("hea")
            if FileManager.default.fileExists(atPath: hea.path) { return try WFDBReader.read(url: hea, options: options) }
        default: break
        }
        let data = try readFileBytes(url, maxBytes: options.maxFileBytes)
        let firstByte = data.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF) })
        let utf16BOM = data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF])
        if ext == "xml" || firstByte == UInt8(ascii: "<") || utf16BOM {
            let root = try XMLTree.parse(data, file: name)
            switch root.name {
            case "RestingECG": return try MUSEXMLReader.read(root: root, file: name, options: options)
            case "AnnotatedECG": return try HL7aECGReader.read(root: root, file: name)
            case "CardiologyXML": return try CardioSoftXMLReader.read(root: root, file: name, options: options)
            case "restingecgdata": return try PhilipsXMLReader.read(root: root, file: name, options: options)
            default:
                throw ECGFormatError.unknownFormat(file: name, detail: "XML root element '\(root.name)'")
            }
        }
        if OpenSignalsReader.looksLikeOpenSignals(data) { return try OpenSignalsReader.parse(data, file: name) }
        if DICOMFile.looksLikeDICOM(ArraySlice([UInt8](data.prefix(132)))) {
            return try DICOMECGReader.parse([UInt8](data), file: name)
        }
        throw ECGFormatError.unknownFormat(file: name, detail: "extension '.\(ext)' and content match no ECG format")
    }
}
