import ArgumentParser
import DetectorCatalog
import Explainer
import Foundation
import Logging
import PostgresStore
import VigilService

/// `vigil serve`: the HTTP service (routes in docs/service.md, contract at /openapi.json).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the HTTP service (loopback by default; SIGTERM drains in-flight requests).",
        discussion: """
            Make tokens with `vigil token create --db PATH --role ROLE`. One log line per request (method, route \
            pattern, status, milliseconds; no ids, tokens or patient data) goes to standard error, and \
            "listening on http://HOST:PORT" once the port is bound (--port 0 picks a free one).
            """)

    @Option(help: "The findings store: a SQLite file (created if absent) or a postgresql:// URL shared with other servers and workers.") var db: String
    @Option(help: "Address to bind. Default loopback; binding another address exposes the service.") var host = "127.0.0.1"
    @Option(help: "Port (0: any free port).") var port = 8080
    @Option(help: "Models folder (default: ./Models or VIGIL_MODELS).") var models: String?
    @Option(help: "Mains frequency to notch in the ECG measurement pipeline (50 or 60 Hz).") var mains: Double?
    @Option(name: .customLong("scoring-slots"), help: "ECG scorings that run at once.") var scoringSlots = 2
    @Option(name: .customLong("scoring-queue"), help: "ECG scorings that may wait; one more answers 429.") var scoringQueue = 8
    @Option(name: .customLong("max-upload-mib"), help: "Largest ECG upload in MiB (413 above).") var maxUploadMiB = 32
    @Option(name: .customLong("explain-backend"), help: "template, or openai (VIGIL_OPENAI_* settings).") var explainBackend = "template"
    @Option(name: .customLong("dicomweb-spool"), help: "Folder for STOW-RS instances (default: DB.dicomweb next to the store).") var dicomwebSpool: String?
    @Option(name: .customLong("series-quiet-seconds"), help: "A STOW-RS series is complete after this many seconds without a new instance.") var seriesQuietSeconds = 10.0
    @Option(name: .customLong("data-root"), help: "Folder whose ECG files and folders POST /v1/jobs may name (paths outside it are refused; none: jobs take uploads only).") var dataRoot: String?
    @Option(name: .customLong("job-spool"), help: "Folder where uploaded job files wait for their job (default: a new temporary folder, removed at exit).") var jobSpool: String?
    @Option(name: .customLong("max-job-upload-mib"), help: "Largest job upload in MiB (413 above; larger batches go by --data-root paths).") var maxJobUploadMiB = 64
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
        if let mains, mains != 50 && mains != 60 { throw ValidationError("--mains must be 50 or 60") }
        guard scoringSlots >= 1 else { throw ValidationError("--scoring-slots must be at least 1") }
        guard scoringQueue >= 0 else { throw ValidationError("--scoring-queue must be at least 0") }
        guard (1...1024).contains(maxUploadMiB) else { throw ValidationError("--max-upload-mib must be 1 to 1024") }
        guard (1...4096).contains(maxJobUploadMiB) else { throw ValidationError("--max-job-upload-mib must be 1 to 4096") }
        if let dataRoot {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dataRoot, isDirectory: &isFolder), isFolder.boolValue else {
                throw ValidationError("--data-root \(dataRoot): no such folder")
            }
        }
        guard seriesQuietSeconds > 0, seriesQuietSeconds <= 3600 else { throw ValidationError("--series-quiet-seconds must be above 0 and at most 3600") }
        guard BackendKind(rawValue: explainBackend) != nil else { throw ValidationError("--explain-backend must be template or openai") }
        if FindingsStores.isPostgres(db), dicomwebSpool == nil {
            throw ValidationError("--dicomweb-spool is required with a postgresql:// store (the STOW-RS spool is a folder on this server)")
        }
    }

    func run() async throws {
        try compute.apply()
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "vigil")
        logger.logLevel = .info
        let store = try await FindingsStores.openService(db, actor: "service")
        let settings = DetectorSettings(ecgMainsHz: mains)
        var notes: [String] = []
        let registry = try DetectorCatalog.registry(settings: settings, modelsDirectory: models.map { URL(fileURLWithPath: $0) },
                                                    warn: { line in
                                                        printError("warning: \(line)")
                                                        // Readiness is unauthenticated: no server paths in it.
                                                        notes.append(String(line.prefix { $0 != ":" }))
                                                    })
        var options = VigilServiceOptions()
        options.scoringSlots = scoringSlots
        options.scoringQueue = scoringQueue
        options.maxECGBodyBytes = maxUploadMiB << 20
        options.explainBackend = BackendKind(rawValue: explainBackend)!
        options.openAI = OpenAIConfiguration.fromEnvironment()
        options.dataRoot = dataRoot.map { URL(fileURLWithPath: $0, isDirectory: true) }
        options.maxJobUploadBytes = maxJobUploadMiB << 20
        options.jobSpool = jobSpool.map { URL(fileURLWithPath: $0, isDirectory: true) }
        var server = VigilServer(store: store, registry: registry, dicomwebSpool: URL(fileURLWithPath: dicomwebSpool ?? db + ".dicomweb"))
        server.runSettings = settings.runSettings
        server.options = options
        server.notes = notes
        server.seriesQuietSeconds = seriesQuietSeconds
        server.warn = { printError($0) }
        let shownHost = host
        try await server.run(host: host, port: port, logger: logger, onRunning: { bound in
            printError("vigil serve: listening on http://\(shownHost):\(bound)")
        })
        printError("vigil serve: stopped")
    }
}
