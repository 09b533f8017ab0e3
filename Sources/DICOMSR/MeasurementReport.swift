import DICOM
import DetectorKit
import FindingsStore
import Foundation
import ImagingFormats

/// Builds one DICOM Comprehensive 3D SR (1.2.840.10008.5.1.4.1.1.88.34) holding a TID 1500 Measurement
/// Report of one CT detector's result on one study: the device observer (the model), the procedure
/// reported, the image library of the referenced slices, a study-level measurement group (finding,
/// finding site, algorithm, probability, threshold, measurements), one planar-ROI group per key slice
/// (SCOORD rectangle on the slice), the qualitative evaluation (present / absent / undetermined), and an
/// abstention as a finding with its reason. docs/export.md maps every item.
///
/// Patient and study module values are copied from the study's ``StudySource`` (as stored with the
/// input); what it lacks is left empty (Type 2) or, for UIDs, generated (``DICOMUID``), never invented.
public struct MeasurementReport: Sendable {
    /// Comprehensive 3D SR Storage.
    public static let sopClassUID = "1.2.840.10008.5.1.4.1.1.88.34"
    /// CT Image Storage: the class given to generated references to slices that came from non-DICOM files.
    public static let ctImageStorage = "1.2.840.10008.5.1.4.1.1.2"

    /// The study.
    public let input: StoredInput
    /// The detector (and model) whose result this is.
    public let detector: DetectorProvenance
    /// Its findings (empty when it abstained).
    public let findings: [Finding]
    /// Its abstention, when it abstained.
    public let abstention: Abstention?
    /// What the source files said (nil: registered without it; UIDs are then generated).
    public let source: StudySource?
    /// Secondary Capture overlays written for this report, referenced from the image library.
    public var overlays: [SOPReference] = []

    /// Creates a report.
    public init(input: StoredInput, detector: DetectorProvenance, findings: [Finding], abstention: Abstention?,
                source: StudySource?)
    {
        self.input = input
        self.detector = detector
        self.findings = findings
        self.abstention = abstention
        self.source = source
    }

    /// The source as stored with `input`, when there is one.
    public static func source(of input: StoredInput) -> StudySource? {
        guard let meta = input.sourceMetadata, let data = try? VigilJSON.encode(meta) else { return nil }
        return try? VigilJSON.decode(StudySource.self, from: data)
    }

    var key: String { "\(input.contentSHA256)|\(detector.id)|\(detector.version)" }
    /// This SR's SOP Instance UID (derived from the input digest and the detector).
    public var sopInstanceUID: String { DICOMUID.derived("sr|\(key)") }
    /// The SR series (one per study and detector).
    public var seriesInstanceUID: String { DICOMUID.derived("sr-series|\(key)") }
    /// The series of this report's Secondary Capture overlays.
    public var overlaySeriesUID: String { DICOMUID.derived("sc-series|\(key)") }
    /// The study's UID: the source's, or a generated one.
    public var studyInstanceUID: String {
        source?.study["StudyInstanceUID"] ?? DICOMUID.derived("study|\(input.contentSHA256)")
    }

    /// The series the detector's slice indices refer to: the one with the most slices (the detector
    /// scores the largest series that passes its checks). nil when the source lists none.
    var scoredSeries: (index: Int, series: StudySource.Series)? {
        guard let s = source, let best = s.series.indices.max(by: { s.series[$0].slices.count < s.series[$1].slices.count }) else {
            return nil
        }
        return (best, s.series[best])
    }

    /// Series Instance UID of the scored series (the source's or generated).
    var referencedSeriesUID: String {
        if let (i, s) = scoredSeries, let uid = s.seriesInstanceUID { _ = i; return uid }
        return DICOMUID.derived("series|\(input.contentSHA256)|\(scoredSeries?.index ?? 0)")
    }

    /// The instance of slice `index` of the scored series: the source's, or a generated reference.
    public func slice(_ index: Int) -> SOPReference {
        if let (_, s) = scoredSeries, index < s.slices.count, let inst = s.slices[index] {
            return SOPReference(sopClassUID: inst.sopClassUID, sopInstanceUID: inst.sopInstanceUID, frame: inst.frame)
        }
        return SOPReference(sopClassUID: Self.ctImageStorage,
                            sopInstanceUID: DICOMUID.derived("slice|\(input.contentSHA256)|\(scoredSeries?.index ?? 0)|\(index)"))
    }

    /// Slices referenced: every slice of the scored series when the source is DICOM, else the key slices.
    var librarySlices: [Int] {
        if let (_, s) = scoredSeries, !s.slices.isEmpty, s.slices.allSatisfy({ $0 != nil }) { return Array(s.slices.indices) }
        return Array(Set(keySlices.map(\.index))).sorted()
    }

    var keySlices: [(index: Int, region: BoundingBox?, note: String?, finding: Finding)] {
        findings.flatMap { f in
            f.evidence.compactMap { e -> (Int, BoundingBox?, String?, Finding)? in
                if case let .slice(i, r, n) = e { return (i, r, n, f) }
                return nil
            }
        }
    }

    /// When the result was made (content date/time).
    var contentDate: Date { findings.map(\.createdAt).max() ?? abstention?.createdAt ?? input.registeredAt }

    // MARK: Content tree

    func findingCode(_ f: Finding) -> SRCode {
        if let sct = f.codings.first(where: { $0.system == "http://snomed.info/sct" }) {
            return SRCode(sct.code, "SCT", sct.display ?? f.label)
        }
        return SRCodes.vigilFinding(f.code, f.label)
    }

    func algorithmItems() -> [SRItem] {
        var items = [
            SRItem("HAS CONCEPT MOD", SRCodes.algorithmName, .text(detector.modelName ?? detector.id)),
            SRItem("HAS CONCEPT MOD", SRCodes.algorithmVersion, .text(detector.modelVersion ?? detector.version)),
        ]
        var params = ["detector \(detector.id) \(detector.version)"]
        if let sha = detector.modelSHA256 { params.append("weights sha256 \(sha)") }
        items.append(SRItem("HAS CONCEPT MOD", SRCodes.algorithmParameters, .text(params.joined(separator: "; "))))
        return items
    }

    /// The root CONTAINER with its whole tree.
    public func content() -> SRItem {
        var root: [SRItem] = [
            SRItem("HAS CONCEPT MOD", SRCodes.languageOfContent, .code(SRCodes.englishUS)),
            SRItem("HAS OBS CONTEXT", SRCodes.observerType, .code(SRCodes.device)),
            SRItem("HAS OBS CONTEXT", SRCodes.deviceObserverUID,
                   .uidref(DICOMUID.derived("device|\(detector.id)|\(detector.version)|\(detector.modelSHA256 ?? "")"))),
            SRItem("HAS OBS CONTEXT", SRCodes.deviceObserverName, .text(detector.id)),
            SRItem("HAS OBS CONTEXT", SRCodes.deviceObserverManufacturer, .text("Vigil")),
            SRItem("HAS OBS CONTEXT", SRCodes.deviceObserverModelName,
                   .text(detector.modelName.map { "\($0) \(detector.modelVersion ?? "")" } ?? "\(detector.id) \(detector.version)")),
        ]
        if let sha = detector.modelSHA256 {
            root.append(SRItem("HAS OBS CONTEXT", SRCodes.deviceObserverSerialNumber, .text(sha)))
        }
        root.append(SRItem("HAS CONCEPT MOD", SRCodes.procedureReported, .code(SRCodes.computedTomography)))

        let library = librarySlices.map { SRItem("CONTAINS", nil, .image(slice($0))) } + overlays.map { SRItem("CONTAINS", nil, .image($0)) }
        root.append(SRItem("CONTAINS", SRCodes.imageLibrary, .container(template: nil),
                           library.isEmpty ? [] : [SRItem("CONTAINS", SRCodes.imageLibraryGroup, .container(template: nil), library)]))

        var groups: [SRItem] = []
        var evaluations: [SRItem] = []
        for (n, f) in findings.enumerated() {
            let code = findingCode(f)
            var g: [SRItem] = [
                SRItem("HAS OBS CONTEXT", SRCodes.trackingIdentifier, .text("\(f.code) study assessment")),
                SRItem("HAS OBS CONTEXT", SRCodes.trackingUID, .uidref(DICOMUID.derived("tracking|\(key)|\(n)"))),
                SRItem("CONTAINS", SRCodes.finding, .code(code)),
                SRItem("HAS CONCEPT MOD", SRCodes.findingSite, .code(SRCodes.pancreas)),
            ] + algorithmItems()
            if let p = f.probability { g.append(SRItem("CONTAINS", SRCodes.probability, .num(p, unit: SRCodes.noUnits))) }
            if let t = f.threshold { g.append(SRItem("CONTAINS", SRCodes.thresholdValue, .num(t, unit: SRCodes.noUnits))) }
            for m in f.measurements {
                let concept = m.name == "lesionLongestAxis" ? SRCodes.longAxis : SRCodes.vigilMeasurement(m.name)
                g.append(SRItem("CONTAINS", concept, .num(m.value, unit: SRCodes.ucum(m.unit))))
            }
            g.append(SRItem("CONTAINS", code, .code(decision(f.decision))))
            groups.append(SRItem("CONTAINS", SRCodes.measurementGroup, .container(template: "1501"), g))
            evaluations.append(SRItem("CONTAINS", code, .code(decision(f.decision))))
        }
        for (n, k) in keySlices.enumerated() {
            let code = findingCode(k.finding)
            var g: [SRItem] = [
                SRItem("HAS OBS CONTEXT", SRCodes.trackingIdentifier, .text("\(k.finding.code) key slice \(k.index)")),
                SRItem("HAS OBS CONTEXT", SRCodes.trackingUID, .uidref(DICOMUID.derived("tracking-slice|\(key)|\(n)"))),
                SRItem("CONTAINS", SRCodes.finding, .code(code)),
                SRItem("HAS CONCEPT MOD", SRCodes.findingSite, .code(SRCodes.pancreas)),
            ] + algorithmItems()
            let ref = SRItem("SELECTED FROM", nil, .image(slice(k.index)))
            if let r = k.region {
                let x0 = Float(r.x), y0 = Float(r.y), x1 = Float(r.x + r.width), y1 = Float(r.y + r.height)
                g.append(SRItem("CONTAINS", SRCodes.imageRegion,
                                .scoord(graphicType: "POLYLINE", points: [x0, y0, x1, y0, x1, y1, x0, y1, x0, y0]), [ref]))
            } else {
                g.append(SRItem("CONTAINS", SRCodes.imageRegion, .scoord(graphicType: "POINT", points: [0.5, 0.5]), [ref]))
            }
            if let note = k.note { g.append(SRItem("CONTAINS", SRCodes.comment, .text(note))) }
            groups.append(SRItem("CONTAINS", SRCodes.measurementGroup, .container(template: "1410"), g))
        }
        if let a = abstention {
            evaluations.append(SRItem("CONTAINS", SRCodes.finding, .code(SRCodes.abstained)))
            evaluations.append(SRItem("CONTAINS", SRCodes.abstentionReason, .code(SRCodes.vigilAbstentionReason(a.reason.rawValue))))
            evaluations.append(SRItem("CONTAINS", SRCodes.comment, .text(a.message)))
        }
        evaluations.append(SRItem("CONTAINS", SRCodes.comment, .text(
            "Research software output (\(detector.id) \(detector.version)), not a diagnosis; unverified by a physician.")))
        if !groups.isEmpty {
            root.append(SRItem("CONTAINS", SRCodes.imagingMeasurements, .container(template: nil), groups))
        }
        root.append(SRItem("CONTAINS", SRCodes.qualitativeEvaluations, .container(template: nil), evaluations))
        return SRItem(nil, SRCodes.imagingMeasurementReport, .container(template: "1500"), root)
    }

    func decision(_ d: Decision) -> SRCode {
        switch d {
        case .positive: SRCodes.present
        case .negative: SRCodes.absent
        case .indeterminate: SRCodes.presenceUndetermined
        }
    }

    // MARK: Data set

    /// The SR as a data set (Explicit VR Little Endian on writing).
    public func dataSet() -> DICOMWriteDataSet {
        var d = DICOMWriteDataSet()
        let (date, time) = DICOMDates.dateTime(contentDate)
        d.set(DICOMTag(0x0008, 0x0005), .CS, "ISO_IR 192")
        d.set(DICOMTag(0x0008, 0x0012), .DA, date)
        d.set(DICOMTag(0x0008, 0x0013), .TM, time)
        d.set(DICOMTag(0x0008, 0x0016), .UI, Self.sopClassUID)
        d.set(DICOMTag(0x0008, 0x0018), .UI, sopInstanceUID)
        d.set(DICOMTag(0x0008, 0x0023), .DA, date)
        d.set(DICOMTag(0x0008, 0x0033), .TM, time)
        d.set(DICOMTag(0x0008, 0x0060), .CS, "SR")
        d.set(DICOMTag(0x0008, 0x0070), .LO, "Vigil")
        var scheme = DICOMWriteDataSet()
        scheme.set(DICOMTag(0x0008, 0x0102), .SH, SRCodes.vigilScheme)
        scheme.set(DICOMTag(0x0008, 0x0115), .ST, SRCodes.vigilSchemeName)
        scheme.set(DICOMTag(0x0008, 0x0116), .ST, SRCodes.vigilSchemeOrganization)
        d.set(DICOMTag(0x0008, 0x0110), items: [scheme])
        d.set(DICOMTag(0x0008, 0x0201), .SH, "+0000")
        d.set(DICOMTag(0x0008, 0x1090), .LO, String((detector.modelName ?? detector.id).prefix(64)))
        d.setEmpty(DICOMTag(0x0008, 0x1111), .SQ)
        d.set(DICOMTag(0x0018, 0x1000), .LO, String((detector.modelSHA256 ?? detector.version).prefix(64)))
        d.set(DICOMTag(0x0018, 0x1020), .LO, [detector.version] + (detector.modelVersion.map { [$0] } ?? []))
        // Patient and general study modules: copied, or empty (Type 2); names are not kept by the store.
        let patient = source?.patient ?? [:], study = source?.study ?? [:]
        d.setEmpty(DICOMTag(0x0010, 0x0010), .PN)
        d.set(DICOMTag(0x0010, 0x0020), .LO, patient["PatientID"] ?? input.patientID ?? "")
        if let issuer = patient["IssuerOfPatientID"] { d.set(DICOMTag(0x0010, 0x0021), .LO, issuer) }
        d.set(DICOMTag(0x0010, 0x0030), .DA, patient["PatientBirthDate"] ?? "")
        d.set(DICOMTag(0x0010, 0x0040), .CS, patient["PatientSex"] ?? "")
        d.set(DICOMTag(0x0008, 0x0020), .DA, study["StudyDate"] ?? "")
        d.set(DICOMTag(0x0008, 0x0030), .TM, study["StudyTime"] ?? "")
        d.set(DICOMTag(0x0008, 0x0050), .SH, study["AccessionNumber"] ?? "")
        d.setEmpty(DICOMTag(0x0008, 0x0090), .PN)
        if let desc = study["StudyDescription"] { d.set(DICOMTag(0x0008, 0x1030), .LO, desc) }
        d.set(DICOMTag(0x0020, 0x000D), .UI, studyInstanceUID)
        d.set(DICOMTag(0x0020, 0x000E), .UI, seriesInstanceUID)
        d.set(DICOMTag(0x0020, 0x0010), .SH, study["StudyID"] ?? "")
        d.set(DICOMTag(0x0020, 0x0011), .IS, "9001")
        d.set(DICOMTag(0x0020, 0x0013), .IS, "1")
        // SR document general module.
        d.set(DICOMTag(0x0040, 0xA491), .CS, "COMPLETE")
        d.set(DICOMTag(0x0040, 0xA493), .CS, "UNVERIFIED")
        d.setEmpty(DICOMTag(0x0040, 0xA372), .SQ)
        let refs = librarySlices.map(slice)
        if !refs.isEmpty {
            var series = DICOMWriteDataSet()
            series.set(DICOMTag(0x0020, 0x000E), .UI, referencedSeriesUID)
            series.set(DICOMTag(0x0008, 0x1199), items: refs.map {
                SOPReference(sopClassUID: $0.sopClassUID, sopInstanceUID: $0.sopInstanceUID).item
            }.uniqued())
            var studyRef = DICOMWriteDataSet()
            studyRef.set(DICOMTag(0x0020, 0x000D), .UI, studyInstanceUID)
            studyRef.set(DICOMTag(0x0008, 0x1115), items: [series])
            d.set(DICOMTag(0x0040, 0xA375), items: [studyRef])
        }
        if !overlays.isEmpty {
            // The overlays are derived, not acquired for the request: Pertinent Other Evidence.
            var series = DICOMWriteDataSet()
            series.set(DICOMTag(0x0020, 0x000E), .UI, overlaySeriesUID)
            series.set(DICOMTag(0x0008, 0x1199), items: overlays.map(\.item))
            var studyRef = DICOMWriteDataSet()
            studyRef.set(DICOMTag(0x0020, 0x000D), .UI, studyInstanceUID)
            studyRef.set(DICOMTag(0x0008, 0x1115), items: [series])
            d.set(DICOMTag(0x0040, 0xA385), items: [studyRef])
        }
        content().write(into: &d)
        return d
    }

    /// The SR as a DICOM Part 10 file.
    public func file() -> Data {
        DICOMPart10Writer.file(dataSet(), implementationClassUID: DICOMUID.implementationClassUID,
                               implementationVersion: DICOMUID.implementationVersion)
    }
}

extension Array where Element == DICOMWriteDataSet {
    /// Drops items whose encoding repeats an earlier one (frames of one multi-frame instance).
    func uniqued() -> [DICOMWriteDataSet] {
        var seen = Set<[UInt8]>()
        return filter { seen.insert($0.encoded()).inserted }
    }
}

/// DICOM DA / TM strings in UTC.
enum DICOMDates {
    static func dateTime(_ date: Date) -> (String, String) {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let d = String(format: "%04d%02d%02d", c.year!, c.month!, c.day!)
        let t = String(format: "%02d%02d%02d", c.hour!, c.minute!, c.second!)
        return (d, t)
    }
}
