import ArgumentParser
import DetectorKit
import Foundation
import ImagingFormats
import TensorCore

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
            let result = try ImageVolumeReader.readAll(paths: paths.map { URL(fileURLWithPath: $0) })
            if result.volumes.isEmpty, let f = result.failures.first { throw f.error }
            for f in result.failures { printError("warning: not read (the other series were): \(f)") }
            let volumes = result.volumes
            for v in volumes { for w in v.warnings { printError("warning: \(w)") } }
            guard !volumes.isEmpty else { throw ValidationError("no image series found in \(paths.joined(separator: ", "))") }
            var summaries: [ImageVolumeSummary] = []
            for (i, v) in volumes.enumerated() {
                var url = URL(fileURLWithPath: output)
                if volumes.count > 1 {
                    let ext = url.pathExtension
                    url = url.deletingPathExtension().appendingPathExtension("").deletingPathExtension()
                    url = URL(fileURLWithPath: url.path + "_\(i + 1)").appendingPathExtension(ext.isEmpty ? "npy" : ext)
                }
                try NPYFile.write(Tensor(shape: v.shape, storage: v.voxelsSlicesRowsColumns), to: url)
                printError("wrote \(v.shape) HU → \(url.path)")
                summaries.append(v.summary)
            }
            let json = try VigilJSON.encoder(pretty: true).encode(volumes.count == 1 ? AnyEncodable(summaries[0]) : AnyEncodable(summaries))
            print(String(decoding: json, as: UTF8.self))
        }
    }
}

/// Type-erases an Encodable for printing one value or a list.
struct AnyEncodable: Encodable {
    let encodeBody: (Encoder) throws -> Void
    init<T: Encodable>(_ value: T) { encodeBody = value.encode }
    func encode(to encoder: Encoder) throws { try encodeBody(encoder) }
}
