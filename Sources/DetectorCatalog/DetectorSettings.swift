import DetectorKit
import ECGDetectors
import Foundation

/// Options that change how shipped detectors run, given once when the registry is built so that every
/// shell (CLI, server) gets the same detectors for the same settings instead of rebuilding one itself.
public struct DetectorSettings: Sendable, Hashable {
    /// Mains frequency in Hz (50 or 60) notched by the ECG measurement pipeline of `ecg-rhythm`; nil: no notch.
    public var ecgMainsHz: Double?

    /// Settings with every option at its default.
    public init(ecgMainsHz: Double? = nil) { self.ecgMainsHz = ecgMainsHz }

    /// The settings as run settings for the findings store (only the options that are set).
    public var runSettings: [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        if let ecgMainsHz { out["mainsHz"] = .number(ecgMainsHz) }
        return out
    }
}

extension DetectorCatalog {
    /// The shipped registry (see ``registry(modelsDirectory:warn:)``) with `settings` applied: `ecg-rhythm`
    /// is built with the mains notch when ``DetectorSettings/ecgMainsHz`` is set; other detectors as shipped.
    public static func registry(settings: DetectorSettings, modelsDirectory: URL? = nil,
                                warn: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
        throws -> DetectorRegistry
    {
        let shipped = try registry(modelsDirectory: modelsDirectory, warn: warn)
        guard settings.ecgMainsHz != nil else { return shipped }
        var config = ECGAnalysis.Configuration()
        config.mainsHz = settings.ecgMainsHz
        let rhythm = AnyDetector(RhythmDetector(configuration: config))
        return try DetectorRegistry(shipped.detectors.map { $0.id == rhythm.id ? rhythm : $0 })
    }
}
