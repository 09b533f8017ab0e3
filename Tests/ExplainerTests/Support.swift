import DetectorKit
import Foundation
import VigilTestSupport
@testable import Explainer

/// Test material: illustrative findings, abstentions and model cards (values made up, not model results).
enum Fixtures {
    static let date = Date(timeIntervalSince1970: 1_741_944_413.12)
    static let sha = String(repeating: "ab", count: 32)
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let repoRoot = Repository.root

    static func provenance(_ id: String, model: String? = nil) -> DetectorProvenance {
        guard let model else { return DetectorProvenance(id: id, version: "1.0.0") }
        return DetectorProvenance(id: id, version: "1.0.0", modelName: model, modelVersion: "0.1.0", modelSHA256: sha(model))
    }

    static func sha(_ model: String) -> String {
        switch model {
        case "Example ECG CNN": String(repeating: "ab", count: 32)
        case "Example pancreas CT CNN": String(repeating: "cd", count: 32)
        default: String(repeating: "ef", count: 32)
        }
    }

    /// A finding for `code` with the given decision: model-backed codes get a probability, measured ones
    /// measurements.
    static func finding(_ code: FindingCode, _ decision: Decision, probability: Double? = nil) throws -> Finding {
        let entry = KnowledgeBase.embedded.entry(forCode: code.rawValue)!
        if code.isMeasured {
            let measurements: [FindingMeasurement]
            switch code {
            case .longQTc: measurements = [FindingMeasurement(name: "QTc", value: decision == .positive ? 492 : 431, unit: "ms",
                                                              reference: ReferenceValue(value: 488, source: "acquiring device"))]
            case .wideQRS: measurements = [FindingMeasurement(name: "QRSd", value: decision == .positive ? 138 : 96, unit: "ms")]
            case .frequentVentricularEctopy: measurements = [FindingMeasurement(name: "pvcCount", value: 6, unit: "1")]
            default: measurements = [FindingMeasurement(name: "ventricularRate",
                                                        value: code == .sinusBradycardia ? 48 : code == .sinusTachycardia ? 118 : 76,
                                                        unit: "/min")]
            }
            return try Finding(code: code.rawValue, label: entry.clinician.name, probability: nil, threshold: nil,
                               decision: decision, measurements: measurements,
                               detector: provenance("ecg-intervals"), createdAt: date)
        }
        let threshold = 0.42
        let p = probability ?? (decision == .positive ? 0.91 : decision == .negative ? 0.08 : 0.45)
        let model = code == .pancreaticLesionSuspected ? "Example pancreas CT CNN"
            : code == .lowEjectionFraction ? "Example hospital low-EF model" : "Example ECG CNN"
        let detector = code == .pancreaticLesionSuspected ? "ct-pancreas" : code == .lowEjectionFraction ? "ecg-low-ef" : "ecg-cnn"
        return try Finding(code: code.rawValue, label: entry.clinician.name, probability: p, threshold: threshold,
                           decision: decision, detector: provenance(detector, model: model), createdAt: date)
    }

    static func abstention(_ reason: AbstentionReason, detector: String = "ecg-rhythm") throws -> Abstention {
        try Abstention(reason: reason, message: "Leads V4–V6 are flat for the whole recording; check electrode contact and repeat the ECG.",
                       detector: provenance(detector), details: [:], createdAt: date)
    }

    static func card(_ name: String, labels: [OutputLabel], synthetic: Bool = true) throws -> ModelCard {
        let description = synthetic ? "Synthetic examples" : "Retrospective ECG and echocardiogram pairs (illustrative)"
        return try ModelCard(
            name: name, version: "0.1.0", weightsFile: "model.onnx", weightsSHA256: sha(name),
            intendedUse: "Illustrative example card for tests; research use only.",
            notForUse: ["Use without clinician review", "Patients under 18"],
            trainingData: TrainingData(description: description, synthetic: synthetic, source: "generated"),
            evaluation: [EvaluationResult(dataset: DatasetDescription(name: "Synthetic hold-out", size: 1000, synthetic: true, source: "generated"),
                                          metrics: [Metric(name: "AUROC", value: 0.93)])],
            limitations: ["Values in this card are illustrative, not measured.", "Not evaluated on real patients."],
            io: ModelIO(inputs: [ModelInputSpec(name: "x", shape: [-1, 12, 5000], layout: "batch × lead × sample")],
                        outputs: [ModelOutputSpec(name: "logits", kind: .logits, labels: labels)]))
    }

    static var cards: [ModelCard] {
        get throws {
            [
                try card("Example ECG CNN", labels: [
                    OutputLabel(code: "ecg.cnn.afib", label: "Atrial fibrillation", operatingThreshold: 0.42,
                                predictiveValues: PredictiveValues(ppv: 0.61, npv: 0.99, prevalence: 0.05)),
                    OutputLabel(code: "ecg.cnn.st_elevation", label: "ST elevation", operatingThreshold: 0.5),
                    OutputLabel(code: "ecg.cnn.lbbb", label: "LBBB", operatingThreshold: 0.5),
                ]),
                try card("Example pancreas CT CNN", labels: [
                    OutputLabel(code: "ct.pancreas.lesion_suspected", label: "Pancreatic lesion", operatingThreshold: 0.25,
                                predictiveValues: PredictiveValues(ppv: 0.12, npv: 0.998, prevalence: 0.01)),
                ]),
                try card("Example hospital low-EF model", labels: [
                    OutputLabel(code: "low_ef", label: "Low EF", operatingThreshold: 0.4,
                                predictiveValues: PredictiveValues(ppv: 0.34, npv: 0.97, prevalence: 0.08)),
                ], synthetic: false),
            ]
        }
    }

    static func measured(_ code: String, label: String, _ decision: Decision, _ m: [FindingMeasurement]) throws -> Finding {
        try Finding(code: code, label: label, probability: nil, threshold: nil, decision: decision, measurements: m,
                    detector: provenance("ecg-intervals"), createdAt: date)
    }

    static func model(_ code: String, label: String, p: Double, t: Double, detector: String, model: String,
                      measurements: [FindingMeasurement] = []) throws -> Finding
    {
        try Finding(code: code, label: label, probability: p, threshold: t, decision: Decision(probability: p, threshold: t),
                    measurements: measurements, detector: provenance(detector, model: model), createdAt: date)
    }

    /// The named scenarios the checker corpus refers to.
    static func scenario(_ name: String) throws -> [DetectorOutcome] {
        switch name {
        case "afib":
            return [.findings([
                try model("ecg.cnn.afib", label: "Atrial fibrillation", p: 0.91, t: 0.42, detector: "ecg-cnn", model: "Example ECG CNN",
                          measurements: [FindingMeasurement(name: "ventricularRate", value: 112, unit: "/min",
                                                            reference: ReferenceValue(value: 114, source: "acquiring device"))]),
                try model("ecg.cnn.lbbb", label: "Left bundle branch block", p: 0.04, t: 0.5, detector: "ecg-cnn", model: "Example ECG CNN"),
            ])]
        case "ct_low":
            return [.findings([
                try model("ct.pancreas.lesion_suspected", label: "Pancreatic lesion suspected", p: 0.3, t: 0.25,
                          detector: "ct-pancreas", model: "Example pancreas CT CNN",
                          measurements: [FindingMeasurement(name: "lesionDiameter", value: 11.5, unit: "mm")]),
            ])]
        case "ct_neg":
            return [.findings([
                try model("ct.pancreas.lesion_suspected", label: "Pancreatic lesion suspected", p: 0.12, t: 0.25,
                          detector: "ct-pancreas", model: "Example pancreas CT CNN"),
            ])]
        case "qtc":
            return [.findings([
                try measured("ecg.long_qtc", label: "Prolonged QTc", .positive, [
                    FindingMeasurement(name: "QTc", value: 492, unit: "ms", reference: ReferenceValue(value: 488, source: "acquiring device")),
                    FindingMeasurement(name: "RR", value: 780, unit: "ms"),
                ]),
                try measured("ecg.sinus_rhythm", label: "Sinus rhythm", .positive, [
                    FindingMeasurement(name: "ventricularRate", value: 77, unit: "/min"),
                ]),
            ])]
        case "stemi":
            return [.findings([
                try model("ecg.cnn.st_elevation", label: "ST elevation", p: 0.88, t: 0.5, detector: "ecg-cnn", model: "Example ECG CNN"),
            ])]
        case "lowef":
            return [.findings([
                try model("ecg.low_ef", label: "Low ejection fraction", p: 0.72, t: 0.4, detector: "ecg-low-ef",
                          model: "Example hospital low-EF model"),
            ])]
        case "abstain":
            return [.abstained(try abstention(.signalUnreadable))]
        case "sinus":
            return [.findings([
                try measured("ecg.sinus_rhythm", label: "Sinus rhythm", .positive, [
                    FindingMeasurement(name: "ventricularRate", value: 72, unit: "/min"),
                ]),
                try model("ecg.cnn.afib", label: "Atrial fibrillation", p: 0.03, t: 0.42, detector: "ecg-cnn", model: "Example ECG CNN"),
            ])]
        case "mixed":
            return [
                .findings([
                    try model("ecg.cnn.afib", label: "Atrial fibrillation", p: 0.64, t: 0.42, detector: "ecg-cnn", model: "Example ECG CNN"),
                ]),
                .abstained(try abstention(.imageQualityInsufficient, detector: "ct-pancreas")),
            ]
        default:
            throw ScenarioError.unknown(name)
        }
    }

    enum ScenarioError: Error { case unknown(String) }

    static func request(_ scenario: String, _ audience: Audience, question: String? = nil) throws -> ExplanationRequest {
        ExplanationRequest(outcomes: try self.scenario(scenario), audience: audience, question: question,
                           modelCards: try cards)
    }
}
