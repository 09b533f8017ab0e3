import DetectorKit
import Foundation
import ImagingFormats
import TensorCore

/// `vigil ct convert`: DICOM files or folders, NIfTI, or 16-bit PNG slices with a sidecar, read as `vigil ct
/// score` reads them, each series written as float32 [slices, rows, columns] in Hounsfield units (`.npy`), and
/// its spacing, orientation and series metadata as JSON (no patient names).
public enum CTConversion {
    /// What a conversion wrote.
    public struct Result: Sendable {
        /// One value per series (an object for one series, an array for several), as JSON.
        public let summaryJSON: String
        /// One line per file written.
        public let written: [String]
        /// What was odd: series not read (the others were) and each volume's warnings.
        public let warnings: [String]
    }

    /// Reads `paths` and writes every series to `output` (with several series, `_1`, `_2` … before the extension).
    /// - Throws: the reader's error when no series can be read; ``CTConversionError/noSeries(_:)``.
    public static func convert(_ paths: [URL], output: URL) throws -> Result {
        let result = try ImageVolumeReader.readAll(paths: paths)
        if result.volumes.isEmpty, let f = result.failures.first { throw f.error }
        var warnings = result.failures.map { "not read (the other series were): \($0)" }
        let volumes = result.volumes
        for v in volumes { warnings += v.warnings }
        guard !volumes.isEmpty else { throw CTConversionError.noSeries(paths.map(\.path).joined(separator: ", ")) }
        var summaries: [ImageVolumeSummary] = []
        var written: [String] = []
        for (i, v) in volumes.enumerated() {
            var url = output
            if volumes.count > 1 {
                let ext = url.pathExtension
                url = url.deletingPathExtension().appendingPathExtension("").deletingPathExtension()
                url = URL(fileURLWithPath: url.path + "_\(i + 1)").appendingPathExtension(ext.isEmpty ? "npy" : ext)
            }
            try NPYFile.write(Tensor(shape: v.shape, storage: v.voxelsSlicesRowsColumns), to: url)
            written.append("wrote \(v.shape) HU → \(url.path)")
            summaries.append(v.summary)
        }
        let encoder = VigilJSON.encoder(pretty: true)
        let json = volumes.count == 1 ? try encoder.encode(summaries[0]) : try encoder.encode(summaries)
        return Result(summaryJSON: String(decoding: json, as: UTF8.self), written: written, warnings: warnings)
    }
}

/// Why a CT conversion wrote nothing.
public enum CTConversionError: Error, CustomStringConvertible, Sendable, Equatable {
    /// No image series in the paths given.
    case noSeries(String)

    /// One line naming the paths.
    public var description: String {
        switch self {
        case .noSeries(let paths): "no image series found in \(paths)"
        }
    }
}
