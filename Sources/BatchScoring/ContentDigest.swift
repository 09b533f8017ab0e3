import ContentHash
import ECGFormats
import Foundation

/// Content identities of inputs made of files.
///
/// One file: the SHA-256 of its bytes. Several files (a WFDB record's header, signal and annotation
/// files; a CT study's slices): the SHA-256 of the text listing each file's name (relative to the first
/// file's folder or the study folder) and its own SHA-256, one `name<TAB>sha256` line per file, sorted by
/// name. Moving or renaming the folder keeps the identity; changing any byte of any file changes it.
public enum ContentDigest {
    /// The digest of `files` named relative to `base`.
    /// - Throws: ``BatchItemError/unreadable(file:reason:)`` naming the file that cannot be read.
    public static func of(files: [URL], relativeTo base: URL) throws -> String {
        if files.count == 1 { return try hex(files[0]) }
        let basePath = base.standardizedFileURL.path
        var lines: [String] = []
        for file in files {
            let full = file.standardizedFileURL.path
            let name = full.hasPrefix(basePath + "/") ? String(full.dropFirst(basePath.count + 1)) : file.lastPathComponent
            lines.append("\(name)\t\(try hex(file))\n")
        }
        return SHA256Digest.hex(of: Data(lines.sorted().joined().utf8))
    }

    /// The files of the WFDB record whose header is `header`: the header, the signal files it names and
    /// `<record>.atr` when present. A header that does not parse counts alone (reading it will fail and
    /// be recorded with the reader's reason).
    public static func wfdbFiles(header: URL) -> [URL] {
        let folder = header.deletingLastPathComponent()
        var files = [header]
        guard let data = try? Data(contentsOf: header), let text = String(data: data, encoding: .utf8),
              let parsed = try? WFDBHeader.parse(text, file: header.lastPathComponent)
        else { return files }
        var seen = Set<String>()
        for signal in parsed.signals where seen.insert(signal.fileName).inserted && !signal.fileName.contains("/") {
            let url = folder.appendingPathComponent(signal.fileName)
            if FileManager.default.fileExists(atPath: url.path) { files.append(url) }
        }
        let atr = header.deletingPathExtension().appendingPathExtension("atr")
        if FileManager.default.fileExists(atPath: atr.path) { files.append(atr) }
        return files
    }

    private static func hex(_ url: URL) throws -> String {
        do {
            return try SHA256Digest.hex(ofFileAt: url)
        } catch {
            throw BatchItemError.unreadable(file: url.lastPathComponent, reason: String(describing: error))
        }
    }
}
