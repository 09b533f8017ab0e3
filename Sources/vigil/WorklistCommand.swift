import ArgumentParser
import Foundation

/// `vigil worklist` (placeholder until its issue lands it).
struct WorklistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "worklist", abstract: "Radiology worklist (not implemented yet)")
    func run() throws { throw ValidationError("vigil worklist is not implemented yet") }
}
