import BatchScoring
import DetectorInputs
import ECGFormats
import Foundation

/// An ECG file of a batch (any format `ECGReader` reads), with what a manifest says about it.
public struct ECGFileItem: BatchItem {
    /// The file (for WFDB, the `.hea` header).
    public let url: URL
    /// Patient identifier from the manifest; nil: the record's own.
    public let patientID: String?
    /// Acquisition time from the manifest; nil: the record's own.
    public let acquiredAt: Date?
    /// How to read the file (CSV sampling rate and units).
    public let options: ECGReadOptions

    /// Creates an item.
    public init(url: URL, patientID: String? = nil, acquiredAt: Date? = nil, options: ECGReadOptions = .init()) {
        self.url = url
        self.patientID = patientID
        self.acquiredAt = acquiredAt
        self.options = options
    }

    /// The file name.
    public var label: String { url.lastPathComponent }
    /// The file's path.
    public var path: String { url.path }

    /// SHA-256 of the file, or of the WFDB record's files (``ContentDigest``).
    public func contentSHA256() throws -> String {
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw BatchItemError.unreadable(file: label, reason: "no such file or not readable")
        }
        let files = url.pathExtension.lowercased() == "hea" ? ContentDigest.wfdbFiles(header: url) : [url]
        return try ContentDigest.of(files: files, relativeTo: url.deletingLastPathComponent())
    }

    /// Reads the record; the manifest's patient id and time win over the record's.
    public func read() throws -> ReadInput {
        let record = try ECGReader.read(url: url, options: options)
        let patient = patientID ?? record.acquisition.patientID.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        return ReadInput(input: record, patientID: patient, acquiredAt: acquiredAt ?? record.acquisition.startTime)
    }
}
