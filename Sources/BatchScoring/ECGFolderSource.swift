import ECGFormats
import Foundation

/// The ECG files under a folder, recursively, as batch items, enumerated lazily (a folder of any size
/// costs the memory of one path at a time).
///
/// Candidates: `.hea` (WFDB; its `.dat`/`.atr` files belong to it), `.csv`, `.tsv`, `.xml`, `.dcm`,
/// `.txt` (OpenSignals), and files without extension (DICOM files often have none) unless a `.hea` of
/// that name exists. Hidden files and everything else (`.dat`, `.atr`, `.json`, `.png`, …) are not
/// inputs; they are counted in ``ignoredCount()``.
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

    /// Whether the file at `url` is an input of this source.
    public static func isInput(_ url: URL) -> Bool {
        let name = url.lastPathComponent
        if name.hasPrefix(".") { return false }
        let ext = url.pathExtension.lowercased()
        if ext.isEmpty {
            return !FileManager.default.fileExists(atPath: url.appendingPathExtension("hea").path)
        }
        return inputExtensions.contains(ext)
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
