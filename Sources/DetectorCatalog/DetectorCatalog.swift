import DetectorKit
import Foundation

/// The detectors Vigil ships, assembled into the registry that the CLI (and later the HTTP server)
/// list and call. Adding a detector means adding its module and one line here; the tensor core and
/// DetectorKit stay untouched.
///
/// ```swift
/// let registry = try DetectorCatalog.registry(models: URL(fileURLWithPath: "Models"))
/// print(registry.report())
/// ```
public enum DetectorCatalog {
    /// Builds the registry. `models` is the folder holding each detector's weights and model card.
    ///
    /// The ECG and CT detectors are added by their issues; until then the catalog is empty and says so.
    public static func registry(models: URL) throws -> DetectorRegistry {
        _ = models
        return DetectorRegistry()
    }
}
