import Foundation

/// The usual adult resting range of one measurement, from the knowledge base (`measurementRanges` in
/// `Knowledge/knowledge.json`), with the words that describe a value above or below it. The compact prompt
/// states the range; the claim checker fails a qualitative claim that contradicts it ("QRS 88 ms is a bit
/// longer than normal").
public struct MeasurementRange: Sendable, Hashable, Codable {
    /// Measurement names this range applies to (``DetectorKit/FindingMeasurement/name``: `QRSduration`,
    /// `qrsDuration`).
    public let names: [String]
    /// Plain label (`QRS duration`).
    public let label: String
    /// UCUM unit of `low` and `high` (`ms`, `/min`, `mV`, `deg`); a measurement in another unit is not assessed.
    public let unit: String
    /// Lowest usual value (inclusive); nil when there is no lower limit.
    public let low: Double?
    /// Upper limit: a value at or above it is above the range (QRS 120 ms is wide), or, when
    /// ``highInclusive``, a value above it (a heart rate of 100 /min is within 60–100).
    public let high: Double?
    /// Whether ``high`` itself is within the range (default false).
    public let highInclusive: Bool?
    /// The range as a clinician reads it (`under 120 ms`).
    public let text: String
    /// The range in plain words (`under 120 milliseconds`).
    public let patientText: String
    /// Words that describe a value above the range (`long`, `wide`, `fast`).
    public let aboveWords: [String]
    /// Words that describe a value below the range (`short`, `slow`).
    public let belowWords: [String]
    /// The public source of the range.
    public let source: String

    /// Where a value lies against the range.
    public enum Position: String, Sendable, Codable {
        /// Below the usual range.
        case below
        /// Within it.
        case within
        /// Above it.
        case above
    }

    /// Where `value` (in ``unit``) lies.
    public func position(of value: Double) -> Position {
        if let low, value < low { return .below }
        if let high, highInclusive == true ? value > high : value >= high { return .above }
        return .within
    }

    /// The range in the audience's words.
    public func text(for audience: Audience) -> String { audience == .patient ? patientText : text }
}
