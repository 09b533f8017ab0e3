import DetectorInputs
import DetectorKit
import Foundation
import ImagingFormats

/// The pancreatic CT scorer: intended-use checks from the lesion model's card, then the two-stage
/// pipeline (``CTPipeline``), reported as one study-level finding (`ct.pancreas.lesion_suspected` in
/// the shipped card) with a calibrated probability, its threshold and decision, the top slices with
/// their lesion regions, the lesion size estimate, and saliency overlays; or an abstention with the
/// reason.
///
/// Callers that know only the registry ask for the overlays with an artefact request, and get the
/// study report (slice scores, timings, overlays, model cards) from its sink:
///
/// ```swift
/// let request = DetectionRequest(artefacts: ArtefactRequest(directory: outputFolder))
/// let outcome = try await registry.detectors(for: .ctStudy)[0].analyze(study, request: request)
/// let report = request.artefacts.sink?.items(of: CTStudyReport.self).first
/// print(outcome, report?.overlays.map(\.fileName) ?? [])
/// ```
///
/// Everything model-specific (sizes, spacings, windows, thresholds, checks) comes from the two cards, so
/// a hospital's own pair of models runs on the same code. The detector does not store anything. Overlays
/// are rendered only when asked for (an artefact request, or an `overlayDirectory`); written to a folder,
/// they are cited as image evidence.
public struct CTPancreasDetector: Detector {
    /// The input: a CT study.
    public typealias Input = CTStudy

    /// The id it is registered under.
    public static let id = "ct-pancreas"

    /// Identity.
    public let descriptor = DetectorDescriptor(id: CTPancreasDetector.id, version: "1.0.0",
                                               name: "Pancreatic lesion scorer (CT, two-stage)", inputKind: .ctStudy)
    /// The pipeline and its models.
    public let pipeline: CTPipeline
    /// Where overlays are written when a call names no folder of its own (nil: none, unless a request asks).
    public let overlayDirectory: URL?
    /// How overlays are drawn.
    public let renderer: CTOverlayRenderer

    /// The lesion model's card: the model that makes the finding's probability.
    public var modelCard: ModelCard? { pipeline.models.lesion.card }
    /// The lesion card's score label code.
    public var findingCodes: Set<String>? { [pipeline.models.lesionSpec.scoreLabel.code] }
    /// The cards of both models it runs: localiser, then lesion model.
    public var modelCards: [ModelCard] { [pipeline.models.localizer.card, pipeline.models.lesion.card] }

    /// Creates the detector.
    public init(models: CTModelPair, overlayDirectory: URL? = nil, renderer: CTOverlayRenderer = CTOverlayRenderer(),
                batchSize: Int = 32) {
        pipeline = CTPipeline(models: models, batchSize: batchSize)
        self.overlayDirectory = overlayDirectory
        self.renderer = renderer
    }

    /// Analyses a study (the ``Detector`` entry point): overlays are rendered only when the detector has an
    /// `overlayDirectory` (written there).
    public func analyze(_ study: CTStudy) async throws -> DetectorOutcome {
        try await analyze(study, request: DetectionRequest())
    }

    /// Analyses a study as `request` asks: overlays are rendered only when artefacts are asked for (or the
    /// detector has an `overlayDirectory`), written to the request's folder (else `overlayDirectory`; neither:
    /// kept in the report only), and the ``CTStudyReport`` goes to the request's sink.
    public func analyze(_ study: CTStudy, request: DetectionRequest) async throws -> DetectorOutcome {
        let artefacts = request.artefacts
        let report = try score(study, render: artefacts.isRequested || overlayDirectory != nil,
                               directory: artefacts.directory ?? overlayDirectory)
        artefacts.sink?.put(report)
        return report.outcome
    }

    /// Analyses a study and returns the outcome with the pipeline's numbers and the rendered overlays
    /// (written to `overlayDirectory` when it is set).
    public func score(_ study: CTStudy) throws -> CTStudyReport {
        try score(study, render: true, directory: overlayDirectory)
    }

    /// The study report; overlays rendered when `render`, and written to `directory` when it is given.
    // `@_optimize(none)`: Swift 6.3.1 crashes (signal 6, SIL optimizer) compiling this function in release builds;
    // the work it does is in the pipeline it calls, which is optimized as usual.
    @_optimize(none)
    private func score(_ study: CTStudy, render: Bool, directory: URL?) throws -> CTStudyReport {
        let provenance = DetectorProvenance(descriptor: descriptor, modelCard: modelCard)
        func abstain(_ reason: AbstentionReason, _ message: String, _ details: [String: JSONValue] = [:]) throws -> CTStudyReport {
            CTStudyReport(outcome: .abstained(try Abstention(reason: reason, message: message, detector: provenance, details: details)),
                          result: nil, overlays: [], checkSeconds: 0, renderSeconds: 0, modelCards: modelCards)
        }
        guard !study.volumes.isEmpty else {
            return try abstain(.inputIncomplete, "Study \(study.label) holds no image series.")
        }
        // Intended use, per series; the largest passing series is scored.
        var checkSeconds = 0.0
        var verdicts: [(index: Int, failure: IntendedUseFailure?, notes: [String])] = []
        checkSeconds = clock {
            for (i, v) in study.volumes.enumerated() {
                let (failure, notes) = IntendedUseCheck.check(v, spec: pipeline.models.lesionSpec.intendedUse)
                verdicts.append((i, failure, notes))
            }
        }
        let passing = verdicts.filter { $0.failure == nil }
        guard let chosen = passing.max(by: { study.volumes[$0.index].slices < study.volumes[$1.index].slices }) else {
            let largest = verdicts.max { study.volumes[$0.index].slices < study.volumes[$1.index].slices }
            guard let largest, let failure = largest.failure else {
                return try abstain(.inputIncomplete, "Study \(study.label): no series could be checked.")
            }
            var details = failure.details
            if study.volumes.count > 1 {
                details["seriesChecked"] = .number(Double(study.volumes.count))
                details["otherSeriesReasons"] = .array(verdicts.filter { $0.index != largest.index }.compactMap { $0.failure.map { .string($0.reason.rawValue) } })
            }
            let prefix = study.volumes.count > 1 ? "None of the \(study.volumes.count) series is within intended use; the largest: " : ""
            return try abstain(failure.reason, prefix + failure.message, details)
        }
        let orientation = RadiologicalOrientation(of: study.volumes[chosen.index])
        let volume = orientation.apply(to: study.volumes[chosen.index])
        var notes = chosen.notes
        if !orientation.isIdentity {
            notes.append("The series is stored \(orientation.flipRows ? "with rows running towards anterior" : "")\(orientation.flipRows && orientation.flipColumns ? " and " : "")\(orientation.flipColumns ? "with columns running towards the patient's right" : ""); it was mirrored to the radiological orientation before scoring. Slice regions are given in the stored pixel order.")
        }
        if study.volumes.count > 1 {
            notes.append("Series \(chosen.index + 1) of \(study.volumes.count) was scored (the largest within intended use).")
        }
        guard let result = try pipeline.score(volume, volumeIndex: chosen.index, notes: notes) else {
            let loc = pipeline.models.localizerSpec
            return try abstain(.outsideIntendedUse,
                               "The localiser found no pancreas (at least \(loc.minMaskPixels) mask pixels) on any of the \(volume.slices) slices: the pancreas is not in the field of view or not recognisable.",
                               ["slices": .number(Double(volume.slices))])
        }
        var renderSeconds = 0.0
        var overlays: [CTOverlay] = []
        if render {
            overlays = try timed(&renderSeconds) {
                try renderer.render(result, volume: volume, spec: pipeline.models.lesionSpec, mirrored: !orientation.isIdentity)
            }
            if let dir = directory {
                overlays = try timed(&renderSeconds) { try write(overlays, to: dir) }
            }
        }
        let finding = try makeFinding(result, orientation: orientation, overlays: overlays, written: render && directory != nil,
                                      provenance: provenance)
        return CTStudyReport(outcome: .findings([finding]), result: result, overlays: overlays, checkSeconds: checkSeconds,
                             renderSeconds: renderSeconds, modelCards: modelCards)
    }

    /// Writes the overlays under `dir` and returns them with their file names made absolute paths.
    private func write(_ overlays: [CTOverlay], to dir: URL) throws -> [CTOverlay] {
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw CTDetectorError.rendering(path: dir.path, problem: "cannot create the folder: \(error.localizedDescription)")
        }
        return try overlays.map { o in
            let url = dir.appendingPathComponent(o.fileName)
            do { try o.canvas.writePNG(to: url) } catch { throw CTDetectorError.rendering(path: url.path, problem: "\(error)") }
            return CTOverlay(fileName: url.path, caption: o.caption, canvas: o.canvas)
        }
    }

    private func makeFinding(_ r: CTScoringResult, orientation: RadiologicalOrientation, overlays: [CTOverlay], written: Bool,
                             provenance: DetectorProvenance) throws -> Finding {
        let les = pipeline.models.lesionSpec
        var evidence: [Evidence] = []
        var measurements: [FindingMeasurement] = []
        if let size = r.keySlices.first?.lesionLongestAxisMM {
            measurements.append(FindingMeasurement(name: "lesionLongestAxis", value: (size * 10).rounded() / 10, unit: "mm"))
        }
        measurements.append(FindingMeasurement(name: "slicesScored", value: Double(r.sliceScores.count), unit: "1"))
        measurements.append(FindingMeasurement(name: "studyScore", value: (r.studyLogit * 1000).rounded() / 1000, unit: "1"))
        for key in r.keySlices {
            let s = key.score
            let regionText = key.lesionBox != nil
                ? "lesion region from the segmentation head" + (key.lesionLongestAxisMM.map { ", longest axis \(fmt($0)) mm" } ?? "")
                : "crop region (the segmentation head marked no lesion pixels)"
            evidence.append(.slice(index: s.index, region: orientation.original(key.lesionBox ?? key.cropBox),
                                   note: "position \(fmt(s.positionMM)) mm; slice score \(String(format: "%.3f", s.logit)); \(regionText)"))
        }
        if measurements.contains(where: { $0.name == "lesionLongestAxis" }) { evidence.append(.measurementRef(name: "lesionLongestAxis")) }
        if written {
            for o in overlays { evidence.append(.image(path: o.fileName, caption: o.caption)) }
        }
        let window = r.studyWindow
        let windowSlices = r.sliceScores[window].map { String($0.index) }.joined(separator: ", ")
        evidence.append(.text("Study score = mean slice score over slices \(windowSlices) (best window of \(les.aggregationWindow) consecutive scored slices of \(r.sliceScores.count)); calibrated with temperature \(fmt(les.scoreLabel.temperature))."))
        let loc = pipeline.models.localizer.card
        evidence.append(.text("Pancreas localised by \(loc.name) \(loc.version) (weights \(loc.weightsSHA256.prefix(12))…)."))
        for note in r.notes { evidence.append(.text(note)) }
        return try Finding(code: les.scoreLabel.code, label: les.scoreLabel.label, probability: r.probability,
                           threshold: r.threshold, decision: r.decision, evidence: evidence, measurements: measurements,
                           detector: provenance)
    }
}

/// What ``CTPancreasDetector/score(_:)`` returns, and what ``CTPancreasDetector/analyze(_:request:)`` puts
/// into the request's artefact sink: the outcome plus the numbers and pictures behind it.
public struct CTStudyReport: Sendable {
    /// Findings or abstention.
    public let outcome: DetectorOutcome
    /// The pipeline's result (nil when the detector abstained).
    public let result: CTScoringResult?
    /// Overlays (file names are absolute paths when they were written).
    public let overlays: [CTOverlay]
    /// Seconds spent on the intended-use checks.
    public let checkSeconds: Double
    /// Seconds spent rendering (and writing) the overlays.
    public let renderSeconds: Double
    /// The cards of the models that made it (localiser, lesion model).
    public let modelCards: [ModelCard]
}
