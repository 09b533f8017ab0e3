import ArgumentParser
import Foundation
import ONNXEngine
import TensorCore

/// `vigil demo`: the main job at this stage — load the test models, run them on SampleData, print
/// their outputs and the detector list.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the runtime test models on SampleData/tensors and list the registered detectors.")

    @Option(help: "Repository root holding Models/ and SampleData/.") var root: String = "."
    @OptionGroup var compute: ComputeOptions

    func validate() throws { try ArgumentChecks.existingFolder(root, option: "--root") }

    func run() throws {
        try compute.apply()
        let base = URL(fileURLWithPath: root)
        let cases = [("ecg_resnet1d", "ecg_resnet1d_input.npy"), ("ct_cnn2d", "ct_cnn2d_input.npy")]
        for (name, input) in cases {
            let modelURL = base.appendingPathComponent("Models/test/\(name).onnx")
            let inputURL = base.appendingPathComponent("SampleData/tensors/\(input)")
            let model = try ONNXModel(contentsOf: modelURL)
            let session = try InferenceSession(model: model)
            let x = try NPYFile.read(inputURL)
            let start = Date()
            let outputs = try session.run(x)
            let ms = Date().timeIntervalSince(start) * 1000
            print("\(name).onnx  (\(model.parameterCount) parameters, \(model.nodes.count) nodes, opset \(model.opset))")
            print("  input  \(model.inputs[0].name) \(x.shape) from \(inputURL.lastPathComponent)")
            for o in model.outputs {
                let t = outputs[o.name]!
                print("  output \(o.name) \(t.shape) = [" + t.storage.prefix(8).map(format).joined(separator: ", ") + (t.count > 8 ? ", …" : "") + "]")
            }
            print("  \(format(ms, 1)) ms (first run, \(TensorThreads.count) threads)")
        }
        print("")
        try ModelsCommand.printDetectors()
    }
}
