import DetectorKit
import Foundation

/// One voice (clinician or patient) of a knowledge entry.
public struct KnowledgeVoice: Sendable, Hashable, Codable {
    /// What to call the condition in this voice ("Atrial fibrillation", "weak heart pump").
    public let name: String
    /// The sentence used when the finding is positive (findings entries only).
    public let positive: String?
    /// The sentence used when the finding is negative (findings entries only).
    public let negative: String?
    /// What it is.
    public let whatItIs: String
    /// How it is confirmed (findings entries only).
    public let howConfirmed: String?
    /// What usually happens next.
    public let whatNext: String
    /// What the result does not mean.
    public let notMeaning: String
    /// The urgent line, for entries whose positive finding calls for emergency care.
    public let urgent: String?
}

/// A curated, sourced knowledge entry about one finding code (or a few codes that share a meaning) or one
/// abstention reason.
public struct KnowledgeEntry: Sendable, Hashable, Codable, Identifiable {
    /// Entry id (`ecg.afib`, `abstention.signal_unreadable`).
    public let id: String
    /// Finding codes the entry explains (empty for abstention entries).
    public let codes: [String]
    /// Abstention reasons the entry explains (abstention entries only; empty for the generic one).
    public let reasons: [String]
    /// `finding` or `abstention`.
    public let kind: String
    /// Whether a positive finding is a normal result (sinus rhythm).
    public let normal: Bool
    /// Whether a positive finding calls for emergency care.
    public let urgentWhenPositive: Bool
    /// Terms (lower case) the entry allows an answer to name, also used for retrieval.
    public let terms: [String]
    /// Clinician voice.
    public let clinician: KnowledgeVoice
    /// Patient voice.
    public let patient: KnowledgeVoice
    /// The public sources the entry rests on.
    public let sources: [String]

    /// The terms an answer may name on the strength of this entry: its `terms` and every condition of
    /// ``ConditionLexicon`` that its own text names (an entry that explains mimics may name them).
    public var allowedTerms: [String] {
        var list = terms
        for term in ConditionLexicon.mentions(in: allText) where !list.contains(term) { list.append(term) }
        return list
    }

    /// The voice for `audience`.
    public func voice(_ audience: Audience) -> KnowledgeVoice { audience == .patient ? patient : clinician }

    /// All the entry's text, both voices (for retrieval and for the checker's number allowance).
    public var allText: String {
        [clinician, patient].flatMap { v in
            [v.name, v.positive, v.negative, v.whatItIs, v.howConfirmed, v.whatNext, v.notMeaning, v.urgent]
                .compactMap { $0 }
        }.joined(separator: " ")
    }

    private enum CodingKeys: String, CodingKey {
        case id, codes, reasons, kind, normal, urgentWhenPositive, terms, clinician, patient, sources
    }

    /// Decodes an entry; `codes`, `reasons`, `normal` and `urgentWhenPositive` default to empty/false.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        codes = try c.decodeIfPresent([String].self, forKey: .codes) ?? []
        reasons = try c.decodeIfPresent([String].self, forKey: .reasons) ?? []
        kind = try c.decode(String.self, forKey: .kind)
        normal = try c.decodeIfPresent(Bool.self, forKey: .normal) ?? false
        urgentWhenPositive = try c.decodeIfPresent(Bool.self, forKey: .urgentWhenPositive) ?? false
        terms = try c.decode([String].self, forKey: .terms)
        clinician = try c.decode(KnowledgeVoice.self, forKey: .clinician)
        patient = try c.decode(KnowledgeVoice.self, forKey: .patient)
        sources = try c.decode([String].self, forKey: .sources)
    }
}

/// The curated knowledge base: one entry per finding code and per abstention reason, each with its sources.
///
/// The default instance is embedded in the library (generated from `Knowledge/knowledge.json` by
/// `Tools/explainer/embed-knowledge.py`), so it works offline and from an installed binary.
///
/// ```swift
/// let kb = KnowledgeBase.embedded
/// kb.entry(forCode: "ecg.afib")?.patient.whatItIs
/// ```
public struct KnowledgeBase: Sendable {
    /// Every entry, in file order.
    public let entries: [KnowledgeEntry]
    /// Usual adult resting ranges of the measurements detectors report (file key `measurementRanges`).
    public let measurementRanges: [MeasurementRange]

    private struct File: Decodable {
        let version: Int
        let entries: [KnowledgeEntry]
        let measurementRanges: [MeasurementRange]?
    }

    /// Parses a knowledge base file.
    /// - Throws: ``ExplainerError/knowledgeBase(_:)`` naming the problem.
    public init(json: Data) throws {
        do {
            let file = try JSONDecoder().decode(File.self, from: json)
            guard file.version == 1 else { throw ExplainerError.knowledgeBase("unsupported version \(file.version)") }
            entries = file.entries
            measurementRanges = file.measurementRanges ?? []
        } catch let error as DecodingError {
            throw ExplainerError.knowledgeBase(VigilJSON.describe(error))
        }
        var seen = Set<String>()
        for entry in entries where !seen.insert(entry.id).inserted {
            throw ExplainerError.knowledgeBase("entry id '\(entry.id)' appears twice")
        }
        for entry in entries where entry.sources.isEmpty {
            throw ExplainerError.knowledgeBase("entry '\(entry.id)' cites no source")
        }
    }

    /// The knowledge base embedded in the library.
    public static let embedded: KnowledgeBase = {
        do { return try KnowledgeBase(json: Data(KnowledgeData.json.utf8)) } catch {
            fatalError("the embedded knowledge base is invalid: \(error); run Tools/explainer/embed-knowledge.py")
        }
    }()

    /// The entry that explains finding `code`, if any.
    public func entry(forCode code: String) -> KnowledgeEntry? {
        entries.first { $0.kind == "finding" && $0.codes.contains(code) }
    }

    /// The entry that explains abstention `reason`: the reason's own entry, or the generic one.
    public func entry(forReason reason: AbstentionReason) -> KnowledgeEntry? {
        entries.first { $0.kind == "abstention" && $0.reasons.contains(reason.rawValue) }
            ?? entries.first { $0.id == "abstention.other" }
    }

    /// The usual range of measurement `name` (``FindingMeasurement/name``), if the knowledge base has one.
    public func range(forMeasurement name: String) -> MeasurementRange? {
        measurementRanges.first { $0.names.contains(name) }
    }

    /// The entry with id `id`.
    public func entry(id: String) -> KnowledgeEntry? { entries.first { $0.id == id } }
}
