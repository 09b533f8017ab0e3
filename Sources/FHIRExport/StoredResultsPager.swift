import DetectorKit
import FindingsStore

/// One stored input with everything recorded for it: what every exporter writes.
public struct StoredInputResults {
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

    /// Reads one input and its results from `store` as the pager does; nil when there is no such input.
    /// What the service's per-input routes (`/v1/inputs/{id}/dicom-sr`, `/hl7v2`) export.
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
}

/// Pages through the store's inputs (of one kind, when given) in id order and reads each one's results,
/// so an export streams whatever the store holds in bounded memory. The detector of each run is read
/// once per run: errors are stored with the run, not the model. The FHIR, CSV, HL7 v2 and DICOM SR
/// exporters all read the store through it.
public struct StoredResultsPager {
    let store: any FindingsStore
    let kind: InputKind?
    let pageSize: Int
    private var runDetectors: [RunID: DetectorProvenance] = [:]

    /// A pager over `store`'s inputs of `kind` (all kinds when nil), `pageSize` inputs per query.
    public init(store: any FindingsStore, kind: InputKind?, pageSize: Int) {
        self.store = store
        self.kind = kind
        self.pageSize = pageSize
    }

    /// Calls `body` with every input and its results, in input-id order.
    public mutating func forEach(_ body: (StoredInputResults) async throws -> Void) async throws {
        var after: InputID?
        while true {
            let page = try await store.inputs(kind: kind, after: after, limit: pageSize)
            guard let last = page.last else { return }
            after = last.id
            for input in page {
                var errors: [(error: StoredError, detector: DetectorProvenance)] = []
                for e in try await store.errors(input: input.id) {
                    errors.append((e, try await detector(of: e)))
                }
                try await body(StoredInputResults(input: input, findings: try await store.findings(input: input.id),
                                                  abstentions: try await store.abstentions(input: input.id), errors: errors))
            }
        }
    }

    private mutating func detector(of e: StoredError) async throws -> DetectorProvenance {
        if let p = runDetectors[e.run] { return p }
        let p = try await store.run(id: e.run)?.detector ?? DetectorProvenance(id: e.detectorID, version: e.detectorVersion)
        runDetectors[e.run] = p
        return p
    }
}
