import CTDetector
import DetectorInputs
import DetectorKit
import Foundation

/// One CT study scored by one detector: the outcome, its findings document, and the text `vigil ct score` prints.
public struct CTScore: Sendable {
    /// The detector.
    public let detector: AnyDetector
    /// Its outcome.
    public let outcome: DetectorOutcome
    /// `{"input", "outcome", "modelCards"}` as `vigil ct score --json` prints it (docs/findings-schema.md).
    public let document: Document
    /// The finding table (``CTDetector/CTScoreTable``) or, for a CT detector that reports no study report, one
    /// line per finding.
    public let text: String

    /// The findings document of one study and detector.
    public struct Document: Encodable, Sendable {
        public let input: String
        public let outcome: DetectorOutcome
        public let modelCards: [ModelCard]
    }
}

/// Scores CT studies with every CT detector of a registry, asking each for its artefacts (overlay PNGs) in a
/// folder: the one library call behind `vigil ct score`, as ``ECGScoring/ECGScorer`` is for ECGs.
public struct CTScorer: Sendable {
    /// The registry's CT detectors.
    public let detectors: [AnyDetector]

    /// A scorer over `registry`'s CT detectors.
    /// - Throws: ``CTScoringError/noDetectors`` when it has none.
    public init(registry: DetectorRegistry) throws {
        detectors = registry.detectors(for: .ctStudy)
        guard !detectors.isEmpty else { throw CTScoringError.noDetectors }
    }

    /// The studies that `paths` name: each folder is one study; the files given directly form one more.
    /// - Throws: ``CTScoringError/noSuchPath(_:)``.
    public static func studies(_ paths: [URL]) throws -> [[URL]] {
        var studies: [[URL]] = []
        var loose: [URL] = []
        for url in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else { throw CTScoringError.noSuchPath(url.path) }
            if isDir.boolValue { studies.append([url]) } else { loose.append(url) }
        }
        if !loose.isEmpty { studies.append(loose) }
        return studies
    }

    /// Reads the study made of `urls` (a folder, or the files of one study: DICOM, NIfTI, PNG slices with their
    /// sidecar) and scores it as ``score(_:name:artefacts:)`` does.
    /// - Throws: ``CTScoringError/unreadableStudy(_:)`` with the reader's message (naming the file and the defect)
    ///   when the study cannot be read; detector failures as they are.
    public func score(studyAt urls: [URL], name: String, artefacts: URL) async throws -> [CTScore] {
        let study: CTStudy
        do { study = try CTStudy.read(paths: urls) } catch { throw CTScoringError.unreadableStudy(String(describing: error)) }
        return try await score(study, name: name, artefacts: artefacts)
    }

    /// Scores `study` (named `name` in the output) with every detector; overlays go to `artefacts` (with one
    /// sub-folder per detector when there are several).
    public func score(_ study: CTStudy, name: String, artefacts: URL) async throws -> [CTScore] {
        var scores: [CTScore] = []
        for detector in detectors {
            var folder = artefacts
            if detectors.count > 1 { folder.appendPathComponent(detector.id) }
            let request = DetectionRequest(artefacts: ArtefactRequest(directory: folder))
            let outcome = try await detector.analyze(study, request: request)
            let report = request.artefacts.sink?.items(of: CTStudyReport.self).first
            let document = CTScore.Document(input: name, outcome: outcome,
                                            modelCards: report?.modelCards ?? detector.modelCard.map { [$0] } ?? [])
            let text: String
            if let report {
                text = CTScoreTable.render(study: study, name: name, report: report)
            } else {
                var lines = ["CT study \(name), \(detector.descriptor.name):"]
                switch outcome {
                case let .abstained(a): lines += ["  ABSTAINED  \(a.reason)", "  \(a.message)"]
                case let .findings(fs): lines += fs.map { "  \($0.label) [\($0.code)]  decision \($0.decision.rawValue.uppercased())" }
                }
                text = lines.joined(separator: "\n")
            }
            scores.append(CTScore(detector: detector, outcome: outcome, document: document, text: text))
        }
        return scores
    }
}

/// Why CT scoring could not start.
public enum CTScoringError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The registry has no CT detector.
    case noDetectors
    /// A study path does not exist.
    case noSuchPath(String)
    /// A study could not be read (the reader's message).
    case unreadableStudy(String)

    /// One line.
    public var description: String {
        switch self {
        case .noDetectors: "no CT detector is registered (see the warning above)"
        case .noSuchPath(let path): "\(path): no such file or folder"
        case .unreadableStudy(let message): message
        }
    }
}
