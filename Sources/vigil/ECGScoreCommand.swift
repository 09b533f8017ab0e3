import ArgumentParser
import DetectorCatalog
import DetectorKit
import ECGFormats
import ECGScoring
import Foundation

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
        let settings = DetectorSettings(ecgMainsHz: mains)
        let scorer = try ECGScorer(registry: DetectorCatalog.registry(settings: settings), runSettings: settings.runSettings)
        var options = ECGReadOptions()
        options.samplingRateHz = rate
        options.csvUnits = units
        var documents: [ECGScoreDocument] = []
        var failures = 0
        for path in records {
            let record: ECGRecord
            do {
                record = try ECGReader.read(url: URL(fileURLWithPath: path), options: options)
            } catch {
                let text = "\(error)"
                let name = URL(fileURLWithPath: path).lastPathComponent
                printError(text.contains(name) ? text : "\(name): \(text)")
                failures += 1
                continue
            }
            for w in record.warnings { printError("warning: \(w)") }
            let result = try await scorer.score(record)
            if json {
                documents.append(result.document)
            } else {
                print(try result.table(configuration: settings.ecgAnalysisConfiguration))
            }
        }
        if json {
            let data = documents.count == 1 ? try VigilJSON.encode(documents[0], pretty: true) : try VigilJSON.encode(documents, pretty: true)
            print(String(decoding: data, as: UTF8.self))
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
