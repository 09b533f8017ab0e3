import ArgumentParser
import Foundation

/// `vigil export` (placeholder until its issue lands it).
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Export findings (not implemented yet)")
    func run() throws { throw ValidationError("vigil export is not implemented yet") }
}
