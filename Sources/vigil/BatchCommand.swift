import ArgumentParser
import BatchScoring
import DetectorCatalog
import DetectorKit
import ECGFormats
import FindingsStore
import PostgresStore
import Foundation

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

        func validate() throws {
            try ArgumentChecks.atLeast(workers, 1, "--workers")
            try ArgumentChecks.csv(rate: rate, units: units)
            try ArgumentChecks.positive(progressInterval, "--progress-interval")
            try ArgumentChecks.existing(source, "SOURCE")
            try ArgumentChecks.store(db, mustExist: false)
            if enqueue, !FindingsStores.isPostgres(db) { throw ValidationError("--enqueue needs --db postgresql://USER@HOST:PORT/DB (the queue lives in PostgreSQL)") }
        }

        func run() async throws {
            var options = ECGReadOptions()
            options.samplingRateHz = rate
            options.csvUnits = units
            let detectors = try DetectorCatalog.registry().detectors(for: .ecg)
            guard !detectors.isEmpty else { throw BatchError.noDetectors(kind: .ecg) }

            let url = URL(fileURLWithPath: source)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
                throw ValidationError("\(source): no such file or folder")
            }
            let items: AnySequence<any BatchItem>
            let total: Int
            var skippedFiles: ECGFolderSource.SkippedFiles?
            var settings: [String: JSONValue] = [:]
            if isFolder.boolValue {
                let folder = try ECGFolderSource(folder: url, options: options)
                items = folder.items()
                let survey = folder.survey()
                total = survey.inputs
                skippedFiles = survey.skipped
                settings["source"] = "folder"
            } else {
                let manifest = try ECGManifestSource(manifest: url, options: options)
                items = manifest.items()
                total = manifest.count()
                settings["source"] = "manifest"
            }
            if let rate { settings["csvSamplingRateHz"] = .number(rate) }
            if enqueue {
                try await BatchEnqueueShell.run(items: items, detectors: detectors, db: db, rate: rate, units: units)
                return
            }
            let store = try await FindingsStores.open(db, actor: "batch")
            let engine = BatchEngine(
                store: store, detectors: detectors,
                configuration: .init(workers: workers ?? ProcessInfo.processInfo.activeProcessorCount))
            let skippedNote = skippedFiles.map { $0.count > 0 ? " (\($0.count) other files skipped: not ECG records)" : "" } ?? ""
            printError("batch: \(total) inputs\(skippedNote), detectors \(detectors.map { "\($0.id) \($0.descriptor.version)" }.joined(separator: ", ")), "
                + "\(engine.configuration.workers) workers")
            let printer = ProgressPrinter.standardError(interval: progressInterval)
            var last: BatchProgress?
            let report = try await engine.run(items, total: total, settings: settings) {
                last = $0
                printer.update($0)
            }
            if let last { printer.update(last, final: true) }
            print(report.render())
            if let skippedFiles, skippedFiles.count > 0 {
                print("")
                print(skippedFiles.render())
            }
        }
    }
}
