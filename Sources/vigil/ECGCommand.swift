import ArgumentParser
import Foundation
import VigilJobs

/// `vigil ecg …`: ECG records (the detector arrives with its issue).
struct ECGCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ecg", abstract: "ECG records: read and convert (scoring comes with the ECG detector).",
        subcommands: [Convert.self, ECGScoreCommand.self, ECGEvalCommand.self, ECGPlotCommand.self])

    struct Convert: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read an ECG record (WFDB .hea, CSV, GE MUSE XML, HL7 aECG, OpenSignals text, DICOM ECG) and write its leads.",
            discussion: "Writes leads × samples float32 in mV (.npy) and prints the record's metadata (leads, rate, units, statements, measurements) as JSON, without patient identifiers.")

        @Argument(help: "The record: a WFDB header (.hea), .csv, .xml, .txt or .dcm file.") var record: String
        @Option(help: "Where to write the leads (.npy, float32 [leads, samples] in mV).") var output: String?
        @Option(help: "Also write the record as WFDB (format 16) into this folder.") var wfdb: String?
        @Option(help: "Sampling rate in Hz, for CSV files that do not state it.") var rate: Double?
        @Option(help: "Units of CSV values: mV (default) or uV.") var units: String?

        func validate() throws {
            guard output != nil || wfdb != nil else { throw ValidationError("give --output FILE.npy and/or --wfdb DIR") }
            try ArgumentChecks.existing(record, "RECORD")
            try ArgumentChecks.csv(rate: rate, units: units)
            if let output { try ArgumentChecks.outputFile(output, option: "--output") }
            if let wfdb { try ArgumentChecks.outputFolder(wfdb, option: "--wfdb") }
        }

        func run() throws {
            try ArgumentChecks.job {
                try ECGJobs.convert(record: record, reading: ECGFileReading(csvSamplingRateHz: rate, csvUnits: units),
                                    npy: output, wfdb: wfdb)
            }
        }
    }
}
