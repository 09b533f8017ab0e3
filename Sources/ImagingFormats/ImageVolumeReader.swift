import DICOM
import Foundation

/// Most voxels one `ImageVolumeReader.read` call holds in memory: 2^29 (2 GiB of Float).
public let maxVoxelsPerRead = 1 << 29

/// Reads CT volumes from DICOM files, folders of them, and PNG slices with a JSON sidecar.
public enum ImageVolumeReader {
    /// Reads every volume found in `paths`.
    ///
    /// - Files: DICOM Part 10 files (by content, whatever their name) and `.json` PNG sidecars
    ///   (`PNGSidecar`); a `.png` file is read through the sidecar `<name>.json` or `<name-without-.png>.json`.
    /// - Folders: searched recursively; files that are neither DICOM nor a sidecar are skipped.
    /// DICOM images are grouped into series by Series Instance UID; each series becomes one volume,
    /// ordered by Series Instance UID. A multi-frame file is a series of its own frames.
    /// - Parameter paths: files or folders.
    /// - Returns: one `ImageVolume` per series / sidecar.
    /// - Throws: `DICOMError` or `ImagingError` naming the file or series and the defect (a series that cannot be
    ///   built fails the whole call: the caller abstains rather than scoring part of a study).
    public static func read(paths: [URL]) throws -> [ImageVolume] {
        var dicomFiles: [URL] = []
        var folderFiles = Set<URL>()  // found by searching a folder: non-image DICOM objects there are skipped
        var sidecars: [URL] = []
        for url in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
                throw ImagingError(source: url.path, detail: "no such file or folder")
            }
            if isDir.boolValue {
                guard let en = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey]) else {
                    throw ImagingError(source: url.path, detail: "cannot list folder")
                }
                var found: [URL] = []
                for case let f as URL in en {
                    if (try? f.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { found.append(f) }
                }
                for f in found.sorted(by: { $0.path < $1.path }) {
                    if f.pathExtension.lowercased() == "json" {
                        if isSidecar(f) { sidecars.append(f) }
                    } else if f.pathExtension.lowercased() != "png", looksLikeDICOM(f) {
                        dicomFiles.append(f)
                        folderFiles.insert(f)
                    }
                }
            } else if url.pathExtension.lowercased() == "json" {
                sidecars.append(url)
            } else if url.pathExtension.lowercased() == "png" {
                let a = url.appendingPathExtension("json"), b = url.deletingPathExtension().appendingPathExtension("json")
                if FileManager.default.fileExists(atPath: a.path) { sidecars.append(a) }
                else if FileManager.default.fileExists(atPath: b.path) { sidecars.append(b) }
                else { throw ImagingError(source: url.path, detail: "PNG without a JSON sidecar (\(a.lastPathComponent) or \(b.lastPathComponent)) giving spacing, orientation and HU mapping") }
            } else {
                dicomFiles.append(url)
            }
        }
        var volumes: [ImageVolume] = []
        var seen = Set<String>()
        for s in sidecars where seen.insert(s.standardizedFileURL.path).inserted {
            volumes.append(try PNGVolume.read(sidecar: s))
        }
        volumes.append(contentsOf: try readDICOM(dicomFiles, skippingNonImages: folderFiles))
        return volumes
    }

    /// Reads DICOM CT files and assembles one volume per series.
    /// - Parameters:
    ///   - urls: DICOM files.
    ///   - skippingNonImages: files that are skipped (not refused) when they hold neither Rows nor Pixel Data
    ///     (reports, ECG waveforms and other non-image objects found while searching a folder).
    public static func readDICOM(_ urls: [URL], skippingNonImages: Set<URL> = []) throws -> [ImageVolume] {
        var bySeries: [String: [Plane]] = [:]
        var multiFrame: [(String, [Plane])] = []
        var totalVoxels = 0
        for url in urls {
            let file = try DICOMFile.read(url)
            if skippingNonImages.contains(url), !file.dataSet.contains(.pixelData), !file.dataSet.contains(.rows) { continue }
            let planes = try CTSlices.planes(file)
            totalVoxels += planes.reduce(0) { $0 + $1.hu.count }
            guard totalVoxels <= maxVoxelsPerRead else {
                throw ImagingError(source: url.path, detail: "the images read so far hold more than \(maxVoxelsPerRead) voxels (the limit for one read)")
            }
            let key = planes.first?.seriesUID ?? "(no Series Instance UID) \(url.path)"
            if planes.count > 1 { multiFrame.append((url.path, planes)) } else { bySeries[key, default: []].append(contentsOf: planes) }
        }
        var out: [ImageVolume] = []
        for key in bySeries.keys.sorted() {
            out.append(try SeriesAssembly.assemble(bySeries[key]!, name: "series \(key)"))
        }
        for (name, planes) in multiFrame { out.append(try SeriesAssembly.assemble(planes, name: name)) }
        return out
    }

    static func looksLikeDICOM(_ url: URL) -> Bool {
        guard let h = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? h.close() }
        let d = (try? h.read(upToCount: 132)) ?? Data()
        return DICOMFile.looksLikeDICOM([UInt8](d)[...])
    }

    static func isSidecar(_ url: URL) -> Bool {
        guard let d = try? Data(contentsOf: url), d.count < 1 << 20, let s = String(data: d, encoding: .utf8) else { return false }
        return s.contains("vigil-ct-png/1")
    }
}
