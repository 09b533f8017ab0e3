import DetectorKit
import ECGScoring
import Explainer
import FindingsStore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// What the service's store must do: findings and audit (``FindingsStore``), bearer tokens, idempotency
/// keys and which sites see which inputs. ``FindingsStore/SQLiteFindingsStore`` is one.
public typealias VigilServiceStore = FindingsStore & APITokenStore & IdempotencyStore & SiteAccessStore

/// Limits and settings of the service.
public struct VigilServiceOptions: Sendable {
    /// Largest ECG upload (`POST /v1/ecg/score`) in bytes; a larger body answers 413 before anything is scored.
    /// 32 MiB holds a 24-hour 2-lead Holter record in WFDB format 212 (about 16 MiB).
    public var maxECGBodyBytes = 32 << 20
    /// Largest JSON body (`POST /v1/explain`) in bytes.
    public var maxJSONBodyBytes = 64 << 10
    /// ECG scorings that run at once (the detectors use the tensor core's threads themselves).
    public var scoringSlots = 2
    /// ECG scorings that may wait for a slot; one more answers 429.
    public var scoringQueue = 8
    /// Seconds a client is told to wait (Retry-After) when the scoring queue is full.
    public var retryAfterSeconds = 2
    /// Default and largest page of `GET /v1/audit`.
    public var auditPage = (default: 100, max: 1000)
    /// The backend of `POST /v1/explain` (the template unless a language-model server is configured).
    public var explainBackend: BackendKind = .template
    /// The language-model server for the openai backend.
    public var openAI: OpenAIConfiguration?
    /// The folder under which `POST /v1/jobs` takes server paths (`--data-root`); nil: jobs over paths are refused.
    public var dataRoot: URL?
    /// The folder where uploaded job files wait until their job ends; nil: job uploads are refused.
    public var jobSpool: URL?
    /// Largest job upload (`POST /v1/jobs`, multipart) in bytes; larger batches go by paths under the data root.
    public var maxJobUploadBytes = 64 << 20
    /// Jobs that may be queued or running at once; one more answers 429.
    public var maxActiveJobs = 16
    /// Seconds an answer kept under an `Idempotency-Key` is replayed; after that the key counts as new (and
    /// `vigil serve` deletes such answers once an hour). Default 24 hours.
    public var idempotencyKeyLifetime: TimeInterval = 86_400
    /// The clock of documents that carry their own creation time (the ORU's MSH-7 of `/v1/inputs/{id}/hl7v2`) and
    /// of idempotency-key expiry.
    public var now: @Sendable () -> Date = { Date() }

    public init() {}
}

/// A route group that another target adds under the service (the MCP server at `/mcp`): its routes get the
/// bearer-token check and the role check, so `context.token` is set when they run.
public struct VigilServiceMount: Sendable {
    /// The path the group is mounted at, e.g. `mcp`.
    public var path: String
    /// The roles that may use it.
    public var roles: [APIRole]
    /// Adds the group's routes.
    public var install: @Sendable (RouterGroup<VigilRequestContext>) -> Void

    public init(path: String, roles: [APIRole], install: @escaping @Sendable (RouterGroup<VigilRequestContext>) -> Void) {
        self.path = path
        self.roles = roles
        self.install = install
    }
}

/// The HTTP service: routes over the same library calls as the CLI (``ECGScoring/ECGScorer``, the findings
/// store, FHIR export, the explainer). `router()` is what the tests drive in memory; `application(...)` is
/// what `vigil serve` runs.
///
/// ```swift
/// let api = try VigilAPI(store: store, registry: registry)
/// try await api.serve(host: "127.0.0.1", port: 8080, logger: logger)
/// ```
public struct VigilAPI: Sendable {
    /// The store of findings, tokens and audit.
    public let store: any VigilServiceStore
    /// The one door to the detectors.
    public let registry: DetectorRegistry
    /// The ECG scorer over the registry; nil when the registry has no ECG detector (`/readyz` answers 503).
    public let scorer: ECGScorer?
    /// Limits and settings.
    public let options: VigilServiceOptions
    /// What the registry said while being built (models not found), shown by `/readyz`.
    public let notes: [String]
    /// The metrics `/metrics` prints.
    public let metrics: ServiceMetrics
    /// The scoring slots and queue.
    public let gate: ScoringGate
    /// Routes added by other targets (see ``VigilServiceMount``).
    public let mounts: [VigilServiceMount]
    /// The batch jobs of `POST /v1/jobs`.
    public let jobs: JobRunner
    let inFlight = InFlightKeys()

    /// A service over `store` and `registry`.
    public init(store: any VigilServiceStore, registry: DetectorRegistry, runSettings: [String: JSONValue] = [:],
                options: VigilServiceOptions = .init(), notes: [String] = [], mounts: [VigilServiceMount] = [])
    {
        self.store = store
        self.registry = registry
        self.scorer = try? ECGScorer(registry: registry, runSettings: runSettings)
        self.options = options
        self.notes = notes
        let metrics = ServiceMetrics()
        self.metrics = metrics
        self.gate = ScoringGate(slots: max(1, options.scoringSlots), queueLimit: max(0, options.scoringQueue),
                                onChange: { metrics.gate(running: $0, waiting: $1) })
        self.mounts = mounts
        self.jobs = JobRunner(store: store, detectors: registry.detectors(for: .ecg), slots: gate, runSettings: runSettings,
                              maxActive: options.maxActiveJobs)
    }

    /// The router with every route and middleware.
    public func router() -> Router<VigilRequestContext> {
        let router = Router(context: VigilRequestContext.self)
        router.add(middleware: ObserveMiddleware<VigilRequestContext>(metrics: metrics))
        let problems = ProblemMiddleware<VigilRequestContext>.Routes()
        router.add(middleware: ProblemMiddleware<VigilRequestContext>(table: problems))

        // Open routes: liveness, readiness, metrics, the contract.
        router.get("/healthz") { _, _ in try Self.json(["status": "ok"]) }
        router.get("/readyz") { _, _ in try await self.readiness() }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: self.metrics.text())))
        }
        router.get("/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.data)))
        }

        // Token routes.
        let v1 = router.group("/v1").add(middleware: TokenMiddleware(tokens: store))
        v1.get("/detectors") { _, _ in try self.detectors() }
        v1.group("/ecg").add(middleware: RoleMiddleware(.scorer))
            .post("/score") { request, context in try await self.score(request, context) }
        let reads = v1.group("/inputs").add(middleware: RoleMiddleware(.reader))
        reads.get("/{id}/findings") { _, context in try await self.findings(context) }
        reads.get("/{id}/fhir") { _, context in try await self.fhir(context) }
        addExportRoutes(to: reads)
        addWorklistRoutes(to: v1)
        addJobRoutes(to: v1)
        v1.group("/explain").add(middleware: RoleMiddleware(.assistant, .reader))
            .post { request, context in try await self.explain(request, context) }
        v1.group("/audit").add(middleware: RoleMiddleware(.admin))
            .get { request, context in try await self.audit(request, context) }

        for mount in mounts {
            let group = router.group(RouterPath(mount.path)).add(middleware: TokenMiddleware(tokens: store))
                .add(middleware: RoleMiddleware(mount.roles))
            mount.install(group)
        }
        problems.set(router.routes.map { (String(describing: $0.path).split(separator: "/"), $0.method.rawValue) })
        return router
    }

    /// The application `vigil serve` runs: HTTP/1.1 on `host:port` (port 0: any free port), `onRunning` told
    /// the bound port. An idle connection (a stalled upload) is closed after `idleTimeout`.
    public func application(host: String, port: Int, logger: Logger, idleTimeout: TimeAmount = .seconds(60),
                            onRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> Application<RouterResponder<VigilRequestContext>>
    {
        Application(router: router(), server: .http1(configuration: .init(idleTimeout: idleTimeout)),
                    configuration: .init(address: .hostname(host, port: port), serverName: "vigil"),
                    onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
                    logger: logger)
    }

    // MARK: Helpers

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: try VigilJSON.encode(value))))
    }

    static func json(data: Data, status: HTTPResponse.Status = .ok, contentType: String = "application/json") -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The body, up to `limit` bytes: 413 above it, checked on Content-Length before reading and while reading
    /// (every route that reads a body whole comes here).
    static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw Problem.tooLarge(limit: limit) }
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw Problem.tooLarge(limit: limit)
        }
    }

    /// The `{id}` path parameter as an input id (400 when it is not a positive integer).
    static func inputID(_ context: VigilRequestContext) throws -> InputID {
        guard let text = context.parameters.get("id"), let n = Int64(text), n > 0 else {
            throw Problem.badRequest("bad-input-id", "the input id must be a positive integer")
        }
        return InputID(rawValue: n)
    }
}

/// Idempotency keys being answered now (a second request with the same key meanwhile gets 409).
actor InFlightKeys {
    private var keys: Set<String> = []
    func begin(_ key: String) -> Bool { keys.insert(key).inserted }
    func end(_ key: String) { keys.remove(key) }
}
