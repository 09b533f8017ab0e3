import BatchScoring
import ECGFormats
import Foundation

/// The ECG files under a folder, recursively, as batch items, enumerated lazily (a folder of any size
/// costs the memory of one path at a time).
///
/// Candidates: `.hea` (WFDB; its `.dat`/`.atr` files belong to it), `.csv`, `.tsv`, `.xml`, `.dcm`,
/// `.txt` (OpenSignals), and files without extension (DICOM files often have none) unless a `.hea` of
/// that name exists. A candidate whose content shows it is not an ECG record — a manifest, a labels or
/// beats table, a README, a list of record names (``ECGSideFile/recognize(_:)``) — is skipped with the
/// reason, like every file of another extension (`.dat`, `.atr`, `.json`, `.png`, …); ``skippedFiles(listing:)``
/// says which and why, ``ignoredCount()`` how many. Hidden files are not looked at.
public struct ECGFolderSource: Sendable {
    /// Extensions read as ECG inputs.
    public static let inputExtensions: Set<String> = ["hea", "csv", "tsv", "xml", "dcm", "dicom", "txt"]

    /// The folder.
    public let folder: URL
    /// How to read files.
    public let options: ECGReadOptions

    /// A source over `folder`.
    /// - Throws: ``BatchItemError/badSource(path:problem:)`` when it is not a readable folder.
    public init(folder: URL, options: ECGReadOptions = .init()) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw BatchItemError.badSource(path: folder.path, problem: "is not a folder")
        }
        self.folder = folder
        self.options = options
    }

    /// Whether the file at `url` is an input of this source: not hidden, and not recognised as a side
    /// file by its extension and content (``sideFile(_:)``).
    public static func isInput(_ url: URL) -> Bool {
        if url.lastPathComponent.hasPrefix(".") { return false }
        return sideFile(url) == nil
    }

    /// Why the file at `url` is not an input, or nil when it is one.
    public static func sideFile(_ url: URL) -> ECGSideFile? {
        ECGSideFile.recognize(url)
    }

    /// The items, lazily, in the file system's enumeration order.
    public func items() -> AnySequence<any BatchItem> {
        let folder = folder, options = options
        return AnySequence {
            let files = Self.regularFiles(under: folder)
            return AnyIterator {
                while let url = files.next() {
                    if Self.isInput(url) { return ECGFileItem(url: url, options: options) as any BatchItem }
                }
                return nil
            }
        }
    }

    /// How many items there are (one pass over the names, nothing kept).
    public func count() -> Int {
        var n = 0
        let files = Self.regularFiles(under: folder)
        while let url = files.next() { if Self.isInput(url) { n += 1 } }
        return n
    }

    /// How many regular files under the folder are not inputs (WFDB signal files included).
    public func ignoredCount() -> Int {
        var n = 0
        let files = Self.regularFiles(under: folder)
        while let url = files.next() { if !Self.isInput(url) { n += 1 } }
        return n
    }

    /// The files under the folder that are not inputs, lazily, each with why.
    public func sideFiles() -> AnySequence<ECGSideFile> {
        let folder = folder
        return AnySequence {
            let files = Self.regularFiles(under: folder)
            return AnyIterator {
                while let url = files.next() {
                    if let side = Self.sideFile(url) { return side }
                }
                return nil
            }
        }
    }

    /// What a scan skips: every side file counted, the first `limit` that are not WFDB record parts
    /// listed with their reason (one pass, at most `limit` kept).
    public func skippedFiles(listing limit: Int = BatchReport.listedErrors) -> SkippedFiles {
        survey(listing: limit).skipped
    }

    /// ``count()`` and ``skippedFiles(listing:)`` in one pass over the folder.
    public func survey(listing limit: Int = BatchReport.listedErrors) -> (inputs: Int, skipped: SkippedFiles) {
        var out = SkippedFiles(folder: folder)
        var inputs = 0
        let files = Self.regularFiles(under: folder)
        while let url = files.next() {
            if url.lastPathComponent.hasPrefix(".") { continue }
            guard let side = Self.sideFile(url) else { inputs += 1; continue }
            out.count += 1
            out.byKind[side.kind, default: 0] += 1
            if side.kind != .wfdbPart, out.listed.count < limit { out.listed.append(side) }
        }
        return (inputs, out)
    }

    /// The files a folder scan skipped, and why.
    public struct SkippedFiles: Sendable {
        /// The folder scanned (paths are shown relative to it).
        public let folder: URL
        /// Every skipped file.
        public var count = 0
        /// Skipped files per kind.
        public var byKind: [ECGSideFile.Kind: Int] = [:]
        /// The first skipped files that are not WFDB record parts.
        public var listed: [ECGSideFile] = []

        /// Creates an empty list for `folder`.
        public init(folder: URL) { self.folder = folder }

        /// Skipped files that are signal or annotation files of a WFDB record.
        public var wfdbParts: Int { byKind[.wfdbPart] ?? 0 }

        /// `path: reason` lines under a heading, or an empty string when nothing was skipped.
        public func render() -> String {
            guard count > 0 else { return "" }
            var lines = ["Skipped \(count) files that are not ECG records (not recorded):"]
            let root = folder.standardizedFileURL.path
            for side in listed {
                var path = side.url.standardizedFileURL.path
                if path.hasPrefix(root + "/") { path.removeFirst(root.count + 1) }
                lines.append("  \(path): \(side.reason)")
            }
            let others = count - wfdbParts - listed.count
            if others > 0 { lines.append("  … and \(others) more") }
            if wfdbParts > 0 { lines.append("  \(wfdbParts) signal and annotation files of WFDB records (read with their .hea headers)") }
            return lines.joined(separator: "\n")
        }
    }

    private static func regularFiles(under folder: URL) -> AnyIterator<URL> {
        let enumerator = FileManager.default.enumerator(
            at: folder, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        return AnyIterator {
            while let next = enumerator?.nextObject() as? URL {
                if (try? next.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { return next }
            }
            return nil
        }
    }
}
