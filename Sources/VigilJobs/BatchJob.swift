import BatchScoring
import DetectorCatalog
import DetectorKit
import ECGBatchSources
import ECGFormats
import Foundation
import PostgresStore
import ScaleOut

/// `vigil batch ecg SOURCE --db STORE`: every ECG of a folder (recursive) or CSV manifest scored with every
/// registered ECG detector into the findings store, or (``Options/enqueue``) queued for `vigil worker`
/// (docs/batch.md, docs/scale-out.md). Idempotent and resumable: an input a detector version has already
/// recorded is skipped.
public enum BatchJob {
    /// What to score and where to.
    public struct Options: Sendable {
        /// A folder of ECG files, or a CSV manifest (path, patient_id, acquired_at).
        public var source: String
        /// The findings store: a SQLite path or a `postgresql://` URL.
        public var db: String
        /// Worker tasks reading and scoring at once (nil: the number of cores).
        public var workers: Int?
        /// Sampling rate in Hz for CSV files that do not state it.
        public var csvSamplingRateHz: Double?
        /// Units of CSV values (mV, uV, V) when a file does not state them.
        public var csvUnits: String?
        /// Seconds between progress lines when standard error is not a terminal.
        public var progressInterval: Double = 5
        /// Queue the inputs for `vigil worker` instead of scoring them (PostgreSQL only).
        public var enqueue = false

        /// Options for `source` into `db`.
        public init(source: String, db: String) {
            self.source = source
            self.db = db
        }

        /// Checks the options before anything is read or written.
        /// - Throws: ``JobError`` naming the option.
        public func validate() throws {
            if let workers, workers < 1 { throw JobError("--workers must be at least 1, got \(workers)") }
            guard progressInterval.isFinite, progressInterval > 0 else {
                throw JobError("--progress-interval must be a number above 0, got \(progressInterval)")
            }
            guard FileManager.default.fileExists(atPath: source) else { throw JobError("SOURCE \(source): no such file or folder") }
            try StoreArgument.check(db, mustExist: false)
            if enqueue, !StoreArgument.isPostgres(db) {
                throw JobError("--enqueue needs --db postgresql://USER@HOST:PORT/DB (the queue lives in PostgreSQL)")
            }
        }
    }

    /// Runs the batch (or the enqueue), progress to `output.note`, the summary to `output.line`.
    /// - Throws: ``JobError`` for a missing source; the store's and the registry's errors.
    public static func run(_ options: Options, output: JobOutput = .standard) async throws {
        var read = ECGReadOptions()
        read.samplingRateHz = options.csvSamplingRateHz
        read.csvUnits = options.csvUnits
        let detectors = try DetectorCatalog.registry().detectors(for: .ecg)
        guard !detectors.isEmpty else { throw BatchError.noDetectors(kind: .ecg) }

        let url = URL(fileURLWithPath: options.source)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw JobError("\(options.source): no such file or folder")
        }
        let items: AnySequence<any BatchItem>
        let total: Int
        var skippedFiles: ECGFolderSource.SkippedFiles?
        var settings: [String: JSONValue] = [:]
        if isFolder.boolValue {
            let folder = try ECGFolderSource(folder: url, options: read)
            items = folder.items()
            let survey = folder.survey()
            total = survey.inputs
            skippedFiles = survey.skipped
            settings["source"] = "folder"
        } else {
            let manifest = try ECGManifestSource(manifest: url, options: read)
            items = manifest.items()
            total = manifest.count()
            settings["source"] = "manifest"
        }
        if let rate = options.csvSamplingRateHz { settings["csvSamplingRateHz"] = .number(rate) }
        if options.enqueue {
            let store = try await PostgresFindingsStore(url: options.db, actor: "batch")
            let report = try await BatchEnqueue.run(items, kind: .ecg, detectors: detectors, store: store,
                                                    samplingRateHz: options.csvSamplingRateHz, csvUnits: options.csvUnits)
            output.line(report.render())
            await store.close()
            return
        }
        let store = try await FindingsStores.open(options.db, actor: "batch")
        let engine = BatchEngine(
            store: store, detectors: detectors,
            configuration: .init(workers: options.workers ?? ProcessInfo.processInfo.activeProcessorCount))
        let skippedNote = skippedFiles.map { $0.count > 0 ? " (\($0.count) other files skipped: not ECG records)" : "" } ?? ""
        output.note("batch: \(total) inputs\(skippedNote), detectors \(detectors.map { "\($0.id) \($0.descriptor.version)" }.joined(separator: ", ")), "
            + "\(engine.configuration.workers) workers")
        let printer = ProgressPrinter.standardError(interval: options.progressInterval)
        var last: BatchProgress?
        let report = try await engine.run(items, total: total, settings: settings) {
            last = $0
            printer.update($0)
        }
        if let last { printer.update(last, final: true) }
        output.line(report.render())
        if let skippedFiles, skippedFiles.count > 0 {
            output.line("")
            output.line(skippedFiles.render())
        }
    }
}
