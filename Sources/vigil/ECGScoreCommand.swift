import ArgumentParser
import Foundation
import VigilJobs

/// `vigil ecg score RECORD...`: runs every registered ECG detector on each record and prints the findings
/// and measurements as a table (the machine's own measurements side by side), or Vigil JSON.
struct ECGScoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score", abstract: "Score ECG records with every registered ECG detector.",
        discussion: """
            Prints, per record: signal quality, pacing, the measurements next to the acquiring machine's own \
            (where the file carries them), and each detector's findings or abstention. --json prints, per record, \
            {"input", "outcomes", "modelCards"} in the DetectorKit schema (docs/findings-schema.md); several \
            records give a JSON array of those. No patient identifiers are printed.
            """)

    @Argument(help: "ECG records: WFDB .hea, .csv, .xml (MUSE, CardioSoft, HL7 aECG), OpenSignals .txt, DICOM .dcm.")
    var records: [String]
    @Flag(help: "Print Vigil JSON instead of the table.") var json = false
    @Option(help: "Mains frequency to notch in the measurement pipeline (50 or 60 Hz); default none.") var mains: Double?
    @Option(help: "Sampling rate in Hz, for CSV files that do not state it.") var rate: Double?
    @Option(help: "Units of CSV values: mV (default) or uV.") var units: String?

    func validate() throws {
        guard !records.isEmpty else { throw ValidationError("give at least one record") }
        if let mains, mains != 50 && mains != 60 { throw ValidationError("--mains must be 50 or 60") }
        try ArgumentChecks.csv(rate: rate, units: units)
    }

    func run() async throws {
        let failures = try await ArgumentChecks.job {
            try await ECGJobs.score(records: records, json: json, mainsHz: mains,
                                    reading: ECGFileReading(csvSamplingRateHz: rate, csvUnits: units))
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
