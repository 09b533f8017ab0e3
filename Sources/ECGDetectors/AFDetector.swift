import DetectorInputs
import DetectorKit
import ECGFormats
import ECGSignal
import Foundation
import ONNXEngine
import TensorCore

/// Atrial fibrillation from any number of leads and any record length, run from an ONNX model and its card
/// (``AFModelSpec``): the shipped `ecg-af` model was trained on real ECGs only (MIT-BIH Arrhythmia, CinC 2017;
/// Models/ecg-af/README.md).
///
/// Each readable lead is cut into windows (``AFModelInput``); the model scores every (lead, window) row in
/// one batched run; a window's probability is the mean over leads of the calibrated per-lead probabilities;
/// the record's probability is the largest mean over runs of windows covering the card's span (30 s).
/// Windows at or above the operating threshold form AF episodes (evidence: their spans; measurements: AF
/// burden, episode count, longest episode). It abstains on records shorter than one window and when fewer
/// leads than the card's minimum are readable (flat, clipped or invalid leads are left out and named).
///
/// ```swift
/// let af = try AFDetector(modelDirectory: URL(fileURLWithPath: "Models/ecg-af"))
/// if case .findings(let f) = try await af.analyze(record) { print(f[0].probability!, f[0].decision) }
/// ```
public struct AFDetector: Detector {
    /// Identity; `inputKind` is `.ecg`.
    public let descriptor: DetectorDescriptor
    /// The card of the weights it runs.
    public let modelCard: ModelCard?
    /// What the card says about inputs and outputs.
    public let spec: AFModelSpec
    /// The card's AF label code.
    public var findingCodes: Set<String>? { [spec.label.code] }
    /// Where the card was read from.
    public let cardURL: URL
    private let session: InferenceSession
    /// Rows per model run (bounds memory on long records).
    public var batchRows = 256

    /// Loads the model folder: card, weights hash, ONNX model, and checks the model against the card.
    /// - Throws: ``CNNDetectorError`` (missing folder, unsupported card, mismatch), `DetectorKitError`, `ONNXError`.
    public init(modelDirectory: URL, id: String? = nil, name: String? = nil) throws {
        let cardURL = modelDirectory.appendingPathComponent(CNNECGDetector.cardFileName)
        guard FileManager.default.fileExists(atPath: cardURL.path) else {
            throw CNNDetectorError.modelFolderMissing(path: modelDirectory.path)
        }
        let card = try ModelCard.load(from: cardURL)
        try card.verifyWeights(cardURL: cardURL)
        let spec = try AFModelSpec(card: card, cardPath: cardURL.path)
        let weights = card.weightsURL(cardURL: cardURL)
        let model = try ONNXModel(contentsOf: weights)
        let session = try InferenceSession(model: model)
        let cardInputs = [spec.inputName] + (spec.rhythmFeaturesInputName.map { [$0] } ?? [])
        guard Set(model.inputs.map(\.name)) == Set(cardInputs), model.inputs.count == cardInputs.count else {
            throw CNNDetectorError.modelCardMismatch(path: weights.path, problem: "the card's inputs are \(cardInputs), the model's inputs are \(model.inputs.map(\.name))")
        }
        var planShapes = [spec.inputName: [2, 1, spec.lengthSamples]]
        if let r = spec.rhythmFeaturesInputName { planShapes[r] = [2, AFRhythmFeatures.count] }
        let summary: PlanSummary
        do {
            summary = try session.planSummary(for: planShapes)
        } catch {
            throw CNNDetectorError.modelCardMismatch(path: weights.path, problem: "the model cannot be planned for input [2, 1, \(spec.lengthSamples)]: \(error)")
        }
        guard summary.outputShapes[spec.output.name] == [2, 1] else {
            throw CNNDetectorError.modelCardMismatch(path: weights.path, problem: "output '\(spec.output.name)' should have shape [2, 1] for a batch of 2, has \(summary.outputShapes[spec.output.name]?.description ?? "none")")
        }
        self.cardURL = cardURL
        self.spec = spec
        self.session = session
        self.modelCard = card
        self.descriptor = DetectorDescriptor(id: id ?? modelDirectory.lastPathComponent, version: "1.0.0",
                                             name: name ?? "ECG AF: \(card.name)", inputKind: .ecg)
    }

    /// Calibrated per-row probabilities for prepared windows (rows `[lead × window]`).
    /// - Throws: when the model cannot be run or returns a non-finite value.
    public func rowProbabilities(_ input: AFPreparedInput) throws -> [Double] {
        let rows = input.samples.count / input.lengthSamples
        var out: [Double] = []
        out.reserveCapacity(rows)
        var r = 0
        while r < rows {
            let n = min(batchRows, rows - r)
            let slice = Array(input.samples[(r * input.lengthSamples)..<((r + n) * input.lengthSamples)])
            var feeds = [spec.inputName: Tensor(shape: [n, 1, input.lengthSamples], storage: slice)]
            if let name = spec.rhythmFeaturesInputName {
                let k = AFRhythmFeatures.count
                guard input.rhythmFeatures.count == rows * k else {
                    throw CNNDetectorError.unexpectedOutput(path: cardURL.path, problem: "the model needs \(k) RR features per row; the prepared input has \(input.rhythmFeatures.count) values for \(rows) rows")
                }
                feeds[name] = Tensor(shape: [n, k], storage: Array(input.rhythmFeatures[(r * k)..<((r + n) * k)]))
            }
            let result = try session.run(feeds)
            guard let t = result[spec.output.name], t.shape == [n, 1] else {
                throw CNNDetectorError.unexpectedOutput(path: cardURL.path, problem: "output '\(spec.output.name)' has shape \(result[spec.output.name]?.shape.description ?? "none"), expected [\(n), 1]")
            }
            for v in t.storage { out.append(spec.label.calibratedProbability(raw: Double(v), kind: spec.output.kind)) }
            r += n
        }
        return out
    }

    /// Analyses one record: one AF finding (record probability, episodes, burden) or an abstention.
    public func analyze(_ record: ECGRecord) async throws -> DetectorOutcome {
        let provenance = DetectorProvenance(descriptor: descriptor, modelCard: modelCard)
        let input: AFPreparedInput
        switch AFModelInput.prepare(record, spec: spec) {
        case let .failure(refusal):
            return .abstained(try Abstention(reason: refusal.reason, message: refusal.message, detector: provenance, details: refusal.details))
        case let .success(p): input = p
        }
        let rows = try rowProbabilities(input)
        guard rows.allSatisfy(\.isFinite) else {
            return .abstained(try Abstention(reason: "model_output_invalid", message: "The model returned a non-finite value; no probability is reported.", detector: provenance))
        }
        let w = input.windowCount
        let l = input.leads.count
        let windowP = (0..<w).map { j in (0..<l).reduce(0.0) { $0 + rows[$1 * w + j] } / Double(l) }
        let probability = spec.recordProbability(windowProbabilities: windowP)
        let threshold = spec.label.operatingThreshold
        let episodes = AFEpisodes.from(windowStarts: input.windowStartsSeconds, windowProbabilities: windowP,
                                       windowSeconds: spec.windowSeconds, threshold: threshold)
        let afSeconds = episodes.reduce(0) { $0 + $1.end - $1.start }
        let burden = input.durationSeconds > 0 ? min(100, 100 * afSeconds / input.durationSeconds) : 0
        var evidence: [Evidence] = episodes.prefix(20).map {
            .leadSpan(lead: input.leads[0], startSeconds: $0.start, endSeconds: $0.end,
                      note: String(format: "AF episode (window probabilities up to %.2f, all %d read lead(s))", $0.peak, l))
        }
        if episodes.count > 20 { evidence.append(.text("\(episodes.count - 20) further AF episodes are not listed.")) }
        evidence.append(.text("Leads read: \(input.leads.joined(separator: ", ")); \(w) windows of \(Int(spec.windowSeconds)) s every \(String(format: "%g", spec.hopSeconds)) s."))
        if !input.skippedLeads.isEmpty {
            evidence.append(.text("Leads left out: " + input.skippedLeads.keys.sorted().map { "\($0) (\(input.skippedLeads[$0]!))" }.joined(separator: "; ") + "."))
        }
        evidence += ["afBurden", "afEpisodes", "longestAFEpisode", "maxWindowAFProbability"].map { .measurementRef(name: $0) }
        let measurements = [
            FindingMeasurement(name: "afBurden", value: burden, unit: "%"),
            FindingMeasurement(name: "afEpisodes", value: Double(episodes.count), unit: "1"),
            FindingMeasurement(name: "longestAFEpisode", value: episodes.map { $0.end - $0.start }.max() ?? 0, unit: "s"),
            FindingMeasurement(name: "maxWindowAFProbability", value: windowP.max() ?? 0, unit: "1"),
            FindingMeasurement(name: "leadsRead", value: Double(l), unit: "1"),
        ]
        return .findings([try Finding(
            code: spec.label.code, label: spec.label.label, probability: probability, threshold: threshold,
            decision: spec.label.decision(probability: probability), evidence: evidence,
            measurements: measurements, detector: provenance)])
    }
}

/// AF episodes: runs of windows whose probability is at or above the threshold, merged where they overlap
/// or touch; times in seconds from the start of the record.
public struct AFEpisodes {
    /// One episode.
    public struct Episode: Sendable, Equatable {
        /// Start, s.
        public let start: Double
        /// End, s.
        public let end: Double
        /// Largest window probability in the episode.
        public let peak: Double

        /// Creates an episode.
        public init(start: Double, end: Double, peak: Double) {
            self.start = start
            self.end = end
            self.peak = peak
        }
    }

    /// Episodes from windows (starts ascending).
    public static func from(windowStarts: [Double], windowProbabilities p: [Double], windowSeconds: Double, threshold: Double) -> [Episode] {
        var out: [Episode] = []
        var cur: (start: Double, end: Double, peak: Double)? = nil
        for (s, v) in zip(windowStarts, p) where v >= threshold {
            if let c = cur, s <= c.end + 1e-9 {
                cur = (c.start, max(c.end, s + windowSeconds), max(c.peak, v))
            } else {
                if let c = cur { out.append(Episode(start: c.start, end: c.end, peak: c.peak)) }
                cur = (s, s + windowSeconds, v)
            }
        }
        if let c = cur { out.append(Episode(start: c.start, end: c.end, peak: c.peak)) }
        return out
    }
}
