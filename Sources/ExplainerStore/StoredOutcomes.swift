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

    /// Reads the input's results from `store` (the shared read model, ``FindingsStore/StoredInputResults``).
    public static func load(input: InputID, from store: any FindingsStore) async throws -> StoredOutcomes {
        guard let results = try await StoredInputResults.load(input: input, from: store) else {
            return StoredOutcomes(outcomes: [], errors: 0)
        }
        return StoredOutcomes(outcomes: results.outcomes, errors: results.errors.count)
    }
}
