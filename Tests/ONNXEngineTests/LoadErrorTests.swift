import Foundation
import ONNXEngine
import TensorCore
import Testing

/// Defective files fail at load with an error that names the defect.
@Suite struct LoadErrorTests {
    static let invalid = TestData.fixtures.appendingPathComponent("invalid")

    @Test func unsupportedOperatorIsNamed() throws {
        let url = Self.invalid.appendingPathComponent("unsupported_op.onnx")
        #expect(FileManager.default.fileExists(atPath: url.path))
        do {
            _ = try ONNXModel(contentsOf: url)
            Issue.record("loading a model with an unsupported operator succeeded")
        } catch let error as ONNXError {
            guard case .unsupportedOperators(let ops, _) = error else {
                Issue.record("unexpected error \(error)"); return
            }
            #expect(!ops.isEmpty)
            #expect(ops.allSatisfy { !OperatorSet.supported.contains($0.op) })
            #expect(error.description.contains(ops[0].op))
            #expect(error.description.contains("unsupported_op.onnx"))
        }
    }

    @Test func truncatedFileIsReported() throws {
        let url = Self.invalid.appendingPathComponent("truncated.onnx")
        #expect(FileManager.default.fileExists(atPath: url.path))
        do {
            _ = try ONNXModel(contentsOf: url)
            Issue.record("loading a truncated model succeeded")
        } catch let error as ONNXError {
            guard case .malformedModel(let path, let reason) = error else {
                Issue.record("unexpected error \(error)"); return
            }
            #expect(path.hasSuffix("truncated.onnx"))
            #expect(reason.contains("truncated"))
        }
    }

    @Test func missingTensorIsReported() throws {
        let url = Self.invalid.appendingPathComponent("missing_input.onnx")
        #expect(throws: ONNXError.self) { _ = try ONNXModel(contentsOf: url) }
        do { _ = try ONNXModel(contentsOf: url) } catch {
            #expect("\(error)".contains("which no node, input or initializer provides"))
        }
    }

    @Test func everyPrefixOfAModelFailsCleanly() throws {
        // Cutting a valid model anywhere must give an ONNXError, never a crash or a silently partial model.
        let data = try Data(contentsOf: TestData.repositoryRoot.appendingPathComponent("Models/test/ct_cnn2d.onnx"))
        var failures = 0
        for cut in stride(from: 0, to: data.count - 1, by: max(1, data.count / 97)) {
            do {
                _ = try ONNXModel(serializedData: data.prefix(cut), path: "cut\(cut).onnx")
            } catch is ONNXError {
                failures += 1
            }
        }
        #expect(failures >= 97)
    }

    @Test func notAModel() {
        #expect(throws: ONNXError.self) { _ = try ONNXModel(serializedData: Data("hello, I am text".utf8)) }
        #expect(throws: ONNXError.self) { _ = try ONNXModel(serializedData: Data()) }
        #expect(throws: ONNXError.self) { _ = try ONNXModel(contentsOf: URL(fileURLWithPath: "/nonexistent/model.onnx")) }
    }

    @Test func wrongInputsAreRejected() throws {
        let url = TestData.repositoryRoot.appendingPathComponent("Models/test/ecg_resnet1d.onnx")
        let session = try InferenceSession(model: try ONNXModel(contentsOf: url))
        #expect(throws: ONNXError.self) { _ = try session.run(["wrong_name": Tensor(shape: [1, 12, 5000])]) }
        #expect(throws: ONNXError.self) { _ = try session.run(Tensor(shape: [1, 11, 5000])) }
        var nan = Tensor(shape: [1, 12, 5000])
        nan.storage[7] = .nan
        #expect(throws: ONNXError.self) { _ = try session.run(nan) }
    }
}
