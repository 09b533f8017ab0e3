import DetectorCatalog
import DetectorKit
import Foundation
import PostgresStore
import StandardExports

/// `vigil export`: one standard format (CSV, FHIR R4, HL7 v2.5.1 ORU^R01 with MLLP, DICOM SR) from the
/// stored results, each export kept in the audit log (``StandardExports/StoreExport``).
public enum ExportJob {
    /// The formats' names.
    public static var formats: [String] { StoreExport.Format.allCases.map(\.rawValue) }

    /// What to export and where to.
    public struct Options: Sendable {
        /// The findings store.
        public var db: String
        /// csv, fhir, hl7v2 or dicom-sr.
        public var format: String
        /// A file (a folder for dicom-sr); nil: standard output.
        public var output: String?
        /// Only inputs of this kind (ecg, ct_study).
        public var kind: String?
        /// hl7v2: also send each message over MLLP to HOST:PORT.
        public var mllp: String?
        /// hl7v2: MSH-5 receiving application.
        public var receivingApplication: String?
        /// hl7v2: MSH-6 receiving facility.
        public var receivingFacility: String?
        /// hl7v2: frame the messages written to the file with MLLP.
        public var mllpFraming = false

        /// Options for `format` from `db`.
        public init(db: String, format: String) {
            self.db = db
            self.format = format
        }

        /// Checks the options before anything is read or written.
        /// - Throws: ``JobError`` naming the option.
        public func validate() throws {
            guard ExportJob.formats.contains(format) else {
                throw JobError("--format must be one of \(ExportJob.formats.joined(separator: ", ")); got '\(format)'")
            }
            if StoreArgument.isPostgres(db) { try StoreArgument.check(db, mustExist: true) }
            try StoreArgument.requireExisting(db)
            if let kind, ![InputKind.ecg.rawValue, InputKind.ctStudy.rawValue].contains(kind) {
                throw JobError("--kind must be ecg or ct_study; got '\(kind)'")
            }
            if format != "hl7v2" {
                if mllp != nil { throw JobError("--mllp is for --format hl7v2 only") }
                if mllpFraming { throw JobError("--mllp-framing is for --format hl7v2 only") }
                if receivingApplication != nil || receivingFacility != nil {
                    throw JobError("--receiving-application/--receiving-facility are for --format hl7v2 only")
                }
            }
            if let mllp { try Self.checkAddress(mllp) }
            var isFolder: ObjCBool = false
            if format == "dicom-sr" {
                guard let output else { throw JobError("--format dicom-sr needs --output DIR (one file per study)") }
                if FileManager.default.fileExists(atPath: output, isDirectory: &isFolder), !isFolder.boolValue {
                    throw JobError("\(output): exists and is not a folder")
                }
                try Self.checkParentFolder(of: output)
            } else if let output {
                if FileManager.default.fileExists(atPath: output, isDirectory: &isFolder), isFolder.boolValue {
                    throw JobError("\(output): is a folder; --output names a file for --format \(format)")
                }
                try Self.checkParentFolder(of: output)
            }
        }

        /// Refuses an output path whose parent folder does not exist.
        static func checkParentFolder(of output: String) throws {
            var isFolder: ObjCBool = false
            let parent = URL(fileURLWithPath: output).deletingLastPathComponent().path
            guard FileManager.default.fileExists(atPath: parent, isDirectory: &isFolder), isFolder.boolValue else {
                throw JobError("\(output): its parent folder \(parent) does not exist")
            }
        }

        /// An MLLP address: HOST:PORT with a port from 1 to 65535.
        static func checkAddress(_ address: String) throws {
            guard let colon = address.lastIndex(of: ":"), colon != address.startIndex,
                  let port = Int(address[address.index(after: colon)...]), (1...65535).contains(port)
            else { throw JobError("--mllp must be HOST:PORT with a port from 1 to 65535; got '\(address)'") }
        }
    }

    /// Writes the export (notes to `output.note`).
    public static func run(_ options: Options, output: JobOutput = .standard) async throws {
        try options.validate()
        let store = try await FindingsStores.open(options.db, actor: "export")
        var export = StoreExport(format: StoreExport.Format(rawValue: options.format)!)
        export.kind = options.kind.map(InputKind.init(rawValue:))
        export.modelCards = (try? DetectorCatalog.registry().detectors.compactMap(\.modelCard)) ?? []
        export.receivingApplication = options.receivingApplication
        export.receivingFacility = options.receivingFacility
        export.mllp = options.mllp
        export.mllpFraming = options.mllpFraming
        try await export.run(store: store, output: options.output.map { URL(fileURLWithPath: $0) }, note: output.note)
    }
}
