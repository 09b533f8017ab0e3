import ArgumentParser
import Foundation
import VigilBench

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
        try ModelTools.demo(root: URL(fileURLWithPath: root), .standard)
        print("")
        try ModelsCommand.printDetectors()
    }
}
