import DetectorKit

/// One stored input with everything recorded for it: the read model every reader of stored results shares — the
/// exporters (FHIR, CSV, HL7 v2, DICOM SR, through `StoredResultsPager`), the service's per-input routes, and
/// the explainer (``outcomes``).
public struct StoredInputResults: Sendable {
    /// The input.
    public let input: StoredInput
    /// Its findings.
    public let findings: [StoredFinding]
    /// Its abstentions.
    public let abstentions: [StoredAbstention]
    /// Errors with the detector (and model) of the run that recorded them.
    public let errors: [(error: StoredError, detector: DetectorProvenance)]

    /// Creates the results of one input.
    public init(input: StoredInput, findings: [StoredFinding], abstentions: [StoredAbstention],
                errors: [(error: StoredError, detector: DetectorProvenance)])
    {
        self.input = input
        self.findings = findings
        self.abstentions = abstentions
        self.errors = errors
    }

    /// Reads one input and its results from `store`; nil when there is no such input.
    public static func load(input id: InputID, from store: any FindingsStore) async throws -> StoredInputResults? {
        guard let input = try await store.input(id: id) else { return nil }
        var errors: [(error: StoredError, detector: DetectorProvenance)] = []
        for e in try await store.errors(input: id) {
            let p = try await store.run(id: e.run)?.detector ?? DetectorProvenance(id: e.detectorID, version: e.detectorVersion)
            errors.append((e, p))
        }
        return StoredInputResults(input: input, findings: try await store.findings(input: id),
                                  abstentions: try await store.abstentions(input: id), errors: errors)
    }

    /// The results as the detector outcomes they were recorded from: the findings of one detector (id, version and
    /// model) form one `.findings` outcome, in recording order, then each abstention one `.abstained`. Errors are
    /// not outcomes (``errors``).
    public var outcomes: [DetectorOutcome] {
        var order: [DetectorProvenance] = []
        var groups: [DetectorProvenance: [Finding]] = [:]
        for stored in findings {
            let p = stored.finding.detector
            if groups[p] == nil { order.append(p) }
            groups[p, default: []].append(stored.finding)
        }
        return order.map { DetectorOutcome.findings(groups[$0] ?? []) } + abstentions.map { .abstained($0.abstention) }
    }
}

extension ResultsStore {
    /// The stored outcome of one detector version for `input`: its abstention, or its findings — an empty list
    /// when it scored the input and found nothing —, or nil when it recorded an error or has not run on it.
    public func outcome(input: InputID, detector: DetectorDescriptor) async throws -> DetectorOutcome? {
        func mine(_ p: DetectorProvenance) -> Bool { p.id == detector.id && p.version == detector.version }
        if let a = try await abstentions(input: input).last(where: { mine($0.abstention.detector) }) {
            return .abstained(a.abstention)
        }
        switch try await outcomeStatus(input: input, detectorID: detector.id, detectorVersion: detector.version) {
        case .scored?: return .findings(try await findings(input: input).map(\.finding).filter { mine($0.detector) })
        default: return nil
        }
    }
}
