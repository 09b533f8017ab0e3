import DetectorCatalog
import DetectorKit
import Explainer
import Foundation
import Logging
import PostgresStore
import VigilService

/// `vigil serve`: the HTTP service (routes in docs/service.md, contract at /openapi.json) on the store a
/// `--db` value names, with the registered detectors.
public enum ServeJob {
    /// The service's settings, as the command line gives them.
    public struct Options: Sendable {
        /// The findings store: a SQLite path or a `postgresql://` URL shared with other servers and workers.
        public var db: String
        /// Address to bind (default loopback).
        public var host = "127.0.0.1"
        /// Port (0: any free port).
        public var port = 8080
        /// Models folder (nil: ./Models or VIGIL_MODELS).
        public var models: String?
        /// Mains frequency to notch in the ECG measurement pipeline (50 or 60 Hz).
        public var mainsHz: Double?
        /// ECG scorings that run at once.
        public var scoringSlots = 2
        /// ECG scorings that may wait; one more answers 429.
        public var scoringQueue = 8
        /// Largest ECG upload in MiB.
        public var maxUploadMiB = 32
        /// template or openai (the VIGIL_OPENAI_* settings).
        public var explainBackend = "template"
        /// Folder for STOW-RS instances (nil: DB.dicomweb next to a SQLite store).
        public var dicomwebSpool: String?
        /// A STOW-RS series is complete after this many seconds without a new instance.
        public var seriesQuietSeconds = 10.0
        /// Folder whose ECG files and folders POST /v1/jobs may name.
        public var dataRoot: String?
        /// Folder where uploaded job files wait for their job (nil: a temporary folder).
        public var jobSpool: String?
        /// Largest job upload in MiB.
        public var maxJobUploadMiB = 64

        /// Options for a service on `db`.
        public init(db: String) { self.db = db }

        /// Checks the options before the store is opened or a port bound.
        /// - Throws: ``JobError`` naming the option.
        public func validate() throws {
            guard (0...65535).contains(port) else { throw JobError("--port must be 0 to 65535") }
            if let mainsHz, mainsHz != 50 && mainsHz != 60 { throw JobError("--mains must be 50 or 60") }
            guard scoringSlots >= 1 else { throw JobError("--scoring-slots must be at least 1") }
            guard scoringQueue >= 0 else { throw JobError("--scoring-queue must be at least 0") }
            guard (1...1024).contains(maxUploadMiB) else { throw JobError("--max-upload-mib must be 1 to 1024") }
            guard (1...4096).contains(maxJobUploadMiB) else { throw JobError("--max-job-upload-mib must be 1 to 4096") }
            if let dataRoot {
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: dataRoot, isDirectory: &isFolder), isFolder.boolValue else {
                    throw JobError("--data-root \(dataRoot): no such folder")
                }
            }
            guard seriesQuietSeconds > 0, seriesQuietSeconds <= 3600 else {
                throw JobError("--series-quiet-seconds must be above 0 and at most 3600")
            }
            guard BackendKind(rawValue: explainBackend) != nil else { throw JobError("--explain-backend must be template or openai") }
            if StoreArgument.isPostgres(db), dicomwebSpool == nil {
                throw JobError("--dicomweb-spool is required with a postgresql:// store (the STOW-RS spool is a folder on this server)")
            }
        }
    }

    /// Serves until SIGTERM or SIGINT (in-flight requests drain); "listening on http://HOST:PORT" goes to
    /// `output.note` once the port is bound, registry warnings too.
    public static func run(_ options: Options, logger: Logger, output: JobOutput = .standard) async throws {
        try options.validate()
        let store = try await FindingsStores.openService(options.db, actor: "service")
        let settings = DetectorSettings(ecgMainsHz: options.mainsHz)
        var notes: [String] = []
        let registry = try DetectorCatalog.registry(settings: settings, modelsDirectory: options.models.map { URL(fileURLWithPath: $0) },
                                                    warn: { line in
                                                        output.note("warning: \(line)")
                                                        // Readiness is unauthenticated: no server paths in it.
                                                        notes.append(String(line.prefix { $0 != ":" }))
                                                    })
        var service = VigilServiceOptions()
        service.scoringSlots = options.scoringSlots
        service.scoringQueue = options.scoringQueue
        service.maxECGBodyBytes = options.maxUploadMiB << 20
        service.explainBackend = BackendKind(rawValue: options.explainBackend)!
        service.openAI = OpenAIConfiguration.fromEnvironment()
        service.dataRoot = options.dataRoot.map { URL(fileURLWithPath: $0, isDirectory: true) }
        service.maxJobUploadBytes = options.maxJobUploadMiB << 20
        service.jobSpool = options.jobSpool.map { URL(fileURLWithPath: $0, isDirectory: true) }
        var server = VigilServer(store: store, registry: registry,
                                 dicomwebSpool: URL(fileURLWithPath: options.dicomwebSpool ?? options.db + ".dicomweb"))
        server.runSettings = settings.runSettings
        server.options = service
        server.notes = notes
        server.seriesQuietSeconds = options.seriesQuietSeconds
        server.warn = output.note
        let shownHost = options.host
        try await server.run(host: options.host, port: options.port, logger: logger, onRunning: { bound in
            output.note("vigil serve: listening on http://\(shownHost):\(bound)")
        })
        output.note("vigil serve: stopped")
    }
}
