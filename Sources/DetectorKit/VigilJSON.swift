import Foundation

/// The one JSON configuration for everything Vigil stores or sends: findings, abstentions, model cards.
///
/// - Keys are camelCase (the Swift property names) and written **sorted**, so equal values always give
///   byte-identical JSON (golden-file tests and content hashes rely on this).
/// - Timestamps are ISO-8601 in UTC with millisecond precision: `"2025-03-14T09:26:53.120Z"`. Reading
///   also accepts no fraction or more digits (rounded to the millisecond) and a `±hh:mm` offset.
/// - Slashes are not escaped (`"Models/ecg/model.onnx"`, not `"Models\/ecg\/model.onnx"`).
/// - Optional fields that are absent are omitted; arrays are always written, empty or not.
/// - NaN and infinities are rejected (the types validate before encoding).
///
/// ```swift
/// let data = try VigilJSON.encoder(pretty: true).encode(finding)
/// let back = try VigilJSON.decode(Finding.self, from: data)
/// ```
///
/// A new encoder or decoder is made on each call (they are classes with mutable settings, so a shared
/// instance could be reconfigured behind other callers' backs).
public enum VigilJSON {
    /// A JSON encoder with Vigil's settings; `pretty` adds newlines and indentation.
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        var formatting: JSONEncoder.OutputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { formatting.insert(.prettyPrinted) }
        encoder.outputFormatting = formatting
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(VigilTimestamp.format(date))
        }
        encoder.nonConformingFloatEncodingStrategy = .throw
        return encoder
    }

    /// A JSON encoder with Vigil's settings, compact output.
    public static var encoder: JSONEncoder { encoder(pretty: false) }

    /// A JSON decoder with Vigil's settings (timestamps as written by ``encoder(pretty:)``).
    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = VigilTimestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "'\(text)' is not an ISO-8601 timestamp like 2025-03-14T09:26:53.120Z")
            }
            return date
        }
        return decoder
    }

    /// Encodes `value` with Vigil's settings.
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws -> Data {
        try encoder(pretty: pretty).encode(value)
    }

    /// Decodes a `T` from `data`, turning decoding failures into a ``DetectorKitError`` that says which
    /// field is missing or wrong (`evaluation[0].metrics[1].value`) in plain words.
    ///
    /// - Throws: ``DetectorKitError/invalidValue(type:field:problem:)`` when the JSON is well formed but
    ///   a value breaks an invariant of the top-level type, ``DetectorKitError/decoding(type:problem:)``
    ///   otherwise.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        do {
            return try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            if case let .dataCorrupted(context) = error, context.codingPath.isEmpty,
               let inner = context.underlyingError as? DetectorKitError
            {
                throw inner
            }
            throw DetectorKitError.decoding(type: String(describing: T.self), problem: describe(error))
        }
    }

    /// A readable, one-line account of a `DecodingError`, naming the field by its path.
    public static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .keyNotFound(key, context):
            return "missing field '\(path(context.codingPath + [key]))'"
        case let .valueNotFound(type, context):
            return "field '\(path(context.codingPath))' is null, expected \(typeName(type))"
        case let .typeMismatch(type, context):
            return "field '\(path(context.codingPath))' has the wrong type, expected \(typeName(type))"
        case let .dataCorrupted(context):
            let message = (context.underlyingError as? DetectorKitError)?.description ?? context.debugDescription
            if context.codingPath.isEmpty {
                return context.underlyingError is DetectorKitError ? message : "not valid JSON: \(message)"
            }
            return "at '\(path(context.codingPath))': \(message)"
        @unknown default:
            return String(describing: error)
        }
    }

    /// `evaluation[0].metrics[1].value` for a coding path (`(root)` when empty).
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") || key.stringValue == "\(index)" {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "(root)" : text
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Double.Type, is Float.Type: "a number"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is [Any].Type: "an array"
        case is [String: Any].Type: "an object"
        default: String(describing: type)
        }
    }
}

/// ISO-8601 UTC timestamps with millisecond precision, formatted and parsed without locale or
/// calendar state so that the text is the same on every machine.
enum VigilTimestamp {
    /// Whole milliseconds since 1970 (rounded to nearest).
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// `date` rounded to the millisecond: what survives a JSON round trip. Types that store a date call
    /// this at init so that decoding what they encode gives an equal value.
    static func normalized(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds(date)) / 1000)
    }

    /// `2025-03-14T09:26:53.120Z`.
    static func format(_ date: Date) -> String {
        let ms = milliseconds(date)
        var seconds = ms / 1000
        var millis = ms % 1000
        if millis < 0 { millis += 1000; seconds -= 1 }
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + "\(pad(Int32(millis), 3))Z"
    }

    /// Parses `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`; nil when malformed or out of range.
    static func parse(_ text: String) -> Date? {
        let c = Array(text.utf8)
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= c.count else { return nil }
            var v = 0
            for k in i..<(i + n) {
                guard c[k] >= 48, c[k] <= 57 else { return nil }
                v = v * 10 + Int(c[k] - 48)
            }
            i += n
            return v
        }
        func expect(_ ch: Character) -> Bool {
            guard i < c.count, c[i] == ch.asciiValue! else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2),
              expect("T"), let hour = digits(2), expect(":"), let minute = digits(2), expect(":"),
              let second = digits(2)
        else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        var fraction = 0.0
        if i < c.count, c[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            let start = i
            while i < c.count, c[i] >= 48, c[i] <= 57 {
                fraction += Double(c[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        var offsetSeconds = 0
        if expect("Z") {
            // UTC
        } else if i < c.count, c[i] == UInt8(ascii: "+") || c[i] == UInt8(ascii: "-") {
            let sign = c[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let oh = digits(2), expect(":"), let om = digits(2), oh < 24, om < 60 else { return nil }
            offsetSeconds = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == c.count else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        var t = timegm(&parts)
        // timegm normalises impossible dates (Feb 30 → Mar 2); reject them.
        var check = tm()
        gmtime_r(&t, &check)
        guard check.tm_mday == Int32(day), check.tm_mon == Int32(month - 1) else { return nil }
        let ms = Int64(t - time_t(offsetSeconds)) * 1000 + Int64((fraction * 1000).rounded())
        return Date(timeIntervalSince1970: Double(ms) / 1000)
    }
}
