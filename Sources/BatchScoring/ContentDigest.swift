import ContentHash
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

    private static func hex(_ url: URL) throws -> String {
        do {
            return try SHA256Digest.hex(ofFileAt: url)
        } catch {
            throw BatchItemError.unreadable(file: url.lastPathComponent, reason: String(describing: error))
        }
    }
}
