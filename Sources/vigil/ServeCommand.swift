import ArgumentParser
import Foundation
import Logging
import VigilJobs

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

    private var options: ServeJob.Options {
        var options = ServeJob.Options(db: db)
        options.host = host
        options.port = port
        options.models = models
        options.mainsHz = mains
        options.scoringSlots = scoringSlots
        options.scoringQueue = scoringQueue
        options.maxUploadMiB = maxUploadMiB
        options.explainBackend = explainBackend
        options.dicomwebSpool = dicomwebSpool
        options.seriesQuietSeconds = seriesQuietSeconds
        options.dataRoot = dataRoot
        options.jobSpool = jobSpool
        options.maxJobUploadMiB = maxJobUploadMiB
        return options
    }

    func validate() throws {
        try ArgumentChecks.job { try options.validate() }
    }

    func run() async throws {
        try compute.apply()
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "vigil")
        logger.logLevel = .info
        try await ArgumentChecks.job { try await ServeJob.run(options, logger: logger) }
    }
}
