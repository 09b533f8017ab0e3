import DetectorKit
import FindingsStore
import Foundation

/// Tags radiology worklist studies with a CT detector's result.
///
/// `tag()` scores every study that has no tag, or whose tag came from another detector or model version
/// (so a model update re-tags the worklist; the store keeps every earlier tag in the study's history).
/// Scoring follows the store's exactly-once rule: a study this detector version already scored (in a
/// batch, or an earlier tagging that was interrupted) is tagged from the stored outcome, not scored again.
///
/// ```swift
/// let tagger = WorklistTagger(store: store, detector: registry.detector(id: "ct-pancreas")!,
///                             rules: WorklistTagRules(), load: { input in try CTStudy.read(paths: [URL(fileURLWithPath: input.path)]) })
/// let report = try await tagger.tag()
/// ```
public struct WorklistTagger: Sendable {
    /// The store holding the worklist.
    public let store: any FindingsStore
    /// The CT detector.
    public let detector: AnyDetector
    /// How outcomes become tags.
    public let rules: WorklistTagRules
    /// Reads a registered study (by its stored path) into the detector's input.
    public let load: @Sendable (StoredInput) throws -> any DetectorInput

    /// Creates a tagger.
    public init(store: any FindingsStore, detector: AnyDetector, rules: WorklistTagRules,
                load: @escaping @Sendable (StoredInput) throws -> any DetectorInput)
    {
        self.store = store
        self.detector = detector
        self.rules = rules
        self.load = load
    }

    /// The version string tags carry: detector id and version, and the model's name and version.
    public var modelVersion: String {
        let d = detector.descriptor
        return "\(d.id) \(d.version)" + (detector.modelCard.map { " (\($0.name) \($0.version))" } ?? "")
    }

    /// What a tagging pass did.
    public struct Report: Sendable, Hashable {
        /// Studies tagged now, by tag.
        public var tagged: [String: Int] = [:]
        /// Studies scored now (the rest were tagged from an outcome already stored).
        public var scored = 0
        /// Studies already tagged by this model version (left alone).
        public var upToDate = 0
        /// Studies that could not be tagged because they have no registered input.
        public var withoutInput = 0
    }

    /// Tags every untagged (or differently tagged) study on the worklist.
    public func tag() async throws -> Report {
        var report = Report()
        let version = modelVersion
        let targets = try await store.worklist().filter { entry in
            if entry.current?.modelVersion == version { report.upToDate += 1; return false }
            return true
        }
        guard !targets.isEmpty else { return report }
        let provenance = DetectorProvenance(descriptor: detector.descriptor, modelCard: detector.modelCard)
        let run = try await store.startRun(NewRun(detector: provenance, settings: [
            "purpose": "worklist.tag", "prefix": .string(rules.prefix),
        ]))
        for entry in targets {
            guard let inputID = entry.input, let input = try await store.input(id: inputID) else {
                report.withoutInput += 1
                continue
            }
            let d = detector.descriptor
            if try await store.outcomeStatus(input: inputID, detectorID: d.id, detectorVersion: d.version) == nil {
                let result: InputResult
                do {
                    result = .outcome(try await detector.analyze(try load(input)))
                } catch {
                    result = .error("cannot score study \(URL(fileURLWithPath: input.path).lastPathComponent): \(error)")
                }
                switch result {
                case let .outcome(outcome): _ = try await store.recordOutcome(outcome, input: inputID, run: run.id)
                case let .error(reason): _ = try await store.recordError(input: inputID, run: run.id, reason: reason)
                }
                report.scored += 1
            }
            let outcome = try await store.outcome(input: inputID, detector: detector.descriptor)
            let tag = rules.tag(for: outcome, card: detector.modelCard, modelVersion: version)
            _ = try await store.tagWorklistEntry(studyID: entry.studyID, tag: tag)
            report.tagged[tag.tag, default: 0] += 1
        }
        _ = try await store.finishRun(run.id)
        return report
    }
}
