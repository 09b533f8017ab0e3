import DetectorKit
import ECGFormats
import Foundation
import ImagingFormats

// The built-in input kinds, declared where both the readers' types and DetectorKit are visible, so that
// readers stay ignorant of detectors and detectors (and the batch engine) share one definition.

extension ECGRecord: DetectorInput {
    /// Every ECG record is of kind ``InputKind/ecg``.
    public static var kind: InputKind { .ecg }

    /// "ECG <file>: <leads> leads, <seconds> s at <rate> Hz" (file name only, no identifiers).
    public var inputDescription: String {
        let seconds = String(format: "%.1f", rhythm.durationSeconds)
        let rate = String(format: "%g", rhythm.samplingRateHz)
        return "ECG \(sourceFile): \(rhythm.leads.count) leads, \(seconds) s at \(rate) Hz"
    }
}

/// One CT examination as scoring sees it: the image series read from its files (one or more volumes)
/// and a label for messages. What the study *is* (modality, body part, contrast) stays in each
/// volume's ``SeriesMetadata``; detectors check it against their intended use.
///
/// ```swift
/// let volumes = try ImageVolumeReader.read(paths: [studyFolder])
/// let study = CTStudy(label: studyFolder.lastPathComponent, volumes: volumes)
/// let outcome = try await registry.detector(id: "ct-pancreas")!.analyze(study)
/// ```
public struct CTStudy: DetectorInput {
    /// Every CT study is of kind ``InputKind/ctStudy``.
    public static var kind: InputKind { .ctStudy }

    /// A short label for messages: a folder or file name, never a patient identifier.
    public let label: String
    /// The series of the study, as read.
    public let volumes: [ImageVolume]
    /// Files or series under the study's paths that could not be read ("source: defect"); the other
    /// series were read and can be scored.
    public var unreadSeries: [String] = []

    /// Creates a study from its series.
    public init(label: String, volumes: [ImageVolume], unreadSeries: [String] = []) {
        self.label = label
        self.volumes = volumes
        self.unreadSeries = unreadSeries
    }

    /// Reads every DICOM file or PNG-with-sidecar series under `paths` into one study labelled by the
    /// first path's last component. A file or series that cannot be read is listed in `unreadSeries`
    /// while the others are kept; when nothing can be read the first error is thrown.
    /// - Throws: `ImagingError` or `DICOMError` naming the file and the defect.
    public static func read(paths: [URL]) throws -> CTStudy {
        let result = try ImageVolumeReader.readAll(paths: paths)
        if result.volumes.isEmpty, let f = result.failures.first { throw f.error }
        return CTStudy(label: paths.first?.lastPathComponent ?? "study", volumes: result.volumes,
                       unreadSeries: result.failures.map(\.description))
    }

    /// "CT study <label>: <n> series (<slices>×<rows>×<columns>, …)".
    public var inputDescription: String {
        let shapes = volumes.map { "\($0.slices)×\($0.rows)×\($0.columns)" }.joined(separator: ", ")
        return "CT study \(label): \(volumes.count) series (\(shapes))"
    }
}
