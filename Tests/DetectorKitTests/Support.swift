import Foundation
import Testing
@testable import DetectorKit

// MARK: - Fixed values shared by the tests (golden files encode exactly these)

enum Fixtures {
    /// 2025-03-14T09:26:53.120Z
    static let date = Date(timeIntervalSince1970: 1_741_944_413.12)
    /// SHA-256 of the 22 bytes "vigil example weights\n" (`printf 'vigil example weights\n' | sha256sum`).
    static let sha = "2e378c598afc119e3806dd234e25e36d0e8fcf655081b06a17eadae3b1e651a5"

    static let ecgDescriptor = DetectorDescriptor(
        id: "ecg-rhythm", version: "1.0.0", name: "ECG rhythm classifier", inputKind: .ecg)

    static var ecgProvenance: DetectorProvenance {
        DetectorProvenance(id: "ecg-rhythm", version: "1.0.0", modelName: "Example ECG rhythm ResNet-1D",
                           modelVersion: "0.1.0", modelSHA256: sha)
    }

    static func ecgFinding() throws -> Finding {
        try Finding(
            code: "afib",
            codings: [StandardCoding(system: "http://snomed.info/sct", code: "49436004",
                                     display: "Atrial fibrillation")],
            label: "Atrial fibrillation",
            probability: 0.91, threshold: 0.42, decision: .positive,
            evidence: [
                .leadSpan(lead: "II", startSeconds: 0.0, endSeconds: 10.0, note: "irregularly irregular RR intervals"),
                .measurementRef(name: "ventricularRate"),
                .image(path: "renders/ecg-rhythm/lead-II.png", caption: "Lead II with RR intervals marked"),
                .text("No consistent P waves before QRS complexes"),
            ],
            measurements: [
                FindingMeasurement(name: "ventricularRate", value: 112, unit: "/min",
                            reference: ReferenceValue(value: 114, source: "acquiring device")),
            ],
            detector: ecgProvenance, createdAt: date)
    }

    static func ctFinding() throws -> Finding {
        try Finding(
            code: "pdac",
            codings: [StandardCoding(system: "urn:vigil:ct", code: "pdac", display: "Pancreatic ductal adenocarcinoma suspected")],
            label: "Pancreatic lesion suspicious for adenocarcinoma",
            probability: 0.27, threshold: 0.35, decision: .negative,
            evidence: [
                .slice(index: 57, region: BoundingBox(x: 210, y: 188, width: 36, height: 30), note: "hypoattenuating focus in the pancreatic head"),
                .slice(index: 58),
            ],
            measurements: [FindingMeasurement(name: "lesionDiameter", value: 11.5, unit: "mm")],
            detector: DetectorProvenance(id: "ct-pancreas", version: "1.0.0", modelName: "Example pancreas CT CNN",
                                         modelVersion: "0.1.0", modelSHA256: sha),
            createdAt: date)
    }

    static func measuredFinding() throws -> Finding {
        try Finding(
            code: "long_qtc",
            codings: [StandardCoding(system: "http://snomed.info/sct", code: "111975006",
                                     display: "Prolonged QT interval")],
            label: "Prolonged QTc",
            probability: nil, threshold: nil, decision: .positive,
            evidence: [.measurementRef(name: "QTc"), .text("QTc (Bazett) above 470 ms")],
            measurements: [
                FindingMeasurement(name: "QTc", value: 492, unit: "ms",
                            reference: ReferenceValue(value: 488, source: "acquiring device")),
                FindingMeasurement(name: "RR", value: 780, unit: "ms"),
            ],
            detector: DetectorProvenance(id: "ecg-intervals", version: "1.0.0"), createdAt: date)
    }

    static func abstention() throws -> Abstention {
        try Abstention(
            reason: .signalUnreadable,
            message: "Leads V4–V6 are flat for the whole recording; check electrode contact and repeat the ECG.",
            detector: ecgProvenance,
            details: ["flatLeads": ["V4", "V5", "V6"], "usableSeconds": 0],
            createdAt: date)
    }

    static func modelCard(weightsSHA256: String = sha) throws -> ModelCard {
        try ModelCard(
            name: "Example ECG rhythm ResNet-1D",
            version: "0.1.0",
            weightsFile: "model.onnx",
            weightsSHA256: weightsSHA256,
            intendedUse: "Illustrative example card. Flags atrial fibrillation on resting 10 s 12-lead ECGs of adults, for review by a cardiologist.",
            notForUse: ["Paced rhythms", "Patients under 18", "Ambulatory or exercise ECGs", "Use without clinician review"],
            trainingData: TrainingData(
                description: "Synthetic 12-lead ECGs with labelled rhythms (illustrative example).",
                synthetic: true, source: "example, not a real dataset"),
            evaluation: [
                EvaluationResult(
                    dataset: DatasetDescription(name: "Synthetic hold-out set (example)", size: 1000,
                                                synthetic: true, source: "example, not a real dataset"),
                    metrics: [
                        Metric(name: "AUROC", value: 0.95, ci95: ConfidenceInterval(lower: 0.93, upper: 0.97), subgroup: "afib"),
                        Metric(name: "sensitivity", value: 0.9, subgroup: "afib"),
                    ]),
            ],
            limitations: ["Values in this card are illustrative, not measured.", "Not evaluated on paediatric ECGs."],
            references: ["docs/findings-schema.md"],
            io: ModelIO(
                inputs: [ModelInputSpec(
                    name: "ecg", shape: [-1, 12, 5000], layout: "batch × lead × sample",
                    preprocessing: [
                        "leads": ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"],
                        "sampleRateHz": 500, "lengthSamples": 5000, "scaling": "mV",
                    ])],
                outputs: [ModelOutputSpec(
                    name: "logits", kind: .logits,
                    labels: [
                        OutputLabel(code: "afib", label: "Atrial fibrillation", temperature: 1.3, operatingThreshold: 0.42,
                                    predictiveValues: PredictiveValues(ppv: 0.61, npv: 0.99, prevalence: 0.05)),
                        OutputLabel(code: "normal_sinus", label: "Normal sinus rhythm", operatingThreshold: 0.5),
                    ])]))
    }
}

// MARK: - Golden files

enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Compares `value`'s pretty JSON with `Golden/<name>`. With `VIGIL_UPDATE_GOLDEN=1` the file is
    /// rewritten and the test still fails, so that an update is always a deliberate second run.
    static func check<T: Encodable>(_ value: T, against name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = directory.appendingPathComponent(name)
        let actual = String(decoding: try VigilJSON.encode(value, pretty: true), as: UTF8.self) + "\n"
        if ProcessInfo.processInfo.environment["VIGIL_UPDATE_GOLDEN"] == "1" {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("rewrote golden file \(url.path); unset VIGIL_UPDATE_GOLDEN and run again", sourceLocation: sourceLocation)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("golden file \(url.path) is missing; create it with VIGIL_UPDATE_GOLDEN=1", sourceLocation: sourceLocation)
            return
        }
        #expect(actual == expected,
                "\(name) changed — the JSON schema is a contract. If the change is intended, run with VIGIL_UPDATE_GOLDEN=1, update docs/findings-schema.md, and review the diff. Actual:\n\(actual)",
                sourceLocation: sourceLocation)
    }
}

// MARK: - A toy input and detectors for registry tests

/// A single reading in 0…1 (NaN: sensor failed).
struct ToyReading: DetectorInput {
    static var kind: InputKind { "toy_reading" }
    var value: Double
    var inputDescription: String { "toy reading \(value)" }
}

/// Another input kind.
struct OtherInput: DetectorInput {
    static var kind: InputKind { "other" }
    var inputDescription: String { "other input" }
}

/// Same kind as `ToyReading`, different type.
struct ImpostorReading: DetectorInput {
    static var kind: InputKind { "toy_reading" }
    var inputDescription: String { "impostor reading" }
}

/// Reports `toy_high` when the reading is ≥ 0.5; abstains on unreadable or out-of-range readings.
struct ThresholdDetector: Detector {
    var descriptor = DetectorDescriptor(id: "toy-threshold", version: "1.0.0", name: "Toy threshold", inputKind: "toy_reading")
    var modelCard: ModelCard? = nil
    var threshold = 0.5

    func analyze(_ input: ToyReading) async throws -> DetectorOutcome {
        let provenance = DetectorProvenance(descriptor: descriptor, modelCard: modelCard)
        guard input.value.isFinite else {
            return .abstained(try Abstention(reason: .signalUnreadable, message: "The sensor returned no value.",
                                             detector: provenance, details: ["raw": "NaN"]))
        }
        guard (0...1).contains(input.value) else {
            return .abstained(try Abstention(reason: .outsideIntendedUse,
                                             message: "Readings outside 0…1 are outside this detector's intended use.",
                                             detector: provenance, details: ["value": .number(input.value)]))
        }
        return .findings([try Finding(
            code: "toy_high", label: "High toy reading", probability: input.value, threshold: threshold,
            decision: Decision(probability: input.value, threshold: threshold),
            evidence: [.measurementRef(name: "reading")],
            measurements: [FindingMeasurement(name: "reading", value: input.value, unit: "1")],
            detector: provenance)])
    }
}

/// Reads `OtherInput`; always finds nothing.
struct OtherDetector: Detector {
    var descriptor = DetectorDescriptor(id: "other-detector", version: "2.0", name: "Other", inputKind: "other")
    var modelCard: ModelCard? { nil }
    func analyze(_ input: OtherInput) async throws -> DetectorOutcome { .findings([]) }
}

/// Claims ECG input but reads `ToyReading`: a wiring bug the registry must refuse.
struct MislabelledDetector: Detector {
    var descriptor = DetectorDescriptor(id: "mislabelled", version: "1.0.0", name: "Mislabelled", inputKind: .ecg)
    var modelCard: ModelCard? { nil }
    func analyze(_ input: ToyReading) async throws -> DetectorOutcome { .findings([]) }
}

/// Returns findings stamped with `stamp` (another detector's or another model's provenance).
struct ForgingDetector: Detector {
    var descriptor = DetectorDescriptor(id: "forging", version: "1.0.0", name: "Forging", inputKind: "toy_reading")
    var modelCard: ModelCard?
    var stamp: DetectorProvenance
    func analyze(_ input: ToyReading) async throws -> DetectorOutcome {
        .findings([try Finding(code: "toy_high", label: "High toy reading", probability: 0.9, threshold: 0.5,
                               decision: .positive, detector: stamp)])
    }
}

/// Runs `body`, expecting a `DetectorKitError`, and returns it (nil, with a recorded issue, otherwise).
func detectorKitError(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> DetectorKitError? {
    do {
        try body()
        Issue.record("expected a DetectorKitError, nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as DetectorKitError {
        return error
    } catch {
        Issue.record("expected a DetectorKitError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// The `field` of an `invalidValue` error (nil for other errors).
func invalidField(_ error: DetectorKitError?) -> String? {
    if case let .invalidValue(_, field, _)? = error { return field }
    return nil
}
