import ArgumentParser
import Foundation

/// `vigil ecg eval` (placeholder until its issue lands it).
struct ECGEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "eval", abstract: "QRS detection against reference beats (EC57) (not implemented yet)")
    func run() throws { throw ValidationError("vigil ecg eval is not implemented yet") }
}
