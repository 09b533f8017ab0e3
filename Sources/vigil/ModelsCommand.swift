import ArgumentParser
import Foundation

/// `vigil models`: registered detectors and their model cards.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "List the registered detectors and their model cards.")

    func run() throws { try Self.printDetectors() }

    static func printDetectors() throws {
        print("Registered detectors: none yet (the ECG and CT detectors come with their issues).")
    }
}
