import BatchScoring
import DetectorInputs
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

    /// A tagger that reads each registered study from its stored path (a study folder or file) as a CT study:
    /// what `vigil worklist tag` and the STOW-RS feeder use.
    public init(store: any FindingsStore, detector: AnyDetector, rules: WorklistTagRules = WorklistTagRules()) {
        self.init(store: store, detector: detector, rules: rules) { input in
            try CTStudy.read(paths: [URL(fileURLWithPath: input.path)])
        }
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

    /// Tags every untagged (or differently tagged) study on the worklist. The studies are scored by the one
    /// scoring loop, ``BatchEngine`` (one worker with every tensor-core thread: a CT study keeps the cores busy on
    /// its own), which skips what this detector version already recorded; then each study is tagged from its
    /// stored outcome.
    public func tag() async throws -> Report {
        var report = Report()
        let version = modelVersion
        let targets = try await store.worklist().filter { entry in
            if entry.current?.modelVersion == version { report.upToDate += 1; return false }
            return true
        }
        guard !targets.isEmpty else { return report }
        var studies: [(entry: WorklistEntry, input: StoredInput)] = []
        for entry in targets {
            guard let inputID = entry.input, let input = try await store.input(id: inputID) else {
                report.withoutInput += 1
                continue
            }
            studies.append((entry, input))
        }
        guard !studies.isEmpty else { return report }
        let engine = BatchEngine(store: store, detectors: [detector], configuration: .init(workers: 1, name: "worklist-tag"))
        let items = studies.map { StoredStudyItem(input: $0.input, load: load) as any BatchItem }
        let batch = try await engine.run(items, total: items.count, settings: ["purpose": "worklist.tag", "prefix": .string(rules.prefix)])
        if let counts = batch.detectors.first?.summary.run.counts { report.scored = counts.scored + counts.abstained + counts.errors }
        for (entry, input) in studies {
            let outcome = try await store.outcome(input: input.id, detector: detector.descriptor)
            let tag = rules.tag(for: outcome, card: detector.modelCard, modelVersion: version)
            _ = try await store.tagWorklistEntry(studyID: entry.studyID, tag: tag)
            report.tagged[tag.tag, default: 0] += 1
        }
        return report
    }
}

/// A registered worklist study as an item of the batch engine: its stored content hash and path, read with the
/// tagger's loader (so the engine's exactly-once check and registration see the input already stored).
struct StoredStudyItem: BatchItem {
    let input: StoredInput
    let load: @Sendable (StoredInput) throws -> any DetectorInput
    var label: String { URL(fileURLWithPath: input.path).lastPathComponent }
    var path: String { input.path }
    func contentSHA256() throws -> String { input.contentSHA256 }
    func read() throws -> ReadInput {
        ReadInput(input: try load(input), patientID: input.patientID, studyID: input.studyID, acquiredAt: input.acquiredAt)
    }
}
