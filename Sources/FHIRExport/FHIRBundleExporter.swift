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
    /// Model cards of the detectors' models, written into their Devices (matched by name and version).
    public let modelCards: [ModelCard]

    /// Creates an exporter.
    public init(store: any FindingsStore, kind: InputKind? = nil, pageSize: Int = 200, timestamp: Date = Date(),
                modelCards: [ModelCard] = []) {
        self.modelCards = modelCards
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
        var pager = StoredResultsPager(store: store, kind: kind, pageSize: pageSize)
        try await pager.forEach { stored in
            if stored.findings.isEmpty && stored.abstentions.isEmpty && stored.errors.isEmpty { return }
            let resources = FHIRResources.resources(input: stored.input, findings: stored.findings,
                                                    abstentions: stored.abstentions, errors: stored.errors,
                                                    knownDevices: &devices, modelCards: modelCards)
            for (url, resource) in resources.entries {
                let entry: JSONValue = ["fullUrl": .string(url), "resource": resource]
                if !first { try output.write(",") }
                first = false
                try output.write(try VigilJSON.encode(entry))
            }
            reports += 1
        }
        try output.write("]}\n")
        try output.flush()
        return reports
    }
}
