import DetectorKit
import FindingsStore

/// What scoring one batch item came to (``BatchEngine/score(_:runs:)``).
public enum ItemScore: Sendable {
    /// Every detector had already recorded the item's content.
    case skipped
    /// The item's bytes could not be read, so it cannot be identified (the reason names the file).
    case unreadable(String)
    /// The input (identified by its content, with what the file says of patient and time) and one result
    /// per detector that still needed it: to be recorded, for example with ``FindingsStore/recordBatch(_:)``.
    case results(InputResults)
}

extension BatchEngine {
    /// Scores one item with the engine's detectors that have not recorded its content yet: the same per-item
    /// step ``run(_:total:settings:progress:)`` takes (hash, ask the store, read once, run each pending
    /// detector, a failure becoming that input's error), without writing anything. Queue workers use it,
    /// so that a batch and a worker score an input the same way.
    /// - Parameter runs: the run of each detector, by detector id (results name them).
    public func score(_ item: any BatchItem, runs: [String: RunID]) async -> ItemScore {
        let kind = detectors.first?.descriptor.inputKind ?? .ecg
        switch await Work(store: store, detectors: detectors, runs: runs, kind: kind).process(item) {
        case .skipped: return .skipped
        case let .unreadable(reason): return .unreadable(reason)
        case let .results(results): return .results(results)
        }
    }
}
