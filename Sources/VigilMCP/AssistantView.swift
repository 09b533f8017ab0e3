import DetectorKit
import Explainer
import FindingsStore
import Foundation

/// What the AI assistant may see of Vigil's stored results: the patient-safe projection that every MCP tool
/// answers with. It carries row ids (`inputId`), finding values, the detectors' own words and model-card facts,
/// and leaves out everything that identifies a patient or exposes the server:
///
/// - inputs: no path or file name, patient id, study id, acquisition time or source metadata;
/// - image evidence: the caption only, never the file path;
/// - errors: counted, never their text (reader and store messages can name files);
/// - explanations: no audit record (prompt, raw model answer, server errors, checker details), only the
///   findings hash it was made from;
/// - worklist: no study identifier; the entry's stored input id, tag and score.
///
/// The JSON keys are those of the tools' output schemas (``VigilMCPTools``), encoded with ``VigilJSON``.
public enum AssistantView {}

extension AssistantView {
    /// One registered detector and, when it is model-backed, the facts of its model card.
    public struct Detector: Codable, Sendable, Hashable {
        /// The detector id (`ecg-rhythm`).
        public let id: String
        /// Its display name.
        public let name: String
        /// The detector version.
        public let version: String
        /// The input kind it reads (`ecg`, `ct_study`).
        public let inputKind: String
        /// The model card summary; absent for rule-based detectors.
        public let model: Model?

        /// A model card in short, with the URI of the full card (an MCP resource).
        public struct Model: Codable, Sendable, Hashable {
            /// Model name.
            public let name: String
            /// Model version.
            public let version: String
            /// SHA-256 of the weights (lowercase hex).
            public let weightsSHA256: String
            /// The intended use, as the card states it.
            public let intendedUse: String
            /// Whether the model was trained on synthetic data only.
            public let syntheticTrainingData: Bool
            /// `vigil://model-cards/{detectorId}`: read it with `resources/read`.
            public let cardUri: String
        }

        /// The view of `detector`.
        public init(_ detector: AnyDetector) {
            id = detector.id
            name = detector.descriptor.name
            version = detector.descriptor.version
            inputKind = detector.descriptor.inputKind.rawValue
            model = detector.modelCard.map {
                Model(name: $0.name, version: $0.version, weightsSHA256: $0.weightsSHA256, intendedUse: $0.intendedUse,
                      syntheticTrainingData: $0.trainingData.synthetic, cardUri: ModelCardResources.uri(detectorID: detector.id))
            }
        }
    }

    /// `list_detectors`' answer.
    public struct DetectorList: Codable, Sendable, Hashable {
        /// The registered detectors, sorted by id.
        public let detectors: [Detector]
    }
}

extension AssistantView {
    /// An evidence item, with image paths removed.
    public struct EvidenceItem: Codable, Sendable, Hashable {
        /// `leadSpan`, `slice`, `image`, `measurementRef` or `text`.
        public let type: String
        /// ECG lead (`leadSpan`).
        public var lead: String?
        /// Start, in seconds from the recording start (`leadSpan`).
        public var startSeconds: Double?
        /// End, in seconds from the recording start (`leadSpan`).
        public var endSeconds: Double?
        /// Slice index, 0-based (`slice`).
        public var index: Int?
        /// In-plane region of the slice, in pixels (`slice`).
        public var region: BoundingBox?
        /// Note (`leadSpan`, `slice`).
        public var note: String?
        /// Caption (`image`; the image itself is not shared).
        public var caption: String?
        /// Measurement name (`measurementRef`).
        public var name: String?
        /// Statement (`text`).
        public var text: String?

        /// The view of `evidence`.
        public init(_ evidence: Evidence) {
            type = evidence.type
            switch evidence {
            case let .leadSpan(lead, start, end, note):
                self.lead = lead; startSeconds = start; endSeconds = end; self.note = note
            case let .slice(index, region, note):
                self.index = index; self.region = region; self.note = note
            case let .image(_, caption):
                self.caption = caption
            case let .measurementRef(name):
                self.name = name
            case let .text(text):
                self.text = text
            }
        }
    }

    /// A stored finding.
    public struct FindingItem: Codable, Sendable, Hashable {
        /// The finding code (`afib`).
        public let code: String
        /// Human-readable label.
        public let label: String
        /// Standard codings (SNOMED CT, …).
        public let codings: [StandardCoding]
        /// Calibrated probability in [0, 1]; absent for measured findings.
        public let probability: Double?
        /// The operating threshold in [0, 1]; absent for measured findings.
        public let threshold: Double?
        /// `positive`, `negative` or `indeterminate`.
        public let decision: String
        /// Measurements behind the finding.
        public let measurements: [FindingMeasurement]
        /// What the finding points at.
        public let evidence: [EvidenceItem]
        /// Which detector and model produced it.
        public let detector: DetectorProvenance
        /// When it was produced (ISO-8601 UTC).
        public let createdAt: Date

        /// The view of `finding`.
        public init(_ finding: Finding) {
            code = finding.code
            label = finding.label
            codings = finding.codings
            probability = finding.probability
            threshold = finding.threshold
            decision = finding.decision.rawValue
            measurements = finding.measurements
            evidence = finding.evidence.map(EvidenceItem.init)
            detector = finding.detector
            createdAt = finding.createdAt
        }
    }

    /// A stored abstention: the detector declined to score the input, and why.
    public struct AbstentionItem: Codable, Sendable, Hashable {
        /// Machine-readable reason (`signal_unreadable`).
        public let reason: String
        /// The detector's explanation.
        public let message: String
        /// Which detector abstained.
        public let detector: DetectorProvenance
        /// Supporting values (lead counts, durations).
        public let details: [String: JSONValue]
        /// When (ISO-8601 UTC).
        public let createdAt: Date

        /// The view of `abstention`.
        public init(_ abstention: Abstention) {
            reason = abstention.reason.rawValue
            message = abstention.message
            detector = abstention.detector
            details = abstention.details
            createdAt = abstention.createdAt
        }
    }

    /// `get_findings`' answer.
    public struct InputFindings: Codable, Sendable, Hashable {
        /// The stored input's id.
        public let inputId: Int64
        /// Its kind (`ecg`, `ct_study`).
        public let kind: String
        /// When it was registered (ISO-8601 UTC).
        public let registeredAt: Date
        /// Every finding, oldest first.
        public let findings: [FindingItem]
        /// Every abstention, oldest first.
        public let abstentions: [AbstentionItem]
        /// How many detector runs failed on this input (their messages are not shared).
        public let errorCount: Int
    }
}

extension AssistantView {
    /// `explain_findings`' answer: the claim-checked explanation without its audit record.
    public struct ExplanationView: Codable, Sendable, Hashable {
        /// The input explained.
        public let inputId: Int64
        /// `patient` or `clinician`.
        public let audience: String
        /// The whole explanation as readable text.
        public let text: String
        /// Each sentence with the codes and measurements it rests on.
        public let claims: [Claim]
        /// What the result does not mean.
        public let doesNotMean: [String]
        /// Next steps.
        public let nextSteps: [String]
        /// The urgent line, when a finding calls for emergency care.
        public let urgent: String?
        /// The answer to the question, when one was asked.
        public let question: QuestionAnswer?
        /// The models' limits, in the audience's voice.
        public let modelLimits: [String]
        /// Public sources of the knowledge used.
        public let sources: [String]
        /// Which backend wrote the text (`fallbackReason` is plain words; `failure` a stable code).
        public let backend: BackendReport
        /// Flesch–Kincaid grade of the patient text.
        public let readingGrade: Double?
        /// SHA-256 of the findings the explanation was made from (as in the audit log).
        public let findingsSHA256: String

        /// The view of `explanation` of input `inputId`.
        public init(_ e: Explanation, inputId: Int64) {
            self.inputId = inputId
            audience = e.audience.rawValue
            text = e.text
            claims = e.claims
            doesNotMean = e.doesNotMean
            nextSteps = e.nextSteps
            urgent = e.urgent
            question = e.question
            modelLimits = e.modelLimits
            sources = e.sources
            backend = e.backend
            readingGrade = e.readingGrade
            findingsSHA256 = e.audit.findingsSHA256
        }
    }
}

extension AssistantView {
    /// A worklist entry without its study identifier.
    public struct WorklistItem: Codable, Sendable, Hashable {
        /// 1-based position on the worklist (highest priority first, then arrival).
        public let rank: Int
        /// The stored input holding the study (use it with `get_findings`); absent when not registered.
        public let inputId: Int64?
        /// The current tag; absent until tagged.
        public let tag: String?
        /// The tag's sort priority (higher first).
        public let priority: Int?
        /// The score behind the tag.
        public let score: Double?
        /// The model version that gave the tag.
        public let modelVersion: String?
        /// Arrival time (ISO-8601 UTC).
        public let arrivedAt: Date
        /// When the current tag was given.
        public let taggedAt: Date?

        /// The view of `entry` at `rank`.
        public init(_ entry: WorklistEntry, rank: Int) {
            self.rank = rank
            inputId = entry.input?.rawValue
            tag = entry.current?.tag
            priority = entry.current?.priority
            score = entry.current?.score
            modelVersion = entry.current?.modelVersion
            arrivedAt = entry.arrivedAt
            taggedAt = entry.taggedAt
        }
    }

    /// `get_worklist`' answer.
    public struct Worklist: Codable, Sendable, Hashable {
        /// The first `limit` entries.
        public let entries: [WorklistItem]
        /// How many studies the worklist holds in all.
        public let total: Int
    }
}
