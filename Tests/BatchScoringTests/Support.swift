import BatchScoring
import DetectorInputs
import DetectorKit
import ECGFormats
import FindingsStore
import Foundation
import VigilTestSupport

/// A temporary folder, removed by ``remove()``.
typealias TempFolder = TemporaryFolder

extension TemporaryFolder {
    /// The SQLite findings store a test opens in this folder.
    var database: String { url.appendingPathComponent("vigil.sqlite").path }
}

enum Records {
    /// A two-lead record whose amplitude is `0.1 × n` mV (so each n is distinct content).
    static func record(_ n: Int, patient: String? = nil, samples: Int = 1000) throws -> ECGRecord {
        let amplitude = Float(n) * 0.1
        let lead1 = (0..<samples).map { amplitude * sin(Float($0) * 0.05) }
        let lead2 = (0..<samples).map { amplitude * cos(Float($0) * 0.05) }
        let rhythm = try ECGWaveform(kind: .rhythm, samplingRateHz: 500, leads: [
            ECGLead(name: "I", originalLabel: "I", samples: lead1),
            ECGLead(name: "II", originalLabel: "II", samples: lead2),
        ])
        return ECGRecord(sourceFormat: .wfdb, sourceFile: "r\(n)", rhythm: rhythm,
                         acquisition: ECGAcquisitionInfo(patientID: patient))
    }

    /// Writes records 1…count as WFDB under `folder/sub` (two sub-folders, to exercise recursion).
    static func writeWFDB(_ range: ClosedRange<Int>, to folder: URL) throws {
        for n in range {
            let sub = folder.appendingPathComponent(n % 2 == 0 ? "even" : "odd/deeper")
            try WFDBWriter.write(record: try record(n, patient: "P-\(n)"), to: sub, name: "rec\(n)")
        }
    }

    /// Writes record n as CSV with its rate in a comment.
    static func writeCSV(_ n: Int, to url: URL) throws {
        let r = try record(n)
        var text = "# sampling_rate_hz: 500\ntime_s,I,II\n"
        for i in 0..<r.rhythm.sampleCount {
            text += "\(Double(i) / 500),\(r.rhythm.leads[0].samples[i]),\(r.rhythm.leads[1].samples[i])\n"
        }
        try Data(text.utf8).write(to: url)
    }
}

/// A deterministic ECG detector: probability of `afib` = peak amplitude of lead I (mV), capped at 0.99.
struct FakeRhythmDetector: Detector {
    var version = "1.0.0"
    var card: ModelCard? = nil
    var descriptor: DetectorDescriptor {
        DetectorDescriptor(id: "fake-rhythm", version: version, name: "Fake rhythm", inputKind: .ecg)
    }
    var modelCard: ModelCard? { card }

    func analyze(_ record: ECGRecord) async throws -> DetectorOutcome {
        let peak = Double(record.rhythm.leads[0].samples.map(abs).max() ?? 0)
        let p = min(0.99, (peak * 1000).rounded() / 1000)
        return .findings([try Finding(
            code: "afib", codings: [StandardCoding(system: "http://snomed.info/sct", code: "49436004", display: "Atrial fibrillation")],
            label: "Atrial fibrillation", probability: p, threshold: 0.5, decision: Decision(probability: p, threshold: 0.5),
            measurements: [FindingMeasurement(name: "peakAmplitude", value: peak, unit: "mV")],
            detector: DetectorProvenance(descriptor: descriptor, modelCard: modelCard))])
    }
}

/// Abstains on records with fewer than 3 leads.
struct FakeLeadCountDetector: Detector {
    let descriptor = DetectorDescriptor(id: "fake-leads", version: "1.0.0", name: "Fake lead check", inputKind: .ecg)
    let modelCard: ModelCard? = nil

    func analyze(_ record: ECGRecord) async throws -> DetectorOutcome {
        .abstained(try Abstention(reason: .inputIncomplete, message: "Fewer than 3 leads.",
                                  detector: DetectorProvenance(descriptor: descriptor, modelCard: nil)))
    }
}

struct BrokenModel: Error, CustomStringConvertible {
    var description: String { "the model could not be run" }
}

/// Always throws.
struct ThrowingDetector: Detector {
    let descriptor = DetectorDescriptor(id: "fake-broken", version: "1.0.0", name: "Broken", inputKind: .ecg)
    let modelCard: ModelCard? = nil
    func analyze(_ record: ECGRecord) async throws -> DetectorOutcome { throw BrokenModel() }
}

enum Cards {
    /// A card whose `afib` label has PPV 0.6 at prevalence 5 %.
    static func rhythm() throws -> ModelCard {
        try ModelCard(
            name: "Fake rhythm model", version: "0.1.0", weightsFile: "model.onnx",
            weightsSHA256: String(repeating: "ab", count: 32), intendedUse: "Tests only.",
            notForUse: ["Anything clinical."],
            trainingData: TrainingData(description: "None.", synthetic: true, source: "tests"),
            evaluation: [EvaluationResult(dataset: DatasetDescription(name: "tests", size: 10, synthetic: true, source: "tests"),
                                          metrics: [Metric(name: "AUROC", value: 0.5)])],
            limitations: ["Not a model."],
            io: ModelIO(inputs: [ModelInputSpec(name: "ecg", shape: [-1, 2, 1000], layout: "batch × lead × sample")],
                        outputs: [ModelOutputSpec(name: "logits", kind: .logits, labels: [
                            OutputLabel(code: "afib", label: "Atrial fibrillation", operatingThreshold: 0.5,
                                        predictiveValues: PredictiveValues(ppv: 0.6, npv: 0.98, prevalence: 0.05)),
                        ])]))
    }
}
