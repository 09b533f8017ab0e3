import Foundation
import ONNXEngine
import TensorCore
import Testing

/// Parity of whole models with onnxruntime. References were computed by onnxruntime on the committed
/// inputs (Tools/models/make_test_models.py); tolerance: max-norm relative error ≤ 1e-4.
@Suite struct ModelParityTests {
    static let modelNames = ["ecg_resnet1d", "ct_cnn2d"]

    @Test(arguments: modelNames)
    func matchesOnnxRuntime(model name: String) throws {
        let modelURL = TestData.repositoryRoot.appendingPathComponent("Models/test/\(name).onnx")
        let model = try ONNXModel(contentsOf: modelURL)
        let session = try InferenceSession(model: model)
        let sets = TestData.folders(in: TestData.fixtures.appendingPathComponent("models/\(name)"))
        #expect(sets.count >= 2, "expected batch-1 and batch-3 data sets for \(name)")
        for set in sets {
            let (inputs, expected) = try TestData.dataSet(set)
            let outputs = try session.run(inputs)
            for (outName, reference) in expected {
                let actual = try #require(outputs[outName], "output \(outName) missing")
                #expect(actual.shape == reference.shape)
                let err = TestData.relativeError(actual, reference)
                #expect(err <= 1e-4, "\(name)/\(set.lastPathComponent)/\(outName): relative error \(err)")
            }
        }
    }

    @Test func ecgModelIsFused() throws {
        // The runtime folds BatchNormalization into convolutions and fuses the residual Add and ReLU:
        // no BatchNormalization or Relu step may remain in the plan of a Conv-BN-ReLU network.
        let url = TestData.repositoryRoot.appendingPathComponent("Models/test/ecg_resnet1d.onnx")
        let model = try ONNXModel(contentsOf: url)
        #expect(model.operatorCounts["BatchNormalization", default: 0] > 0, "the test model should contain BN nodes to fold")
        let summary = try InferenceSession(model: model).planSummary()
        let labels = summary.steps.map(\.label)
        #expect(!labels.contains { $0.hasPrefix("BatchNormalization") })
        #expect(labels.contains { $0.contains("BatchNormalization(folded)") })
        #expect(labels.contains { $0.contains("Add(residual)") })
        #expect(summary.arenaBytes < summary.unsharedBytes, "buffers should be reused")
    }

    @Test func repeatedRunsAreIdenticalAndBatchSizesReplan() throws {
        let url = TestData.repositoryRoot.appendingPathComponent("Models/test/ecg_resnet1d.onnx")
        let session = try InferenceSession(model: try ONNXModel(contentsOf: url))
        var x = Tensor(shape: [1, 12, 5000])
        for i in 0..<x.count { x.storage[i] = sin(Float(i) * 0.01) }
        let first = try session.run(x)
        let second = try session.run(x)
        #expect(first == second)
        // The same record inside a batch of two gives the same answer as alone.
        let pair = Tensor(shape: [2, 12, 5000], storage: x.storage + x.storage.map { $0 * 0.5 })
        let batched = try session.run(pair)
        for (name, single) in first {
            let b = try #require(batched[name])
            let firstRow = Tensor(shape: single.shape, storage: Array(b.storage.prefix(single.count)))
            #expect(TestData.relativeError(firstRow, single) <= 1e-5, "\(name)")
        }
    }
}
