import DetectorKit
import Foundation

/// Where Vigil keeps what it analysed and what came of it: inputs, detector runs, findings,
/// abstentions, per-input errors, the radiology worklist and an append-only audit log.
///
/// The protocol says nothing about the storage engine, so that the embedded SQLite store
/// (``SQLiteFindingsStore``), the PostgreSQL one for several nodes and the in-memory one are interchangeable;
/// detectors, the batch engine and the CLI depend on this protocol only. docs/store.md describes the schema.
///
/// **By concern.** The requirements are split into ``InputStore`` (inputs), ``ResultsStore`` (runs, outcomes,
/// errors and their queries), ``WorklistStore`` (the radiology worklist) and ``AuditStore`` (the audit log);
/// `FindingsStore` is all four. Code that needs one concern may ask for that protocol only. Implementations:
/// ``SQLiteFindingsStore`` (embedded, the default), `PostgresFindingsStore` (shared by several nodes) and
/// ``InMemoryFindingsStore`` (tests and ephemeral use).
///
/// **Exactly once.** An outcome is keyed by (input, detector id, detector version). The first
/// ``recordOutcome(_:input:run:)`` or ``recordError(input:run:reason:)`` for a key wins; any later one for
/// the same key changes nothing and returns ``RecordResult/alreadyRecorded(_:)``. A batch that is killed
/// and started again can therefore re-record whatever it was doing without duplicating anything.
///
/// ```swift
/// let store: any FindingsStore = try SQLiteFindingsStore(path: "vigil.sqlite", actor: "batch")
/// let input = try await store.registerInput(NewInput(contentSHA256: sha, path: path, kind: .ecg))
/// let run = try await store.startRun(NewRun(detector: provenance))
/// if try await store.outcomeStatus(input: input.id, detectorID: "ecg-rhythm", detectorVersion: "1.0.0") == nil {
///     _ = try await store.recordOutcome(try await detector.analyze(record), input: input.id, run: run.id)
/// }
/// _ = try await store.finishRun(run.id)
/// ```
public protocol FindingsStore: InputStore, ResultsStore, WorklistStore, AuditStore {}

/// The inputs a store knows: files (or studies) registered once by the SHA-256 of their content, with ids
/// ascending from 1. One concern of ``FindingsStore``.
public protocol InputStore: Sendable {
    /// Registers an input, idempotently by content SHA-256: registering the same content again returns
    /// the existing record (its first path is kept).
    /// - Throws: ``FindingsStoreError/invalidValue(field:problem:)`` for a malformed digest, an empty
    ///   path or kind; ``FindingsStoreError/conflictingInput(contentSHA256:field:)`` when the same
    ///   content was registered with another kind, patient or study identifier.
    func registerInput(_ input: NewInput) async throws -> StoredInput

    /// The input with this id, or nil.
    func input(id: InputID) async throws -> StoredInput?

    /// The input with this content SHA-256 (any case), or nil.
    func input(contentSHA256: String) async throws -> StoredInput?

    /// Registered inputs in id order, `limit` at a time after `after` (nil: from the start), only of
    /// `kind` when given: how exports and reports page through a store of any size.
    func inputs(kind: InputKind?, after: InputID?, limit: Int) async throws -> [StoredInput]
}

/// Detector runs and what they recorded: outcomes (findings or an abstention) and per-input errors, exactly once
/// per (input, detector id, detector version), and the queries over them. One concern of ``FindingsStore``; the
/// exactly-once rule is described there.
public protocol ResultsStore: Sendable {
    // MARK: Runs

    /// Starts a run of one detector (and model) with its settings.
    func startRun(_ run: NewRun) async throws -> RunRecord

    /// Marks a run finished and returns it with its final counts.
    /// - Throws: ``FindingsStoreError/unknownRun(_:)``, ``FindingsStoreError/runFinished(_:)``.
    func finishRun(_ id: RunID) async throws -> RunRecord

    /// The run with this id, or nil.
    func run(id: RunID) async throws -> RunRecord?

    // MARK: Outcomes (exactly once per input × detector id × detector version)

    /// Records a detector's outcome for an input, in one transaction, under the run's detector.
    ///
    /// Every finding's (or the abstention's) provenance must name the run's detector id, version and
    /// model digest. A second record for the same (input, detector id, detector version) is a no-op.
    /// - Returns: ``RecordResult/recorded`` or ``RecordResult/alreadyRecorded(_:)``.
    /// - Throws: ``FindingsStoreError/unknownInput(_:)``, ``FindingsStoreError/unknownRun(_:)``,
    ///   ``FindingsStoreError/runFinished(_:)``, ``FindingsStoreError/provenanceMismatch(run:problem:)``.
    func recordOutcome(_ outcome: DetectorOutcome, input: InputID, run: RunID) async throws -> RecordResult

    /// Records that the run's detector could not process an input (unreadable file, detector failure),
    /// with the reason. It takes the same exactly-once key as an outcome: a resumed batch does not retry
    /// it; a new detector version does.
    /// - Throws: as ``recordOutcome(_:input:run:)``, and ``FindingsStoreError/invalidValue(field:problem:)``
    ///   for an empty reason.
    func recordError(input: InputID, run: RunID, reason: String) async throws -> RecordResult

    /// What is recorded for (input, detector id, detector version): nil when nothing is, so the input
    /// still needs this detector version.
    func outcomeStatus(input: InputID, detectorID: String, detectorVersion: String) async throws -> OutcomeStatus?

    /// Registers each item's input (as ``InputStore/registerInput(_:)``) and records its results (as
    /// ``recordOutcome(_:input:run:)`` / ``recordError(input:run:reason:)``, same exactly-once rule), all
    /// items in **one transaction**: a batch writer's way of paying for one commit instead of many.
    /// An item that is refused (conflicting input, provenance mismatch, finished run) leaves nothing
    /// behind and is reported as ``BatchRecordResult/refused(_:)``; the other items are still written.
    /// - Throws: only for failures of the database itself (nothing of the batch is written then).
    func recordBatch(_ items: [InputResults]) async throws -> [BatchRecordResult]

    /// What is recorded, per (detector id, detector version), for the input with this content SHA-256;
    /// empty when the input is not registered. One read: what a resumed batch asks before scoring.
    func outcomeStatuses(contentSHA256: String) async throws -> [OutcomeKey: OutcomeStatus]

    // MARK: Queries

    /// Every finding about an input, oldest first.
    func findings(input: InputID) async throws -> [StoredFinding]

    /// Findings with this code whose probability is at least `probabilityAtLeast` (measured findings,
    /// without a probability, never match), highest probability first.
    func findings(code: String, probabilityAtLeast: Double) async throws -> [StoredFinding]

    /// Every finding recorded in a run, in recording order.
    func findings(run: RunID) async throws -> [StoredFinding]

    /// Every abstention about an input, oldest first.
    func abstentions(input: InputID) async throws -> [StoredAbstention]

    /// Every abstention recorded in a run, in recording order.
    func abstentions(run: RunID) async throws -> [StoredAbstention]

    /// Every error recorded in a run, in recording order.
    func errors(run: RunID) async throws -> [StoredError]

    /// Every error recorded about an input, oldest first.
    func errors(input: InputID) async throws -> [StoredError]

    /// A run with its counts and, per finding code, how many findings were positive.
    /// - Throws: ``FindingsStoreError/unknownRun(_:)``.
    func runSummary(_ id: RunID) async throws -> RunSummary
}

/// The radiology worklist: studies with their current tag, and every tag each has had. One concern of
/// ``FindingsStore``.
public protocol WorklistStore: Sendable {
    /// Puts a study on the worklist, idempotently by study identifier (the first arrival is kept).
    func addToWorklist(_ entry: NewWorklistEntry) async throws -> WorklistEntry

    /// Sets a study's current tag; earlier tags stay in its history.
    /// - Throws: ``FindingsStoreError/unknownWorklistEntry`` when the study is not on the worklist.
    func tagWorklistEntry(studyID: String, tag: WorklistTag) async throws -> WorklistEntry

    /// The worklist: highest priority first (untagged last), then by arrival.
    func worklist() async throws -> [WorklistEntry]

    /// Every tag a study has had, oldest first.
    func worklistHistory(studyID: String) async throws -> [WorklistTagRecord]
}

/// The append-only audit log: who did what to which row. One concern of ``FindingsStore``; the stores also write
/// their own entries here for every change they make (`input.register`, `run.start`, `outcome.record`, …).
public protocol AuditStore: Sendable {
    /// Appends an entry (for example, that a user read an input's findings). Entries cannot be changed
    /// or removed afterwards.
    func appendAudit(_ event: AuditEvent) async throws

    /// Audit entries, oldest first; only those about `object` when it is given.
    func auditLog(object: String?) async throws -> [AuditEntry]
}

// MARK: - Identifiers

/// A stored input's id.
public struct InputID: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The database key.
    public let rawValue: Int64
    /// Wraps a database key.
    public init(rawValue: Int64) { self.rawValue = rawValue }
    /// `input #12`: safe to log (it identifies a row, not a patient).
    public var description: String { "input #\(rawValue)" }
}

/// A run's id.
public struct RunID: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The database key.
    public let rawValue: Int64
    /// Wraps a database key.
    public init(rawValue: Int64) { self.rawValue = rawValue }
    /// `run #3`.
    public var description: String { "run #\(rawValue)" }
}

// MARK: - Inputs

/// An input to register: a file (or study) identified by the SHA-256 of its content.
public struct NewInput: Sendable, Hashable {
    /// SHA-256 of the content, 64 hex characters (stored lowercase).
    public var contentSHA256: String
    /// Where it was read from (kept as given; the first path wins on re-registration).
    public var path: String
    /// What kind of input it is (`ecg`, `ct_study`).
    public var kind: InputKind
    /// The patient identifier as given by the source: pseudonymous, never a name. Never logged.
    public var patientID: String?
    /// The study (examination) identifier as given by the source. Never logged.
    public var studyID: String?
    /// When the input was acquired, when the source says.
    public var acquiredAt: Date?
    /// What the source says that standard outputs copy (DICOM UIDs, patient/study module values; never
    /// names), as JSON; nil when there is none. Stored once: a later registration fills it only when the
    /// stored input has none.
    public var sourceMetadata: JSONValue?

    /// Creates an input description.
    public init(contentSHA256: String, path: String, kind: InputKind, patientID: String? = nil,
                studyID: String? = nil, acquiredAt: Date? = nil, sourceMetadata: JSONValue? = nil)
    {
        self.sourceMetadata = sourceMetadata
        self.contentSHA256 = contentSHA256
        self.path = path
        self.kind = kind
        self.patientID = patientID
        self.studyID = studyID
        self.acquiredAt = acquiredAt
    }
}

/// A registered input.
public struct StoredInput: Sendable, Hashable {
    /// Its id.
    public let id: InputID
    /// SHA-256 of the content, lowercase hex.
    public let contentSHA256: String
    /// The path it was first registered with.
    public let path: String
    /// Its kind.
    public let kind: InputKind
    /// Pseudonymous patient identifier, as given.
    public let patientID: String?
    /// Study identifier, as given.
    public let studyID: String?
    /// Acquisition time, when known (millisecond precision).
    public let acquiredAt: Date?
    /// When it was first registered (millisecond precision).
    public let registeredAt: Date
    /// What the source says that standard outputs copy (see ``NewInput/sourceMetadata``); nil when none.
    public var sourceMetadata: JSONValue? = nil
}

// MARK: - Runs

/// A run to start: one detector (and its model) over some inputs, with the settings it ran with.
public struct NewRun: Sendable, Hashable {
    /// The detector and model weights; every outcome recorded in the run must carry the same.
    public var detector: DetectorProvenance
    /// Settings the run used (thresholds, thread count, source), free-form JSON.
    public var settings: [String: JSONValue]

    /// Creates a run description.
    public init(detector: DetectorProvenance, settings: [String: JSONValue] = [:]) {
        self.detector = detector
        self.settings = settings
    }
}

/// How many inputs a run has recorded, by result.
public struct RunCounts: Sendable, Hashable, Codable {
    /// Inputs with any recorded result in this run (scored + abstained + errors).
    public var inputs: Int
    /// Inputs the detector reported findings for.
    public var scored: Int
    /// Inputs the detector abstained on.
    public var abstained: Int
    /// Inputs that failed with an error.
    public var errors: Int

    /// Creates counts.
    public init(inputs: Int = 0, scored: Int = 0, abstained: Int = 0, errors: Int = 0) {
        self.inputs = inputs
        self.scored = scored
        self.abstained = abstained
        self.errors = errors
    }
}

/// A stored run.
public struct RunRecord: Sendable, Hashable {
    /// Its id.
    public let id: RunID
    /// The detector and model it ran.
    public let detector: DetectorProvenance
    /// Its settings.
    public let settings: [String: JSONValue]
    /// When it started.
    public let startedAt: Date
    /// When it finished; nil while running (or if it was killed and never finished).
    public let finishedAt: Date?
    /// What it has recorded so far.
    public let counts: RunCounts
}

/// Per finding code: how many findings a run produced and how many of them were positive.
public struct CodeCount: Sendable, Hashable, Codable {
    /// The finding code (`afib`).
    public let code: String
    /// Findings with this code (one per scored input that reported it).
    public let findings: Int
    /// Of those, findings with decision `positive`.
    public let flagged: Int

    /// Creates a count.
    public init(code: String, findings: Int, flagged: Int) {
        self.code = code
        self.findings = findings
        self.flagged = flagged
    }
}

/// A run and what came of it.
public struct RunSummary: Sendable, Hashable {
    /// The run, with its counts.
    public let run: RunRecord
    /// Per code, sorted by code.
    public let perCode: [CodeCount]
}

// MARK: - Outcomes

/// What is recorded for one (input, detector id, detector version).
public enum OutcomeStatus: String, Sendable, Hashable, Codable {
    /// The detector reported findings (possibly none).
    case scored
    /// The detector abstained.
    case abstained
    /// Processing failed; the reason is stored.
    case error
}

/// What a record call did.
public enum RecordResult: Sendable, Hashable {
    /// The outcome (or error) was stored.
    case recorded
    /// Something was already stored for this (input, detector id, detector version); nothing changed.
    /// The status is that of the earlier record.
    case alreadyRecorded(OutcomeStatus)
}

/// A finding as stored, with where it came from.
public struct StoredFinding: Sendable, Hashable {
    /// Its row id.
    public let id: Int64
    /// The input it is about.
    public let input: InputID
    /// The run that recorded it.
    public let run: RunID
    /// The finding, exactly as recorded.
    public let finding: Finding
}

/// An abstention as stored.
public struct StoredAbstention: Sendable, Hashable {
    /// The input it is about.
    public let input: InputID
    /// The run that recorded it.
    public let run: RunID
    /// The abstention, exactly as recorded.
    public let abstention: Abstention
}

/// A processing error as stored.
public struct StoredError: Sendable, Hashable {
    /// The input that failed.
    public let input: InputID
    /// The run it failed in.
    public let run: RunID
    /// The detector id of that run.
    public let detectorID: String
    /// The detector version of that run.
    public let detectorVersion: String
    /// Why it failed.
    public let reason: String
    /// When the error was recorded.
    public let recordedAt: Date
}

// MARK: - Worklist

/// A study to put on the worklist.
public struct NewWorklistEntry: Sendable, Hashable {
    /// Study identifier as given (pseudonymous). Never logged.
    public var studyID: String
    /// The registered input holding the study, when there is one.
    public var input: InputID?
    /// When the study arrived (orders entries of equal priority).
    public var arrivedAt: Date

    /// Creates an entry description.
    public init(studyID: String, input: InputID? = nil, arrivedAt: Date) {
        self.studyID = studyID
        self.input = input
        self.arrivedAt = arrivedAt
    }
}

/// A tag given to a worklist study by a model.
public struct WorklistTag: Sendable, Hashable {
    /// The tag (`PANCREAS-SUSPECT-HIGH`, `NOT-ASSESSABLE: image_quality_insufficient`).
    public var tag: String
    /// Sort priority: higher comes first.
    public var priority: Int
    /// The score behind the tag, when there is one.
    public var score: Double?
    /// The model version that gave the tag.
    public var modelVersion: String?

    /// Creates a tag.
    public init(tag: String, priority: Int, score: Double? = nil, modelVersion: String? = nil) {
        self.tag = tag
        self.priority = priority
        self.score = score
        self.modelVersion = modelVersion
    }
}

/// A study on the worklist with its current tag.
public struct WorklistEntry: Sendable, Hashable {
    /// Study identifier.
    public let studyID: String
    /// The input holding the study, when registered.
    public let input: InputID?
    /// Arrival time.
    public let arrivedAt: Date
    /// The current tag; nil until tagged.
    public let current: WorklistTag?
    /// When the current tag was given.
    public let taggedAt: Date?
}

/// One tag in a study's history.
public struct WorklistTagRecord: Sendable, Hashable {
    /// The tag as given.
    public let tag: WorklistTag
    /// When it was given.
    public let taggedAt: Date
}

// MARK: - Audit

/// An audit event to append.
public struct AuditEvent: Sendable, Hashable {
    /// Who acted (a user name, a service such as `batch`).
    public var actor: String
    /// What was done (`findings.read`, `run.start`).
    public var action: String
    /// What it was done to (`input:12`, `run:3`): row ids, never patient identifiers.
    public var object: String
    /// Supporting values.
    public var details: [String: JSONValue]

    /// Creates an event.
    public init(actor: String, action: String, object: String, details: [String: JSONValue] = [:]) {
        self.actor = actor
        self.action = action
        self.object = object
        self.details = details
    }
}

/// A stored audit entry.
public struct AuditEntry: Sendable, Hashable {
    /// Its sequence number.
    public let id: Int64
    /// When it was appended.
    public let at: Date
    /// Who acted.
    public let actor: String
    /// What was done.
    public let action: String
    /// What it was done to.
    public let object: String
    /// Supporting values.
    public let details: [String: JSONValue]
}

// MARK: - Errors

/// Why a store operation was refused. Descriptions name row ids and fields, never patient or study
/// identifiers, paths or free-text reasons, so they are safe to log.
public enum FindingsStoreError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// A value given to the store is malformed.
    case invalidValue(field: String, problem: String)
    /// The same content was registered before with a different value of `field`.
    case conflictingInput(contentSHA256: String, field: String)
    /// No input has this id.
    case unknownInput(InputID)
    /// No run has this id.
    case unknownRun(RunID)
    /// The run is finished; nothing more can be recorded in it.
    case runFinished(RunID)
    /// An outcome's provenance does not match the run's detector.
    case provenanceMismatch(run: RunID, problem: String)
    /// The study is not on the worklist.
    case unknownWorklistEntry
    /// A stored row could not be read back (damaged or written by an incompatible build).
    case corruptRow(table: String, id: Int64, problem: String)
    /// The database was migrated by a newer build, which this build cannot safely write to.
    case newerSchema(unknownMigrations: [String])

    /// One line, safe to log.
    public var description: String {
        switch self {
        case let .invalidValue(field, problem): "findings store: \(field): \(problem)"
        case let .conflictingInput(sha, field):
            "findings store: content \(sha) is already registered with a different \(field)"
        case let .unknownInput(id): "findings store: no \(id)"
        case let .unknownRun(id): "findings store: no \(id)"
        case let .runFinished(id): "findings store: \(id) is finished; start a new run to record more"
        case let .provenanceMismatch(run, problem): "findings store: outcome does not belong to \(run): \(problem)"
        case .unknownWorklistEntry: "findings store: the study is not on the worklist"
        case let .corruptRow(table, id, problem): "findings store: \(table) row \(id) cannot be read: \(problem)"
        case let .newerSchema(names):
            "findings store: the database was migrated by a newer Vigil (\(names.joined(separator: ", "))); "
                + "use that version or a copy of the file"
        }
    }

    /// Same as ``description``.
    public var errorDescription: String? { description }
}
