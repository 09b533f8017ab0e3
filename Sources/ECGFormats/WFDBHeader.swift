import Foundation

// WFDB header (`.hea`) parsing, following PhysioNet's "WFDB header format" specification (header(5)):
// a record line, one signal line per signal, and `#` comment lines anywhere. Only single-segment
// records are read; multi-segment (`name/nseg`) headers are refused as unsupported.

/// One signal line of a WFDB header.
public struct WFDBSignalSpec: Sendable, Equatable {
    /// Data file name as written (relative to the header's directory; `~` means no file).
    public var fileName: String
    /// Storage format number (16, 212, 80, 61, 160, 24, 32 are decoded).
    public var format: Int
    /// Samples of this signal per frame (≥ 1).
    public var samplesPerFrame: Int
    /// Skew in frames (only 0 is supported by the reader).
    public var skew: Int
    /// Bytes to skip at the start of the data file.
    public var byteOffset: Int
    /// ADC units per physical unit (the spec's default 200 when the field is absent or zero).
    public var adcGain: Double
    /// Digital value that corresponds to physical zero (defaults to `adcZero`).
    public var baseline: Int
    /// Physical unit as written (default `"mV"`).
    public var units: String
    /// ADC resolution in bits (0 if absent).
    public var adcResolution: Int
    /// ADC zero (default 0).
    public var adcZero: Int
    /// Initial value (first sample; used by difference formats), if given.
    public var initialValue: Int?
    /// 16-bit checksum of the signal's samples, if given.
    public var checksum: Int?
    /// Block size in bytes (0 = none).
    public var blockSize: Int
    /// Description (lead label), possibly with spaces; empty if absent.
    public var description: String
}

/// A parsed single-segment WFDB header.
public struct WFDBHeader: Sendable, Equatable {
    /// Record name.
    public var recordName: String
    /// Sampling frequency in Hz (frames per second; the spec's default 250 when absent).
    public var samplingFrequency: Double
    /// Counter frequency in Hz, when written as `freq/counterfreq`.
    public var counterFrequency: Double?
    /// Samples per signal (frames), nil when absent or 0 (then the data file length decides).
    public var samplesPerSignal: Int?
    /// Base time as written (`HH:MM:SS[.fff]`).
    public var baseTime: String?
    /// Base date as written (`DD/MM/YYYY`).
    public var baseDate: String?
    /// The signal lines.
    public var signals: [WFDBSignalSpec]
    /// Comment lines without the leading `#` (may hold PHI: never log).
    public var comments: [String]

    /// Parses header text; `file` names the header in errors.
    /// - Throws: `ECGFormatError.malformedHeader` naming the line and field, `.unsupported` for
    ///   multi-segment records.
    public static func parse(_ text: String, file: String) throws -> WFDBHeader {
        var comments: [String] = []
        var recordLine: (Int, [Substring])?
        var signalLines: [(Int, String)] = []
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        for (i, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                comments.append(String(line.dropFirst()).trimmingCharacters(in: .whitespaces))
                continue
            }
            // Text after '#' on a data line is a comment too.
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
            if recordLine == nil {
                recordLine = (i + 1, content.split(whereSeparator: { $0 == " " || $0 == "\t" }))
            } else {
                signalLines.append((i + 1, String(content)))
            }
        }
        guard let (recLineNo, fields) = recordLine else {
            throw ECGFormatError.malformedHeader(file: file, line: 1, reason: "no record line")
        }
        func bad(_ reason: String, _ line: Int = recLineNo) -> ECGFormatError {
            .malformedHeader(file: file, line: line, reason: reason)
        }
        guard fields.count >= 2 else { throw bad("record line needs a name and a number of signals") }
        let name = String(fields[0])
        if name.contains("/") { throw ECGFormatError.unsupported(file: file, feature: "multi-segment record '\(name)'") }
        guard let nsig = Int(fields[1]), nsig >= 0, nsig <= 4096 else {
            throw bad("number of signals '\(fields[1])' is not an integer in 0...4096")
        }
        var fs = 250.0
        var counter: Double?
        if fields.count > 2 {
            // freq[/counterfreq[(basecounter)]]
            let parts = fields[2].split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let f = Double(parts[0]), f.isFinite, f > 0 else {
                throw bad("sampling frequency '\(fields[2])' is not a positive number")
            }
            fs = f
            if parts.count == 2 {
                let c = parts[1].prefix(while: { $0 != "(" })
                guard let cv = Double(c), cv.isFinite, cv > 0 else { throw bad("counter frequency '\(parts[1])' is not a positive number") }
                counter = cv
            }
        }
        var nsamp: Int?
        if fields.count > 3 {
            guard let n = Int(fields[3]), n >= 0 else {
                throw bad("samples per signal '\(fields[3])' is not a non-negative integer")
            }
            nsamp = n == 0 ? nil : n
        }
        let baseTime = fields.count > 4 ? String(fields[4]) : nil
        let baseDate = fields.count > 5 ? String(fields[5]) : nil
        guard signalLines.count >= nsig else {
            throw bad("record line declares \(nsig) signals, header has \(signalLines.count) signal lines")
        }
        if signalLines.count > nsig {
            throw bad("record line declares \(nsig) signals, header has \(signalLines.count) signal lines", signalLines[nsig].0)
        }
        var signals: [WFDBSignalSpec] = []
        for (lineNo, text) in signalLines {
            signals.append(try parseSignal(text, line: lineNo, file: file))
        }
        return WFDBHeader(recordName: name, samplingFrequency: fs, counterFrequency: counter,
                          samplesPerSignal: nsamp, baseTime: baseTime, baseDate: baseDate,
                          signals: signals, comments: comments)
    }

    static func parseSignal(_ text: String, line: Int, file: String) throws -> WFDBSignalSpec {
        func bad(_ reason: String) -> ECGFormatError { .malformedHeader(file: file, line: line, reason: reason) }
        // Split into at most 9 whitespace-separated fields; the 9th (description) keeps its spaces.
        var fields: [String] = []
        var rest = Substring(text)
        while fields.count < 8 {
            rest = rest.drop(while: { $0 == " " || $0 == "\t" })
            if rest.isEmpty { break }
            let end = rest.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? rest.endIndex
            fields.append(String(rest[..<end]))
            rest = rest[end...]
        }
        let description = rest.trimmingCharacters(in: .whitespaces)
        guard fields.count >= 2 else { throw bad("signal line needs a file name and a format") }
        // format[xsamp][:skew][+offset]
        var fmtText = Substring(fields[1])
        var offset = 0, skew = 0, spf = 1
        if let plus = fmtText.firstIndex(of: "+") {
            guard let o = Int(fmtText[fmtText.index(after: plus)...]), o >= 0 else { throw bad("byte offset in '\(fields[1])'") }
            offset = o; fmtText = fmtText[..<plus]
        }
        if let colon = fmtText.firstIndex(of: ":") {
            guard let s = Int(fmtText[fmtText.index(after: colon)...]), s >= 0 else { throw bad("skew in '\(fields[1])'") }
            skew = s; fmtText = fmtText[..<colon]
        }
        if let x = fmtText.firstIndex(of: "x") {
            guard let s = Int(fmtText[fmtText.index(after: x)...]), s >= 1, s <= 1_000_000 else {
                throw bad("samples per frame in '\(fields[1])'")
            }
            spf = s; fmtText = fmtText[..<x]
        }
        guard let format = Int(fmtText), format >= 0 else { throw bad("format '\(fields[1])' is not a number") }
        var gain = 200.0
        var baseline: Int?
        var units = "mV"
        if fields.count > 2 {
            // gain[(baseline)][/units]
            var g = Substring(fields[2])
            if let slash = g.firstIndex(of: "/") {
                units = String(g[g.index(after: slash)...]); g = g[..<slash]
                if units.isEmpty { throw bad("empty units in '\(fields[2])'") }
            }
            if let open = g.firstIndex(of: "(") {
                guard g.last == ")", let b = Int(g[g.index(after: open)..<g.index(before: g.endIndex)]) else {
                    throw bad("baseline in '\(fields[2])'")
                }
                baseline = b; g = g[..<open]
            }
            guard let gv = Double(g), gv.isFinite else { throw bad("ADC gain '\(fields[2])' is not a number") }
            gain = gv == 0 ? 200 : gv
        }
        func intField(_ i: Int, _ what: String) throws -> Int? {
            guard fields.count > i else { return nil }
            guard let v = Int(fields[i]) else { throw bad("\(what) '\(fields[i])' is not an integer") }
            return v
        }
        let res = try intField(3, "ADC resolution") ?? 0
        let zero = try intField(4, "ADC zero") ?? 0
        let initial = try intField(5, "initial value")
        let checksum = try intField(6, "checksum")
        let block = try intField(7, "block size") ?? 0
        return WFDBSignalSpec(fileName: fields[0], format: format, samplesPerFrame: spf, skew: skew,
                              byteOffset: offset, adcGain: gain, baseline: baseline ?? zero, units: units,
                              adcResolution: res, adcZero: zero, initialValue: initial, checksum: checksum,
                              blockSize: block, description: description)
    }

    /// Base date and time as a Date (UTC), when both parse; nil otherwise.
    public var startDate: Date? { startDateReading().date }

    /// The base date/time as read, with a warning when it is odd: the spec's `HH:MM:SS[.fff] DD/MM/YYYY`
    /// gives a date silently; the ISO order some writers use (`YYYY-MM-DD HH:MM:SS`, or either field
    /// alone in ISO form, as in the CinC 2017 headers) is read with a warning that says how; anything else
    /// gives no date and a warning. Absent fields give neither.
    public func startDateReading() -> (date: Date?, warning: String?) {
        guard baseTime != nil || baseDate != nil else { return (nil, nil) }
        let fields = [baseTime, baseDate].compactMap { $0 }
        if let t = baseTime, let time = Self.clockTime(t) {
            guard let d = baseDate else { return (nil, nil) }   // time only: valid, no date
            if let day = Self.specDate(d) { return (Self.compose(day, time), nil) }
            if let day = Self.isoDate(d) {
                return (Self.compose(day, time), "base date '\(d)' is not DD/MM/YYYY; read as ISO YYYY-MM-DD")
            }
        } else if let t = baseTime, let d = baseDate, let day = Self.isoDate(t), let time = Self.clockTime(d) {
            return (Self.compose(day, time),
                    "base time and date '\(t) \(d)' are in ISO order (date first, YYYY-MM-DD); read as \(d) on \(t)")
        }
        return (nil, "base time/date '\(fields.joined(separator: " "))' does not parse as HH:MM:SS DD/MM/YYYY; start time unknown")
    }

    private static func clockTime(_ t: String) -> (Int, Int, Double)? {
        let tp = t.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(tp.count), let hh = Int(tp[0]), let mm = Int(tp[1]) else { return nil }
        let ss = tp.count == 3 ? Double(tp[2]) : 0
        guard let ss, (0..<24).contains(hh), (0..<60).contains(mm), ss >= 0, ss < 61 else { return nil }
        return (hh, mm, ss)
    }

    private static func specDate(_ d: String) -> (Int, Int, Int)? {
        let dp = d.split(separator: "/", omittingEmptySubsequences: false)
        guard dp.count == 3, let day = Int(dp[0]), let mon = Int(dp[1]), let yr = Int(dp[2]) else { return nil }
        return valid(yr, mon, day)
    }

    private static func isoDate(_ d: String) -> (Int, Int, Int)? {
        let dp = d.split(separator: "-", omittingEmptySubsequences: false)
        guard dp.count == 3, dp[0].count == 4, let yr = Int(dp[0]), let mon = Int(dp[1]), let day = Int(dp[2]) else { return nil }
        return valid(yr, mon, day)
    }

    private static func valid(_ yr: Int, _ mon: Int, _ day: Int) -> (Int, Int, Int)? {
        (1...31).contains(day) && (1...12).contains(mon) && (1...9999).contains(yr) ? (yr, mon, day) : nil
    }

    private static func compose(_ day: (Int, Int, Int), _ time: (Int, Int, Double)) -> Date? {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let ss = time.2
        var comps = DateComponents(year: day.0, month: day.1, day: day.2, hour: time.0, minute: time.1,
                                   second: Int(ss))
        comps.nanosecond = Int((ss - ss.rounded(.down)) * 1e9)
        return cal.date(from: comps)
    }
}
