import DICOM
import Foundation

/// Most voxels one `ImageVolumeReader.read` call holds in memory: 2^29 (2 GiB of Float).
public let maxVoxelsPerRead = 1 << 29

/// Reads CT volumes from DICOM files, folders of them, and PNG slices with a JSON sidecar.
public enum ImageVolumeReader {
    /// Reads every volume found in `paths`; the first file or series that cannot be read fails the call.
    /// See `readAll(paths:)` for the grouping rules and for reading past an unbuildable series.
    /// - Throws: `DICOMError` or `ImagingError` naming the file or series and the defect.
    public static func read(paths: [URL]) throws -> [ImageVolume] {
        let result = try readAll(paths: paths)
        if let f = result.failures.first { throw f.error }
        return result.volumes
    }

    /// Reads every volume found in `paths`, keeping what can be read.
    ///
    /// - Files: DICOM Part 10 files (by content, whatever their name) and `.json` PNG sidecars
    ///   (`PNGSidecar`); a `.png` file is read through the sidecar `<name>.json` or `<name-without-.png>.json`;
    ///   NIfTI-1/2 images by name (`.nii`, `.nii.gz`, `.hdr` of a pair) through ``NIfTIReader``, one volume
    ///   per time point.
    /// - Folders: searched recursively; files that are neither DICOM nor a sidecar are skipped.
    /// DICOM images are grouped into series by Series Instance UID. Images without one (anonymisers blank
    /// it) are grouped as imaging tools do, by Frame of Reference UID + orientation + size + pixel spacing
    /// + Acquisition Number, ordered along the slice normal, and the volume carries a warning saying so.
    /// Volumes come in order of series key; a multi-frame file is a series of its own frames.
    /// - Returns: the volumes built and, in `failures`, each file or series that could not be read (a
    ///   file that is not readable DICOM, a series whose images disagree); the caller decides whether a
    ///   partial study is enough.
    /// - Throws: `ImagingError` only for a path that does not exist or a folder that cannot be listed.
    public static func readAll(paths: [URL]) throws -> ImageReadResult {
        var dicomFiles: [URL] = []
        var folderFiles = Set<URL>()  // found by searching a folder: non-image DICOM objects there are skipped
        var sidecars: [URL] = []
        var niftiFiles: [URL] = []
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
                    if NIfTIReader.isNIfTIPath(f) {
                        niftiFiles.append(f)
                    } else if f.pathExtension.lowercased() == "json" {
                        if isSidecar(f) { sidecars.append(f) }
                    } else if f.pathExtension.lowercased() != "png", looksLikeDICOM(f) {
                        dicomFiles.append(f)
                        folderFiles.insert(f)
                    }
                }
            } else if NIfTIReader.isNIfTIPath(url) {
                niftiFiles.append(url)
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
        var result = ImageReadResult()
        var seen = Set<String>()
        for s in sidecars where seen.insert(s.standardizedFileURL.path).inserted {
            do { result.volumes.append(try PNGVolume.read(sidecar: s)) } catch {
                result.failures.append(ImageReadFailure(source: s.path, error: error))
            }
        }
        for n in niftiFiles where seen.insert(n.standardizedFileURL.path).inserted {
            do { result.volumes.append(contentsOf: try NIfTIReader.read(n).volumes) } catch {
                result.failures.append(ImageReadFailure(source: n.path, error: error))
            }
        }
        let dicom = readDICOMAll(dicomFiles, skippingNonImages: folderFiles)
        result.volumes.append(contentsOf: dicom.volumes)
        result.failures.append(contentsOf: dicom.failures)
        return result
    }

    /// Reads DICOM CT files and assembles one volume per series (grouping as in `readAll(paths:)`).
    /// - Parameters:
    ///   - urls: DICOM files.
    ///   - skippingNonImages: files that are skipped (not refused) when they hold neither Rows nor Pixel Data
    ///     (reports, ECG waveforms and other non-image objects found while searching a folder).
    /// - Throws: the first file's or series' error.
    public static func readDICOM(_ urls: [URL], skippingNonImages: Set<URL> = []) throws -> [ImageVolume] {
        let r = readDICOMAll(urls, skippingNonImages: skippingNonImages)
        if let f = r.failures.first { throw f.error }
        return r.volumes
    }

    /// Like `readDICOM`, but keeps the volumes that can be built and lists the files and series that cannot.
    public static func readDICOMAll(_ urls: [URL], skippingNonImages: Set<URL> = []) -> ImageReadResult {
        var result = ImageReadResult()
        var bySeries: [String: [Plane]] = [:]
        var byGeometry: [String: [Plane]] = [:]
        var multiFrame: [(String, [Plane])] = []
        var totalVoxels = 0
        for url in urls {
            do {
                let file = try DICOMFile.read(url)
                if skippingNonImages.contains(url), !file.dataSet.contains(.pixelData), !file.dataSet.contains(.rows) { continue }
                let planes = try CTSlices.planes(file)
                totalVoxels += planes.reduce(0) { $0 + $1.hu.count }
                guard totalVoxels <= maxVoxelsPerRead else {
                    throw ImagingError(source: url.path, detail: "the images read so far hold more than \(maxVoxelsPerRead) voxels (the limit for one read)")
                }
                if planes.count > 1 { multiFrame.append((url.path, planes)) }
                else if let p = planes.first {
                    if let uid = p.seriesUID { bySeries[uid, default: []].append(p) }
                    else { byGeometry[geometryKey(p), default: []].append(p) }
                }
            } catch {
                result.failures.append(ImageReadFailure(source: url.path, error: error))
                if totalVoxels > maxVoxelsPerRead { break }
            }
        }
        func build(_ planes: [Plane], name: String, extraWarning: String? = nil) {
            do {
                var v = try SeriesAssembly.assemble(planes, name: name)
                if let extraWarning { v = v.addingWarning(extraWarning) }
                result.volumes.append(v)
            } catch { result.failures.append(ImageReadFailure(source: name, error: error)) }
        }
        for key in bySeries.keys.sorted() { build(bySeries[key]!, name: "series \(key)") }
        for key in byGeometry.keys.sorted() {
            let planes = byGeometry[key]!
            let first = planes[0]
            let name = planes.count == 1 ? "(no Series Instance UID) \(first.source)"
                : "(no Series Instance UID) \(planes.count) images from \(first.source)"
            let warning = planes.count == 1
                ? "no Series Instance UID: a series of its own"
                : "no Series Instance UID: \(planes.count) images grouped by Frame of Reference\(first.frameOfReferenceUID == nil ? " (absent)" : ""), orientation, size, pixel spacing and acquisition number, ordered along the slice normal"
            build(planes, name: name, extraWarning: warning)
        }
        for (name, planes) in multiFrame { build(planes, name: name) }
        return result
    }

    /// The grouping key of a plane without a Series Instance UID. Orientation and spacing are rounded
    /// (1e-4 and 1e-3 mm) so that values written with different precision agree.
    static func geometryKey(_ p: Plane) -> String {
        let ori = p.orientation.map { String(format: "%.4f", $0 == 0 ? 0 : $0) }.joined(separator: ",")
        let sp = p.pixelSpacing.map { String(format: "%.3f", $0) }.joined(separator: ",")
        let acq = p.acquisitionNumber.map(String.init) ?? "-"
        return "FoR=\(p.frameOfReferenceUID ?? "-")|ori=\(ori)|size=\(p.rows)x\(p.columns)|spacing=\(sp)|acq=\(acq)"
    }

    /// Decodes every image plane of one parsed DICOM file as a volume read would (pixels, rescale,
    /// geometry) and returns how many planes (frames) it holds; used to check an instance on arrival.
    /// - Throws: `DICOMError` or `ImagingError` naming the file and the defect.
    public static func decodePlanes(_ file: DICOMFile) throws -> Int {
        try CTSlices.planes(file).count
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

/// A file or series that could not be read, with its error (a `DICOMError` or `ImagingError`).
public struct ImageReadFailure: Sendable, CustomStringConvertible {
    /// The file path or series name.
    public let source: String
    /// The error, naming the file or series and the defect.
    public let error: any Error & Sendable
    /// The error's message.
    public var description: String { "\(error)" }

    /// Keeps `error` as it is when it is a `DICOMError` or `ImagingError`, else wraps its text.
    public init(source: String, error: any Error) {
        self.source = source
        if let e = error as? DICOMError { self.error = e }
        else if let e = error as? ImagingError { self.error = e }
        else { self.error = ImagingError(source: source, detail: "\(error)") }
    }
}

/// What `ImageVolumeReader.readAll` found: the volumes built and what could not be read.
public struct ImageReadResult: Sendable {
    /// Volumes built, one per series / sidecar / multi-frame file.
    public var volumes: [ImageVolume] = []
    /// Files and series that could not be read.
    public var failures: [ImageReadFailure] = []
    /// An empty result.
    public init() {}
}
