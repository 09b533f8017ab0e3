import Foundation

/// What a detector returns for one input: findings, or an abstention.
///
/// Medical software abstains rather than guesses: an abstention is a first-class result with a
/// machine-readable reason, never a low score.
///
/// ```swift
/// switch try await registry.analyze(id: "ecg-rhythm", input: record) {
/// case .findings(let findings): store(findings)
/// case .abstained(let abstention): report(abstention.reason, abstention.message)
/// }
/// ```
///
/// JSON: `{"type": "findings", "findings": [...]}` or `{"type": "abstained", "abstention": {...}}`.
public enum DetectorOutcome: Sendable, Hashable, Codable {
    /// The detector analysed the input and reports these findings (one per condition it screens for,
    /// positive or negative; empty only if it has nothing to report about this input).
    case findings([Finding])
    /// The detector declined to analyse the input.
    case abstained(Abstention)

    /// The findings, when the detector did not abstain.
    public var findings: [Finding]? {
        if case let .findings(findings) = self { return findings }
        return nil
    }

    /// The abstention, when the detector abstained.
    public var abstention: Abstention? {
        if case let .abstained(abstention) = self { return abstention }
        return nil
    }

    private enum CodingKeys: String, CodingKey { case type, findings, abstention }

    /// Decodes by `"type"` (`"findings"` or `"abstained"`); any other type throws.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "findings": self = .findings(try c.decode([Finding].self, forKey: .findings))
        case "abstained": self = .abstained(try c.decode(Abstention.self, forKey: .abstention))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: c,
                debugDescription: "unknown outcome type '\(type)' (this build reads: findings, abstained)")
        }
    }

    /// Encodes with the `"type"` discriminator.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .findings(findings):
            try c.encode("findings", forKey: .type)
            try c.encode(findings, forKey: .findings)
        case let .abstained(abstention):
            try c.encode("abstained", forKey: .type)
            try c.encode(abstention, forKey: .abstention)
        }
    }
}

/// A detector's reasoned refusal to analyse an input.
///
/// ```swift
/// return .abstained(try Abstention(
///     reason: .pacedRhythm,
///     message: "Ventricular pacing detected; rhythm classification does not apply to paced ECGs.",
///     detector: DetectorProvenance(descriptor: descriptor, modelCard: modelCard),
///     details: ["pacingSpikes": 11]))
/// ```
public struct Abstention: Sendable, Hashable, Codable {
    /// Why, machine-readable (`"signal_unreadable"`).
    public let reason: AbstentionReason
    /// Why, for a clinician: what was wrong with the input and what to do about it.
    public let message: String
    /// The detector (and model) that abstained.
    public let detector: DetectorProvenance
    /// Supporting values (`{"leadsFlat": ["V4", "V5"]}`); empty when there are none.
    public let details: [String: JSONValue]
    /// When the detector abstained (UTC, kept to the millisecond).
    public let createdAt: Date

    /// Creates an abstention.
    /// - Throws: ``DetectorKitError/invalidValue(type:field:problem:)`` naming the offending field
    ///   (reason not snake_case, empty message, non-finite number in details, bad provenance).
    public init(reason: AbstentionReason, message: String, detector: DetectorProvenance,
                details: [String: JSONValue] = [:], createdAt: Date = Date()) throws
    {
        self.reason = reason
        self.message = message
        self.detector = detector
        self.details = details
        self.createdAt = VigilTimestamp.normalized(createdAt)
        try validate()
    }

    /// Checks the invariants listed on ``init(reason:message:detector:details:createdAt:)``.
    public func validate() throws {
        let check = FieldCheck(type: "Abstention")
        if !reason.isWellFormed {
            throw check.fail("reason", "must be a snake_case code like 'signal_unreadable', got '\(reason.rawValue)'")
        }
        try check.nonEmpty(message, "message")
        for (key, value) in details where !value.isFinite {
            throw check.fail("details.\(key)", "contains a non-finite number")
        }
        try detector.validate(check, at: "detector")
    }

    private enum CodingKeys: String, CodingKey { case reason, message, detector, details, createdAt }

    /// Decodes and validates; every field is required.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let reason = try c.decode(AbstentionReason.self, forKey: .reason)
        let message = try c.decode(String.self, forKey: .message)
        let detector = try c.decode(DetectorProvenance.self, forKey: .detector)
        let details = try c.decode([String: JSONValue].self, forKey: .details)
        let createdAt = try c.decode(Date.self, forKey: .createdAt)
        self = try decoder.validating {
            try Abstention(reason: reason, message: message, detector: detector, details: details,
                           createdAt: createdAt)
        }
    }
}

/// A machine-readable abstention reason: an extensible snake_case code.
///
/// ```swift
/// extension AbstentionReason { static let motionArtifact = AbstentionReason("motion_artifact") }
/// ```
public struct AbstentionReason: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    /// The code (`"signal_unreadable"`).
    public let rawValue: String

    /// Creates a reason from its code.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Creates a reason from its code.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// Creates a reason from a string literal.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// The signal is too noisy, flat or disconnected to analyse.
    public static let signalUnreadable = AbstentionReason("signal_unreadable")
    /// The input is outside the model card's intended use (age, population, acquisition protocol).
    public static let outsideIntendedUse = AbstentionReason("outside_intended_use")
    /// A paced rhythm, which the detector does not classify.
    public static let pacedRhythm = AbstentionReason("paced_rhythm")
    /// Required parts are missing (leads, slices, a contrast phase).
    public static let inputIncomplete = AbstentionReason("input_incomplete")
    /// Image quality (noise, artefacts, field of view) is too poor to analyse.
    public static let imageQualityInsufficient = AbstentionReason("image_quality_insufficient")
    /// The acquisition (sampling rate, slice thickness, reconstruction kernel) is one the model was not
    /// validated on.
    public static let unsupportedAcquisition = AbstentionReason("unsupported_acquisition")

    /// Whether the code is snake_case ASCII: a lowercase letter, then lowercase letters, digits, `_`.
    public var isWellFormed: Bool {
        let bytes = Array(rawValue.utf8)
        guard let first = bytes.first, (97...122).contains(first) else { return false }
        return bytes.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }
    }

    /// The code.
    public var description: String { rawValue }

    /// Decodes the code string.
    public init(from decoder: Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes the code string.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
