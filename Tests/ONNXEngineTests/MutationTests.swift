import Foundation
import ONNXEngine
import Randomness
import TensorCore
import Testing
import VigilBench

/// Loading corrupted models must end in an `ONNXError` or a model that plans and runs; never a crash, a
/// hang, an absurd allocation or another error type (any of those fails the test). Deterministic byte mutations of small committed models (a bounded fuzz run:
/// the seeds and counts are fixed so that any failure reproduces).
@Suite struct MutationTests {
    static let seeds = ["conv2d_pads1_bias", "gemm_alpha_beta_full_C", "shape_arith_reshape", "batchnorm15_nchw",
                        "convtranspose_2d_stride2", "resize13_nearest_asymmetric", "slice13_negative_steps", "pad13_reflect_1d"]

    @Test(arguments: seeds)
    func mutatedModelsFailCleanly(_ name: String) throws {
        let folder = TestData.fixtures.appendingPathComponent("ops")
        let candidates = TestData.folders(in: folder).map(\.lastPathComponent)
        let chosen = candidates.first { $0 == name } ?? candidates.first { $0.hasPrefix(String(name.prefix(10))) }
        let seedName = try #require(chosen, "no op case like \(name)")
        let original = try Data(contentsOf: folder.appendingPathComponent("\(seedName)/model.onnx"))
        var rng = SplitMix64(seed: name.utf8.reduce(17) { $0 &* 31 &+ UInt64($1) })
        // VIGIL_FUZZ_ITERATIONS raises the count for a longer run by hand; CI uses 250 per seed.
        let iterations = ProcessInfo.processInfo.environment["VIGIL_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 250
        var rejected = 0
        for _ in 0..<iterations {
            var bytes = [UInt8](original)
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                let i = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 4 {
                case 0: bytes[i] = UInt8(truncatingIfNeeded: rng.next())
                case 1: bytes[i] ^= 1 << UInt8(rng.next() % 8)
                case 2: bytes[i] = [0x00, 0x7f, 0x80, 0xff][Int(rng.next() % 4)]
                default: bytes.insert(contentsOf: [0xff, 0xff, 0xff, 0xff, 0x0f], at: i)   // a huge varint
                }
            }
            if let dump = ProcessInfo.processInfo.environment["VIGIL_FUZZ_DUMP"] {
                try Data(bytes).write(to: URL(fileURLWithPath: dump + "-" + name + ".onnx"))
            }
            do {
                let model = try ONNXModel(serializedData: Data(bytes), path: "mutant.onnx")
                let session = try InferenceSession(model: model)
                _ = try session.run(TensorBenchmark.syntheticInputs(for: model, batch: 1))
            } catch is ONNXError {
                rejected += 1
            }
        }
        #expect(rejected > 0, "no mutant was rejected: the mutations are too weak to test anything")
    }
}

