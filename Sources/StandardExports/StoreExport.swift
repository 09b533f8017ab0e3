import DICOMSR
import DetectorKit
import FHIRExport
import FindingsStore
import Foundation
import HL7v2

/// `vigil export`: the store's results in one standard format (docs/export.md) — CSV rows, one FHIR R4 Bundle,
/// HL7 v2.5.1 ORU^R01 messages (written and/or sent over MLLP), or DICOM TID 1500 SRs with Secondary Capture
/// overlays — and the `findings.export` audit entry that records each export (format and counts, no data).
public struct StoreExport: Sendable {
    /// The formats, as `--format` names them.
    public enum Format: String, Sendable, CaseIterable {
        case csv, fhir, hl7v2
        case dicomSR = "dicom-sr"
    }

    /// The format.
    public var format: Format
    /// Only inputs of this kind (nil: all).
    public var kind: InputKind?
    /// The model cards named in FHIR and HL7 outputs (the registry's).
    public var modelCards: [ModelCard] = []
    /// HL7 v2: MSH-5 and MSH-6.
    public var receivingApplication: String?
    public var receivingFacility: String?
    /// HL7 v2: also send each message to this `HOST:PORT` over MLLP and wait for its ACK.
    public var mllp: String?
    /// HL7 v2: frame the written messages with MLLP (0x0B … 0x1C 0x0D).
    public var mllpFraming = false

    /// An export in `format`.
    public init(format: Format) { self.format = format }

    /// Writes the export to `output` (a file; for ``Format/dicomSR`` a folder, required; nil: standard output),
    /// then appends the audit entry (actor `actor`). `note` receives one summary line per fact worth telling.
    /// - Throws: ``StoreExportError`` for an output that cannot be created, store and sending errors.
    public func run(store: any FindingsStore, output: URL?, actor: String = "export", note: (String) -> Void) async throws {
        var details: [String: JSONValue] = ["format": .string(format.rawValue)]
        if format == .dicomSR {
            guard let dir = output else { throw StoreExportError.outputRequired(format.rawValue) }
            let summary = try await DICOMSRExporter(store: store, directory: dir).write()
            note("exported \(summary.reports.count) SRs and \(summary.overlays.count) overlay images to \(dir.path)")
            if summary.studiesWithOnlyErrors > 0 {
                note("\(summary.studiesWithOnlyErrors) CT studies have only errors: no SR written for them")
            }
            if summary.reportsWithGeneratedUIDs > 0 {
                note("\(summary.reportsWithGeneratedUIDs) SRs reference generated UIDs (2.25.…): their studies were not DICOM or were registered without their UIDs")
            }
            for m in summary.overlaysMissing.prefix(5) { note("overlay not exported: \(m)") }
            details["reports"] = .number(Double(summary.reports.count))
            details["overlays"] = .number(Double(summary.overlays.count))
            try await store.appendAudit(AuditEvent(actor: actor, action: "findings.export", object: "store", details: details))
            return
        }
        let handle: FileHandle
        if let output {
            guard FileManager.default.createFile(atPath: output.path, contents: nil) else {
                throw StoreExportError.cannotCreate(output.path)
            }
            handle = try FileHandle(forWritingTo: output)
        } else {
            handle = .standardOutput
        }
        defer { if output != nil { try? handle.close() } }
        let sink = ExportOutput(handle: handle)
        switch format {
        case .csv:
            let rows = try await CSVExporter(store: store, kind: kind).write(to: sink)
            note("exported \(rows) rows")
            details["rows"] = .number(Double(rows))
        case .fhir:
            let reports = try await FHIRBundleExporter(store: store, kind: kind, modelCards: modelCards).write(to: sink)
            note("exported \(reports) DiagnosticReports")
            details["reports"] = .number(Double(reports))
        case .hl7v2, .dicomSR:
            let builder = ORUBuilder(receivingApplication: receivingApplication, receivingFacility: receivingFacility, modelCards: modelCards)
            let exporter = HL7v2Exporter(store: store, kind: kind, builder: builder)
            let client = try mllp.map { try MLLPClient(address: $0) }
            var sent = 0
            let n = try await exporter.forEachMessage { m in
                // With an MLLP address and no output file, the messages are only sent.
                if output != nil || mllp == nil { try sink.write(mllpFraming ? MLLP.frame(m.text) : Data(m.text.utf8)) }
                if let client {
                    try client.send(m)
                    sent += 1
                }
            }
            try sink.flush()
            note("exported \(n) ORU^R01 messages" + (mllp.map { ", \(sent) sent to \($0) and acknowledged (AA)" } ?? ""))
            details["messages"] = .number(Double(n))
            if let mllp { details["mllp"] = .string(mllp); details["sent"] = .number(Double(sent)) }
        }
        try await store.appendAudit(AuditEvent(actor: actor, action: "findings.export", object: "store", details: details))
    }
}

/// Why an export could not be written.
public enum StoreExportError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The output file cannot be created (its path).
    case cannotCreate(String)
    /// The format writes a folder and none was given.
    case outputRequired(String)

    /// One line naming the path or format.
    public var description: String {
        switch self {
        case .cannotCreate(let path): "\(path): cannot be created"
        case .outputRequired(let format): "--format \(format) needs an output folder (one file per study)"
        }
    }
}
