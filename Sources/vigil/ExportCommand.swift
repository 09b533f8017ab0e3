import ArgumentParser
import DICOMSR
import DetectorCatalog
import DetectorKit
import FHIRExport
import FindingsStore
import PostgresStore
import Foundation
import HL7v2

/// `vigil export --db FILE --format csv|fhir|hl7v2|dicom-sr`: the store's results as CSV, a FHIR R4 Bundle,
/// HL7 v2.5.1 ORU^R01 messages (to a file and/or over MLLP), or DICOM TID 1500 SRs (docs/export.md).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export stored results as CSV, FHIR R4 JSON, HL7 v2.5.1 ORU^R01 or DICOM SR (TID 1500) with overlays.",
        discussion: """
            csv      one row per finding, abstention, error (--output FILE, or standard output)
            fhir     one FHIR R4 Bundle with AI transparency labels (--output FILE, or standard output)
            hl7v2    one ORU^R01 per input (--output FILE, or standard output; --mllp HOST:PORT sends them)
            dicom-sr one Comprehensive 3D SR per CT study and detector, plus Secondary Capture overlays (--output DIR, required)
            """)

    static let formats = ["csv", "fhir", "hl7v2", "dicom-sr"]

    @Option(help: "The findings store.") var db: String
    @Option(help: "csv, fhir, hl7v2 or dicom-sr.") var format: String
    @Option(help: "Write here instead of standard output (a folder for dicom-sr).") var output: String?
    @Option(help: "Only inputs of this kind (ecg, ct_study).") var kind: String?
    @Option(help: "hl7v2: also send each message over MLLP to HOST:PORT and wait for its ACK.") var mllp: String?
    @Option(help: "hl7v2: MSH-5 receiving application.") var receivingApplication: String?
    @Option(help: "hl7v2: MSH-6 receiving facility.") var receivingFacility: String?
    @Flag(help: "hl7v2: frame the messages written to --output with MLLP (0x0B … 0x1C 0x0D).") var mllpFraming = false

    /// Every argument is checked here, before any file is opened or created.
    func validate() throws {
        guard Self.formats.contains(format) else {
            throw ValidationError("--format must be one of \(Self.formats.joined(separator: ", ")); got '\(format)'")
        }
        guard FileManager.default.fileExists(atPath: db) else { throw ValidationError("\(db): no such findings store") }
        if let kind, ![InputKind.ecg.rawValue, InputKind.ctStudy.rawValue].contains(kind) {
            throw ValidationError("--kind must be ecg or ct_study; got '\(kind)'")
        }
        if format != "hl7v2" {
            if mllp != nil { throw ValidationError("--mllp is for --format hl7v2 only") }
            if mllpFraming { throw ValidationError("--mllp-framing is for --format hl7v2 only") }
            if receivingApplication != nil || receivingFacility != nil {
                throw ValidationError("--receiving-application/--receiving-facility are for --format hl7v2 only")
            }
        }
        if let mllp { try Self.checkAddress(mllp) }
        var isFolder: ObjCBool = false
        if format == "dicom-sr" {
            guard let output else { throw ValidationError("--format dicom-sr needs --output DIR (one file per study)") }
            if FileManager.default.fileExists(atPath: output, isDirectory: &isFolder), !isFolder.boolValue {
                throw ValidationError("\(output): exists and is not a folder")
            }
            let parent = URL(fileURLWithPath: output).deletingLastPathComponent().path
            guard FileManager.default.fileExists(atPath: parent, isDirectory: &isFolder), isFolder.boolValue else {
                throw ValidationError("\(output): its parent folder \(parent) does not exist")
            }
        } else if let output {
            if FileManager.default.fileExists(atPath: output, isDirectory: &isFolder), isFolder.boolValue {
                throw ValidationError("\(output): is a folder; --output names a file for --format \(format)")
            }
            let parent = URL(fileURLWithPath: output).deletingLastPathComponent().path
            guard FileManager.default.fileExists(atPath: parent, isDirectory: &isFolder), isFolder.boolValue else {
                throw ValidationError("\(output): its parent folder \(parent) does not exist")
            }
        }
    }

    /// HOST:PORT with a port in 1…65535.
    static func checkAddress(_ address: String) throws {
        guard let colon = address.lastIndex(of: ":"), colon != address.startIndex,
              let port = Int(address[address.index(after: colon)...]), (1...65535).contains(port)
        else { throw ValidationError("--mllp must be HOST:PORT with a port from 1 to 65535; got '\(address)'") }
    }

    func run() async throws {
        let store = try await FindingsStores.open(db, actor: "export")
        let inputKind = kind.map(InputKind.init(rawValue:))
        let cards = (try? DetectorCatalog.registry().detectors.compactMap(\.modelCard)) ?? []
        var details: [String: JSONValue] = ["format": .string(format)]
        if format == "dicom-sr" {
            let dir = URL(fileURLWithPath: output!)
            let summary = try await DICOMSRExporter(store: store, directory: dir).write()
            printError("exported \(summary.reports.count) SRs and \(summary.overlays.count) overlay images to \(dir.path)")
            if summary.studiesWithOnlyErrors > 0 {
                printError("\(summary.studiesWithOnlyErrors) CT studies have only errors: no SR written for them")
            }
            if summary.reportsWithGeneratedUIDs > 0 {
                printError("\(summary.reportsWithGeneratedUIDs) SRs reference generated UIDs (2.25.…): their studies were not DICOM or were registered without their UIDs")
            }
            for m in summary.overlaysMissing.prefix(5) { printError("overlay not exported: \(m)") }
            details["reports"] = .number(Double(summary.reports.count))
            details["overlays"] = .number(Double(summary.overlays.count))
            try await store.appendAudit(AuditEvent(actor: "export", action: "findings.export", object: "store", details: details))
            return
        }
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
        switch format {
        case "csv":
            let rows = try await CSVExporter(store: store, kind: inputKind).write(to: sink)
            printError("exported \(rows) rows")
        case "fhir":
            let reports = try await FHIRBundleExporter(store: store, kind: inputKind, modelCards: cards).write(to: sink)
            printError("exported \(reports) DiagnosticReports")
        default:
            let builder = ORUBuilder(receivingApplication: receivingApplication, receivingFacility: receivingFacility, modelCards: cards)
            let exporter = HL7v2Exporter(store: store, kind: inputKind, builder: builder)
            let client = try mllp.map { try MLLPClient(address: $0) }
            var sent = 0
            let n = try await exporter.forEachMessage { m in
                // With --mllp and no --output, the messages are only sent.
                if output != nil || mllp == nil { try sink.write(mllpFraming ? MLLP.frame(m.text) : Data(m.text.utf8)) }
                if let client {
                    try client.send(m)
                    sent += 1
                }
            }
            try sink.flush()
            printError("exported \(n) ORU^R01 messages" + (mllp.map { ", \(sent) sent to \($0) and acknowledged (AA)" } ?? ""))
            if let mllp { details["mllp"] = .string(mllp); details["sent"] = .number(Double(sent)) }
        }
        try await store.appendAudit(AuditEvent(actor: "export", action: "findings.export", object: "store", details: details))
    }
}
