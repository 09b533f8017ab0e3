import Foundation

/// HL7 v2 encoding: segments of `|`-separated fields, `^` components, `~` repetitions, `&` subcomponents,
/// `\` escapes (HL7 v2.5.1 chapter 2, §2.5 and §2.7), segments ended by a carriage return.
public enum HL7Encoding {
    /// MSH-2, the encoding characters.
    public static let encodingCharacters = "^~\\&"

    /// Escapes text for a field: `\` → `\E\`, `|` → `\F\`, `^` → `\S\`, `&` → `\T\`, `~` → `\R\`, and
    /// carriage returns and line feeds as `\X0D\` / `\X0A\` (so text never ends a segment).
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for ch in text.unicodeScalars {
            switch ch {
            case "\\": out += "\\E\\"
            case "|": out += "\\F\\"
            case "^": out += "\\S\\"
            case "&": out += "\\T\\"
            case "~": out += "\\R\\"
            case "\r": out += "\\X0D\\"
            case "\n": out += "\\X0A\\"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// Undoes ``escape(_:)`` (for reading ACKs and in tests).
    public static func unescape(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let i = rest.firstIndex(of: "\\") {
            out += rest[..<i]
            let after = rest[rest.index(after: i)...]
            guard let j = after.firstIndex(of: "\\") else { out += rest[i...]; return out }
            let seq = after[..<j]
            switch seq {
            case "E": out += "\\"
            case "F": out += "|"
            case "S": out += "^"
            case "T": out += "&"
            case "R": out += "~"
            case "X0D": out += "\r"
            case "X0A": out += "\n"
            default: out += "\\" + seq + "\\"
            }
            rest = after[after.index(after: j)...]
        }
        return out + rest
    }

    /// A composite of escaped components, trailing empty ones dropped: `code^text^system`.
    public static func components(_ parts: [String?]) -> String {
        var p = parts.map { $0.map(escape) ?? "" }
        while let last = p.last, last.isEmpty { p.removeLast() }
        return p.joined(separator: "^")
    }

    /// HL7 DTM in UTC with seconds: `20240301093000+0000`.
    public static func timestamp(_ date: Date) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02d%02d%02d%02d+0000", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// A number as HL7 NM (no exponent; up to 6 decimals, trailing zeros dropped).
    public static func number(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
        var s = String(format: "%.6f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}

/// One segment being built: its id and fields (already encoded, so components may be joined with `^`).
public struct HL7Segment: Sendable, Hashable {
    /// The segment id (`MSH`, `PID`, `OBR`, `OBX`, `NTE`).
    public let id: String
    /// Fields 1…n; for MSH, MSH-2…n (MSH-1 is the separator written between the id and MSH-2).
    public var fields: [String]

    /// Creates a segment from encoded fields indexed from 1 (`fields[0]` is field 1).
    public init(_ id: String, _ fields: [String]) {
        self.id = id
        self.fields = fields
    }

    /// Sets field `n` (1-based) to an already encoded value, growing the field list.
    public mutating func set(_ n: Int, _ encoded: String) {
        while fields.count < n { fields.append("") }
        fields[n - 1] = encoded
    }

    /// The segment's text (without the terminating carriage return), trailing empty fields dropped.
    public var text: String {
        var f = fields
        while let last = f.last, last.isEmpty { f.removeLast() }
        return ([id] + f).joined(separator: "|")
    }
}

/// A message: segments joined and ended by carriage returns.
public struct HL7Message: Sendable, Hashable {
    /// The segments, MSH first.
    public var segments: [HL7Segment]
    /// MSH-10, the message control id.
    public let controlID: String

    /// Creates a message.
    public init(segments: [HL7Segment], controlID: String) {
        self.segments = segments
        self.controlID = controlID
    }

    /// The message text: each segment followed by `\r`. MSH's field list starts at MSH-2 (MSH-1 is the
    /// field separator itself), so it is written like any other segment: `MSH|^~\&|…`.
    public var text: String { segments.map(\.text).joined(separator: "\r") + "\r" }
}
