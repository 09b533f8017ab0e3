import BatchScoring
import DetectorInputs
import DetectorKit
import FindingsStore
import Foundation
import ImagingFormats

/// Puts CT studies on the worklist: registers each study (a folder of DICOM files, or PNG slices with
/// their sidecar) as an input identified by the digest of its files, and adds it to the worklist under
/// its DICOM Study Instance UID (or, when the study cannot be read now, its folder name; scoring will then
/// record why it could not be read).
public enum StudyImport {
    /// The regular, non-hidden files under `url` (itself when it is a file), sorted by path.
    public static func files(of url: URL) throws -> [URL] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw WorklistError.badStudy(path: url.path, problem: "no such file or folder")
        }
        guard isFolder.boolValue else { return [url] }
        var out: [URL] = []
        let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey],
                                                        options: [.skipsHiddenFiles])
        while let next = enumerator?.nextObject() as? URL {
            if (try? next.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { out.append(next) }
        }
        guard !out.isEmpty else { throw WorklistError.badStudy(path: url.path, problem: "holds no files") }
        return out.sorted { $0.path < $1.path }
    }

    /// The sub-folders of `folder` (one study each), sorted by name.
    public static func studyFolders(in folder: URL) throws -> [URL] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
        return names.map { folder.appendingPathComponent($0) }.filter {
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0.path, isDirectory: &isFolder) && isFolder.boolValue
        }
    }

    /// Registers the study at `url` and adds it to the worklist, arriving `arrivedAt`.
    /// - Returns: the worklist entry (the existing one when the study was added before).
    public static func add(_ url: URL, to store: any InputStore & WorklistStore, arrivedAt: Date = Date()) async throws -> WorklistEntry {
        let files = try files(of: url)
        let base = files.count == 1 && files[0] == url ? url.deletingLastPathComponent() : url
        let sha = try ContentDigest.of(files: files, relativeTo: base)
        let volumes = (try? CTStudy.read(paths: [url]))?.volumes
        let uid = volumes?.lazy.compactMap(\.metadata.studyInstanceUID).first
        let studyID = uid.flatMap { $0.isEmpty ? nil : $0 } ?? url.lastPathComponent
        // The UIDs and patient/study values a DICOM SR export copies (docs/export.md); none for an unreadable study.
        let source = try volumes.map { try VigilJSON.decode(JSONValue.self, from: VigilJSON.encode(StudySource.read(volumes: $0))) }
        let input = try await store.registerInput(NewInput(contentSHA256: sha, path: url.path, kind: .ctStudy, studyID: studyID,
                                                           sourceMetadata: source))
        return try await store.addToWorklist(NewWorklistEntry(studyID: input.studyID ?? studyID, input: input.id, arrivedAt: arrivedAt))
    }

    /// What ``add(all:to:)`` did with one study.
    public enum AddResult: Sendable {
        /// Put on the worklist now.
        case added(WorklistEntry)
        /// Already on the worklist (added earlier, or named twice): its first arrival is kept.
        case alreadyThere(WorklistEntry)
        /// Not added, and why.
        case failed(String)
    }

    /// Adds each study at `urls`, in order, saying for each whether it was added now, was already on
    /// the worklist, or could not be added (the others still are).
    /// - Returns: one result per URL, in order.
    /// - Throws: only store failures on reading the worklist.
    public static func add(all urls: [URL], to store: any InputStore & WorklistStore) async throws -> [(url: URL, result: AddResult)] {
        var known = Set(try await store.worklist().map(\.studyID))
        var out: [(url: URL, result: AddResult)] = []
        for url in urls {
            do {
                let entry = try await add(url, to: store)
                out.append((url, known.contains(entry.studyID) ? .alreadyThere(entry) : .added(entry)))
                known.insert(entry.studyID)
            } catch {
                out.append((url, .failed(String(describing: error))))
            }
        }
        return out
    }
}
