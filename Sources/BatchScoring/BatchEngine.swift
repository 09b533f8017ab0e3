import DetectorKit
import FindingsStore
import Foundation
import TensorCore

/// Scores a stream of inputs with a set of detectors into a findings store: idempotent, resumable,
/// bounded in memory, errors recorded per input.
///
/// - **Workers.** Up to ``Configuration/workers`` items are in flight at once; each worker task hashes
///   its item, asks the store what is already recorded for it, reads it and runs the detectors that
///   still need it. Nothing else is read ahead, so memory does not grow with the number of inputs.
/// - **One analysis per input.** The detectors of one input get one ``DetectionRequest``, so an analysis
///   they share (the ECG analysis of a record) is made once and every detector reports its numbers.
/// - **One writer.** Only the engine's own loop writes to the store, in batches of up to
///   ``Configuration/writeBatchSize`` inputs per transaction (``FindingsStore/recordBatch(_:)``), and at
///   least every ``Configuration/flushInterval`` seconds.
/// - **Exactly once.** An input already recorded by a detector's (id, version) is not scored again by
///   it; the store's unique key makes a repeated record a no-op. A batch killed at any moment loses at
///   most the results not yet committed, and the next run redoes exactly those.
/// - **Errors.** A file that cannot be parsed, or a detector that throws, is recorded as that input's
///   error with the reason, and the batch goes on. A file whose bytes cannot be read at all cannot be
///   identified, so it is reported in ``BatchReport/unreadable`` instead.
///
/// ```swift
/// let engine = BatchEngine(store: store, detectors: registry.detectors(for: .ecg))
/// let report = try await engine.run(ECGFolderSource(folder: url).items(), total: source.count(),
///                                   settings: ["source": "folder"]) { progress in bar.update(progress) }
/// print(report.render())
/// ```
public struct BatchEngine: Sendable {
    /// How the engine runs.
    public struct Configuration: Sendable {
        /// Worker tasks (reading + scoring) in flight at once. Default: the active processor count.
        public var workers: Int
        /// Inputs per store transaction.
        public var writeBatchSize: Int
        /// Longest time, in seconds, a finished result waits before it is committed.
        public var flushInterval: Double
        /// The audit actor is the store's; this names the engine in run settings.
        public var name: String
        /// Who lends the cores to each item (a server's scoring gate, shared with its other scorings); nil:
        /// the engine's workers alone bound the work.
        public var slots: (any BatchSlots)?
        /// Tensor-core threads each item is scored with (``TensorCore/TensorThreads/withThreads(_:_:)``); nil:
        /// the process's threads shared out among the workers, `max(1, TensorThreads.processDefault / workers)`.
        /// So the engine owns the cores once: N workers × 1 thread on N cores by default, or 1 worker × N threads
        /// with `workers: 1` — never N workers each splitting their kernels over N threads.
        public var threadsPerWorker: Int?

        /// Where the items run when there are no ``slots`` (which bring their own): threads off Swift's cooperative
        /// pool (``DetectorExecutor/batch`` by default).
        public var executor: DetectorExecutor = .batch

        /// The threads each item gets (see ``threadsPerWorker``).
        public var resolvedThreadsPerWorker: Int {
            threadsPerWorker.map { max(1, $0) } ?? TensorThreads.share(among: workers)
        }

        /// Creates a configuration.
        public init(workers: Int = ProcessInfo.processInfo.activeProcessorCount, writeBatchSize: Int = 32,
                    flushInterval: Double = 0.5, name: String = "batch")
        {
            self.workers = max(1, workers)
            self.writeBatchSize = max(1, writeBatchSize)
            self.flushInterval = flushInterval
            self.name = name
            self.slots = nil
        }
    }

    /// The store results go to.
    public let store: any FindingsStore
    /// The detectors every input is scored by (all of one input kind).
    public let detectors: [AnyDetector]
    /// How the engine runs.
    public let configuration: Configuration

    /// Creates an engine.
    public init(store: any FindingsStore, detectors: [AnyDetector], configuration: Configuration = .init()) {
        self.store = store
        self.detectors = detectors
        self.configuration = configuration
    }

    /// Runs the batch over `items`, calling `progress` (from the engine's loop) after each input.
    /// - Parameters:
    ///   - total: the number of items, when known (for the rate and ETA).
    ///   - settings: extra settings stored with each detector's run (source, options).
    /// - Throws: ``BatchError/noDetectors(kind:)`` when there is nothing to run, ``BatchError/mixedKinds``
    ///   when the detectors read different kinds, and store failures (the database itself failing).
    public func run<S: Sequence>(_ items: S, total: Int?, settings: [String: JSONValue] = [:],
                                 progress: (BatchProgress) -> Void = { _ in }) async throws -> BatchReport
        where S.Element == any BatchItem
    {
        guard let kind = detectors.first?.descriptor.inputKind else { throw BatchError.noDetectors(kind: nil) }
        guard detectors.allSatisfy({ $0.descriptor.inputKind == kind }) else { throw BatchError.mixedKinds }
        var runSettings = settings
        runSettings["workers"] = .number(Double(configuration.workers))
        runSettings["engine"] = .string(configuration.name)
        var runs: [String: RunID] = [:]
        for detector in detectors {
            let provenance = DetectorProvenance(descriptor: detector.descriptor, modelCard: detector.modelCard)
            runs[detector.id] = try await store.startRun(NewRun(detector: provenance, settings: runSettings))
                .id
        }
        let started = Date()
        var state = LoopState(total: total, started: started)
        let work = Work(store: store, detectors: detectors, runs: runs, kind: kind)
        var iterator = items.makeIterator()

        try await withThrowingTaskGroup(of: WorkResult.self) { group in
            func addNext() -> Bool {
                guard let item = iterator.next() else { return false }
                let threads = configuration.resolvedThreadsPerWorker
                if let slots = configuration.slots {
                    group.addTask { await slots.withSlot { await TensorThreads.withThreads(threads) { await work.process(item) } } }
                } else {
                    group.addTask(executorPreference: configuration.executor) {
                        await TensorThreads.withThreads(threads) { await work.process(item) }
                    }
                }
                return true
            }
            for _ in 0..<configuration.workers where !addNext() { break }
            var lastFlush = Date()
            while let result = try await group.next() {
                state.take(result)
                if state.pending.count >= configuration.writeBatchSize
                    || Date().timeIntervalSince(lastFlush) >= configuration.flushInterval
                {
                    try await state.flush(into: store)
                    lastFlush = Date()
                }
                progress(state.progress())
                _ = addNext()
            }
            try await state.flush(into: store)
        }
        progress(state.progress())

        var detectorReports: [BatchReport.DetectorReport] = []
        for detector in detectors {
            guard let run = runs[detector.id] else { continue }
            _ = try await store.finishRun(run)
            detectorReports.append(BatchReport.DetectorReport(
                descriptor: detector.descriptor, modelCard: detector.modelCard,
                summary: try await store.runSummary(run),
                errors: Array(try await store.errors(run: run).prefix(BatchReport.listedErrors))))
        }
        return BatchReport(
            inputs: state.seen, skipped: state.skipped, unreadable: state.unreadable, unreadableCount: state.unreadableCount,
            refused: state.refused, refusedCount: state.refusedCount,
            seconds: Date().timeIntervalSince(started), detectors: detectorReports)
    }
}

/// Lends the cores to a batch's items one at a time: the engine processes each item (hash, read, detect)
/// inside ``withSlot(_:)``, so a service's batch jobs and its other scorings share one bound on the cores.
public protocol BatchSlots: Sendable {
    /// Runs `work` when a slot is free (waiting as long as it takes) and frees the slot afterwards.
    func withSlot<T: Sendable>(_ work: @Sendable () async -> T) async -> T
}

/// Why a batch could not start.
public enum BatchError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// No detector is registered for the input kind.
    case noDetectors(kind: InputKind?)
    /// The detectors given read different input kinds.
    case mixedKinds

    /// One line.
    public var description: String {
        switch self {
        case let .noDetectors(kind?): "no \(kind == .ecg ? "ECG" : kind == .ctStudy ? "CT" : kind.rawValue) detector registered"
        case .noDetectors(nil): "no detector registered"
        case .mixedKinds: "the detectors of one batch must all read the same kind of input"
        }
    }

    /// Same as ``description``.
    public var errorDescription: String? { description }
}

/// What one worker made of one item.
enum WorkResult: Sendable {
    /// Every detector had already recorded it.
    case skipped
    /// Its bytes could not be read: it cannot be identified or recorded.
    case unreadable(String)
    /// Results to record.
    case results(InputResults)
}

/// The per-item work, run in worker tasks (reads only; no store writes).
struct Work: Sendable {
    let store: any FindingsStore
    let detectors: [AnyDetector]
    let runs: [String: RunID]
    let kind: InputKind

    func process(_ item: any BatchItem) async -> WorkResult {
        let sha: String
        do {
            sha = try item.contentSHA256()
        } catch {
            return .unreadable(String(describing: error))
        }
        let done: [OutcomeKey: OutcomeStatus]
        do {
            done = try await store.outcomeStatuses(contentSHA256: sha)
        } catch {
            return .unreadable("\(item.label): the store could not be asked about it (\(error))")
        }
        let pending = detectors.filter {
            done[OutcomeKey(detectorID: $0.descriptor.id, detectorVersion: $0.descriptor.version)] == nil
        }
        if pending.isEmpty { return .skipped }
        var input = NewInput(contentSHA256: sha, path: item.path, kind: kind)
        var results: [InputResults.RunResult] = []
        do {
            let read = try item.read()
            input.patientID = read.patientID
            input.studyID = read.studyID
            input.acquiredAt = read.acquiredAt
            // One request per input: its detectors share one analysis of it (one ECG analysis per record).
            let request = DetectionRequest()
            for detector in pending {
                guard let run = runs[detector.id] else { continue }
                do {
                    results.append(.init(run: run, result: .outcome(try await detector.analyze(read.input, request: request))))
                } catch {
                    results.append(.init(run: run, result: .error("detector \(detector.id) failed on \(item.label): \(error)")))
                }
            }
        } catch {
            let reason = "cannot read \(item.label): \(error)"
            for detector in pending { if let run = runs[detector.id] { results.append(.init(run: run, result: .error(reason))) } }
        }
        return .results(InputResults(input: input, results: results))
    }
}

/// The engine loop's counters and the results waiting to be committed.
struct LoopState {
    let total: Int?
    let started: Date
    var seen = 0
    var skipped = 0
    var recorded = 0
    var errors = 0
    var unreadable: [String] = []
    var unreadableCount = 0
    var refused: [String] = []
    var refusedCount = 0
    var pending: [InputResults] = []

    init(total: Int?, started: Date) {
        self.total = total
        self.started = started
    }

    mutating func take(_ result: WorkResult) {
        seen += 1
        switch result {
        case .skipped: skipped += 1
        case let .unreadable(reason):
            unreadableCount += 1
            if unreadable.count < BatchReport.listedErrors { unreadable.append(reason) }
        case let .results(item): pending.append(item)
        }
    }

    mutating func flush(into store: any FindingsStore) async throws {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        let results = try await store.recordBatch(batch)
        for (item, result) in zip(batch, results) {
            switch result {
            case let .recorded(_, records):
                // An input whose every result was already there (the same content twice in one batch)
                // counts as skipped.
                if records.allSatisfy({ $0 != .recorded }) { skipped += 1 } else { recorded += 1 }
                for (r, record) in zip(item.results, records) where record == .recorded {
                    if case .error = r.result { errors += 1 }
                }
            case let .refused(error):
                refusedCount += 1
                if refused.count < BatchReport.listedErrors {
                    refused.append("\(item.input.path.split(separator: "/").last.map(String.init) ?? "input"): \(error)")
                }
            }
        }
    }

    func progress() -> BatchProgress {
        BatchProgress(done: seen, total: total, recorded: recorded, skipped: skipped,
                      errors: errors + unreadableCount + refusedCount, elapsed: Date().timeIntervalSince(started))
    }
}
