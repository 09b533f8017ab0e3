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

    /// Writes the folder.
    public func write() async throws -> Summary {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var summary = Summary()
        var pager = StoredResultsPager(store: store, kind: .ctStudy, pageSize: pageSize)
        try await pager.forEach { stored in
            let source = MeasurementReport.source(of: stored.input)
            var detectors: [DetectorProvenance] = []
            for p in stored.findings.map(\.finding.detector) + stored.abstentions.map(\.abstention.detector)
            where !detectors.contains(p) { detectors.append(p) }
            if detectors.isEmpty {
                if !stored.errors.isEmpty { summary.studiesWithOnlyErrors += 1 }
                return
            }
            for p in detectors {
                let findings = stored.findings.map(\.finding).filter { $0.detector == p }
                let abstention = stored.abstentions.map(\.abstention).last { $0.detector == p }
                var report = MeasurementReport(input: stored.input, detector: p, findings: findings,
                                               abstention: findings.isEmpty ? abstention : nil, source: source)
                if source?.study["StudyInstanceUID"] == nil { summary.reportsWithGeneratedUIDs += 1 }
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
                            let out = directory.appendingPathComponent("\(base)-overlay-\(number).sc.dcm")
                            try sc.file().write(to: out)
                            report.overlays.append(sc.reference)
                            summary.overlays.append(out)
                        } catch {
                            summary.overlaysMissing.append("\(url.lastPathComponent): \(error)")
                        }
                    }
                }
                let out = directory.appendingPathComponent("\(base).sr.dcm")
                try report.file().write(to: out)
                summary.reports.append(out)
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
