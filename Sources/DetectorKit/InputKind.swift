/// What kind of input a detector reads: an extensible, string-backed name.
///
/// Vigil's built-in kinds are ``ecg`` and ``ctStudy``; a hospital's own detector can introduce another
/// kind without touching DetectorKit:
///
/// ```swift
/// extension InputKind { static let chestXRay = InputKind("chest_xray") }
/// ```
///
/// In JSON an input kind is its raw string (`"ecg"`, `"ct_study"`).
public struct InputKind: RawRepresentable, Hashable, Sendable, Codable, Comparable,
    ExpressibleByStringLiteral, CustomStringConvertible
{
    /// The stable name, snake_case by convention (`"ct_study"`).
    public let rawValue: String

    /// Creates a kind from its raw name.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Creates a kind from its raw name.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// Creates a kind from a string literal.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// A resting 12-lead (or fewer-lead) electrocardiogram recording.
    public static let ecg = InputKind("ecg")
    /// A CT study: one or more reconstructed volumes of one examination.
    public static let ctStudy = InputKind("ct_study")

    /// The raw name.
    public var description: String { rawValue }

    /// Orders by raw name (for stable listings).
    public static func < (lhs: InputKind, rhs: InputKind) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Decodes the raw string.
    public init(from decoder: Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes the raw string.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A value a detector can analyse: an ECG record, a CT study, …. Input types live in the modules that
/// read them (DetectorKit does not know them) and declare their kind here.
///
/// ```swift
/// extension ECGRecord: DetectorInput {
///     public static var kind: InputKind { .ecg }
///     public var inputDescription: String { "ECG \(patientID) \(leads.count) leads, \(duration) s" }
/// }
/// ```
public protocol DetectorInput: Sendable {
    /// The kind every value of this type is.
    static var kind: InputKind { get }
    /// A short human description for logs and error messages (no more identifying data than needed).
    var inputDescription: String { get }
}
