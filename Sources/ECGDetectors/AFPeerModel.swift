import ECGFormats
import Foundation
import ONNXEngine
import TensorCore

/// The openvital 0.2.1 rhythm model (PyPI, MIT licence; VitalDB group), exported to ONNX by
/// `Tools/ecg/real/export_openvital_peer.py`, run on Vigil's engine as the side-by-side peer of `ecg-af`.
///
/// Its preprocessing, as `openvital/filters/ecg_classifier.py` does it: one lead (lead II, else MLII, else the
/// first lead), resampled to 100 Hz with openvital's own `resample_hz` (nearest-sample decimation; linear
/// interpolation when upsampling), consecutive 10 s windows from the start, `x − min(x)` per window, input
/// `[N, 1000, 1]`; output softmax over sinus rhythm / AF / other / noise. The record's class is the argmax
/// of the mean softmax over its windows (one window for a 10 s record).
public struct AFPeerModel {
    /// Class names in output order.
    public static let classes = ["sinus_rhythm", "atrial_fibrillation", "other", "noise"]
    private let session: InferenceSession

    /// Loads the exported ONNX file.
    public init(onnxFile: URL) throws {
        session = try InferenceSession(model: try ONNXModel(contentsOf: onnxFile))
    }

    /// The record-level result: mean softmax and whether AF is its argmax; nil when no 10 s window fits.
    public func classify(_ record: ECGRecord) throws -> (meanProbabilities: [Double], isAF: Bool)? {
        let leads = record.rhythm.leads
        guard let lead = leads.first(where: { $0.name.uppercased() == "II" })
            ?? leads.first(where: { $0.originalLabel.uppercased() == "MLII" }) ?? leads.first else { return nil }
        let x = Self.resample(lead.samples, from: record.rhythm.samplingRateHz)
        let starts = Array(stride(from: 0, through: x.count - 1000, by: 1000))
        guard x.count >= 1000, !starts.isEmpty else { return nil }
        var batch: [Float] = []
        for s in starts {
            let w = x[s..<(s + 1000)]
            let m = w.min()!
            batch += w.map { $0 - m }
        }
        let out = try session.run(["ecg": Tensor(shape: [starts.count, 1000, 1], storage: batch)])
        guard let p = out["probabilities"], p.shape == [starts.count, 4] else { return nil }
        var mean = [Double](repeating: 0, count: 4)
        for i in 0..<starts.count { for j in 0..<4 { mean[j] += Double(p.storage[i * 4 + j]) / Double(starts.count) } }
        let arg = mean.indices.max { mean[$0] < mean[$1] }!
        return (mean, arg == 1)
    }

    /// openvital's `resample_hz(data, fs, 100)`.
    static func resample(_ data: [Float], from fs: Double) -> [Float] {
        let src = data.count
        let dest = Int((Double(src) / fs * 100).rounded(.up))
        guard dest > 0, src > 0 else { return [] }
        if src == dest { return data }
        if src < dest {
            return (0..<dest).map { x in
                let sx = Double(x) / Double(dest - 1) * Double(src - 1)
                let i = Int(sx.rounded(.down)), j = Int(sx.rounded(.up))
                let f = Float(sx - Double(i))
                return data[i] * (1 - f) + data[j] * f
            }
        }
        return (0..<dest).map { data[Int(Double($0) * Double(src) / Double(dest))] }
    }
}
