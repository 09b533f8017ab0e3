import DetectorKit
import FindingsStore
import Foundation

extension FHIRBundleExporter {
    /// One input's results as a FHIR R4 Bundle (`type: collection`) in JSON: the same resources as the
    /// whole-store export writes for it (Devices, Observations, DiagnosticReport, Provenance). What
    /// `GET /v1/inputs/{id}/fhir` answers.
    /// - Returns: nil when the store has no such input.
    public static func bundle(input id: InputID, store: any FindingsStore, modelCards: [ModelCard] = [],
                              timestamp: Date = Date()) async throws -> Data?
    {
        guard let input = try await store.input(id: id) else { return nil }
        var errors: [(error: StoredError, detector: DetectorProvenance)] = []
        for e in try await store.errors(input: id) {
            let p = try await store.run(id: e.run)?.detector ?? DetectorProvenance(id: e.detectorID, version: e.detectorVersion)
            errors.append((e, p))
        }
        var devices = Set<String>()
        let resources = FHIRResources.resources(input: input, findings: try await store.findings(input: id),
                                                abstentions: try await store.abstentions(input: id), errors: errors,
                                                knownDevices: &devices, modelCards: modelCards)
        let bundle: JSONValue = [
            "resourceType": "Bundle", "type": "collection", "timestamp": .string(FHIRResources.instant(timestamp)),
            "entry": .array(resources.entries.map { ["fullUrl": .string($0.fullUrl), "resource": $0.resource] }),
        ]
        return try VigilJSON.encode(bundle)
    }
}
