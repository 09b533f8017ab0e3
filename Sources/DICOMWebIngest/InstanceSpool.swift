import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where received DICOM instances are kept until (and after) their study is scored: one folder per study,
/// one sub-folder per series, one file per instance:
/// `ROOT/<StudyInstanceUID>/<SeriesInstanceUID>/<SOPInstanceUID>.dcm`.
///
/// UIDs become path components only after ``isValidUID(_:)`` (digits and dots, ≤ 64 characters, PS3.5 §9.1),
/// so no request can write outside the root. Files are written to a temporary name and renamed, so a
/// reader never sees half an instance. A study folder holds a hidden `.vigil-listed` marker once it has
/// been put on the worklist (``markListed(study:)``), so a restart knows which studies still wait.
public struct InstanceSpool: Sendable {
    /// The spool's root folder.
    public let root: URL

    /// Uses (and creates) `root`.
    /// - Throws: when the folder cannot be created.
    public init(root: URL) throws {
        self.root = root
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    /// Whether `uid` is a DICOM UID: 1–64 characters, digits and dots, no empty component.
    public static func isValidUID(_ uid: String) -> Bool {
        guard (1...64).contains(uid.utf8.count) else { return false }
        guard uid.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }) else { return false }
        return !uid.hasPrefix(".") && !uid.hasSuffix(".") && !uid.contains("..")
    }

    /// The folder of a study.
    public func studyFolder(_ study: String) -> URL { root.appendingPathComponent(study, isDirectory: true) }

    /// The folder of a series.
    public func seriesFolder(study: String, series: String) -> URL {
        studyFolder(study).appendingPathComponent(series, isDirectory: true)
    }

    /// Writes one instance (replacing an earlier one with the same SOP Instance UID).
    /// - Returns: the file written.
    /// - Throws: when the UIDs are not valid or the file cannot be written.
    @discardableResult
    public func write(_ bytes: [UInt8], study: String, series: String, sop: String) throws -> URL {
        guard Self.isValidUID(study), Self.isValidUID(series), Self.isValidUID(sop) else {
            throw CocoaError(.fileWriteInvalidFileName)
        }
        let folder = seriesFolder(study: study, series: series)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let target = folder.appendingPathComponent("\(sop).dcm")
        let temp = folder.appendingPathComponent(".\(sop).\(UUID().uuidString).part")
        try Data(bytes).write(to: temp)
        // rename(2) replaces an existing instance atomically (a re-sent instance is common: a PACS retries).
        // FileManager.replaceItemAt failed here on Linux and left the old file gone and the temp file behind.
        if rename(temp.path, target.path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(at: temp)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
        return target
    }

    /// Records that a sender of `site` stored instances of `study` (hidden `.vigil-sites` file, one site per line),
    /// so that the study's input is granted to that site when it is listed (``WorklistFeeder``).
    /// - Throws: when the UID is not valid or the file cannot be written.
    public func addSite(_ site: String, study: String) throws {
        guard Self.isValidUID(study), !site.isEmpty, !site.contains("\n") else { throw CocoaError(.fileWriteInvalidFileName) }
        var known = sites(study: study)
        guard !known.contains(site) else { return }
        known.append(site)
        let folder = studyFolder(study)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temp = folder.appendingPathComponent(".vigil-sites.\(UUID().uuidString).part")
        try Data(known.map { $0 + "\n" }.joined().utf8).write(to: temp)
        if rename(temp.path, folder.appendingPathComponent(".vigil-sites").path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(at: temp)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
    }

    /// The sites recorded for `study` by ``addSite(_:study:)``, in the order they were first recorded.
    public func sites(study: String) -> [String] {
        guard Self.isValidUID(study),
              let data = FileManager.default.contents(atPath: studyFolder(study).appendingPathComponent(".vigil-sites").path)
        else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Marks a study as put on the worklist.
    public func markListed(study: String) throws {
        try Data().write(to: studyFolder(study).appendingPathComponent(".vigil-listed"))
    }

    /// Whether a study was put on the worklist.
    public func isListed(study: String) -> Bool {
        FileManager.default.fileExists(atPath: studyFolder(study).appendingPathComponent(".vigil-listed").path)
    }

    /// Studies in the spool not yet put on the worklist, with their series (to resume after a restart).
    public func unlistedStudies() -> [(study: String, series: [String])] {
        let fm = FileManager.default
        guard let studies = try? fm.contentsOfDirectory(atPath: root.path) else { return [] }
        return studies.sorted().filter { Self.isValidUID($0) && !isListed(study: $0) }.map { study in
            let series = ((try? fm.contentsOfDirectory(atPath: studyFolder(study).path)) ?? []).filter(Self.isValidUID).sorted()
            return (study, series)
        }
    }
}
