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
    /// Builds the registry of the shipped detectors: `ecg-rhythm` (rules, no weights), `ecg-cnn`
    /// (`<models>/ecg-cnn`), `ecg-af` (`<models>/ecg-af`) and `ct-pancreas` (`<models>/ct-pancreas-localizer` + `-lesion`), where
    /// `<models>` is ``ModelsDirectory/resolve(environment:)`` unless `modelsDirectory` is given.
    ///
    /// One policy for model folders: a detector whose folder is **absent** is not registered and
    /// `warn` is told where it was looked for (so running from outside the checkout without
    /// `VIGIL_MODELS` still serves the rule-based detector, and says what is missing); a folder that is
    /// present but **broken** (card, weights hash, graph) throws, naming the file.
    public static func registry(modelsDirectory: URL? = nil,
                                warn: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
        throws -> DetectorRegistry
    {
        try registry(settings: DetectorSettings(), modelsDirectory: modelsDirectory, warn: warn)
    }

    /// The shipped model folders (under the models directory) and the detector each one belongs to: what
    /// ``registry(modelsDirectory:warn:)`` loads and `vigil doctor` verifies. A detector added with weights adds
    /// its folder here (DetectorCatalogTests fails when a registered detector has none).
    public static let shippedModelFolders: [(folder: String, detector: String)] = [
        (CNNECGDetector.shippedFolderName, "ecg-cnn"),
        (AFDetector.shippedFolderName, "ecg-af"),
        (CTModelPair.localizerFolderName, "ct-pancreas"),
        (CTModelPair.lesionFolderName, "ct-pancreas"),
    ]

    /// Builds the shipped registry with `settings` (see ``registry(modelsDirectory:warn:)`` for the folder policy).
    static func build(settings: DetectorSettings, modelsDirectory: URL?, warn: (String) -> Void) throws -> DetectorRegistry {
        let models = modelsDirectory ?? ModelsDirectory.resolve()
        var registry = DetectorRegistry()
        // One ECG analysis per record: every ECG detector that reads it gets the same settings, so the
        // detectors of one request share one analysis (one heart rate, one QRS duration).
        let ecgAnalysis = settings.ecgAnalysisConfiguration
        let rhythm = RhythmDetector(configuration: ecgAnalysis)
        try registry.register(rhythm)
        let ecgFolder = models.appendingPathComponent(CNNECGDetector.shippedFolderName)
        if FileManager.default.fileExists(atPath: ecgFolder.path) {
            var cnn = try CNNECGDetector.shipped(modelsDirectory: models)
            cnn.analysisConfiguration = rhythm.analysisConfiguration
            try registry.register(cnn)
        } else {
            warn("ecg-cnn not registered: no model folder at \(ecgFolder.path) (run from the repository root or set \(ModelsDirectory.environmentVariable))")
        }
        let afFolder = models.appendingPathComponent(AFDetector.shippedFolderName)
        if FileManager.default.fileExists(atPath: afFolder.path) {
            try registry.register(AFDetector.shipped(modelsDirectory: models))
        } else {
            warn("ecg-af not registered: no model folder at \(afFolder.path) (run from the repository root or set \(ModelsDirectory.environmentVariable))")
        }
        if let pair = settings.ctModelFolders {
            try registry.register(CTPancreasDetector(models: CTModelPair(localizerFolder: pair.localizer, lesionFolder: pair.lesion)))
        } else if let ct = try CTPancreasDetector.shipped(modelsDirectory: models) {
            try registry.register(ct)
        } else {
            warn("ct-pancreas not registered: no model pair under \(models.path) (run from the repository root or set \(ModelsDirectory.environmentVariable))")
        }
        return registry
    }
}
