import Foundation

/// Why an ECG file could not be read. Every case names the file (last path component, or the name the
/// caller gave) and the defect; `description` is one sentence fit for a user and free of PHI (it never
/// quotes identifiers or comments, only structural values).
public enum ECGFormatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not exist.
    case fileNotFound(file: String)
    /// The file exists but could not be read (permissions, I/O error).
    case unreadable(file: String, reason: String)
    /// The extension/content matches no supported format.
    case unknownFormat(file: String, detail: String)
    /// A header line is malformed. `line` is 1-based.
    case malformedHeader(file: String, line: Int, reason: String)
    /// A feature the reader does not support (e.g. WFDB format 311, multi-segment records, skew).
    case unsupported(file: String, feature: String)
    /// Fewer bytes than the header promises.
    case truncatedData(file: String, expectedBytes: Int, actualBytes: Int)
    /// Header and data disagree in a way that is not truncation (e.g. extra bytes, partial frame).
    case lengthMismatch(file: String, detail: String)
    /// The declared size is beyond what the reader accepts (refused before allocating).
    case tooLarge(file: String, detail: String)
    /// A WFDB signal's checksum (16-bit sum of its samples) differs from the header's.
    case checksumMismatch(file: String, signal: String, expected: Int, actual: Int)
    /// An annotation file is malformed at the given byte offset.
    case malformedAnnotation(file: String, byteOffset: Int, reason: String)
    /// A CSV cell or row is malformed. `row` and `column` are 1-based (row counts file lines).
    case malformedCSV(file: String, row: Int, column: Int?, reason: String)
    /// No sampling rate was given by the file or the options.
    case missingSamplingRate(file: String)
    /// An XML document is malformed or lacks a required element.
    case malformedXML(file: String, reason: String)
    /// A base64 payload does not decode.
    case badBase64(file: String, lead: String)
    /// The leads of one waveform have different lengths.
    case unequalLeadLengths(file: String, detail: String)
    /// A field holds an impossible value (non-positive rate, zero gain, unknown unit…).
    case invalidValue(file: String, field: String, value: String)
    /// The file holds no ECG lead.
    case noLeads(file: String)
    /// The file holds channels but none is an ECG lead; `channels` lists them ("label (unit): kind").
    case noECGChannel(file: String, channels: [String])
    /// A DICOM file is malformed at the DICOM level (truncated element, bad length, unsupported transfer
    /// syntax) or lacks an attribute or sequence the ECG waveform needs; `detail` names it (no PHI).
    case malformedDICOM(file: String, detail: String)

    /// The file the error is about.
    public var file: String {
        switch self {
        case .fileNotFound(let f), .unreadable(let f, _), .unknownFormat(let f, _), .malformedHeader(let f, _, _),
             .unsupported(let f, _), .truncatedData(let f, _, _), .lengthMismatch(let f, _), .tooLarge(let f, _),
             .checksumMismatch(let f, _, _, _), .malformedAnnotation(let f, _, _), .malformedCSV(let f, _, _, _),
             .missingSamplingRate(let f), .malformedXML(let f, _), .badBase64(let f, _),
             .unequalLeadLengths(let f, _), .invalidValue(let f, _, _), .noLeads(let f), .malformedDICOM(let f, _),
             .noECGChannel(let f, _):
            return f
        }
    }

    /// One line: `<file>: <defect>`.
    public var description: String {
        switch self {
        case .fileNotFound(let f): return "\(f): file not found"
        case .unreadable(let f, let r): return "\(f): cannot be read (\(r))"
        case .unknownFormat(let f, let d): return "\(f): not a supported ECG format (\(d))"
        case .malformedHeader(let f, let l, let r): return "\(f): line \(l): malformed header: \(r)"
        case .unsupported(let f, let what): return "\(f): unsupported: \(what)"
        case .truncatedData(let f, let e, let a):
            return "\(f): truncated: header needs \(e) bytes of samples, file has \(a)"
        case .lengthMismatch(let f, let d): return "\(f): header and data disagree: \(d)"
        case .tooLarge(let f, let d): return "\(f): refused, too large: \(d)"
        case .checksumMismatch(let f, let s, let e, let a):
            return "\(f): checksum mismatch for signal \(s): header says \(e), samples sum to \(a)"
        case .malformedAnnotation(let f, let o, let r): return "\(f): byte \(o): malformed annotation: \(r)"
        case .malformedCSV(let f, let row, let col, let r):
            return "\(f): row \(row)\(col.map { ", column \($0)" } ?? ""): \(r)"
        case .missingSamplingRate(let f):
            return "\(f): no sampling rate (give one in the options or a '# sampling_rate_hz: N' line)"
        case .malformedXML(let f, let r): return "\(f): malformed XML: \(r)"
        case .badBase64(let f, let lead): return "\(f): waveform data of lead \(lead) is not valid base64"
        case .unequalLeadLengths(let f, let d): return "\(f): leads differ in length (\(d))"
        case .invalidValue(let f, let field, let v): return "\(f): invalid \(field): \(v)"
        case .noLeads(let f): return "\(f): no ECG lead found"
        case .noECGChannel(let f, let c):
            let shown = c.prefix(8).joined(separator: "; ") + (c.count > 8 ? "; …" : "")
            return "\(f): no ECG channel: the file's \(c.count) channel(s) are not ECG leads (\(shown))"
        case .malformedDICOM(let f, let d): return "\(f): malformed DICOM ECG: \(d)"
        }
    }
}

/// Reads a whole file, mapping Foundation errors to `ECGFormatError`, refusing files above `maxBytes`
/// before reading them.
func readFileBytes(_ url: URL, maxBytes: Int) throws -> Data {
    let name = url.lastPathComponent
    let fm = FileManager.default
    var isDir: ObjCBool = false
    guard fm.fileExists(atPath: url.path, isDirectory: &isDir) else { throw ECGFormatError.fileNotFound(file: name) }
    if isDir.boolValue { throw ECGFormatError.unreadable(file: name, reason: "is a directory") }
    let size = ((try? fm.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.intValue
    if let size, size > maxBytes {
        throw ECGFormatError.tooLarge(file: name, detail: "\(size) bytes, limit \(maxBytes)")
    }
    // Data(contentsOf:) leaks a 4 KiB buffer per call on an empty file (Swift 6.3.1 on Linux; found by
    // fuzzing with LeakSanitizer), so empty files are not handed to it.
    if size == 0 { return Data() }
    do { return try Data(contentsOf: url) } catch {
        throw ECGFormatError.unreadable(file: name, reason: "I/O error")
    }
}

/// The size of a file in bytes, or `ECGFormatError.fileNotFound`.
func fileSize(_ url: URL) throws -> Int {
    let name = url.lastPathComponent
    guard let attrs = try? FileManager.default.attributesOfItem(atPath: url.path) else {
        throw ECGFormatError.fileNotFound(file: name)
    }
    if (attrs[.type] as? FileAttributeType) == .typeDirectory {
        throw ECGFormatError.unreadable(file: name, reason: "is a directory")
    }
    return (attrs[.size] as? NSNumber)?.intValue ?? 0
}
