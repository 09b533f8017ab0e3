/// A JSON value, for the free-form parts of the schema (a model input's `preprocessing` block, an
/// abstention's `details`).
///
/// Numbers are held as `Double` (JSON does not distinguish integers); integral values within ±2^53 are
/// written without a fractional part.
///
/// ```swift
/// let preprocessing: [String: JSONValue] = [
///     "leads": ["I", "II", "V1"], "sampleRateHz": 500, "scaling": "mV",
/// ]
/// preprocessing["sampleRateHz"]?.doubleValue   // 500.0
/// ```
public enum JSONValue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number.
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object (key order is not significant; `VigilJSON` writes keys sorted).
    case object([String: JSONValue])

    /// Decodes any JSON value.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
        }
    }

    /// Encodes the value; integral numbers within ±2^53 are written as integers.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(value): try container.encode(value)
        case let .number(value):
            if value.isFinite, value == value.rounded(), abs(value) <= 9_007_199_254_740_992 {
                try container.encode(Int64(value))
            } else {
                try container.encode(value)
            }
        case let .string(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }

    /// The number, when this is `.number`.
    public var doubleValue: Double? {
        if case let .number(value) = self { return value }
        return nil
    }

    /// The number as an `Int`, when this is an integral `.number`.
    public var intValue: Int? {
        guard let value = doubleValue, value.isFinite, value == value.rounded(),
              abs(value) <= 9_007_199_254_740_992 else { return nil }
        return Int(value)
    }

    /// The string, when this is `.string`.
    public var stringValue: String? {
        if case let .string(value) = self { return value }
        return nil
    }

    /// The Boolean, when this is `.bool`.
    public var boolValue: Bool? {
        if case let .bool(value) = self { return value }
        return nil
    }

    /// The elements, when this is `.array`.
    public var arrayValue: [JSONValue]? {
        if case let .array(value) = self { return value }
        return nil
    }

    /// The members, when this is `.object`.
    public var objectValue: [String: JSONValue]? {
        if case let .object(value) = self { return value }
        return nil
    }

    /// The member named `key`, when this is an object that has it.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// Whether every number inside this value is finite (JSON cannot represent NaN or infinities).
    public var isFinite: Bool {
        switch self {
        case .null, .bool, .string: true
        case let .number(value): value.isFinite
        case let .array(values): values.allSatisfy(\.isFinite)
        case let .object(members): members.values.allSatisfy(\.isFinite)
        }
    }

    /// Compact JSON text, keys sorted.
    public var description: String {
        guard let data = try? VigilJSON.encoder().encode(self) else { return "<non-finite JSON value>" }
        return String(decoding: data, as: UTF8.self)
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    /// `nil` is JSON `null`.
    public init(nilLiteral: ()) { self = .null }
    /// A Boolean literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An integer literal, held as a number.
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    /// A floating-point literal.
    public init(floatLiteral value: Double) { self = .number(value) }
    /// A string literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An array literal.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// A dictionary literal; a repeated key keeps its last value.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
