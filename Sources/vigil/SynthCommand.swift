import ArgumentParser

/// `vigil synth …`: synthetic data generators (labelled, for tests, benchmarks, batch runs and training).
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth", abstract: "Generate labelled synthetic data (not patient data).",
        subcommands: [SynthECGCommand.self, SynthCTCommand.self])
}
