import ArgumentParser
import ECGFormats
import Foundation
import TensorCore

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
            var options = ECGReadOptions()
            options.samplingRateHz = rate
            options.csvUnits = units
            let ecg = try ECGReader.read(url: URL(fileURLWithPath: record), options: options)
            for w in ecg.warnings { printError("warning: \(w)") }
            if !ecg.ignoredChannels.isEmpty { printError("note: not ECG leads, left out: \(ecg.ignoredChannels.joined(separator: ", "))") }
            if let output {
                let (leads, samples) = ecg.leadsMatrix()
                let perLead = leads.isEmpty ? 0 : samples.count / leads.count
                try NPYFile.write(Tensor(shape: [leads.count, perLead], storage: samples), to: URL(fileURLWithPath: output))
                printError("wrote \(leads.count) leads × \(perLead) samples (mV) → \(output)")
            }
            if let wfdb {
                try FileManager.default.createDirectory(atPath: wfdb, withIntermediateDirectories: true)
                let header = try WFDBWriter.write(record: ecg, to: URL(fileURLWithPath: wfdb))
                printError("wrote WFDB record → \(header.path)")
            }
            print(String(decoding: try ecg.summary(includeIdentifiers: false).jsonData(), as: UTF8.self))
        }
    }
}
