import ArgumentParser
import Foundation

/// `vigil synth ct` (placeholder until its issue lands it).
struct SynthCTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ct", abstract: "Generate synthetic abdominal CT phantoms (not implemented yet)")
    func run() throws { throw ValidationError("vigil synth ct is not implemented yet") }
}
