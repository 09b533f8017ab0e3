import DICOM
import Foundation

/// What a CT study's source files say that a standard output (a DICOM SR, a Secondary Capture) must copy:
/// the patient and general study module values and, per series, the SOP instances in the order of the
/// volume's slices. Patient names and other person names are never kept (the store keeps no names).
///
/// Attribute values are kept as the source wrote them (trimmed), keyed by DICOM keyword (`PatientID`,
/// `StudyDate`, …); absent attributes are left out, never invented.
public struct StudySource: Codable, Sendable, Equatable {
    /// Patient module values (`PatientID`, `IssuerOfPatientID`, `PatientBirthDate`, `PatientSex`), by keyword.
    public var patient: [String: String]
    /// General study module values (`StudyInstanceUID`, `StudyDate`, `StudyTime`, `AccessionNumber`,
    /// `StudyID`, `StudyDescription`), by keyword.
    public var study: [String: String]
    /// One entry per volume (series), in the order ``ImageVolumeReader/read(paths:)`` returns them.
    public var series: [Series]

    /// Creates a source description.
    public init(patient: [String: String], study: [String: String], series: [Series]) {
        self.patient = patient
        self.study = study
        self.series = series
    }

    /// One series of the study.
    public struct Series: Codable, Sendable, Equatable {
        /// Series Instance UID (0020,000E), when the source has one.
        public var seriesInstanceUID: String?
        /// Modality (0008,0060).
        public var modality: String?
        /// Frame of Reference UID (0020,0052).
        public var frameOfReferenceUID: String?
        /// The SOP instance of each slice of the volume, in slice order (nil entries: a slice from a
        /// non-DICOM file, such as a PNG).
        public var slices: [Instance?]

        /// Creates a series description.
        public init(seriesInstanceUID: String?, modality: String?, frameOfReferenceUID: String?, slices: [Instance?]) {
            self.seriesInstanceUID = seriesInstanceUID
            self.modality = modality
            self.frameOfReferenceUID = frameOfReferenceUID
            self.slices = slices
        }
    }

    /// One SOP instance (and frame, for a multi-frame image).
    public struct Instance: Codable, Sendable, Equatable {
        /// SOP Class UID (0008,0016).
        public var sopClassUID: String
        /// SOP Instance UID (0008,0018).
        public var sopInstanceUID: String
        /// 1-based frame number in a multi-frame instance; nil for a single-frame one.
        public var frame: Int?

        /// Creates an instance reference.
        public init(sopClassUID: String, sopInstanceUID: String, frame: Int?) {
            self.sopClassUID = sopClassUID
            self.sopInstanceUID = sopInstanceUID
            self.frame = frame
        }
    }

    /// The patient module attributes kept, with their tags.
    public static let patientAttributes: [(String, DICOMTag)] = [
        ("PatientID", DICOMTag(0x0010, 0x0020)), ("IssuerOfPatientID", DICOMTag(0x0010, 0x0021)),
        ("PatientBirthDate", DICOMTag(0x0010, 0x0030)), ("PatientSex", DICOMTag(0x0010, 0x0040)),
    ]
    /// The general study module attributes kept, with their tags.
    public static let studyAttributes: [(String, DICOMTag)] = [
        ("StudyInstanceUID", DICOMTag(0x0020, 0x000D)), ("StudyDate", DICOMTag(0x0008, 0x0020)),
        ("StudyTime", DICOMTag(0x0008, 0x0030)), ("AccessionNumber", DICOMTag(0x0008, 0x0050)),
        ("StudyID", DICOMTag(0x0020, 0x0010)), ("StudyDescription", DICOMTag(0x0008, 0x1030)),
    ]

    /// Reads the source references of `volumes` (as read by ``ImageVolumeReader``) from their slice files.
    /// Patient and study values come from the first DICOM file; a slice whose file is not DICOM has no
    /// instance. Files are read again (headers only are used).
    public static func read(volumes: [ImageVolume]) -> StudySource {
        var source = StudySource(patient: [:], study: [:], series: [])
        var cache: [String: DICOMFile?] = [:]
        func file(_ path: String) -> DICOMFile? {
            if let f = cache[path] { return f }
            let f = try? DICOMFile.read(URL(fileURLWithPath: path))
            cache[path] = f
            return f
        }
        for volume in volumes {
            var series = Series(seriesInstanceUID: volume.metadata.seriesInstanceUID, modality: volume.metadata.modality,
                                frameOfReferenceUID: nil, slices: [])
            for s in volume.sliceSources {
                let (path, frame) = split(s)
                guard let f = file(path) else { series.slices.append(nil); continue }
                let ds = f.dataSet
                if source.patient.isEmpty && source.study.isEmpty {
                    for (k, tag) in patientAttributes { if let v = value(ds, tag) { source.patient[k] = v } }
                    for (k, tag) in studyAttributes { if let v = value(ds, tag) { source.study[k] = v } }
                }
                if series.frameOfReferenceUID == nil { series.frameOfReferenceUID = value(ds, .frameOfReferenceUID) }
                if let cls = value(ds, .sopClassUID), let uid = value(ds, .sopInstanceUID) {
                    series.slices.append(Instance(sopClassUID: cls, sopInstanceUID: uid, frame: frame))
                } else {
                    series.slices.append(nil)
                }
            }
            source.series.append(series)
        }
        if source.study["StudyInstanceUID"] == nil, let uid = volumes.lazy.compactMap(\.metadata.studyInstanceUID).first {
            source.study["StudyInstanceUID"] = uid
        }
        return source
    }

    /// `file#frame3` → (`file`, 3); `file` → (`file`, nil).
    static func split(_ sliceSource: String) -> (String, Int?) {
        if let r = sliceSource.range(of: "#frame", options: .backwards), let n = Int(sliceSource[r.upperBound...]) {
            return (String(sliceSource[..<r.lowerBound]), n)
        }
        return (sliceSource, nil)
    }

    static func value(_ ds: DICOMDataSet, _ tag: DICOMTag) -> String? {
        guard let s = try? ds.string(tag), !s.isEmpty else { return nil }
        return s
    }
}
