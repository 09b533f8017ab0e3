import Foundation
@testable import ONNXEngine
import TensorCore
import Testing

/// One session shared by several workers (issue 12): concurrent runs each take a runner of their own and answer
/// what onnxruntime answers, never more runners than allowed; a session's `threads` is its intra-op setting.
@Suite struct SessionConcurrencyTests {
    static let name = "ecg_resnet1d"

    static func model() throws -> (ONNXModel, [(inputs: [String: Tensor], outputs: [(String, Tensor)])]) {
        let url = TestData.repositoryRoot.appendingPathComponent("Models/test/\(name).onnx")
        let sets = try TestData.folders(in: TestData.fixtures.appendingPathComponent("models/\(name)")).map(TestData.dataSet)
        return (try ONNXModel(contentsOf: url), sets)
    }

    @Test func concurrentRunsOnOneSessionMatchTheReference() async throws {
        let (model, sets) = try Self.model()
        let session = try InferenceSession(model: model, maxConcurrentRuns: 3)
        let errors = await withTaskGroup(of: Float.self) { group in
            for i in 0..<12 {
                let set = sets[i % sets.count]
                group.addTask {
                    guard let out = try? TensorThreads.withThreads(1, { try session.run(set.inputs) }) else { return .infinity }
                    return set.outputs.map { name, reference in
                        out[name].map { TestData.relativeError($0, reference) } ?? .infinity
                    }.max() ?? .infinity
                }
            }
            return await group.reduce(into: [Float]()) { $0.append($1) }
        }
        #expect(errors.count == 12)
        #expect(errors.allSatisfy { $0 <= 1e-4 }, "relative errors \(errors)")
        #expect((1...3).contains(session.runnerCount), "runners \(session.runnerCount)")
    }

    @Test func aSessionsThreadsAreItsIntraOpSetting() throws {
        let (model, sets) = try Self.model()
        let one = try InferenceSession(model: model, threads: 1)
        let two = try InferenceSession(model: model, threads: 2)
        #expect(one.threads == 1 && two.threads == 2)
        for set in sets {
            let a = try one.run(set.inputs), b = try two.run(set.inputs)
            for (name, reference) in set.outputs {
                #expect(TestData.relativeError(try #require(a[name]), reference) <= 1e-4)
                #expect(TestData.relativeError(try #require(b[name]), reference) <= 1e-4)
            }
        }
        #expect(try InferenceSession(model: model, threads: 0).threads == 1)
    }

    @Test func theFirstSessionTakesThePlanMadeAtLoadTime() throws {
        // A model is planned once: the plan made to check it at load time goes to the first session over it.
        let (model, _) = try Self.model()
        let (again, _) = try Self.model()
        #expect(again.takeLoadPlan() != nil)  // loaded, not yet taken
        #expect(again.takeLoadPlan() == nil)  // taken once only
        let first = try InferenceSession(model: model)
        #expect(model.takeLoadPlan() == nil)  // the session took it
        // A second session over the same model plans for itself and runs the same steps.
        let second = try InferenceSession(model: model)
        #expect(try first.planSummary().steps.count == second.planSummary().steps.count)
    }
}
