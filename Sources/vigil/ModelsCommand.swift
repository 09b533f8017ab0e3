import ArgumentParser
import DetectorCatalog
import Foundation

/// `vigil models`: registered detectors and their model cards.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "List the registered detectors and their model cards.")

    @Option(help: "Folder with the detectors' weights and model cards.") var models: String = "Models"

    func run() throws { try Self.printDetectors(models: models) }

    static func printDetectors(models: String = "Models") throws {
        let registry = try DetectorCatalog.registry(models: URL(fileURLWithPath: models))
        print(registry.report())
        if registry.count == 0 {
            print("(The ECG and CT detectors arrive with their issues; Models/test holds runtime test models only.)")
        }
    }
}
