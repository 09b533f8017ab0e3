import ArgumentParser
import Foundation

/// `vigil bench ct` (placeholder until its issue lands it).
struct BenchCTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ct", abstract: "CT pipeline time vs onnxruntime (not implemented yet)")
    func run() throws { throw ValidationError("vigil bench ct is not implemented yet") }
}
