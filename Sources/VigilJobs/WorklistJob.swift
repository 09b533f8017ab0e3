import BatchScoring
import DetectorCatalog
import DetectorKit
import FindingsStore
import Foundation
import PostgresStore
import WorklistTagging

/// `vigil worklist add|tag|list`: the radiology worklist in the findings store (docs/batch.md).
public enum WorklistJob {
    /// Puts studies (folders of DICOM files or PNG slices + sidecar; `folder`: a folder of study folders, in
    /// name order) on the worklist; one line per study and a summary to `output.line`.
    /// - Returns: the number of studies that could not be added (their reasons went to `output.note`).
    @discardableResult
    public static func add(studies: [String], folder: String?, db: String, output: JobOutput = .standard) async throws -> Int {
        var urls = studies.map { URL(fileURLWithPath: $0) }
        if let folder {
            let found = try StudyImport.studyFolders(in: URL(fileURLWithPath: folder))
            if found.isEmpty { throw JobError("--folder \(folder): holds no study folders") }
            urls += found
        }
        let store = try await FindingsStores.open(db, actor: "worklist")
        var added = 0, already = 0, failed = 0
        let formatter = ISO8601DateFormatter()
        for (url, result) in try await StudyImport.add(all: urls, to: store) {
            let name = url.lastPathComponent
            switch result {
            case .added:
                added += 1
                output.line("  added          \(name)")
            case let .alreadyThere(entry):
                already += 1
                output.line("  already there  \(name) (on the worklist since \(formatter.string(from: entry.arrivedAt)))")
            case let .failed(reason):
                failed += 1
                output.line("  not added      \(name)")
                output.note("\(name): not added: \(reason)")
            }
        }
        let total = try await store.worklist().count
        output.line("\(added) of \(urls.count) studies added, \(already) already on the worklist"
            + (failed > 0 ? ", \(failed) not added" : "") + "; \(total) on the worklist in all")
        return failed
    }

    /// Checks a tag threshold (a score from 0 to 1).
    /// - Throws: ``JobError`` naming `--threshold`.
    public static func validateThreshold(_ threshold: Double?) throws {
        if let threshold, !(threshold.isFinite && threshold >= 0 && threshold <= 1) {
            throw JobError("--threshold must be a score from 0 to 1, got \(threshold)")
        }
    }

    /// Scores untagged studies (and studies tagged by another model version) with the CT detector `detector`
    /// (nil: the only CT detector registered) and tags them; the counts per tag to `output.line`.
    /// - Parameters:
    ///   - settings: a tag settings JSON file (prefix, findingCode, highThreshold, priorities).
    ///   - threshold: the -SUSPECT-HIGH threshold, over the settings and the model card.
    public static func tag(db: String, settings: String?, threshold: Double?, detector: String?,
                           output: JobOutput = .standard) async throws
    {
        var rules = try settings.map { try WorklistTagRules.load(from: URL(fileURLWithPath: $0)) } ?? WorklistTagRules()
        if let threshold { rules.highThreshold = threshold }
        try rules.validate(file: "--threshold")
        let registry = try DetectorCatalog.registry()
        let ct: AnyDetector
        if let detector {
            ct = try registry.lookup(id: detector)
        } else {
            guard let only = registry.detectors(for: .ctStudy).first else { throw BatchError.noDetectors(kind: .ctStudy) }
            ct = only
        }
        let store = try await FindingsStores.open(db, actor: "worklist")
        let tagger = WorklistTagger(store: store, detector: ct, rules: rules)
        let report = try await tagger.tag()
        output.line("tagged \(report.tagged.values.reduce(0, +)) studies with \(tagger.modelVersion) "
            + "(\(report.scored) scored now; \(report.upToDate) already tagged by this version)")
        for (tag, n) in report.tagged.sorted(by: { $0.key < $1.key }) { output.line("  \(tag): \(n)") }
        if report.withoutInput > 0 { output.line("  \(report.withoutInput) studies have no registered input and were not tagged") }
    }

    /// The worklist, highest priority first, then by arrival (`history`: each study's earlier tags too).
    public static func list(db: String, history: Bool, output: JobOutput = .standard) async throws {
        let store = try await FindingsStores.open(db, actor: "worklist")
        let entries = try await store.worklist()
        let formatter = ISO8601DateFormatter()
        output.line("arrived               tag                                  score  model / study")
        for entry in entries {
            let tag = entry.current?.tag ?? "(untagged)"
            let score = entry.current?.score.map { String(format: "%.3f", $0) } ?? "    -"
            output.line(formatter.string(from: entry.arrivedAt) + "  " + tag.padding(toLength: 36, withPad: " ", startingAt: 0)
                + " " + score + "  " + (entry.current?.modelVersion ?? "-") + " / " + entry.studyID)
            if history {
                for record in try await store.worklistHistory(studyID: entry.studyID) {
                    output.line("    " + formatter.string(from: record.taggedAt) + "  " + record.tag.tag + " ("
                        + (record.tag.modelVersion ?? "-") + ")")
                }
            }
        }
        if entries.isEmpty { output.line("(the worklist is empty)") }
    }
}
