import ArgumentParser
import DetectorCatalog
import DetectorKit
import Foundation

/// `vigil models`: registered detectors and their model cards.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "List the registered detectors and their model cards.")

    func run() throws { try Self.printDetectors() }

    static func printDetectors() throws {
        let registry = try DetectorCatalog.registry()
        print(registry.report())
        if registry.count == 0 {
            print("(The ECG and CT detectors arrive with their issues; Models/test holds runtime test models only.)")
        }
    }
}
