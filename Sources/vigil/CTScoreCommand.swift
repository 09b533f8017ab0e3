import ArgumentParser
import Foundation

/// `vigil ct score` (placeholder until its issue lands it).
struct CTScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "score", abstract: "Score CT studies (not implemented yet)")
    func run() throws { throw ValidationError("vigil ct score is not implemented yet") }
}
