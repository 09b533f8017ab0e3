import Foundation
import Synchronization

/// What one call of a detector is asked for besides the input: the artefacts wanted (overlay and
/// saliency pictures; none by default) and the analyses shared by every detector that reads the same
/// input (``SharedAnalyses``: one ECG analysis per record, whichever detectors run on it).
///
/// One request belongs to one input. The batch engine and the ECG scorer make one per input and pass it
/// to each detector of that input, so the detectors of one record read one analysis of it.
///
/// ```swift
/// let request = DetectionRequest(artefacts: ArtefactRequest(directory: overlays))
/// let outcome = try await registry.detectors(for: .ctStudy)[0].analyze(study, request: request)
/// let reports = request.artefacts.collected        // what the detector produced besides the outcome
/// ```
public struct DetectionRequest: Sendable {
    /// Artefacts wanted besides the outcome (none by default: no overlay is rendered).
    public var artefacts: ArtefactRequest
    /// Analyses shared by the detectors of this input. One per input: never reuse it for another input.
    public let shared: SharedAnalyses

    /// Creates a request (defaults: no artefacts, a fresh shared-analysis cache).
    public init(artefacts: ArtefactRequest = .none, shared: SharedAnalyses = SharedAnalyses()) {
        self.artefacts = artefacts
        self.shared = shared
    }
}

/// Which artefacts a call asks for, and where they go. ``none`` (the default) asks for nothing, so a
/// detector does no work for pictures nobody reads.
public struct ArtefactRequest: Sendable {
    /// Folder the detector writes artefact files into (created when needed); nil: none are written.
    public let directory: URL?
    /// Collects what the detector reports besides the outcome (detector-specific values, e.g. the CT
    /// detector's study report with slice scores, timings and overlays); nil when nothing is asked for.
    public let sink: ArtefactSink?

    /// Asks for nothing.
    public static var none: ArtefactRequest { ArtefactRequest(directory: nil, sink: nil) }

    /// Asks for artefacts: files under `directory` (nil: rendered and reported but not written), reported
    /// into a fresh sink.
    public init(directory: URL?) {
        self.directory = directory
        sink = ArtefactSink()
    }

    /// Asks for exactly `directory` and `sink`.
    public init(directory: URL?, sink: ArtefactSink?) {
        self.directory = directory
        self.sink = sink
    }

    /// Whether anything is asked for.
    public var isRequested: Bool { directory != nil || sink != nil }

    /// Everything reported into the sink, in order (empty without one).
    public var collected: [any Sendable] { sink?.items ?? [] }
}

/// A thread-safe list of the artefacts a detector reports during one call.
public final class ArtefactSink: Sendable {
    private let storage = Mutex<[any Sendable]>([])

    /// An empty sink.
    public init() {}

    /// Adds `artefact`.
    public func put(_ artefact: any Sendable) { storage.withLock { $0.append(artefact) } }

    /// Everything added, in order.
    public var items: [any Sendable] { storage.withLock { $0 } }

    /// The items of type `T`, in order.
    public func items<T: Sendable>(of type: T.Type) -> [T] { items.compactMap { $0 as? T } }
}

/// Analyses of one input that several detectors need (the ECG analysis of a record: quality, pacing,
/// beats, median beats, delineation, measurements), computed by the first detector that asks and reused
/// by the others, so one record carries one heart rate whichever detectors read it.
///
/// One cache belongs to one input: keys name the analysis and its settings, not the input.
public final class SharedAnalyses: Sendable {
    private struct State {
        var values: [String: any Sendable] = [:]
        var computations: [String: Int] = [:]
    }
    private let state = Mutex(State())

    /// An empty cache.
    public init() {}

    /// The value stored under `key`, made by `compute` (run outside the lock) when none is there yet.
    /// When two callers race on one key both compute and the first stored value wins, so every caller
    /// gets the same value (the engines run the detectors of one input one after another, so they do not race).
    /// - Throws: what `compute` throws (nothing is stored then).
    public func value<T: Sendable>(_ key: String, compute: () throws -> T) rethrows -> T {
        if let hit = state.withLock({ $0.values[key] }) as? T { return hit }
        state.withLock { $0.computations[key, default: 0] += 1 }
        let made = try compute()
        return state.withLock { s in
            if let other = s.values[key] as? T { return other }
            s.values[key] = made
            return made
        }
    }

    /// The value stored under `key`, if any and of type `T` (nothing is computed).
    public func cached<T: Sendable>(_ key: String, as type: T.Type = T.self) -> T? {
        state.withLock { $0.values[key] } as? T
    }

    /// How many times a value was computed for `key` (for tests and benchmarks).
    public func computations(of key: String) -> Int { state.withLock { $0.computations[key] ?? 0 } }

    /// How many times any value was computed.
    public var computationCount: Int { state.withLock { $0.computations.values.reduce(0, +) } }

    /// The keys holding a value, sorted.
    public var keys: [String] { state.withLock { $0.values.keys.sorted() } }
}
