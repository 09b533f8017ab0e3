import BatchScoring
import ECGFormats
import Foundation

/// A CSV manifest of ECG files: a header row naming the columns, then one file per row.
///
/// ```
/// path,patient_id,acquired_at
/// records/0001.hea,P-0001,2024-03-01T09:30:00Z
/// muse/0002.xml,P-0002,
/// ```
///
/// `path` is required (relative paths are resolved against the manifest's folder); `patient_id` (a
/// pseudonymous identifier, as the source gives it) and `acquired_at` (ISO 8601 with a time zone, or a
/// date `YYYY-MM-DD` taken as UTC midnight) are optional, in any column order; empty cells mean "take it
/// from the record". Fields may be quoted (`"a,b"`, `""` for a quote); `#` lines and blank lines are
/// skipped. The whole manifest is checked when the source is created, so a malformed row stops the batch
/// before it starts, with the line and the problem.
public struct ECGManifestSource: Sendable {
    /// The manifest file.
    public let manifest: URL
    /// How to read the files.
    public let options: ECGReadOptions
    /// The rows, checked.
    private let rows: [Row]

    struct Row: Sendable {
        var path: String
        var patientID: String?
        var acquiredAt: Date?
    }

    /// Reads and checks the manifest.
    /// - Throws: ``BatchItemError`` naming the manifest and the line.
    public init(manifest: URL, options: ECGReadOptions = .init()) throws {
        let name = manifest.lastPathComponent
        guard let data = FileManager.default.contents(atPath: manifest.path) else {
            throw BatchItemError.badSource(path: manifest.path, problem: "cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw BatchItemError.badSource(path: manifest.path, problem: "is not UTF-8 text")
        }
        var header: [String]?
        var columns: (path: Int, patient: Int?, time: Int?) = (0, nil, nil)
        var rows: [Row] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            let fields = try CSVLine.split(String(line), file: name, line: lineNumber)
            guard let names = header else {
                let lower = fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                guard let p = lower.firstIndex(of: "path") else {
                    throw BatchItemError.badManifestRow(
                        file: name, line: lineNumber,
                        problem: "the header must name a 'path' column (columns: path, patient_id, acquired_at)")
                }
                columns = (p, lower.firstIndex(of: "patient_id"), lower.firstIndex(of: "acquired_at"))
                header = lower
                continue
            }
            guard fields.count == names.count else {
                throw BatchItemError.badManifestRow(
                    file: name, line: lineNumber, problem: "has \(fields.count) fields, the header has \(names.count)")
            }
            let path = fields[columns.path].trimmingCharacters(in: .whitespaces)
            guard !path.isEmpty else {
                throw BatchItemError.badManifestRow(file: name, line: lineNumber, problem: "empty path")
            }
            let patient = columns.patient.map { fields[$0].trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
            var time: Date?
            if let t = columns.time {
                let cell = fields[t].trimmingCharacters(in: .whitespaces)
                if !cell.isEmpty {
                    guard let parsed = Self.parseTime(cell) else {
                        throw BatchItemError.badManifestRow(
                            file: name, line: lineNumber,
                            problem: "acquired_at '\(cell)' is not an ISO 8601 time with a zone (2024-03-01T09:30:00Z) or a date (2024-03-01)")
                    }
                    time = parsed
                }
            }
            rows.append(Row(path: path, patientID: patient, acquiredAt: time))
        }
        guard header != nil else {
            throw BatchItemError.badSource(path: manifest.path, problem: "has no header row (path, patient_id, acquired_at)")
        }
        self.manifest = manifest
        self.options = options
        self.rows = rows
    }

    /// The number of rows.
    public func count() -> Int { rows.count }

    /// The items, lazily.
    public func items() -> AnySequence<any BatchItem> {
        let base = manifest.deletingLastPathComponent()
        let rows = rows, options = options
        return AnySequence(rows.lazy.map { row -> any BatchItem in
            let url = row.path.hasPrefix("/") ? URL(fileURLWithPath: row.path) : base.appendingPathComponent(row.path)
            return ECGFileItem(url: url, patientID: row.patientID, acquiredAt: row.acquiredAt, options: options)
        })
    }

    static func parseTime(_ text: String) -> Date? {
        let full = ISO8601DateFormatter()
        if let d = full.date(from: text) { return d }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = fractional.date(from: text) { return d }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        return text.count == 10 ? day.date(from: text) : nil
    }
}

/// Splits one CSV line into fields (RFC 4180 quoting, on one line).
enum CSVLine {
    static func split(_ line: String, file: String, line number: Int) throws -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(line)
        var i = 0
        if chars.first == "\u{FEFF}" { chars.removeFirst() }
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
                } else {
                    field.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                quoted = true
            } else if c == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(c)
            }
            i += 1
        }
        if quoted { throw BatchItemError.badManifestRow(file: file, line: number, problem: "unterminated quoted field") }
        fields.append(field)
        return fields
    }
}
