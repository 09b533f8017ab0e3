import DetectorKit
import FindingsStore

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
