import ArgumentParser
import DetectorKit
import FHIRExport
import FindingsStore
import Foundation

/// `vigil export --db FILE --format csv|fhir`: the store's results as CSV or a FHIR R4 Bundle (docs/export.md).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export stored results as CSV (one row per finding, abstention, error) or FHIR R4 JSON (a Bundle of DiagnosticReports and Observations).")

    @Option(help: "The findings store.") var db: String
    @Option(help: "csv or fhir.") var format: String
    @Option(help: "Write here instead of standard output.") var output: String?
    @Option(help: "Only inputs of this kind (ecg, ct_study).") var kind: String?

    func run() async throws {
        guard FileManager.default.fileExists(atPath: db) else { throw ValidationError("\(db): no such findings store") }
        let store = try SQLiteFindingsStore(path: db, actor: "export")
        let handle: FileHandle
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: nil) else {
                throw ValidationError("\(output): cannot be created")
            }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        } else {
            handle = .standardOutput
        }
        defer { if output != nil { try? handle.close() } }
        let sink = ExportOutput(handle: handle)
        let inputKind = kind.map(InputKind.init(rawValue:))
        switch format {
        case "csv":
            let rows = try await CSVExporter(store: store, kind: inputKind).write(to: sink)
            printError("exported \(rows) rows")
        case "fhir":
            let reports = try await FHIRBundleExporter(store: store, kind: inputKind).write(to: sink)
            printError("exported \(reports) DiagnosticReports")
        default:
            throw ValidationError("--format must be csv or fhir")
        }
        try await store.appendAudit(AuditEvent(actor: "export", action: "findings.export", object: "store",
                                               details: ["format": .string(format)]))
    }
}
