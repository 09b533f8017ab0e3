import ArgumentParser
import Foundation
import VigilJobs

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

    static let formats = ExportJob.formats

    @Option(help: "The findings store.") var db: String
    @Option(help: "csv, fhir, hl7v2 or dicom-sr.") var format: String
    @Option(help: "Write here instead of standard output (a folder for dicom-sr).") var output: String?
    @Option(help: "Only inputs of this kind (ecg, ct_study).") var kind: String?
    @Option(help: "hl7v2: also send each message over MLLP to HOST:PORT and wait for its ACK.") var mllp: String?
    @Option(help: "hl7v2: MSH-5 receiving application.") var receivingApplication: String?
    @Option(help: "hl7v2: MSH-6 receiving facility.") var receivingFacility: String?
    @Flag(help: "hl7v2: frame the messages written to --output with MLLP (0x0B … 0x1C 0x0D).") var mllpFraming = false

    /// Every argument is checked here, before any file is opened or created.
    private var options: ExportJob.Options {
        var options = ExportJob.Options(db: db, format: format)
        options.output = output
        options.kind = kind
        options.mllp = mllp
        options.receivingApplication = receivingApplication
        options.receivingFacility = receivingFacility
        options.mllpFraming = mllpFraming
        return options
    }

    func validate() throws {
        try ArgumentChecks.job { try options.validate() }
    }

    func run() async throws {
        try await ArgumentChecks.job { try await ExportJob.run(options) }
    }
}
