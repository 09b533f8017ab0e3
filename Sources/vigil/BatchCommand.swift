import ArgumentParser
import Foundation
import VigilJobs

/// `vigil batch ecg SOURCE --db FILE`: score a folder or manifest of ECGs with every registered ECG
/// detector into the findings store (docs/batch.md).
struct BatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch", abstract: "Batch scoring into the findings store (idempotent and resumable).",
        subcommands: [ECG.self])

    struct ECG: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ecg",
            abstract: "Score every ECG of a folder (recursive) or CSV manifest with every registered ECG detector.",
            discussion: """
            SOURCE is a folder (WFDB .hea, CSV, GE MUSE / CardioSoft / HL7 aECG XML, OpenSignals .txt, DICOM ECG) \
            or a CSV manifest with a header row naming 'path' and optionally 'patient_id' and 'acquired_at'. \
            An input already scored by a detector's version is skipped, so a batch that was stopped (even killed) \
            finishes when started again, each input scored exactly once. A bad record is recorded as an error \
            with its reason and the batch goes on. Files of a folder that are not ECG records (a manifest, a labels or \
            beats table, a README, JSON metadata; WFDB signal files go with their header) are recognised by their \
            content and listed as skipped, with the reason, after the summary. Progress goes to standard error; the summary to standard output.
            """)

        @Argument(help: "A folder of ECG files, or a CSV manifest (path, patient_id, acquired_at).") var source: String
        @Option(help: "The findings store (SQLite file, created if missing; or a postgresql:// URL).") var db: String
        @Option(help: "Worker tasks reading and scoring in parallel (default: the number of cores).") var workers: Int?
        @Option(help: "Sampling rate in Hz for CSV files that do not state it.") var rate: Double?
        @Option(help: "Units of CSV values (mV, uV, V) when the file does not state them.") var units: String?
        @Option(help: "Seconds between progress lines when standard error is not a terminal.") var progressInterval: Double = 5
        @Flag(help: "Queue the inputs (one job per input and detector, in one transaction) for `vigil worker` instead of scoring them; --db must be a postgresql:// URL.")
        var enqueue = false

        private var options: BatchJob.Options {
            var options = BatchJob.Options(source: source, db: db)
            options.workers = workers
            options.csvSamplingRateHz = rate
            options.csvUnits = units
            options.progressInterval = progressInterval
            options.enqueue = enqueue
            return options
        }

        func validate() throws {
            try ArgumentChecks.csv(rate: rate, units: units)
            try ArgumentChecks.job { try options.validate() }
        }

        func run() async throws {
            try await ArgumentChecks.job { try await BatchJob.run(options) }
        }
    }
}
