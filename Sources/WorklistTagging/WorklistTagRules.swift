import BatchScoring
import DetectorKit
import FindingsStore
import Foundation

/// How a CT detector's outcome becomes a worklist tag, from settings (a JSON file) or the model card.
///
/// | outcome | tag | priority |
/// |---|---|---|
/// | score ≥ threshold | `<PREFIX>-SUSPECT-HIGH` | 3 |
/// | abstention | `NOT-ASSESSABLE: <reason>` | 2 |
/// | processing error | `NOT-ASSESSABLE: error` | 2 |
/// | score < threshold | `<PREFIX>-SUSPECT-LOW` | 1 |
///
/// The score is the probability of the finding with ``findingCode`` (default: the first finding that
/// has a probability). The threshold defaults to the model card's operating threshold for that code,
/// else the finding's own threshold (which detectors take from the card): the card's operating point.
///
/// ```json
/// {"prefix": "PANCREAS", "findingCode": "ct.pdac", "highThreshold": 0.35}
/// ```
public struct WorklistTagRules: Sendable, Hashable, Codable {
    /// The tag prefix (`PANCREAS`).
    public var prefix: String
    /// The finding whose probability is the score; nil: the first finding with a probability.
    public var findingCode: String?
    /// Scores at or above it are `-SUSPECT-HIGH`; nil: the card's operating threshold.
    public var highThreshold: Double?
    /// Priorities of the tags (higher is read first).
    public var priorities: Priorities

    /// Priority per tag kind.
    public struct Priorities: Sendable, Hashable, Codable {
        /// `-SUSPECT-HIGH`.
        public var high: Int
        /// `NOT-ASSESSABLE: …`.
        public var notAssessable: Int
        /// `-SUSPECT-LOW`.
        public var low: Int

        /// The defaults: high 3, not assessable 2, low 1.
        public init(high: Int = 3, notAssessable: Int = 2, low: Int = 1) {
            self.high = high
            self.notAssessable = notAssessable
            self.low = low
        }
    }

    /// Creates rules.
    public init(prefix: String = "PANCREAS", findingCode: String? = nil, highThreshold: Double? = nil,
                priorities: Priorities = .init())
    {
        self.prefix = prefix
        self.findingCode = findingCode
        self.highThreshold = highThreshold
        self.priorities = priorities
    }

    private enum CodingKeys: String, CodingKey { case prefix, findingCode, highThreshold, priorities }

    /// Decodes; every key is optional.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(prefix: try c.decodeIfPresent(String.self, forKey: .prefix) ?? "PANCREAS",
                  findingCode: try c.decodeIfPresent(String.self, forKey: .findingCode),
                  highThreshold: try c.decodeIfPresent(Double.self, forKey: .highThreshold),
                  priorities: try c.decodeIfPresent(Priorities.self, forKey: .priorities) ?? .init())
    }

    /// Reads rules from a JSON file and checks them.
    /// - Throws: ``WorklistError/badSettings(file:problem:)`` naming the file and the problem.
    public static func load(from url: URL) throws -> WorklistTagRules {
        let name = url.lastPathComponent
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw WorklistError.badSettings(file: name, problem: "cannot be read")
        }
        let rules: WorklistTagRules
        do {
            rules = try JSONDecoder().decode(WorklistTagRules.self, from: data)
        } catch {
            throw WorklistError.badSettings(file: name, problem: "is not valid settings JSON (\(error))")
        }
        try rules.validate(file: name)
        return rules
    }

    /// Checks the prefix and threshold.
    public func validate(file: String = "settings") throws {
        guard !prefix.isEmpty, prefix.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw WorklistError.badSettings(file: file, problem: "prefix must be upper-case ASCII letters, digits, '-' or '_'")
        }
        if let t = highThreshold, !(t.isFinite && t >= 0 && t <= 1) {
            throw WorklistError.badSettings(file: file, problem: "highThreshold must be within 0…1, got \(t)")
        }
    }

    /// The tag for an outcome (nil outcome: a processing error).
    public func tag(for outcome: DetectorOutcome?, card: ModelCard?, modelVersion: String) -> WorklistTag {
        switch outcome {
        case nil:
            return WorklistTag(tag: "NOT-ASSESSABLE: error", priority: priorities.notAssessable, modelVersion: modelVersion)
        case let .abstained(a)?:
            return WorklistTag(tag: "NOT-ASSESSABLE: \(a.reason.rawValue)", priority: priorities.notAssessable,
                               modelVersion: modelVersion)
        case let .findings(findings)?:
            let scored = findings.filter { $0.probability != nil }
            guard let finding = findingCode.map({ code in scored.first { $0.code == code } }) ?? scored.first,
                  let p = finding.probability
            else {
                return WorklistTag(tag: "NOT-ASSESSABLE: no_score", priority: priorities.notAssessable,
                                   modelVersion: modelVersion)
            }
            let cardThreshold = card?.io.outputs.flatMap(\.labels).first { $0.code == finding.code }?.operatingThreshold
            let threshold = highThreshold ?? cardThreshold ?? finding.threshold ?? 0.5
            return p >= threshold
                ? WorklistTag(tag: "\(prefix)-SUSPECT-HIGH", priority: priorities.high, score: p, modelVersion: modelVersion)
                : WorklistTag(tag: "\(prefix)-SUSPECT-LOW", priority: priorities.low, score: p, modelVersion: modelVersion)
        }
    }
}

/// Why a worklist operation failed.
public enum WorklistError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// The settings file is unusable.
    case badSettings(file: String, problem: String)
    /// A study path does not exist or holds no files.
    case badStudy(path: String, problem: String)

    /// One line naming the file.
    public var description: String {
        switch self {
        case let .badSettings(file, problem): "\(file): \(problem)"
        case let .badStudy(path, problem): "\(path): \(problem)"
        }
    }

    /// Same as ``description``.
    public var errorDescription: String? { description }
}
