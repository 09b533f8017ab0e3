import ArgumentParser
import Foundation

/// `vigil batch` (placeholder until its issue lands it).
struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "batch", abstract: "Batch scoring (not implemented yet)")
    func run() throws { throw ValidationError("vigil batch is not implemented yet") }
}
