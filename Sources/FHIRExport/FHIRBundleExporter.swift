import DetectorKit
import FindingsStore
import Foundation

/// Writes a store's results as one FHIR R4 Bundle (`type: collection`) in JSON, streaming: inputs are
/// read from the store a page at a time and written as they are read, so memory stays flat however
/// large the store. Inputs without any recorded result are left out.
///
/// ```swift
/// let output = ExportOutput(handle: .standardOutput)
/// let count = try await FHIRBundleExporter(store: store).write(to: output)
/// ```
public struct FHIRBundleExporter: Sendable {
    /// The store to export.
    public let store: any FindingsStore
    /// Only inputs of this kind, when given.
    public let kind: InputKind?
    /// Inputs read per store query.
    public let pageSize: Int
    /// The bundle's timestamp.
    public let timestamp: Date

    /// Creates an exporter.
    public init(store: any FindingsStore, kind: InputKind? = nil, pageSize: Int = 200, timestamp: Date = Date()) {
        self.store = store
        self.kind = kind
        self.pageSize = pageSize
        self.timestamp = timestamp
    }

    /// Writes the bundle; returns the number of DiagnosticReports (inputs) written.
    public func write(to output: ExportOutput) async throws -> Int {
        try output.write("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"timestamp\":\""
            + FHIRResources.instant(timestamp) + "\",\"entry\":[")
        var first = true
        var reports = 0
        var devices = Set<String>()
        var after: InputID?
        var runDetectors = RunDetectors()
        while true {
            let page = try await store.inputs(kind: kind, after: after, limit: pageSize)
            guard let last = page.last else { break }
            after = last.id
            for input in page {
                let findings = try await store.findings(input: input.id)
                let abstentions = try await store.abstentions(input: input.id)
                let errors = try await runDetectors.attach(try await store.errors(input: input.id), store)
                if findings.isEmpty && abstentions.isEmpty && errors.isEmpty { continue }
                let resources = FHIRResources.resources(input: input, findings: findings, abstentions: abstentions,
                                                        errors: errors, knownDevices: &devices)
                for (url, resource) in resources.entries {
                    let entry: JSONValue = ["fullUrl": .string(url), "resource": resource]
                    if !first { try output.write(",") }
                    first = false
                    try output.write(try VigilJSON.encode(entry))
                }
                reports += 1
            }
        }
        try output.write("]}\n")
        try output.flush()
        return reports
    }
}

/// The detector (and model) of each run, read once per run: errors are stored with the run, not the model.
struct RunDetectors {
    private var known: [RunID: DetectorProvenance] = [:]

    mutating func detector(of run: RunID, fallback: DetectorProvenance, _ store: any FindingsStore) async throws -> DetectorProvenance {
        if let p = known[run] { return p }
        let p = try await store.run(id: run)?.detector ?? fallback
        known[run] = p
        return p
    }

    mutating func attach(_ errors: [StoredError], _ store: any FindingsStore) async throws -> [(error: StoredError, detector: DetectorProvenance)] {
        var out: [(error: StoredError, detector: DetectorProvenance)] = []
        for e in errors {
            out.append((e, try await detector(of: e.run, fallback: DetectorProvenance(id: e.detectorID, version: e.detectorVersion), store)))
        }
        return out
    }
}
