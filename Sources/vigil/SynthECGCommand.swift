import ArgumentParser
import Foundation

/// `vigil synth ecg` (placeholder until its issue lands it).
struct SynthECGCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ecg", abstract: "Generate synthetic 12-lead ECG records (not implemented yet)")
    func run() throws { throw ValidationError("vigil synth ecg is not implemented yet") }
}
