import ArgumentParser
import CTScoring
import Foundation

/// `vigil ct …`: CT studies (the pancreatic scorer arrives with its issue).
struct CTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ct", abstract: "CT studies: read and convert (scoring comes with the CT detector).",
        subcommands: [Convert.self, CTScoreCommand.self])

    struct Convert: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read DICOM files/folders, NIfTI (.nii, .nii.gz) or 16-bit PNG slices with a JSON sidecar, and write the volume in HU as .npy.",
            discussion: "Writes float32 [slices, rows, columns] in Hounsfield units and prints spacing, orientation and series metadata as JSON (no patient names).")

        @Argument(help: "DICOM files or folders, NIfTI files (.nii, .nii.gz), or PNG slices with their sidecar.") var paths: [String]
        @Option(help: "Where to write the volume (.npy). With several series, _1, _2 … are added before the extension.") var output: String

        func validate() throws {
            guard !paths.isEmpty else { throw ValidationError("give DICOM files or folders, or PNG slices with their sidecar") }
            for path in paths { try ArgumentChecks.existing(path, "input") }
            try ArgumentChecks.outputFile(output, option: "--output")
        }

        func run() throws {
            let result = try CTConversion.convert(paths.map { URL(fileURLWithPath: $0) }, output: URL(fileURLWithPath: output))
            for w in result.warnings { printError("warning: \(w)") }
            for line in result.written { printError(line) }
            print(result.summaryJSON)
        }
    }
}
