import DICOMWebIngest
import DetectorKit
import FindingsStore
import Foundation
import Logging
import VigilMCP

/// `vigil serve` as one library call: the HTTP API (``VigilAPI``) with its two mounts wired to the same store,
/// registry and explanation backend — `POST /mcp` (``VigilMCP/VigilMCPEndpoint``) and `POST /dicomweb/studies`
/// (STOW-RS into a spool; a quiet series goes on the worklist and is tagged by the registry's CT detector) —
/// the background tasks (series completion, hourly pruning of expired idempotency answers), and a job spool.
/// Runs until SIGTERM/SIGINT, then drains the requests in flight.
public struct VigilServer: Sendable {
    /// The store every route, mount and task uses.
    public let store: any VigilServiceStore
    /// The detector registry (the only door to detectors).
    public let registry: DetectorRegistry
    /// Settings stored with each run (provenance), e.g. `DetectorSettings.runSettings`.
    public var runSettings: [String: JSONValue] = [:]
    /// Limits and settings of the API (`jobSpool` nil: a new temporary folder, removed when the server stops).
    public var options = VigilServiceOptions()
    /// Lines `/readyz` shows (no server paths).
    public var notes: [String] = []
    /// The STOW-RS spool folder.
    public var dicomwebSpool: URL
    /// A STOW-RS series is complete after this many seconds without a new instance.
    public var seriesQuietSeconds = 10.0
    /// Where warnings go (standard error in the CLI).
    public var warn: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }

    /// A server over `store` and `registry`, spooling STOW-RS instances in `dicomwebSpool`.
    public init(store: any VigilServiceStore, registry: DetectorRegistry, dicomwebSpool: URL) {
        self.store = store
        self.registry = registry
        self.dicomwebSpool = dicomwebSpool
    }

    /// Serves on `host:port` until SIGTERM/SIGINT; `onRunning` gets the port bound (useful with port 0).
    public func run(host: String, port: Int, logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void) async throws {
        var options = self.options
        let ownSpool = options.jobSpool == nil
        let jobSpool = options.jobSpool
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("vigil-jobs-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: jobSpool, withIntermediateDirectories: true)
        defer { if ownSpool { try? FileManager.default.removeItem(at: jobSpool) } }
        options.jobSpool = jobSpool
        let warn = self.warn
        // POST /mcp (role assistant): the MCP server over the same store, registry and explanation backend. Host
        // and Origin are checked when the server listens on loopback only (DNS rebinding).
        let mcp = VigilMCPEndpoint(context: VigilMCPContext(registry: registry, store: store, backend: options.explainBackend,
                                                            openAI: options.openAI, log: { warn("mcp: \($0)") }),
                                   hostCheck: ["127.0.0.1", "localhost", "::1"].contains(host) ? .loopback : .disabled)
        // POST /dicomweb/studies (role scorer): STOW-RS into a spool; a quiet series goes on the worklist and is
        // tagged by the registry's CT detector (the only one registered; none: studies wait in the spool).
        let spool = try InstanceSpool(root: dicomwebSpool)
        let assembler = SeriesAssembler(spool: spool, quietTime: seriesQuietSeconds)
        _ = await assembler.resumeFromSpool()
        let stow = STOWService(spool: spool, assembler: assembler)
        let ctDetectors = registry.detectors(for: .ctStudy)
        let feeder = ctDetectors.count == 1 ? WorklistFeeder(store: store, detector: ctDetectors[0], spool: spool) : nil
        if feeder == nil { warn("warning: \(ctDetectors.count) CT detectors loaded; STOW-RS studies are stored but not tagged") }
        let feeding = Task {
            await assembler.run(pollInterval: .seconds(1)) { study in
                guard let feeder else { return }
                do { _ = try await feeder.list(study) } catch { logger.error("dicomweb: a completed study could not be listed") }
            }
        }
        defer { feeding.cancel() }
        // Answers kept under idempotency keys past their lifetime are deleted once an hour (they are never replayed).
        let lifetime = options.idempotencyKeyLifetime
        let store = self.store
        let pruning = Task {
            while !Task.isCancelled {
                _ = try? await store.deleteIdempotentResponses(before: Date().addingTimeInterval(-lifetime))
                try? await Task.sleep(for: .seconds(3600))
            }
        }
        defer { pruning.cancel() }
        let api = VigilAPI(store: store, registry: registry, runSettings: runSettings, options: options, notes: notes,
                           mounts: [.mcp(mcp), .dicomweb(stow)])
        try await api.serve(host: host, port: port, logger: logger, onRunning: onRunning)
    }
}
