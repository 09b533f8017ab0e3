import ContentHash
import DetectorInputs
import DetectorKit
import ECGFormats
import FindingsStore
import Foundation

/// One ECG record's findings document: what `vigil ecg score --json` prints per record and what
/// `POST /v1/ecg/score` answers (docs/findings-schema.md).
public struct ECGScoreDocument: Encodable, Sendable {
    /// The record's file name (no directory, no patient identifier).
    public let input: String
    /// One outcome per ECG detector in the registry, sorted by detector id.
    public let outcomes: [DetectorOutcome]
    /// The model cards of the detectors that have one, in the same order.
    public let modelCards: [ModelCard]
    /// The stored input's id, when the result was stored; absent from the JSON otherwise.
    public var inputId: Int64?
}

/// One record scored: the record read, and each detector with its outcome.
public struct ECGScoreResult: Sendable {
    /// The record as read (its warnings name what was odd in the file).
    public let record: ECGRecord
    /// Each ECG detector with its outcome, sorted by detector id.
    public let outcomes: [(detector: AnyDetector, outcome: DetectorOutcome)]
    /// The analyses the detectors shared for this record (the one `ECGAnalysis` they read), so a caller that
    /// shows the measurements reads the same ones instead of analysing the record again.
    public var analyses = SharedAnalyses()
    /// The findings document of ``outcomes``.
    public var document: ECGScoreDocument {
        ECGScoreDocument(input: record.sourceFile, outcomes: outcomes.map(\.outcome),
                         modelCards: outcomes.compactMap { $0.detector.modelCard })
    }
}

/// Failures of ``ECGScorer`` that are the caller's fault (bad input), as opposed to store failures.
public enum ECGScoringError: Error, Equatable, CustomStringConvertible {
    /// The registry has no ECG detector.
    case noDetectors
    /// The uploaded files do not make one record (reason says why).
    case badUpload(String)

    public var description: String {
        switch self {
        case .noDetectors: return "no ECG detector is registered"
        case .badUpload(let reason): return reason
        }
    }
}

/// Scores ECG records with every ECG detector of a registry, and stores the result: the one library call
/// behind `vigil ecg score` and `POST /v1/ecg/score`. Detector options (mains frequency) are the registry's
/// (``DetectorCatalog/registry(settings:modelsDirectory:warn:)``), not the scorer's.
public struct ECGScorer: Sendable {
    /// The registry whose ECG detectors run.
    public let registry: DetectorRegistry
    /// Settings stored with each run (for provenance), e.g. `DetectorSettings.runSettings`.
    public let runSettings: [String: JSONValue]

    /// A scorer over `registry`'s ECG detectors.
    /// - Throws: ``ECGScoringError/noDetectors`` when the registry has none.
    public init(registry: DetectorRegistry, runSettings: [String: JSONValue] = [:]) throws {
        guard !registry.detectors(for: .ecg).isEmpty else { throw ECGScoringError.noDetectors }
        self.registry = registry
        self.runSettings = runSettings
    }

    /// Runs every ECG detector on `record`, with one ``DetectionRequest`` for all of them, so they read one
    /// analysis of the record.
    public func score(_ record: ECGRecord) async throws -> ECGScoreResult {
        let request = DetectionRequest()
        var outcomes: [(detector: AnyDetector, outcome: DetectorOutcome)] = []
        for d in registry.detectors(for: .ecg) { outcomes.append((d, try await d.analyze(record, request: request))) }
        return ECGScoreResult(record: record, outcomes: outcomes, analyses: request.shared)
    }

    /// Reads the record at `url` (format by extension, as ``ECGReader/read(url:options:)``) and scores it.
    public func score(url: URL, options: ECGReadOptions = .init()) async throws -> ECGScoreResult {
        try await score(ECGReader.read(url: url, options: options))
    }

    /// Scores one record given as file bytes: `files` maps file names (no directories) to contents; one file
    /// (`.dcm`, `.xml`, `.csv`, `.txt`) or a WFDB `.hea` with its signal files. The files are written to a
    /// private temporary folder, read, and removed.
    /// - Throws: ``ECGScoringError/badUpload(_:)`` for unsafe names or not exactly one record; reader errors.
    public func score(files: [String: Data], options: ECGReadOptions = .init()) async throws -> ECGScoreResult {
        let main = try Self.mainFile(of: Array(files.keys))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-score-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, data) in files { try data.write(to: dir.appendingPathComponent(name)) }
        return try await score(url: dir.appendingPathComponent(main), options: options)
    }

    /// The file to read among uploaded `names`: the only `.hea` when there is one, else the only file.
    static func mainFile(of names: [String]) throws -> String {
        guard !names.isEmpty else { throw ECGScoringError.badUpload("no file in the upload") }
        for n in names where n.isEmpty || n.hasPrefix(".") || n.contains("/") || n.contains("\\") || n.contains("\0") {
            throw ECGScoringError.badUpload("file name \"\(n)\" is not a plain file name")
        }
        let headers = names.filter { $0.lowercased().hasSuffix(".hea") }
        if headers.count == 1 { return headers[0] }
        if headers.count > 1 { throw ECGScoringError.badUpload("\(headers.count) WFDB headers; send one record") }
        guard names.count == 1 else { throw ECGScoringError.badUpload("\(names.count) files without a WFDB header; send one record") }
        return names[0]
    }

    /// Stores `result` in `store`: registers the input (by `contentSHA256` of the main file's bytes), one run
    /// per detector with its outcome, and returns the document with `inputId` set.
    public func store(_ result: ECGScoreResult, contentSHA256: String, in store: any FindingsStore) async throws
        -> ECGScoreDocument
    {
        let input = try await store.registerInput(NewInput(contentSHA256: contentSHA256, path: result.record.sourceFile,
                                                           kind: .ecg))
        for (detector, outcome) in result.outcomes {
            let provenance = DetectorProvenance(descriptor: detector.descriptor, modelCard: detector.modelCard)
            let run = try await store.startRun(NewRun(detector: provenance, settings: runSettings))
            _ = try await store.recordOutcome(outcome, input: input.id, run: run.id)
            _ = try await store.finishRun(run.id)
        }
        var doc = result.document
        doc.inputId = input.id.rawValue
        return doc
    }

    /// SHA-256 over an upload's files (name and bytes, names sorted), lowercase hex: the content key of a record
    /// sent as several files.
    public static func contentSHA256(files: [String: Data]) -> String {
        if files.count == 1, let only = files.first { return SHA256Digest.hex(of: only.value) }
        var all = Data()
        for name in files.keys.sorted() {
            all.append(Data(name.utf8)); all.append(0)
            all.append(Data("\(files[name]!.count)".utf8)); all.append(0)
            all.append(files[name]!)
        }
        return SHA256Digest.hex(of: all)
    }
}
