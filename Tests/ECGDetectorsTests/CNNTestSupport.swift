import ECGFormats
import Foundation
import TensorCore

// Fixtures in Fixtures/cnn/ are written by Tools/ecg/make_cnn_test_models.py (PyTorch → ONNX, scipy for the
// expected model inputs, onnxruntime for the expected outputs). Models/ecg-cnn/parity/ is written by
// Tools/ecg/train_cnn.py.

enum CNNFixtures {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("cnn")
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let tiny12 = dir.appendingPathComponent("tiny12")
    static let lowEF = dir.appendingPathComponent("low-ef")
    static let shipped = repositoryRoot.appendingPathComponent("Models").appendingPathComponent("ecg-cnn")

    /// The tiny12 model's labels and the one lead each reads (see the script).
    static let tinyLabelLeads = [
        ("ecg.cnn.afib", "II"), ("ecg.cnn.lbbb", "V6"), ("ecg.cnn.rbbb", "V1"),
        ("ecg.cnn.lvh", "V5"), ("ecg.cnn.st_elevation", "V2"), ("ecg.cnn.pvc", "I"),
    ]

    static func npy(_ url: URL) throws -> Tensor { try NPYFile.read(url) }

    /// The committed 10 s, 500 Hz, 12-lead synthetic record.
    static func record() throws -> ECGRecord {
        let t = try npy(dir.appendingPathComponent("record_500hz.npy"))
        let n = t.shape[1]
        let leads = ECGLeadName.standard12.enumerated().map { i, name in
            ECGLead(name: name, originalLabel: name, samples: Array(t.storage[(i * n)..<((i + 1) * n)]))
        }
        return try makeRecord(leads, rate: 500)
    }

    static func makeRecord(_ leads: [ECGLead], rate: Double) throws -> ECGRecord {
        ECGRecord(sourceFormat: .csv, sourceFile: "synthetic-test.npy",
                  rhythm: try ECGWaveform(kind: .rhythm, samplingRateHz: rate, leads: leads))
    }

    /// `record` with each lead's samples replaced by `transform(name, samples)`.
    static func mapped(_ record: ECGRecord, _ transform: (String, [Float]) -> [Float]) throws -> ECGRecord {
        let leads = record.rhythm.leads.map { ECGLead(name: $0.name, originalLabel: $0.originalLabel, samples: transform($0.name, $0.samples)) }
        return try makeRecord(leads, rate: record.rhythm.samplingRateHz)
    }

    /// A copy of a model folder in a fresh temporary directory.
    static func copyFolder(_ folder: URL) throws -> URL {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-cnn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        let dest = tmp.appendingPathComponent(folder.lastPathComponent)
        try FileManager.default.copyItem(at: folder, to: dest)
        return dest
    }

    static func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
}

