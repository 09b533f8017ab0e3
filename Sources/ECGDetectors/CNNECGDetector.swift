import DetectorInputs
import DetectorKit
import ECGFormats
import ECGSignal
import Foundation
import ONNXEngine
import TensorCore

/// A multi-label ECG classifier run from an ONNX model and its model card, on the tensor core.
///
/// Everything model-specific comes from the card (`model.card.json` in the model folder): which leads in
/// which order, the sampling rate, the crop length, mV scaling, filters and standardisation (see
/// ``CNNModelSpec`` for the keys), and the outputs' labels with their temperatures and operating
/// thresholds. A hospital runs its own model (say a low-ejection-fraction model on 8 leads at 500 Hz)
/// by putting its weights and card in a folder: no code changes.
///
/// For each record it (1) picks the card's leads by standard name, (2) reads pacing and signal quality of
/// them from the record's shared ``ECGAnalysis`` (the one the rhythm detector reads, made once per record
/// per ``DetectionRequest``) and abstains when the record is paced (if the card says so), not assessable,
/// or a lead it reads is flat or clipped,
/// (3) resamples, filters and centre-crops as the card says (``CNNModelInput``), (4) runs the model once
/// on a batch holding the input and its lead × window occlusions (``CNNOcclusionGrid``), and (5) returns
/// one finding per output label: calibrated probability (temperature scaling), the card's operating
/// threshold and the decision, the lead spans that carried the score, and supporting measurements
/// (``CNNSupportingMeasurements``, a view of the same analysis: one record, one heart rate).
///
/// ```swift
/// let detector = try CNNECGDetector(modelDirectory: URL(fileURLWithPath: "Models/ecg-cnn"))
/// switch try await detector.analyze(record) {
/// case .findings(let findings): for f in findings { print(f.code, f.probability!, f.decision) }
/// case .abstained(let a): print(a.reason, a.message)
/// }
/// ```
public struct CNNECGDetector: Detector {
    /// The card file name inside a model folder.
    public static let cardFileName = "model.card.json"

    /// Identity; `inputKind` is `.ecg`.
    public let descriptor: DetectorDescriptor
    /// The card of the weights it runs.
    public let modelCard: ModelCard?
    /// The card's label codes, less the withheld ones.
    public var findingCodes: Set<String>? {
        Set(spec.outputs.flatMap { $0.labels.map(\.code) }).subtracting(spec.withheldLabels)
    }
    /// What the card says about inputs and outputs.
    public let spec: CNNModelSpec
    /// Where the card was read from.
    public let cardURL: URL
    /// The settings of the shared ``ECGAnalysis`` its pacing, quality and supporting measurements come from
    /// (equal to the rhythm detector's, so both read one analysis of each record).
    public var analysisConfiguration = ECGAnalysis.Configuration()
    private let session: InferenceSession

    /// Loads the model folder: reads and validates `model.card.json`, checks the weights' SHA-256 against
    /// the card, loads the ONNX model and checks that its input and outputs agree with the card.
    /// - Parameters:
    ///   - modelDirectory: the folder holding the card and the weights.
    ///   - id: the detector id (default: the folder's name); `name` defaults to the card's model name.
    /// - Throws: ``CNNDetectorError`` (missing folder, unsupported card keys, model/card mismatch),
    ///   `DetectorKitError` (invalid card, weights hash mismatch), `ONNXError` (unloadable model).
    public init(modelDirectory: URL, id: String? = nil, name: String? = nil) throws {
        let cardURL = modelDirectory.appendingPathComponent(Self.cardFileName)
        guard FileManager.default.fileExists(atPath: cardURL.path) else {
            throw CNNDetectorError.modelFolderMissing(path: modelDirectory.path)
        }
        let card = try ModelCard.load(from: cardURL)
        try card.verifyWeights(cardURL: cardURL)
        let spec = try CNNModelSpec(card: card, cardPath: cardURL.path)
        let weights = card.weightsURL(cardURL: cardURL)
        let model = try ONNXModel(contentsOf: weights)
        let session = try InferenceSession(model: model)
        try Self.checkAgreement(model: model, session: session, spec: spec, path: weights.path)
        self.cardURL = cardURL
        self.spec = spec
        self.session = session
        self.modelCard = card
        self.descriptor = DetectorDescriptor(
            id: id ?? modelDirectory.lastPathComponent, version: "1.0.0",
            name: name ?? "ECG CNN: \(card.name)", inputKind: .ecg)
    }

    private static func checkAgreement(model: ONNXModel, session: InferenceSession, spec: CNNModelSpec, path: String) throws {
        func fail(_ problem: String) -> CNNDetectorError { .modelCardMismatch(path: path, problem: problem) }
        guard model.inputs.count == 1, let input = model.inputs.first else {
            throw fail("the model has \(model.inputs.count) inputs; the detector feeds exactly one")
        }
        guard input.name == spec.inputName else {
            throw fail("the card's input is '\(spec.inputName)', the model's is '\(input.name)'")
        }
        let shape = [2, spec.leads.count, spec.lengthSamples]
        let summary: PlanSummary
        do {
            summary = try session.planSummary(for: [input.name: shape])
        } catch {
            throw fail("the model cannot be planned for input shape \(shape) (batch × \(spec.leads.count) leads × \(spec.lengthSamples) samples from the card): \(error)")
        }
        for output in spec.outputs {
            guard let outShape = summary.outputShapes[output.name] else {
                throw fail("the card's output '\(output.name)' is not an output of the model (it has \(model.outputs.map(\.name).joined(separator: ", ")))")
            }
            guard outShape == [2, output.labels.count] else {
                throw fail("output '\(output.name)' has shape \(outShape) for a batch of 2; the card lists \(output.labels.count) labels, so [2, \(output.labels.count)] was expected")
            }
        }
    }

    /// Analyses one record: findings for every label of the card, or an abstention saying why not.
    /// - Throws: when the model cannot be run (a system failure, not a property of the record).
    public func analyze(_ record: ECGRecord) async throws -> DetectorOutcome {
        try await analyze(record, request: DetectionRequest())
    }

    /// Analyses one record; its pacing check, signal quality and supporting measurements are views of the
    /// request's shared ``ECGAnalysis`` of the record (made here when no other detector made it first).
    /// - Throws: when the model cannot be run (a system failure, not a property of the record).
    public func analyze(_ record: ECGRecord, request: DetectionRequest) async throws -> DetectorOutcome {
        let provenance = DetectorProvenance(descriptor: descriptor, modelCard: modelCard)
        func abstain(_ reason: AbstentionReason, _ message: String, _ details: [String: JSONValue] = [:]) throws -> DetectorOutcome {
            .abstained(try Abstention(reason: reason, message: message, detector: provenance, details: details))
        }
        let prepared: CNNPreparedInput
        switch CNNModelInput.prepare(record, spec: spec) {
        case let .failure(refusal): return try abstain(refusal.reason, refusal.message, refusal.details)
        case let .success(input): prepared = input
        }

        let fs = prepared.rawSampleRateHz
        let analysis = try ECGAnalysis.shared(record, configuration: analysisConfiguration, request: request)

        // Pacing first: pacing spikes also look like high-frequency noise to the quality check. The shared
        // analysis searched every lead at the file's rate; when it refused the record before that search
        // (rate, length), the model's own leads are searched.
        var pacingNote: Evidence? = nil
        if spec.pacedPolicy == .outsideIntendedUse {
            let pacing = analysis.pacing ?? CNNPacingCheck.detect(prepared: prepared)
            if pacing.paced {
                return try abstain(.pacedRhythm,
                                   "Pacing spikes were found (\(pacing.spikes.count) spikes, \(pacing.pacedBeats) paced beats); "
                                       + "paced ECGs are outside this model's intended use.",
                                   ["pacingSpikes": .number(Double(pacing.spikes.count)), "pacedBeats": .number(Double(pacing.pacedBeats))])
            }
            if !pacing.assessed {
                pacingNote = .text("Pacing could not be checked (\(pacing.limitation ?? "pacing search not run")); paced ECGs are outside this model's intended use.")
            }
        }

        guard fs >= 100 else {
            return try abstain(.unsupportedAcquisition,
                               String(format: "The record is sampled at %g Hz; signal quality cannot be checked below 100 Hz, so the model is not run.", fs),
                               ["samplingRateHz": .number(fs)])
        }
        // Signal quality of the leads the model reads, from the shared analysis (its own check on those leads
        // when the analysis refused the record before assessing it).
        let leadQuality: [LeadQuality]
        let indices = prepared.leads.compactMap { analysis.leadNames.firstIndex(of: $0) }
        if let q = analysis.quality, q.leads.count == analysis.leadNames.count, indices.count == prepared.leads.count {
            if case let .notAssessable(reason) = q.verdict {
                return try abstain(.signalUnreadable, "The ECG is not readable: \(reason).", ["quality": .string(reason)])
            }
            leadQuality = indices.map { q.leads[$0] }
        } else {
            let quality: RecordQuality
            do {
                quality = try SignalQuality.assess(leads: prepared.rawLeads, leadNames: prepared.leads, sampleRate: fs)
            } catch {
                return try abstain(.signalUnreadable, "Signal quality could not be assessed: \(error)")
            }
            if case let .notAssessable(reason) = quality.verdict {
                return try abstain(.signalUnreadable, "The ECG is not readable: \(reason).", ["quality": .string(reason)])
            }
            leadQuality = quality.leads
        }
        // A flat or clipped lead feeds the model nothing it was trained on: abstain, naming it. A lead with
        // high-frequency noise is still fed (the model was trained with noise); the findings say so.
        let unusable = leadQuality.indices.filter { leadQuality[$0].problems.contains { $0 == .flatLine || $0 == .clipping } }
        if !unusable.isEmpty {
            let parts = unusable.map { "\(prepared.leads[$0]) (\(leadQuality[$0].problems.map(\.rawValue).joined(separator: ", ")))" }
            return try abstain(.signalUnreadable,
                               "The model reads every one of its leads, and these are unusable: \(parts.joined(separator: "; ")).",
                               ["unusableLeads": .array(unusable.map { .string(prepared.leads[$0]) })])
        }
        let noisy = leadQuality.indices.filter { leadQuality[$0].problems.contains(.highFrequencyNoise) }.map { prepared.leads[$0] }
        let noiseNote: Evidence? = noisy.isEmpty ? nil
            : .text("High-frequency noise in lead(s) \(noisy.joined(separator: ", ")); the model read them as recorded.")

        // One run: the input and its occlusions.
        let grid = CNNOcclusionGrid(input: prepared, windowSeconds: spec.saliencyWindowSeconds)
        let rows = 1 + grid.cellCount
        let tensor = Tensor(shape: [rows, spec.leads.count, spec.lengthSamples], storage: grid.batch())
        let outputs = try session.run([spec.inputName: tensor])

        let supporting = CNNSupportingMeasurements(analysis: analysis)
        var findings: [Finding] = []
        for output in spec.outputs {
            let k = output.labels.count
            guard let values = outputs[output.name], values.shape == [rows, k] else {
                throw CNNDetectorError.unexpectedOutput(
                    path: cardURL.path,
                    problem: "output '\(output.name)' has shape \(outputs[output.name]?.shape.description ?? "none"), expected [\(rows), \(k)]")
            }
            for (j, label) in output.labels.enumerated() where !spec.withheldLabels.contains(label.code) {
                let scores = (0..<rows).map { label.calibratedLogOdds(raw: Double(values.storage[$0 * k + j]), kind: output.kind) }
                guard scores.allSatisfy(\.isFinite) else {
                    return try abstain("model_output_invalid",
                                       "The model returned a non-finite value for \(label.label); no probability is reported.",
                                       ["label": .string(label.code)])
                }
                let probability = label.calibratedProbability(raw: Double(values.storage[j]), kind: output.kind)
                let ranked = grid.ranked(base: scores[0], occluded: Array(scores.dropFirst()))
                var evidence = CNNOcclusionGrid.evidence(from: ranked)
                let measurements = supporting.measurements(forCode: label.code)
                evidence += measurements.map { .measurementRef(name: $0.name) }
                if let pacingNote { evidence.append(pacingNote) }
                if let noiseNote { evidence.append(noiseNote) }
                if measurements.contains(where: { $0.name == "maxSTElevationJ60" }), let st = supporting.maxSTElevation {
                    evidence.append(.text(String(format: "Largest ST level at J + 60 ms: %.2f mV in lead %@ (median beat).", st.mv, st.lead)))
                }
                findings.append(try Finding(
                    code: label.code, label: label.label, probability: probability,
                    threshold: label.operatingThreshold, decision: label.decision(probability: probability),
                    evidence: evidence, measurements: measurements, detector: provenance))
            }
        }
        return .findings(findings)
    }
}
