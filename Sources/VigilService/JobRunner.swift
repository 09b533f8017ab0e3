import BatchScoring
import ECGBatchSources
import DetectorKit
import ECGFormats
import FindingsStore
import Foundation
import Synchronization

/// What a batch job scores: ECG files and folders on the server (under `--data-root`), or the files of an
/// upload saved in the job's own folder (removed when the job ends).
public struct JobSource: Sendable {
    /// A file (for WFDB, its `.hea`) or a folder scored recursively as `vigil ecg batch` does.
    public enum Entry: Sendable, Hashable {
        case file(URL)
        case folder(URL)
    }

    /// What is scored, in order.
    public var entries: [Entry]
    /// How the files are read (CSV sampling rate and units).
    public var options: ECGReadOptions
    /// `paths` or `upload` (stored in the runs' settings).
    public var kind: String
    /// A folder to remove when the job ends (the upload's).
    public var cleanup: URL?

    public init(entries: [Entry], options: ECGReadOptions = .init(), kind: String, cleanup: URL? = nil) {
        self.entries = entries
        self.options = options
        self.kind = kind
        self.cleanup = cleanup
    }

    /// The batch items of the entries, enumerated lazily.
    func items() throws -> AnySequence<any BatchItem> {
        var sequences: [AnySequence<any BatchItem>] = []
        for entry in entries {
            switch entry {
            case .file(let url): sequences.append(AnySequence([ECGFileItem(url: url, options: options) as any BatchItem]))
            case .folder(let url): sequences.append(try ECGFolderSource(folder: url, options: options).items())
            }
        }
        return AnySequence(sequences.joined())
    }

    /// The number of items (folders are walked once more).
    func count() throws -> Int {
        try entries.reduce(0) { n, entry in
            switch entry {
            case .file: n + 1
            case .folder(let url): n + (try ECGFolderSource(folder: url, options: options).count())
            }
        }
    }
}

/// A batch job as `GET /v1/jobs/{id}` shows it.
public struct JobStatus: Sendable, Encodable {
    /// The job's state: `queued`, `running`, then `succeeded`, `failed` or `cancelled`.
    public enum State: String, Sendable, Encodable { case queued, running, succeeded, failed, cancelled }

    /// Per detector: the run's counts (inputs recorded by this job; inputs recorded earlier are skipped).
    public struct DetectorCounts: Sendable, Encodable {
        public let detector: String, version: String, runId: Int64
        public let scored: Int, abstained: Int, errors: Int
    }

    public let id: String
    public internal(set) var state: State
    /// `paths` or `upload`.
    public let source: String
    public let createdAt: Date
    public internal(set) var startedAt: Date?
    public internal(set) var finishedAt: Date?
    /// Inputs the job will look at (known once it runs).
    public internal(set) var total: Int?
    /// Inputs looked at so far.
    public internal(set) var done = 0
    /// Inputs newly recorded, skipped (every detector had recorded their content before) and whose
    /// processing failed (the reason is stored with the input's error).
    public internal(set) var recorded = 0, skipped = 0, errors = 0
    /// Files whose bytes could not be read at all (so no input was made).
    public internal(set) var unreadable = 0
    /// The stored inputs of the job's files, in the order the job met them (at most ``JobRunner/listedInputs``).
    public internal(set) var inputIds: [Int64] = []
    /// More inputs than are listed.
    public internal(set) var inputIdsTruncated = false
    /// Per detector, once the job has ended.
    public internal(set) var detectors: [DetectorCounts] = []
    /// A cancel was asked for while the job ran (it ends `cancelled` once its items in flight are done).
    public internal(set) var cancelRequested = false
    /// Why the job failed (a failure of the store itself, in words a client can show).
    public internal(set) var reason: String?

    /// Queued or running.
    public var isActive: Bool { state == .queued || state == .running }
}

/// The service's batch jobs (`POST /v1/jobs`): kept in memory, run one at a time in submission order by the
/// same ``BatchScoring/BatchEngine`` as `vigil ecg batch`, each item in a slot of the service's
/// ``ScoringGate`` (so jobs and synchronous scorings share the cores). Results go to the store as the engine
/// commits them; a restarted server forgets its jobs but not their results, and a job submitted again skips
/// what was already recorded. Only the token that submitted a job sees or cancels it.
public actor JobRunner {
    /// Most input ids a job lists.
    public static let listedInputs = 10_000

    private struct Entry {
        let owner: String
        let status: JobBox
    }

    private let store: any FindingsStore & SiteAccessStore
    private let detectors: [AnyDetector]
    private let slots: ScoringGate
    private let runSettings: [String: JSONValue]
    /// Most jobs queued or running at once; one more is refused (429).
    public let maxActive: Int
    /// Ended jobs kept for `GET` (the oldest are forgotten first).
    public let keepEnded: Int
    private var jobs: [String: Entry] = [:]
    private var order: [String] = []
    private var last: Task<Void, Never>?

    public init(store: any FindingsStore & SiteAccessStore, detectors: [AnyDetector], slots: ScoringGate, runSettings: [String: JSONValue] = [:],
                maxActive: Int = 16, keepEnded: Int = 1000)
    {
        self.store = store
        self.detectors = detectors
        self.slots = slots
        self.runSettings = runSettings
        self.maxActive = max(1, maxActive)
        self.keepEnded = max(0, keepEnded)
    }

    /// Refusal: `maxActive` jobs are queued or running.
    public struct Full: Error {}

    /// Queues a job for `owner` (the token's audit actor); the inputs it stores are granted to `scope`'s site.
    /// - Throws: ``Full`` when `maxActive` jobs are queued or running.
    public func submit(_ source: JobSource, owner: String, scope: InputScope = .all) throws -> JobStatus {
        guard jobs.values.filter({ $0.status.withLock { $0.isActive } }).count < maxActive else { throw Full() }
        let id = UUID().uuidString.lowercased()
        let status = JobStatus(id: id, state: .queued, source: source.kind, createdAt: Date())
        let box = JobBox(status)
        jobs[id] = Entry(owner: owner, status: box)
        order.append(id)
        forgetEnded()
        let previous = last
        let work = Work(store: store, detectors: detectors, slots: slots, runSettings: runSettings, scope: scope)
        let task = Task {
            await previous?.value
            await work.run(source, status: box)
        }
        last = task
        return status
    }

    /// The jobs `owner` submitted that are still kept, newest first, at most `limit`.
    public func jobs(owner: String, limit: Int) -> [JobStatus] {
        Array(order.reversed().lazy.compactMap { self.jobs[$0] }.filter { $0.owner == owner }.prefix(limit)
            .map { $0.status.withLock { $0 } })
    }

    /// The job, when `owner` submitted it (nil otherwise: another token's job is not found).
    public func status(_ id: String, owner: String) -> JobStatus? {
        guard let entry = jobs[id], entry.owner == owner else { return nil }
        return entry.status.withLock { $0 }
    }

    /// Cancels the job when `owner` submitted it: a queued job never runs; a running one stops after the
    /// items in flight (what was committed stays stored). An ended job is left as it is.
    /// - Returns: the job after the cancel, nil when `owner` has no such job.
    public func cancel(_ id: String, owner: String) -> JobStatus? {
        guard let entry = jobs[id], entry.owner == owner else { return nil }
        // A flag, not Task.cancel(): cancelling the task would also cancel the engine's store writes in flight,
        // and what was scored before the cancel must still be committed.
        entry.status.withLock { status in
            switch status.state {
            case .queued:
                status.state = .cancelled
                status.finishedAt = Date()
            case .running:
                status.cancelRequested = true
            case .succeeded, .failed, .cancelled:
                break
            }
        }
        return entry.status.withLock { $0 }
    }

    /// Waits for every job submitted so far to end (tests, shutdown).
    public func drain() async {
        await last?.value
    }

    private func forgetEnded() {
        let ended = order.filter { id in jobs[id].map { !$0.status.withLock { $0.isActive } } ?? true }
        guard ended.count > keepEnded else { return }
        let forget = Set(ended.prefix(ended.count - keepEnded))
        order.removeAll { forget.contains($0) }
        for id in forget { jobs[id] = nil }
    }

    /// Runs one job (outside the actor, so `GET` answers while it runs).
    struct Work: Sendable {
        let store: any FindingsStore & SiteAccessStore
        let detectors: [AnyDetector]
        let slots: ScoringGate
        let runSettings: [String: JSONValue]
        let scope: InputScope

        func run(_ source: JobSource, status: JobBox) async {
            defer { if let folder = source.cleanup { try? FileManager.default.removeItem(at: folder) } }
            let proceed = status.withLock { s -> Bool in
                guard s.state == .queued else { return false }
                s.state = .running
                s.startedAt = Date()
                return true
            }
            guard proceed else { return }
            let seen = SeenContents()
            do {
                let total = try source.count()
                status.withLock { $0.total = total }
                var configuration = BatchEngine.Configuration(workers: slots.slots, name: "service-job")
                configuration.slots = slots
                let engine = BatchEngine(store: store, detectors: detectors, configuration: configuration)
                var settings = runSettings
                settings["source"] = .string("job:\(source.kind)")
                // Items stop coming once a cancel is asked for; the engine then finishes and commits what is in flight.
                let items = try source.items().lazy.prefix { _ in !status.withLock { $0.cancelRequested } }
                    .map { NotingItem(item: $0, seen: seen) as any BatchItem }
                let report = try await engine.run(items, total: total, settings: settings) { progress in
                    status.withLock {
                        $0.done = progress.done
                        $0.recorded = progress.recorded
                        $0.skipped = progress.skipped
                        $0.errors = progress.errors
                    }
                }
                // One lookup of the stored inputs: granted to the submitter's site, and listed in the status.
                // (Hospital-wide, only the listed ones are looked up.)
                let contents = seen.contents
                let ids = try await storedInputs(scope == .all ? Array(contents.prefix(JobRunner.listedInputs)) : contents)
                try await grant(ids)
                status.withLock { s in
                    s.unreadable = report.unreadableCount
                    s.inputIds = ids.prefix(JobRunner.listedInputs).map(\.rawValue)
                    s.inputIdsTruncated = contents.count > JobRunner.listedInputs
                    s.detectors = report.detectors.map {
                        let counts = $0.summary.run.counts
                        return .init(detector: $0.descriptor.id, version: $0.descriptor.version, runId: $0.summary.run.id.rawValue,
                                     scored: counts.scored, abstained: counts.abstained, errors: counts.errors)
                    }
                    s.state = s.cancelRequested ? .cancelled : .succeeded
                    s.finishedAt = Date()
                }
            } catch {
                // What was stored before the failure is the submitter's site's too (best effort: the store may be down).
                if scope != .all, let ids = try? await storedInputs(seen.contents) { try? await grant(ids) }
                status.withLock { s in
                    s.state = .failed
                    s.reason = Self.reason(error)
                    s.finishedAt = Date()
                }
            }
        }

        /// Grants `inputs` to the submitter's site (nothing when hospital-wide).
        func grant(_ inputs: [InputID]) async throws {
            for id in inputs { try await store.grant(id, to: scope) }
        }

        /// The stored inputs of the contents seen, in the order first seen (contents never stored are left out).
        func storedInputs(_ contents: [String]) async throws -> [InputID] {
            var ids: [InputID] = []
            for sha in contents {
                if let input = try await store.input(contentSHA256: sha) { ids.append(input.id) }
            }
            return ids
        }

        /// What a client is told of a failed job: the batch's own refusals name the problem; anything else
        /// (the store failing) is said without internal detail.
        static func reason(_ error: any Error) -> String {
            switch error {
            case let e as BatchError: e.description
            case is BatchItemError: "a file or folder of the job can no longer be read"
            default: "the job stopped: the findings store failed (see the server log)"
            }
        }
    }
}

/// A job's status behind a lock: the job's task writes it, `GET` reads it.
final class JobBox: Sendable {
    private let state: Mutex<JobStatus>
    init(_ status: JobStatus) { state = Mutex(status) }
    func withLock<T: Sendable>(_ body: (inout JobStatus) -> T) -> T { state.withLock { body(&$0) } }
}

/// Content hashes a job's items produced, in the order first seen (so the job can list its inputs).
final class SeenContents: Sendable {
    private let state = Mutex<(order: [String], set: Set<String>)>(([], []))
    func note(_ sha: String) {
        state.withLock { if $0.set.insert(sha).inserted { $0.order.append(sha) } }
    }
    var contents: [String] { state.withLock { $0.order } }
}

/// A batch item that notes its content hash when the engine asks for it.
struct NotingItem: BatchItem {
    let item: any BatchItem
    let seen: SeenContents
    var label: String { item.label }
    var path: String { item.path }
    func contentSHA256() throws -> String {
        let sha = try item.contentSHA256()
        seen.note(sha)
        return sha
    }
    func read() throws -> ReadInput { try item.read() }
}
