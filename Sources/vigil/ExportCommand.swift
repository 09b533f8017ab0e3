import ArgumentParser
import DetectorCatalog
import DetectorKit
import Foundation
import PostgresStore
import StandardExports

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

    static let formats = StoreExport.Format.allCases.map(\.rawValue)

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
        var export = StoreExport(format: StoreExport.Format(rawValue: format)!)
        export.kind = kind.map(InputKind.init(rawValue:))
        export.modelCards = (try? DetectorCatalog.registry().detectors.compactMap(\.modelCard)) ?? []
        export.receivingApplication = receivingApplication
        export.receivingFacility = receivingFacility
        export.mllp = mllp
        export.mllpFraming = mllpFraming
        try await export.run(store: store, output: output.map { URL(fileURLWithPath: $0) }, note: printError)
    }
}
