import DetectorKit
import FHIRExport
import FindingsStore
import Foundation

/// Writes one TID 1500 SR (``MeasurementReport``) per CT study and CT detector with a stored result
/// (findings or an abstention) into a folder, plus a Secondary Capture image per overlay PNG the finding
/// cites as image evidence when that file can still be read. Studies with only errors get no SR (nothing
/// was assessed); they are counted in the result.
///
/// File names: `input-<id>-<detector id>.sr.dcm` and `input-<id>-<detector id>-overlay-<n>.sc.dcm`.
public struct DICOMSRExporter: Sendable {
    /// The store.
    public let store: any FindingsStore
    /// The folder written into (created when missing).
    public let directory: URL
    /// Inputs read per store query.
    public let pageSize: Int

    /// Creates an exporter.
    public init(store: any FindingsStore, directory: URL, pageSize: Int = 100) {
        self.store = store
        self.directory = directory
        self.pageSize = pageSize
    }

    /// What an export wrote.
    public struct Summary: Sendable, Hashable {
        /// SR files written.
        public var reports: [URL] = []
        /// SC files written.
        public var overlays: [URL] = []
        /// Overlay images cited by findings that could not be read (file gone, not a PNG): name and why.
        public var overlaysMissing: [String] = []
        /// CT studies with only errors (no SR).
        public var studiesWithOnlyErrors = 0
        /// Reports whose source UIDs were not stored (generated instead).
        public var reportsWithGeneratedUIDs = 0
    }

    /// One DICOM object of an input's export: its file name and Part 10 bytes.
    public struct Document: Sendable, Hashable {
        /// `input-<id>-<detector>.sr.dcm` or `input-<id>-<detector>-overlay-<n>.sc.dcm`.
        public var name: String
        /// The detector whose results it carries.
        public var detector: DetectorProvenance
        /// The DICOM Part 10 file (preamble, `DICM`, file meta, data set).
        public var data: Data
    }

    /// What one CT input exports to: the SRs (one per CT detector with findings or an abstention) and the
    /// overlay SCs they reference. This is the whole export of one input: ``write()`` writes these files for
    /// every CT input, and the service's `GET /v1/inputs/{id}/dicom-sr` answers one of these SRs.
    public struct InputDocuments: Sendable, Hashable {
        /// The SRs, in the order the detectors first recorded a result.
        public var reports: [Document] = []
        /// The overlay Secondary Captures.
        public var overlays: [Document] = []
        /// Overlay images the findings cite that could not be read: name and why.
        public var overlaysMissing: [String] = []
        /// True when only errors are recorded (nothing was assessed: no SR).
        public var onlyErrors = false
        /// How many of the SRs reference generated UIDs (the source's were not stored).
        public var reportsWithGeneratedUIDs = 0
    }

    /// The SRs and overlays of one stored CT input (what ``write()`` writes for it). An input of another
    /// kind, or one without findings or abstentions, gives no documents.
    public static func documents(for stored: StoredInputResults) throws -> InputDocuments {
        var out = InputDocuments()
        guard stored.input.kind == .ctStudy else { return out }
        let source = MeasurementReport.source(of: stored.input)
        var detectors: [DetectorProvenance] = []
        for p in stored.findings.map(\.finding.detector) + stored.abstentions.map(\.abstention.detector)
        where !detectors.contains(p) { detectors.append(p) }
        if detectors.isEmpty {
            out.onlyErrors = !stored.errors.isEmpty
            return out
        }
        for p in detectors {
            let findings = stored.findings.map(\.finding).filter { $0.detector == p }
            let abstention = stored.abstentions.map(\.abstention).last { $0.detector == p }
            var report = MeasurementReport(input: stored.input, detector: p, findings: findings,
                                           abstention: findings.isEmpty ? abstention : nil, source: source)
            if source?.study["StudyInstanceUID"] == nil { out.reportsWithGeneratedUIDs += 1 }
            let base = "input-\(stored.input.id.rawValue)-\(Self.safe(p.id))"
            var number = 0
            let keySlice = report.keySlices.first?.index
            for f in findings {
                for case let .image(path, caption) in f.evidence {
                    let url = URL(fileURLWithPath: path)
                    do {
                        let image = try RGBImage.readPNG(url)
                        number += 1
                        let sc = SecondaryCapture(image: image, report: report, number: number, caption: caption,
                                                  sourceSlice: Self.slice(in: caption) ?? keySlice)
                        out.overlays.append(Document(name: "\(base)-overlay-\(number).sc.dcm", detector: p, data: sc.file()))
                        report.overlays.append(sc.reference)
                    } catch {
                        out.overlaysMissing.append("\(url.lastPathComponent): \(error)")
                    }
                }
            }
            out.reports.append(Document(name: "\(base).sr.dcm", detector: p, data: report.file()))
        }
        return out
    }

    /// The SRs and overlays of the input `id` in `store`; nil when the store has no such input.
    public static func documents(input id: InputID, store: any FindingsStore) async throws -> InputDocuments? {
        guard let stored = try await StoredInputResults.load(input: id, from: store) else { return nil }
        return try documents(for: stored)
    }

    /// Writes the folder.
    public func write() async throws -> Summary {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var summary = Summary()
        var pager = StoredResultsPager(store: store, kind: .ctStudy, pageSize: pageSize)
        try await pager.forEach { stored in
            let docs = try Self.documents(for: stored)
            if docs.onlyErrors { summary.studiesWithOnlyErrors += 1 }
            summary.reportsWithGeneratedUIDs += docs.reportsWithGeneratedUIDs
            summary.overlaysMissing += docs.overlaysMissing
            for d in docs.overlays {
                let url = directory.appendingPathComponent(d.name)
                try d.data.write(to: url)
                summary.overlays.append(url)
            }
            for d in docs.reports {
                let url = directory.appendingPathComponent(d.name)
                try d.data.write(to: url)
                summary.reports.append(url)
            }
        }
        return summary
    }

    /// A file-name-safe form of a detector id.
    static func safe(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
    }

    /// The slice index an overlay caption names (`axial slice 57 …`), if any.
    static func slice(in caption: String?) -> Int? {
        guard let caption, let r = caption.range(of: "slice ") else { return nil }
        return Int(caption[r.upperBound...].prefix { $0.isNumber })
    }
}
