import ArgumentParser
import Foundation
import VigilBench
import VigilDoctor
import VigilJobs

/// The `vigil` command: a thin shell over Vigil's libraries.
@main
struct Vigil: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "Vigil: disease-detection specialist models on one tensor core.",
        discussion: "Research software. Models trained on synthetic data say so in their model cards; no output is a diagnosis.",
        version: "vigil \(VigilVersion.string)",
        subcommands: [ModelsCommand.self, ModelCommand.self, ECGCommand.self, CTCommand.self, ExplainCommand.self, SynthCommand.self, BatchCommand.self, WorklistCommand.self, ExportCommand.self, BenchCommand.self, DemoCommand.self, DoctorCommand.self, TokenCommand.self, ServeCommand.self, WorkerCommand.self])
}

/// Options every compute command takes.
struct ComputeOptions: ParsableArguments {
    @Option(help: "Threads for the tensor core (OpenBLAS and Vigil's kernels). Default: all cores, or VIGIL_THREADS.")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func apply() throws {
        if let threads { try ArgumentChecks.job { try ProcessThreads.setDefault(threads) } }
    }
}

/// Prints to standard error (progress and warnings, so that standard output stays machine-readable).
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Formats a float for tables: 5 significant digits.
func format(_ v: Float) -> String { String(format: "%.5g", v) }
func format(_ v: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", v) }

extension BenchOutput {
    /// Report lines to standard output, notes to standard error.
    static var standard: BenchOutput { BenchOutput(line: { print($0) }, note: { printError($0) }) }
}
