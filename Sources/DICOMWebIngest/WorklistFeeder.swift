import BatchScoring
import WorklistTagging
import DetectorInputs
import DetectorKit
import FindingsStore
import Foundation

/// Puts completed studies from the spool on the radiology worklist and has them tagged, through the same
/// calls as `vigil worklist add` and `vigil worklist tag`: ``StudyImport/add(_:to:arrivedAt:)`` registers the
/// study folder (input digest, Study Instance UID, source references for SR export), then
/// ``WorklistTagger/tag()`` scores what is untagged with the CT detector (exactly once per study and model
/// version, as the store guarantees). There is no scoring loop of its own.
public struct WorklistFeeder: Sendable {
    /// The store holding inputs, findings, the worklist and which sites see which inputs.
    public let store: any FindingsStore & SiteAccessStore
    /// The tagger (CT detector + tag rules), loading each study from its spool folder.
    public let tagger: WorklistTagger
    /// The spool the studies are in.
    public let spool: InstanceSpool

    /// Creates a feeder that tags with `detector` (the registry's CT detector, e.g. `ct-pancreas`).
    public init(store: any FindingsStore & SiteAccessStore, detector: AnyDetector, rules: WorklistTagRules = WorklistTagRules(),
                spool: InstanceSpool) {
        self.store = store
        self.spool = spool
        self.tagger = WorklistTagger(store: store, detector: detector, rules: rules)
    }

    /// What happened to one completed study.
    public struct Report: Sendable {
        /// The worklist entry (its current tag after tagging).
        public let entry: WorklistEntry
        /// True when the study was already on the worklist with an earlier input (a series that arrived
        /// after the study was listed): the worklist keeps the first input, so the late series is stored
        /// but not scored with it.
        public let lateArrival: Bool
        /// The tagging pass.
        public let tagging: WorklistTagger.Report
    }

    /// Lists `study` on the worklist, grants its input to the sites that sent it (``InstanceSpool/sites(study:)``),
    /// marks it listed in the spool and runs a tagging pass.
    /// - Throws: store errors, or `WorklistError` when the folder holds no files.
    public func list(_ study: CompletedStudy) async throws -> Report {
        let known = try await store.worklist().first { $0.studyID == study.study }
        let entry = try await StudyImport.add(study.folder, to: store, arrivedAt: study.firstArrival)
        if let input = entry.input {
            for site in spool.sites(study: study.study) { try await store.grant(site: site, input: input) }
        }
        try? spool.markListed(study: study.study)
        let report = try await tagger.tag()
        let now = try await store.worklist().first { $0.studyID == entry.studyID } ?? entry
        return Report(entry: now, lateArrival: known != nil, tagging: report)
    }
}
