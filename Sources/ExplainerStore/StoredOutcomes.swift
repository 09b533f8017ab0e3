import DetectorKit
import FindingsStore

/// An input's stored results as the detector outcomes they were recorded from: the findings of one
/// detector (id, version and model) form one `.findings` outcome, each abstention one `.abstained`.
/// Errors are not outcomes (there is nothing to explain); they are counted.
public struct StoredOutcomes: Sendable {
    /// The outcomes, findings first (in recording order), then abstentions.
    public let outcomes: [DetectorOutcome]
    /// How many errors are recorded for the input.
    public let errors: Int

    /// Reads the input's results from `store`.
    public static func load(input: InputID, from store: any FindingsStore) async throws -> StoredOutcomes {
        var order: [DetectorProvenance] = []
        var groups: [DetectorProvenance: [Finding]] = [:]
        for stored in try await store.findings(input: input) {
            let p = stored.finding.detector
            if groups[p] == nil { order.append(p) }
            groups[p, default: []].append(stored.finding)
        }
        var outcomes = order.map { DetectorOutcome.findings(groups[$0] ?? []) }
        outcomes += try await store.abstentions(input: input).map { .abstained($0.abstention) }
        return StoredOutcomes(outcomes: outcomes, errors: try await store.errors(input: input).count)
    }
}
