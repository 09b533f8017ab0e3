import CTDetector
import DetectorKit
import ECGDetectors
import Foundation

/// The detectors Vigil ships, assembled into the registry that the CLI (and later the HTTP server)
/// list and call. Adding a detector means adding its module and one line here; the tensor core and
/// DetectorKit stay untouched.
///
/// ```swift
/// let registry = try DetectorCatalog.registry()
/// print(registry.report())
/// ```
public enum DetectorCatalog {
    /// Builds the registry of the shipped detectors.
    ///
    /// No detector ships yet: the ECG and CT detectors are added by their issues (each with the folder of
    /// its weights and model card), so today's registry is empty and `report()` says so.
    public static func registry() throws -> DetectorRegistry {
        var registry = DetectorRegistry()
        try registry.register(RhythmDetector())  // ecg-rhythm: rule-based, no weights
        try registry.register(CNNECGDetector.shipped())  // ecg-cnn: Models/ecg-cnn ($VIGIL_MODELS or ./Models); a missing folder throws, naming it
        if let ct = try CTPancreasDetector.shipped() { try registry.register(ct) }  // ct-pancreas: Models/ct-pancreas-{localizer,lesion}, when present
        return registry
    }
}
