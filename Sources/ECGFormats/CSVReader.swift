import Foundation

/// Reader for ECGs stored as delimited text: one column per lead.
///
/// Layout:
/// ```
/// # sampling_rate_hz: 500        (optional comment lines: `# key: value`)
/// # units: uV                    (mV default; uV/µV, V accepted)
/// time_s,I,II,V1                 (header row naming the columns)
/// 0.000,12.5,30.1,-4.0
/// ```
/// - Delimiter: `,`, `;` or tab, detected from the header row.
/// - Lead names are normalised (`Lead I`, `i`, `avr` → `I`, `I`, `aVR`); the original label is kept.
/// - A column named `time`, `t`, `time_s`, `time_ms`, `seconds`, `timestamp`, `sample`, `index` or `nseq`
///   is a time/index column and is dropped (noted in the record).
/// - Sampling rate: `options.samplingRateHz`, else a comment key `sampling_rate_hz` (also `sampling_rate`,
///   `fs`, `sample_rate_hz`), else an error. Units: `options.csvUnits`, else a `units` comment, else mV.
/// - `NaN`/`nan`/`NA` cells are invalid samples (NaN, counted); empty, non-numeric or infinite cells,
///   rows with a different number of cells than the header, and a missing rate are errors naming the
///   row (file line, 1-based) and column.
public enum CSVECGReader {
    static let timeColumnNames: Set<String> = ["time", "t", "time_s", "time_ms", "times", "seconds", "timestamp",
                                               "sample", "samples", "index", "nseq", "time(s)", "time (s)", "time(ms)"]
    static let rateKeys: Set<String> = ["sampling_rate_hz", "sampling_rate", "fs", "sample_rate_hz", "sample_rate",
                                        "sampling rate", "samplingrate"]

    /// Reads the CSV file at `url`.
    public static func read(url: URL, options: ECGReadOptions = .init()) throws -> ECGRecord {
        let data = try readFileBytes(url, maxBytes: options.maxFileBytes)
        return try parse(data, file: url.lastPathComponent, options: options)
    }

    /// Parses CSV bytes; `file` names them in errors.
    public static func parse(_ data: Data, file: String, options: ECGReadOptions = .init()) throws -> ECGRecord {
        guard let text = String(data: data, encoding: .utf8) else {
            throw ECGFormatError.malformedCSV(file: file, row: 1, column: nil, reason: "not UTF-8 text")
        }
        var headerRate: Double?
        var headerUnits: String?
        var header: [String]?
        var delimiter: Character = ","
        var columns: [[Double]] = []
        var leadColumns: [Int] = []
        var dropped: [String] = []
        var lineNo = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            lineNo += 1
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let body = line.dropFirst().trimmingCharacters(in: .whitespaces)
                guard let sep = body.firstIndex(where: { $0 == ":" || $0 == "=" }) else { continue }
                let key = body[..<sep].trimmingCharacters(in: .whitespaces).lowercased()
                let value = body[body.index(after: sep)...].trimmingCharacters(in: .whitespaces)
                if rateKeys.contains(key) {
                    let num = value.lowercased().hasSuffix("hz") ? String(value.dropLast(2)).trimmingCharacters(in: .whitespaces) : value
                    guard let r = Double(num), r.isFinite, r > 0 else {
                        throw ECGFormatError.malformedCSV(file: file, row: lineNo, column: nil, reason: "sampling rate '\(value)' is not a positive number")
                    }
                    headerRate = r
                } else if key == "units" || key == "unit" {
                    headerUnits = value
                }
                continue
            }
            guard let names = header else {
                delimiter = line.contains("\t") ? "\t" : (line.contains(";") && !line.contains(",") ? ";" : ",")
                let cells = line.split(separator: delimiter, omittingEmptySubsequences: false).map {
                    $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                }
                if cells.allSatisfy({ Double($0) != nil }) {
                    throw ECGFormatError.malformedCSV(file: file, row: lineNo, column: nil, reason: "no header row naming the leads")
                }
                for (i, c) in cells.enumerated() {
                    if c.isEmpty { throw ECGFormatError.malformedCSV(file: file, row: lineNo, column: i + 1, reason: "empty column name") }
                    if timeColumnNames.contains(c.lowercased()) { dropped.append(c) } else { leadColumns.append(i) }
                }
                if leadColumns.isEmpty { throw ECGFormatError.noLeads(file: file) }
                header = cells
                columns = Array(repeating: [], count: leadColumns.count)
                continue
            }
            let cells = line.split(separator: delimiter, omittingEmptySubsequences: false)
            guard cells.count == names.count else {
                throw ECGFormatError.malformedCSV(file: file, row: lineNo, column: nil,
                    reason: "\(cells.count) cells, header has \(names.count) (ragged row)")
            }
            for (k, col) in leadColumns.enumerated() {
                let cell = cells[col].trimmingCharacters(in: .whitespaces)
                if let v = Double(cell), !v.isNaN {
                    guard v.isFinite else {
                        throw ECGFormatError.malformedCSV(file: file, row: lineNo, column: col + 1, reason: "value '\(cell)' is not finite")
                    }
                    columns[k].append(v)
                } else if ["nan", "na"].contains(cell.lowercased()) {
                    columns[k].append(.nan)
                } else {
                    let shown = cell.isEmpty ? "empty cell" : "'\(cell.prefix(20))' is not a number"
                    throw ECGFormatError.malformedCSV(file: file, row: lineNo, column: col + 1, reason: shown)
                }
            }
        }
        guard let names = header else { throw ECGFormatError.malformedCSV(file: file, row: max(lineNo, 1), column: nil, reason: "no header row") }
        guard let rate = options.samplingRateHz ?? headerRate else { throw ECGFormatError.missingSamplingRate(file: file) }
        guard rate.isFinite, rate > 0 else { throw ECGFormatError.invalidValue(file: file, field: "sampling rate", value: "\(rate)") }
        let unit = options.csvUnits ?? headerUnits ?? "mV"
        guard let conv = VoltageUnit(unit) else {
            throw ECGFormatError.invalidValue(file: file, field: "units", value: unit)
        }
        if columns.first?.isEmpty ?? true {
            throw ECGFormatError.malformedCSV(file: file, row: max(lineNo, 1), column: nil, reason: "no data rows")
        }
        var leads: [ECGLead] = []
        var seen = Set<String>()
        var ignored: [String] = []
        var kept: [Int] = []
        for (k, col) in leadColumns.enumerated() {
            let label = names[col]
            if case .other(let kind) = ECGChannelClassifier.classify(label: label, unit: unit) {
                ignored.append(ECGChannelClassifier.describeIgnored(label: label, unit: nil, kind: kind))
                continue
            }
            kept.append(k)
            let name = ECGLeadName.normalise(label)
            guard seen.insert(name.lowercased()).inserted else {
                throw ECGFormatError.malformedCSV(file: file, row: 1, column: col + 1, reason: "lead \(name) appears twice")
            }
            leads.append(ECGLead(name: name, originalLabel: label, samples: []))
        }
        // Convert in Double and round once to Float.
        for (j, k) in kept.enumerated() { leads[j].samples = columns[k].map { $0.isNaN ? Float.nan : Float(conv.toMillivolts($0)) } }
        guard !leads.isEmpty else { throw ECGFormatError.noECGChannel(file: file, channels: ignored) }
        return try makeRecord(file: file, leads: leads, rate: rate, dropped: dropped, ignored: ignored)
    }

    private static func makeRecord(file: String, leads: [ECGLead], rate: Double, dropped: [String],
                                   ignored: [String]) throws -> ECGRecord {
        let w = try ECGWaveform(kind: .rhythm, samplingRateHz: rate, leads: leads, file: file)
        var notes: [String] = []
        if !dropped.isEmpty { notes.append("time/index column(s) dropped: \(dropped.joined(separator: ", "))") }
        if !ignored.isEmpty { notes.append("column(s) that are not ECG leads left out: \(ignored.joined(separator: "; "))") }
        return ECGRecord(sourceFormat: .csv, sourceFile: file, rhythm: w,
                         acquisition: ECGAcquisitionInfo(recordID: nil), notes: notes, ignoredChannels: ignored)
    }
}
