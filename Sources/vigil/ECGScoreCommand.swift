import ArgumentParser
import Foundation

/// `vigil ecg score` (placeholder until its issue lands it).
struct ECGScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "score", abstract: "Score ECG records (not implemented yet)")
    func run() throws { throw ValidationError("vigil ecg score is not implemented yet") }
}
