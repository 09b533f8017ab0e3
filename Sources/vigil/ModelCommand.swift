import ArgumentParser
import Foundation
import VigilBench

/// `vigil model …`: run, inspect and time any ONNX model (``VigilBench/ModelTools``).
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Run, inspect or time an ONNX model on the tensor core.",
        subcommands: [Run.self, Info.self, Bench.self])

    /// Checks `NAME=file.npy` (or bare path) specs name existing files.
    static func checkInputFiles(_ specs: [String]) throws {
        for path in ModelTools.inputFiles(specs) { try ArgumentChecks.existing(path, "--input") }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a model on NumPy .npy inputs (float32, C order) and write its outputs as .npy.")

        @Argument(help: "The .onnx file.") var model: String
        @Option(name: .customLong("input"), help: "NAME=file.npy (repeat for several inputs).") var inputs: [String] = []
        @Option(help: "Where to write the first output.") var output: String?
        @Option(help: "Write every output to DIR/<output name>.npy.") var outputDir: String?
        @OptionGroup var compute: ComputeOptions

        func validate() throws {
            guard output != nil || outputDir != nil else { throw ValidationError("give --output FILE.npy or --output-dir DIR") }
            try ArgumentChecks.existing(model, "MODEL")
            try ModelCommand.checkInputFiles(inputs)
            if let output { try ArgumentChecks.outputFile(output, option: "--output") }
            if let outputDir { try ArgumentChecks.outputFolder(outputDir, option: "--output-dir") }
        }

        func run() throws {
            try compute.apply()
            try ModelTools.run(model: URL(fileURLWithPath: model), inputs: inputs, output: output.map { URL(fileURLWithPath: $0) },
                               outputDir: outputDir.map { URL(fileURLWithPath: $0) }, .standard)
        }
    }

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a model's inputs, outputs, operators, unsupported operators and the execution plan.")

        @Argument(help: "The .onnx file.") var model: String
        @Flag(help: "Also list every planned kernel step.") var plan = false

        func validate() throws { try ArgumentChecks.existing(model, "MODEL") }

        func run() throws {
            guard try ModelTools.info(model: URL(fileURLWithPath: model), plan: plan, .standard) else { throw ExitCode(2) }
        }
    }

    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time a model: inferences per second after warm-up, median of repeated runs.")

        @Argument(help: "The .onnx file.") var model: String
        @Option(name: .customLong("input"), help: "NAME=file.npy; random inputs of the declared shape when omitted.") var inputs: [String] = []
        @Option(help: "Batch size for random inputs (dynamic first axis).") var batch: Int = 1
        @Option(help: "Minimum seconds of timed runs.") var seconds: Double = 2
        @Flag(help: "Also print the time spent in each kernel step.") var profile = false
        @OptionGroup var compute: ComputeOptions

        func validate() throws {
            try ArgumentChecks.existing(model, "MODEL")
            try ModelCommand.checkInputFiles(inputs)
            try ArgumentChecks.atLeast(batch, 1, "--batch")
            try ArgumentChecks.positive(seconds, "--seconds")
        }

        func run() throws {
            try compute.apply()
            try ModelTools.bench(model: URL(fileURLWithPath: model), inputs: inputs, batch: batch, seconds: seconds, profile: profile,
                                 .standard)
        }
    }
}
