import ArgumentParser
import Foundation

/// `vigil ecg plot` (placeholder until its issue lands it).
struct ECGPlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plot", abstract: "Draw the standard 12-lead ECG (not implemented yet)")
    func run() throws { throw ValidationError("vigil ecg plot is not implemented yet") }
}
