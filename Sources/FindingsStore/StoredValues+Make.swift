import DetectorKit
import Foundation

// Public ways to build the stored values, for FindingsStore implementations in other modules (the PostgreSQL
// store, Sources/PostgresStore). The memberwise initializers stay internal; these only forward to them.

extension StoredInput {
    /// A registered input as a store read it back.
    public static func make(id: InputID, contentSHA256: String, path: String, kind: InputKind, patientID: String?,
                            studyID: String?, acquiredAt: Date?, registeredAt: Date, sourceMetadata: JSONValue?) -> StoredInput
    {
        StoredInput(id: id, contentSHA256: contentSHA256, path: path, kind: kind, patientID: patientID, studyID: studyID,
                    acquiredAt: acquiredAt, registeredAt: registeredAt, sourceMetadata: sourceMetadata)
    }
}

extension RunRecord {
    /// A run as a store read it back.
    public static func make(id: RunID, detector: DetectorProvenance, settings: [String: JSONValue], startedAt: Date,
                            finishedAt: Date?, counts: RunCounts) -> RunRecord
    {
        RunRecord(id: id, detector: detector, settings: settings, startedAt: startedAt, finishedAt: finishedAt, counts: counts)
    }
}

extension RunSummary {
    /// A run with its per-code counts.
    public static func make(run: RunRecord, perCode: [CodeCount]) -> RunSummary { RunSummary(run: run, perCode: perCode) }
}

extension StoredFinding {
    /// A finding as a store read it back.
    public static func make(id: Int64, input: InputID, run: RunID, finding: Finding) -> StoredFinding {
        StoredFinding(id: id, input: input, run: run, finding: finding)
    }
}

extension StoredAbstention {
    /// An abstention as a store read it back.
    public static func make(input: InputID, run: RunID, abstention: Abstention) -> StoredAbstention {
        StoredAbstention(input: input, run: run, abstention: abstention)
    }
}

extension StoredError {
    /// A processing error as a store read it back.
    public static func make(input: InputID, run: RunID, detectorID: String, detectorVersion: String, reason: String,
                            recordedAt: Date) -> StoredError
    {
        StoredError(input: input, run: run, detectorID: detectorID, detectorVersion: detectorVersion, reason: reason,
                    recordedAt: recordedAt)
    }
}

extension WorklistEntry {
    /// A worklist entry as a store read it back.
    public static func make(studyID: String, input: InputID?, arrivedAt: Date, current: WorklistTag?, taggedAt: Date?) -> WorklistEntry {
        WorklistEntry(studyID: studyID, input: input, arrivedAt: arrivedAt, current: current, taggedAt: taggedAt)
    }
}

extension WorklistTagRecord {
    /// One tag of a study's history.
    public static func make(tag: WorklistTag, taggedAt: Date) -> WorklistTagRecord { WorklistTagRecord(tag: tag, taggedAt: taggedAt) }
}

extension AuditEntry {
    /// An audit entry as a store read it back.
    public static func make(id: Int64, at: Date, actor: String, action: String, object: String,
                            details: [String: JSONValue]) -> AuditEntry
    {
        AuditEntry(id: id, at: at, actor: actor, action: action, object: object, details: details)
    }
}
