import CTDetector
import DetectorKit
import ECGDetectors
import Foundation

/// Options that change how shipped detectors run, given once when the registry is built so that every
/// shell (CLI, server) gets the same detectors for the same settings instead of rebuilding one itself.
public struct DetectorSettings: Sendable, Hashable {
    /// Mains frequency in Hz (50 or 60) notched by the ECG analysis the ECG detectors read; nil: no notch.
    public var ecgMainsHz: Double?

    /// A hospital's own CT model pair (localiser and lesion model folders, each with `model.card.json` and
    /// weights) registered as `ct-pancreas` instead of the shipped pair; nil: the shipped pair.
    public var ctModelFolders: (localizer: URL, lesion: URL)? {
        get { ctLocalizerFolder.flatMap { l in ctLesionFolder.map { (l, $0) } } }
        set { ctLocalizerFolder = newValue?.localizer; ctLesionFolder = newValue?.lesion }
    }
    private var ctLocalizerFolder: URL?
    private var ctLesionFolder: URL?

    /// Settings with every option at its default.
    public init(ecgMainsHz: Double? = nil) { self.ecgMainsHz = ecgMainsHz }

    /// The settings of the one ECG analysis every shipped ECG detector reads (the mains notch; the rest
    /// as shipped).
    public var ecgAnalysisConfiguration: ECGAnalysis.Configuration {
        var c = ECGAnalysis.Configuration()
        c.mainsHz = ecgMainsHz
        return c
    }

    /// The settings as run settings for the findings store (only the options that are set).
    public var runSettings: [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        if let ecgMainsHz { out["mainsHz"] = .number(ecgMainsHz) }
        return out
    }
}

extension DetectorCatalog {
    /// The shipped registry (see ``registry(modelsDirectory:warn:)``) with `settings` applied: every ECG
    /// detector reads one ``ECGAnalysis`` per record made with ``DetectorSettings/ecgAnalysisConfiguration``
    /// (the mains notch when ``DetectorSettings/ecgMainsHz`` is set); `ct-pancreas` runs
    /// ``DetectorSettings/ctModelFolders`` when set.
    /// - Throws: what is wrong with a model folder that is present (card, weights hash, graph), naming the file.
    public static func registry(settings: DetectorSettings, modelsDirectory: URL? = nil,
                                warn: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
        throws -> DetectorRegistry
    {
        try build(settings: settings, modelsDirectory: modelsDirectory, warn: warn)
    }
}
