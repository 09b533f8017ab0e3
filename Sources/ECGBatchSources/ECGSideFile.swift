import BatchScoring
import Foundation

/// A file under an ECG folder that is not an ECG record — a manifest, a labels or beats table, a README,
/// JSON metadata, a WFDB record's signal file — with the reason it is skipped.
///
/// Recognition looks at the file's content (its first 16 KiB), never at its name alone: a CSV is a side
/// file only when one of its columns holds text in every row *and* those values name files or records of
/// the folder (a manifest's `path` column, a labels table's `record` column); a text file only when it
/// reads as prose or as a list of the folder's record names. A file that merely fails to parse (a CSV
/// with a corrupt cell, an XML of an unknown vendor) is not recognised and stays an input, so that the
/// batch records it as an error with the reader's reason.
///
/// ```swift
/// if let side = ECGSideFile.recognize(url) { print("\(url.lastPathComponent): \(side.reason)") }
/// ```
public struct ECGSideFile: Sendable, Hashable {
    /// What kind of non-ECG file it is.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A signal or annotation file of a WFDB record (same base name as a `.hea` beside it): read
        /// with its header, not on its own.
        case wfdbPart
        /// A table with a column of ECG file paths (a batch manifest).
        case manifest
        /// A table whose rows are about records of the folder (labels, beat lists, measurements).
        case recordTable
        /// One record name per line (PhysioNet's `RECORDS`).
        case recordList
        /// Lines of `digest  file` (SHA256SUMS, MD5SUMS).
        case checksums
        /// Prose: a README, notes, a licence.
        case document
        /// JSON (metadata, a model card, findings).
        case json
        /// A picture or a PDF.
        case image
        /// An extension no ECG reader takes, and content not recognised as any of the above.
        case otherFormat
    }

    /// The file.
    public let url: URL
    /// What it is.
    public let kind: Kind
    /// Why it is skipped, in one line (names columns and counts, never cell values other than record names).
    public let reason: String

    /// Creates a side file.
    public init(url: URL, kind: Kind, reason: String) {
        self.url = url
        self.kind = kind
        self.reason = reason
    }

    /// Bytes read from each file to recognise it.
    public static let peekBytes = 16 * 1024

    /// Extensions some ECG reader takes (see ``ECGFolderSource/inputExtensions``); files with any other
    /// extension are always side files.
    static let readerExtensions = ECGFolderSource.inputExtensions

    /// Extensions a record's other files may have, for matching a table's record names to the folder.
    static let recordExtensions = ["hea", "csv", "tsv", "xml", "dcm", "txt", "dat", "mat", "edf", "atr"]

    /// Recognises `url` as a side file, or returns nil when it may be an ECG record (an input).
    ///
    /// A file with an extension no ECG reader takes is always a side file (the reason says what its
    /// content looks like); a file with a reader's extension (or none) is one only on positive evidence
    /// from its content, as described on the type.
    public static func recognize(_ url: URL) -> ECGSideFile? {
        let ext = url.pathExtension.lowercased()
        let folder = url.deletingLastPathComponent()
        let base = url.deletingPathExtension().lastPathComponent
        let fm = FileManager.default
        if ext != "hea", fm.fileExists(atPath: folder.appendingPathComponent(base + ".hea").path),
           ext.isEmpty || !readerExtensions.contains(ext)
        {
            return ECGSideFile(url: url, kind: .wfdbPart, reason: "part of WFDB record \(base) (read with \(base).hea)")
        }
        let isReaderFormat = ext.isEmpty || readerExtensions.contains(ext)
        if ext == "hea" || ext == "dcm" || ext == "dicom" || ext == "xml" { return nil }
        guard let bytes = peek(url) else {
            // Unreadable here: an input with a reader's extension (the batch reports it), else skipped.
            return isReaderFormat ? nil : ECGSideFile(url: url, kind: .otherFormat, reason: notAFormat(ext))
        }
        if let side = recognizeContent(bytes, url: url, ext: ext, folder: folder, complete: bytes.count < peekBytes) {
            return side
        }
        return isReaderFormat ? nil : ECGSideFile(url: url, kind: .otherFormat, reason: notAFormat(ext))
    }

    private static func notAFormat(_ ext: String) -> String {
        "not an ECG format Vigil reads (.\(ext))"
    }

    private static func peek(_ url: URL) -> Data? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        return try? handle.read(upToCount: peekBytes) ?? Data()
    }

    /// The content rules (see the type's description). `complete`: `bytes` is the whole file.
    static func recognizeContent(_ bytes: Data, url: URL, ext: String, folder: URL, complete: Bool) -> ECGSideFile? {
        func side(_ kind: Kind, _ reason: String) -> ECGSideFile { ECGSideFile(url: url, kind: kind, reason: reason) }
        let head = [UInt8](bytes.prefix(8))
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return side(.image, "a PNG image, not an ECG record") }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return side(.image, "a JPEG image, not an ECG record") }
        if head.starts(with: Array("%PDF".utf8)) { return side(.image, "a PDF document, not an ECG record") }
        if bytes.contains(0) { return nil }  // binary: a reader decides
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let trimmed = text.drop { $0.isWhitespace }
        if trimmed.first == "{" || trimmed.first == "[" {
            if complete, (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8), options: [.fragmentsAllowed])) != nil {
                return side(.json, "JSON metadata, not an ECG record")
            }
            if ext == "json" { return side(.json, complete ? "a .json file that is not valid JSON, not an ECG record" : "JSON metadata, not an ECG record") }
        }
        if trimmed.first == "<" { return nil }  // XML: the reader decides by its root element
        var lines = text.split(omittingEmptySubsequences: true) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        if !complete, lines.count > 1 { lines.removeLast() }  // cut mid-line
        lines = lines.filter { !$0.allSatisfy(\.isWhitespace) }
        guard !lines.isEmpty else { return nil }
        let dataLines = lines.filter { !$0.drop { $0 == " " || $0 == "\t" }.hasPrefix("#") }

        if let table = TextTable(lines: dataLines.prefix(41)) {
            if let side = tableSideFile(table, url: url, folder: folder) { return side }
            if table.numericRowFraction >= 0.9 { return nil }
        }
        // Not a table of a known kind: a list of the folder's record names, or prose.
        let tokens = dataLines.prefix(40).map { $0.trimmingCharacters(in: .whitespaces) }
        if !["csv", "tsv"].contains(ext), tokens.count >= 1, tokens.allSatisfy({ !$0.contains(where: \.isWhitespace) && !$0.contains(",") }) {
            let found = tokens.filter { isRecord($0, in: folder) }.count
            if Double(found) >= 0.8 * Double(tokens.count) {
                return side(.recordList, "a list of record names (\(found) of the first \(tokens.count) are records of this folder), not an ECG record")
            }
        }
        let numericLines = dataLines.prefix(200).filter { line in
            let cells = line.split { $0 == "," || $0 == ";" || $0 == "\t" || $0 == " " }
            return !cells.isEmpty && cells.allSatisfy { Double($0) != nil }
        }.count
        let sample = lines.prefix(200)
        let prose = sample.filter(isProse).count
        if numericLines * 10 < dataLines.prefix(200).count, prose * 2 >= sample.count {
            return side(.document, "a text document (\(prose) of \(sample.count) lines are prose), not an ECG record")
        }
        return nil
    }

    /// A table's side-file evidence: a text column naming the folder's files (manifest) or records
    /// (record table), or digest + file lines (checksums).
    private static func tableSideFile(_ table: TextTable, url: URL, folder: URL) -> ECGSideFile? {
        let rows = table.rows
        guard !rows.isEmpty else { return nil }
        func name(_ column: Int) -> String {
            if let header = table.header, column < header.count, !header[column].isEmpty { return "'\(header[column])'" }
            return "\(column + 1)"
        }
        if table.columns == 2, rows.allSatisfy({ isHexDigest($0[0]) }) {
            let found = rows.prefix(20).filter { FileManager.default.fileExists(atPath: folder.appendingPathComponent(cleanPath($0[1])).path) }.count
            if found > 0 {
                return ECGSideFile(url: url, kind: .checksums, reason: "a checksum list (digest and file per line), not an ECG record")
            }
        }
        for column in 0..<table.columns {
            let values = rows.map { column < $0.count ? $0[column] : "" }
            let text = values.filter { !$0.isEmpty && !TextTable.isNumber($0) }
            guard Double(text.count) >= 0.9 * Double(rows.count) else { continue }
            let sample = Array(text.prefix(20))
            let files = sample.filter { FileManager.default.fileExists(atPath: folder.appendingPathComponent(cleanPath($0)).path) && !$0.hasSuffix("/") }
            let ecgNamed = sample.filter { recordExtensions.contains(URL(fileURLWithPath: cleanPath($0)).pathExtension.lowercased()) }
            if files.count * 2 >= sample.count || ecgNamed.count * 5 >= sample.count * 4 {
                let where_ = files.isEmpty ? "none of the first \(sample.count) found beside it" : "\(files.count) of the first \(sample.count) found beside it"
                return ECGSideFile(url: url, kind: .manifest, reason:
                    "a manifest, not an ECG record: column \(name(column)) lists ECG files (\(where_)); "
                    + "to use it, give it to `vigil batch ecg` instead of the folder")
            }
            let records = sample.filter { isRecord($0, in: folder) }
            if records.count * 2 >= sample.count {
                return ECGSideFile(url: url, kind: .recordTable, reason:
                    "a table about records, not an ECG record: column \(name(column)) names records of this folder "
                    + "(\(records.count) of the first \(sample.count)); \(table.columns) columns")
            }
        }
        return nil
    }

    /// Whether `name` is a record of `folder`: a file of that name, or of that name plus a record extension.
    static func isRecord(_ name: String, in folder: URL) -> Bool {
        let name = cleanPath(name)
        guard !name.isEmpty, !name.hasPrefix("."), name.count < 256 else { return false }
        let fm = FileManager.default
        let url = folder.appendingPathComponent(name)
        var isFolder: ObjCBool = false
        if fm.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue { return true }
        return recordExtensions.contains { fm.fileExists(atPath: url.appendingPathExtension($0).path) }
    }

    private static func cleanPath(_ s: String) -> String {
        var s = s.trimmingCharacters(in: .whitespaces)
        if s.hasPrefix("*") { s.removeFirst() }  // sha256sum's binary-mode marker
        if s.count >= 2, s.first == "\"", s.last == "\"" { s = String(s.dropFirst().dropLast()) }
        return s
    }

    private static func isHexDigest(_ s: String) -> Bool {
        [32, 40, 64, 128].contains(s.count) && s.allSatisfy(\.isHexDigit)
    }

    /// A line of prose: at least three words of letters, letters at least half its visible characters,
    /// and not a row of numbers.
    static func isProse(_ line: Substring) -> Bool {
        let visible = line.filter { !$0.isWhitespace }
        guard !visible.isEmpty else { return false }
        let letters = visible.filter(\.isLetter).count
        let words = line.split { !$0.isLetter }.filter { $0.count >= 2 }.count
        return words >= 3 && letters * 2 >= visible.count
    }
}

/// The first lines of a delimited text file, split into cells (first row as header when it holds text).
struct TextTable {
    let delimiter: Character?
    let columns: Int
    let header: [String]?
    let rows: [[String]]

    /// Splits `lines` with the delimiter (`,`, tab, `;`, or runs of spaces) that gives the same number
    /// of cells (≥ 2) on at least 80 % of them; nil when none does (or fewer than two lines).
    init?(lines: ArraySlice<Substring>) {
        guard lines.count >= 2 else { return nil }
        let candidates: [Character?] = [",", "\t", ";", nil]
        for d in candidates {
            let split = lines.map { Self.cells($0, d) }
            var counts: [Int: Int] = [:]
            for s in split { counts[s.count, default: 0] += 1 }
            guard let (width, n) = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) }),
                  width >= 2, Double(n) >= 0.8 * Double(split.count)
            else { continue }
            delimiter = d
            columns = width
            if split[0].contains(where: { !$0.isEmpty && !Self.isNumber($0) }) && split.count > 1 {
                header = split[0]
                rows = Array(split.dropFirst())
            } else {
                header = nil
                rows = split
            }
            return
        }
        return nil
    }

    /// Fraction of rows whose every non-empty cell is a number.
    var numericRowFraction: Double {
        guard !rows.isEmpty else { return 0 }
        return Double(rows.filter { $0.allSatisfy { $0.isEmpty || Self.isNumber($0) } }.count) / Double(rows.count)
    }

    static func cells(_ line: Substring, _ d: Character?) -> [String] {
        let parts = d.map { d in line.split(separator: d, omittingEmptySubsequences: false) }
            ?? line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        return parts.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    static func isNumber(_ s: String) -> Bool {
        Double(s) != nil || ["nan", "inf", "-inf", "na"].contains(s.lowercased())
    }
}
