import Foundation

/// Which of a NIfTI header's transforms placed the voxels in patient space.
public enum NIfTIAffineSource: String, Codable, Sendable {
    /// `srow_x/y/z` (used when `sform_code` ≠ 0).
    case sform
    /// The quaternion, `qoffset` and `pixdim` (used when `sform_code` is 0 and `qform_code` ≠ 0).
    case qform
    /// Neither is set: voxel sizes only, centred on the image, x flipped (ANALYZE 7.5 convention).
    case pixdim
}

/// A NIfTI file as read: its header, the voxel-to-patient transform chosen, and one volume per time point.
public struct NIfTIImage: Sendable {
    /// The decoded header.
    public let header: NIfTIHeader
    /// The 4×4 voxel (i, j, k) → world (x, y, z) affine in NIfTI's RAS+ convention, mm, row-major.
    /// Equal to nibabel's `img.affine` (`get_best_affine`): the sform when `sform_code` ≠ 0, else the
    /// qform when `qform_code` ≠ 0, else the pixdim fallback.
    public let affineRAS: [[Double]]
    /// Which transform `affineRAS` comes from.
    public let affineSource: NIfTIAffineSource
    /// The spatial sizes (i, j, k) and the number of time points (product of dim[4…]).
    public let shape: (i: Int, j: Int, k: Int, t: Int)
    /// True when the k (slice) axis was reversed so that slices ascend along rowDirection × columnDirection.
    public let sliceAxisReversed: Bool
    /// One volume per time point, in HU (stored × scl_slope + scl_inter); slice s, row r, column c of a
    /// volume is voxel (i = c, j = r, k = s), or k = K − 1 − s when `sliceAxisReversed`.
    public let volumes: [ImageVolume]
}

/// Reads NIfTI-1 and NIfTI-2 images (`.nii`, `.nii.gz`, and `.hdr` + `.img` pairs) into CT volumes.
///
/// Reading follows nibabel (5.x) where the format leaves a choice, so that Vigil and the Python tools of
/// CT research (MONAI, TotalSegmentator, the Medical Segmentation Decathlon) see the same voxels at the same
/// places:
/// - Orientation: the sform when `sform_code` ≠ 0, else the qform when `qform_code` ≠ 0, else voxel sizes
///   only (nibabel's `get_best_affine`). NIfTI world space is RAS+; it is turned into DICOM's LPS patient
///   space (x and y negated) for ``ImageVolume``. A qform whose quaternion is not unit-length is normalised as
///   the NIfTI reference library (niftilib) does, with a warning (nibabel refuses it).
/// - Values: stored × `scl_slope` + `scl_inter` when the slope is finite and non-zero, else the stored value.
/// - Fixes nibabel makes on load, made here with a warning: `pixdim[0]` (qfac) not ±1 → 1; zero voxel sizes
///   → 1, negative → absolute value; transform codes outside 0…5 → 0; `vox_offset` below the header size →
///   the header size; `bitpix` disagreeing with `datatype` → the datatype's.
/// - Spatial units: `xyzt_units` metres or micrometres are converted to mm; unknown units are taken as mm
///   with a warning (nibabel does not convert; no CT tool writes metres in practice).
/// - NIfTI records no modality. A volume whose values look like Hounsfield units (air at ≤ −900 and most
///   voxels within −1100…3100) is labelled CT with a warning saying so; otherwise the modality stays
///   unknown and a CT detector abstains.
///
/// Refused, with the file and the defect named: a header that is not NIfTI, truncated voxel data, sizes
/// beyond `maxVoxels`, a corrupt gzip stream, complex/RGB data types, an unusable transform.
public enum NIfTIReader {
    /// Whether `url` names a NIfTI file by its extension (`.nii`, `.nii.gz`, `.hdr`, `.hdr.gz`).
    public static func isNIfTIPath(_ url: URL) -> Bool {
        let name = url.lastPathComponent.lowercased()
        return name.hasSuffix(".nii") || name.hasSuffix(".nii.gz") || name.hasSuffix(".hdr") || name.hasSuffix(".hdr.gz")
    }

    /// Most compressed or uncompressed bytes read from one file: 8 GiB.
    public static let maxFileBytes = 8 << 30

    /// Reads the NIfTI image at `url`.
    /// - Parameter maxVoxels: most voxels (all time points) the header may declare.
    /// - Throws: `ImagingError` naming the file and the defect.
    public static func read(_ url: URL, maxVoxels: Int = maxVoxelsPerRead) throws -> NIfTIImage {
        let bytes = try load(url)
        return try decode(bytes, name: url.path, maxVoxels: maxVoxels, pairedData: { try pairedImage(for: url) })
    }

    /// Decodes a NIfTI image held in memory (`.nii` or `.nii.gz` bytes).
    /// - Parameters:
    ///   - bytes: the file's bytes, gzip-compressed or not.
    ///   - name: the name used in messages and slice sources.
    ///   - maxVoxels: most voxels the header may declare.
    ///   - pairedData: the `.img` file's bytes for a header of a `.hdr`/`.img` pair (magic "ni1"/"ni2").
    /// - Throws: `ImagingError` naming `name` and the defect.
    public static func decode(_ bytes: [UInt8], name: String, maxVoxels: Int = maxVoxelsPerRead,
                              pairedData: (() throws -> [UInt8])? = nil) throws -> NIfTIImage {
        func fail(_ d: String) -> ImagingError { ImagingError(source: name, detail: d) }
        var warnings: [String] = []
        let compressed = Gunzip.isGzip(bytes)
        // The header: the first 540 bytes are enough for either version.
        let headBytes: [UInt8]
        if compressed {
            do { headBytes = try Gunzip.inflate(bytes, limit: 540).bytes } catch let e as Gunzip.Failure {
                throw fail("gzip: \(e.detail) (in the NIfTI header)")
            }
        } else {
            headBytes = Array(bytes.prefix(540))
        }
        let header: NIfTIHeader
        do { header = try NIfTIHeader.parse(headBytes) } catch let e as NIfTIHeader.Failure { throw fail(e.detail) }
        let v = header.version.rawValue

        // Magic: single file (n+1/n+2) or header of a pair (ni1/ni2).
        let single = "n+\(v)", pair = "ni\(v)"
        var isPair = false
        if header.magic == pair { isPair = true }
        else if header.magic != single {
            warnings.append("NIfTI-\(v) magic is '\(header.magic)', not '\(single)': read as a single file")
        }

        // Dimensions.
        let ndim = header.dim[0]
        guard (1...7).contains(ndim) else {
            throw fail("dim[0] is \(ndim): the number of dimensions must be 1–7 (byte order or header corrupt)")
        }
        for d in 1...ndim where header.dim[d] < 1 {
            throw fail("dim[\(d)] is \(header.dim[d]): every used dimension must be ≥ 1 (the image would hold no voxels)")
        }
        let ni = header.dim[1], nj = ndim >= 2 ? header.dim[2] : 1, nk = ndim >= 3 ? header.dim[3] : 1
        var nt = 1
        var nvox = 1
        for d in 1...ndim {
            let (p, o) = nvox.multipliedReportingOverflow(by: header.dim[d])
            guard !o, p <= maxVoxels else {
                throw fail("the header declares \(header.dim[1...ndim].map(String.init).joined(separator: "×")) voxels, more than the limit of \(maxVoxels) for one read")
            }
            nvox = p
            if d >= 4 { nt *= header.dim[d] }
        }
        if nt > 1 { warnings.append("\(ndim)-D image: \(nt) volumes of \(ni)×\(nj)×\(nk), read as \(nt) series") }

        // Data type.
        guard let type = VoxelType(code: header.datatype) else {
            throw fail("datatype \(header.datatype) (\(VoxelType.name(header.datatype))) is not supported: a CT volume must be integer or real scalar voxels")
        }
        if header.bitpix != type.bytes * 8 {
            warnings.append("bitpix is \(header.bitpix), datatype \(header.datatype) has \(type.bytes * 8) bits: the datatype's size was used")
        }
        let dataBytes = nvox * type.bytes   // ≤ 2^29 × 8: no overflow

        // Voxel offset.
        guard header.voxOffset.isFinite, header.voxOffset >= 0, header.voxOffset <= Double(maxFileBytes) else {
            throw fail("vox_offset \(header.voxOffset) is not a byte offset")
        }
        var offset = Int(header.voxOffset)
        if Double(offset) != header.voxOffset {
            warnings.append("vox_offset \(header.voxOffset) is not a whole number: \(offset) used")
        }
        let minimum = header.headerSize + 4
        if !isPair && offset < minimum {
            warnings.append("vox_offset \(offset) lies inside the header (at least \(minimum) for a single NIfTI-\(v) file): \(minimum) used")
            offset = minimum
        }

        // Scaling.
        var slope = 1.0, inter = 0.0
        if header.sclSlope != 0 && header.sclSlope.isFinite {
            guard header.sclInter.isFinite else {
                throw fail("scl_slope is \(header.sclSlope) but scl_inter is \(header.sclInter): values cannot be scaled")
            }
            slope = header.sclSlope
            inter = header.sclInter
        } else if header.sclSlope != 0 {
            warnings.append("scl_slope is \(header.sclSlope): stored values used unscaled")
        }

        // Voxel data: from this file (after vox_offset) or from the pair's .img file.
        let need = offset + dataBytes
        let data: [UInt8]
        let dataStart: Int
        if isPair {
            guard let pairedData else { throw fail("a NIfTI-\(v) pair header (magic '\(pair)'): the voxels are in the .img file, which was not given") }
            let img = try pairedData()
            data = Gunzip.isGzip(img) ? try inflate(img, limit: need + 1, name: name + " (.img)") : img
            dataStart = offset
        } else if compressed {
            data = try inflate(bytes, limit: need + 1, name: name)
            dataStart = offset
        } else {
            data = bytes
            dataStart = offset
        }
        guard data.count >= need else {
            throw fail("truncated: the header declares \(dataBytes) bytes of voxel data (\(header.dim[1...ndim].map(String.init).joined(separator: "×")) × \(type.bytes) bytes) from offset \(offset), the \(compressed ? "decompressed " : "")file holds \(max(0, data.count - offset))")
        }
        if data.count > need {
            warnings.append(compressed ? "data continue past the declared voxels: extra bytes ignored"
                : "\(data.count - need) bytes after the declared voxels ignored")
        }

        // Transform.
        let fixed = fixPixdim(header, &warnings)
        let (affine, source) = try chooseAffine(header, pixdim: fixed, warnings: &warnings, fail: fail)
        let unitScale = spatialUnitScale(header.xyztUnits, &warnings)
        let geometry = try Geometry(affineRAS: affine, unitScale: unitScale, nk: nk, warnings: &warnings, fail: fail)

        // Voxels → Float HU, one volume per time point.
        let perVolume = ni * nj * nk
        var volumes: [ImageVolume] = []
        volumes.reserveCapacity(nt)
        let little = header.littleEndian
        for t in 0..<nt {
            var voxels = [Float](repeating: 0, count: perVolume)
            let base = dataStart + t * perVolume * type.bytes
            data.withUnsafeBytes { raw in
                voxels.withUnsafeMutableBufferPointer { out in
                    let plane = ni * nj
                    for k in 0..<nk {
                        let s = geometry.reversed ? nk - 1 - k : k
                        let src = base + k * plane * type.bytes
                        type.convert(raw, from: src, count: plane, little: little, slope: slope, inter: inter,
                                     into: out, at: s * plane)
                    }
                }
            }
            var volumeWarnings = warnings
            let nonFinite = voxels.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
            if nonFinite > 0 { volumeWarnings.append("\(nonFinite) voxels are not finite numbers (NaN or infinity)") }
            var meta = SeriesMetadata()
            if let why = huEvidence(voxels) {
                meta.modality = "CT"
                volumeWarnings.append("NIfTI records no modality: taken as CT because the values look like Hounsfield units (\(why))")
            } else {
                volumeWarnings.append("NIfTI records no modality and the values do not look like CT Hounsfield units: modality unknown")
            }
            if header.intentCode == 1002 { volumeWarnings.append("intent_code 1002 (label): the file is a label map, not an image") }
            let suffix = nt > 1 ? "#t\(t)" : ""
            let sources = (0..<nk).map { s in "\(name)\(suffix)#slice\(geometry.reversed ? nk - 1 - s : s)" }
            volumes.append(ImageVolume(
                slices: nk, rows: nj, columns: ni, voxels: voxels, rowSpacingMM: geometry.rowSpacing,
                columnSpacingMM: geometry.columnSpacing, sliceSpacingMM: geometry.sliceSpacing,
                rowDirection: geometry.rowDirection, columnDirection: geometry.columnDirection, originMM: geometry.origin,
                slicePositionsMM: (0..<nk).map { geometry.firstPosition + Double($0) * (geometry.sliceSpacing ?? 0) },
                sliceSources: sources, metadata: meta, warnings: volumeWarnings))
        }
        return NIfTIImage(header: header, affineRAS: affine, affineSource: source, shape: (ni, nj, nk, nt),
                          sliceAxisReversed: geometry.reversed, volumes: volumes)
    }

    // MARK: - Pieces

    static func load(_ url: URL) throws -> [UInt8] {
        func fail(_ d: String) -> ImagingError { ImagingError(source: url.path, detail: d) }
        let attrs = try? FileManager.default.attributesOfItem(atPath: url.path)
        if let size = attrs?[.size] as? Int, size > maxFileBytes {
            throw fail("file is \(size) bytes, more than the \(maxFileBytes) a NIfTI read accepts")
        }
        do { return [UInt8](try Data(contentsOf: url)) } catch {
            throw fail("cannot read file: \(error.localizedDescription)")
        }
    }

    /// The `.img` (or `.img.gz`) file beside a `.hdr` header.
    static func pairedImage(for url: URL) throws -> [UInt8] {
        let name = url.lastPathComponent
        let lower = name.lowercased()
        var candidates: [URL] = []
        if lower.hasSuffix(".hdr.gz") {
            let stem = String(name.dropLast(7))
            candidates = [stem + ".img.gz", stem + ".img"].map { url.deletingLastPathComponent().appendingPathComponent($0) }
        } else if lower.hasSuffix(".hdr") {
            let stem = String(name.dropLast(4))
            candidates = [stem + ".img", stem + ".img.gz", stem + ".IMG"].map { url.deletingLastPathComponent().appendingPathComponent($0) }
        }
        guard let img = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw ImagingError(source: url.path, detail: "NIfTI pair header without its .img file (\(candidates.map(\.lastPathComponent).joined(separator: " or ")))")
        }
        return try load(img)
    }

    static func inflate(_ bytes: [UInt8], limit: Int, name: String) throws -> [UInt8] {
        do { return try Gunzip.inflate(bytes, limit: limit).bytes } catch let e as Gunzip.Failure {
            throw ImagingError(source: name, detail: "gzip: \(e.detail)")
        }
    }

    /// pixdim[1…3] as nibabel fixes them on load (0 → 1, negative → absolute value), with warnings.
    static func fixPixdim(_ h: NIfTIHeader, _ warnings: inout [String]) -> [Double] {
        var p = h.pixdim
        for d in 1...3 {
            if p[d] == 0 || !p[d].isFinite {
                warnings.append("pixdim[\(d)] is \(p[d]): 1 used")
                p[d] = 1
            } else if p[d] < 0 {
                warnings.append("pixdim[\(d)] is negative (\(p[d])): its absolute value used")
                p[d] = -p[d]
            }
        }
        return p
    }

    static func chooseAffine(_ h: NIfTIHeader, pixdim: [Double], warnings: inout [String],
                             fail: (String) -> ImagingError) throws -> ([[Double]], NIfTIAffineSource) {
        var sformCode = h.sformCode, qformCode = h.qformCode
        if !(0...5).contains(sformCode) { warnings.append("sform_code \(sformCode) is not valid: 0 used"); sformCode = 0 }
        if !(0...5).contains(qformCode) { warnings.append("qform_code \(qformCode) is not valid: 0 used"); qformCode = 0 }
        if sformCode != 0 {
            let m = h.srow + [[0, 0, 0, 1]]
            if usable(m) { return (m, .sform) }
            warnings.append("the sform (sform_code \(sformCode)) is singular or not finite: \(qformCode != 0 ? "the qform" : "voxel sizes only") used")
        }
        if qformCode != 0 {
            let m = qformAffine(h, pixdim: pixdim, warnings: &warnings)
            if usable(m) { return (m, .qform) }
            warnings.append("the qform (qform_code \(qformCode)) is not finite: voxel sizes only used")
        }
        if sformCode == 0 && qformCode == 0 {
            warnings.append("neither sform nor qform is set (both codes 0): orientation unknown, voxel sizes only (x flipped, centred) as nibabel does")
        }
        let ndim = h.dim[0]
        var shape = [1.0, 1.0, 1.0], zoom = [1.0, 1.0, 1.0]
        for d in 0..<min(3, ndim) {
            shape[d] = Double(h.dim[d + 1])
            zoom[d] = pixdim[d + 1]
        }
        zoom[0] = -zoom[0]
        var m = [[Double]](repeating: [0, 0, 0, 0], count: 4)
        for d in 0..<3 {
            m[d][d] = zoom[d]
            m[d][3] = -(shape[d] - 1) / 2 * zoom[d]
        }
        m[3][3] = 1
        guard usable(m) else { throw fail("no usable voxel-to-patient transform (sform, qform and pixdim all unusable)") }
        return (m, .pixdim)
    }

    /// The qform affine as nibabel's `get_qform` computes it (quaternion b, c, d with a ≥ 0).
    static func qformAffine(_ h: NIfTIHeader, pixdim: [Double], warnings: inout [String]) -> [[Double]] {
        var (b, c, d) = (h.quaternion[0], h.quaternion[1], h.quaternion[2])
        let threshold = h.version == .nifti1 ? 3 * Double(Float.ulpOfOne) : 3 * Double.ulpOfOne
        let w2 = 1 - (b * b + c * c + d * d)
        var a: Double
        if abs(w2) < threshold {
            a = 0
        } else if w2 < 0 {
            let n = (b * b + c * c + d * d).squareRoot()
            warnings.append("qform quaternion (b, c, d) has length \(n) > 1: normalised (180° rotation), as niftilib does")
            (b, c, d) = (b / n, c / n, d / n)
            a = 0
        } else {
            a = w2.squareRoot()
        }
        var qfac = h.pixdim[0]
        if qfac != 1 && qfac != -1 {
            warnings.append("pixdim[0] (qfac) is \(qfac), not 1 or -1: 1 used")
            qfac = 1
        }
        let nq = a * a + b * b + c * c + d * d
        var r: [[Double]] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
        if nq >= Double.ulpOfOne {
            let s = 2 / nq
            let (x, y, z) = (b * s, c * s, d * s)
            let (wx, wy, wz) = (a * x, a * y, a * z)
            let (xx, xy, xz) = (b * x, b * y, b * z)
            let (yy, yz, zz) = (c * y, c * z, d * z)
            r = [[1 - (yy + zz), xy - wz, xz + wy],
                 [xy + wz, 1 - (xx + zz), yz - wx],
                 [xz - wy, yz + wx, 1 - (xx + yy)]]
        }
        let scale = [pixdim[1], pixdim[2], pixdim[3] * qfac]
        var m = [[Double]](repeating: [0, 0, 0, 0], count: 4)
        for row in 0..<3 {
            for col in 0..<3 { m[row][col] = r[row][col] * scale[col] }
            m[row][3] = h.qoffset[row]
        }
        m[3][3] = 1
        return m
    }

    static func usable(_ m: [[Double]]) -> Bool {
        guard m.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { return false }
        let a = (0..<3).map { r in (0..<3).map { m[r][$0] } }
        let det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
            + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0])
        return abs(det) > 1e-12
    }

    /// mm per unit of `xyzt_units`' spatial part.
    static func spatialUnitScale(_ units: Int, _ warnings: inout [String]) -> Double {
        switch units & 0x07 {
        case 2: return 1
        case 1: warnings.append("spatial units are metres (xyzt_units): converted to mm"); return 1000
        case 3: warnings.append("spatial units are micrometres (xyzt_units): converted to mm"); return 0.001
        case 0: warnings.append("spatial units not recorded (xyzt_units 0): mm assumed"); return 1
        default: warnings.append("spatial unit code \(units & 0x07) is not a length unit: mm assumed"); return 1
        }
    }

    /// Why the voxels look like Hounsfield units, or nil when they do not.
    static func huEvidence(_ voxels: [Float]) -> String? {
        guard !voxels.isEmpty else { return nil }
        var air = 0, inRange = 0, finite = 0
        for v in voxels where v.isFinite {
            finite += 1
            if v <= -900 { air += 1 }
            if v >= -1100 && v <= 3100 { inRange += 1 }
        }
        guard finite > 0, air > 0, Double(inRange) >= 0.5 * Double(finite) else { return nil }
        let pct = (1000 * Double(inRange) / Double(finite)).rounded() / 10
        return "air at ≤ −900 present, \(pct)% of voxels within −1100…3100"
    }

    /// The ImageVolume grid of a NIfTI affine: RAS+ → LPS, axes and spacings, slice order.
    struct Geometry {
        var rowDirection: [Double], columnDirection: [Double]
        var rowSpacing: Double, columnSpacing: Double, sliceSpacing: Double?
        var origin: [Double]
        var firstPosition: Double
        var reversed: Bool

        init(affineRAS m: [[Double]], unitScale: Double, nk: Int, warnings: inout [String], fail: (String) -> ImagingError) throws {
            func lps(_ v: [Double]) -> [Double] { [-v[0] * unitScale, -v[1] * unitScale, v[2] * unitScale] }
            let ci = lps([m[0][0], m[1][0], m[2][0]]), cj = lps([m[0][1], m[1][1], m[2][1]]), ck = lps([m[0][2], m[1][2], m[2][2]])
            let offset = lps([m[0][3], m[1][3], m[2][3]])
            let li = dot(ci, ci).squareRoot(), lj = dot(cj, cj).squareRoot(), lk = dot(ck, ck).squareRoot()
            guard li > 0, lj > 0, lk > 0 else { throw fail("the voxel-to-patient transform has a zero-length axis") }
            let row = ci.map { $0 / li }
            var col = cj.map { $0 / lj }
            let cosine = dot(row, col)
            if abs(cosine) > 1e-4 {
                warnings.append("the transform's i and j axes are not perpendicular (\((acos(max(-1, min(1, cosine))) * 180 / .pi * 100).rounded() / 100)°): the column direction was made perpendicular, the grid is approximate")
                col = (0..<3).map { col[$0] - cosine * row[$0] }
                let n = dot(col, col).squareRoot()
                guard n > 1e-6 else { throw fail("the transform's i and j axes are parallel") }
                col = col.map { $0 / n }
            }
            let normal = cross(row, col)
            let along = dot(ck, normal)
            guard abs(along) > 1e-6 * lk else { throw fail("the transform's k axis lies in the slice plane") }
            reversed = along < 0
            let step = reversed ? ck.map { -$0 } : ck
            let off = (0..<3).map { step[$0] - abs(along) * normal[$0] }
            if nk > 1, dot(off, off).squareRoot() > 1e-3 * lk + 1e-6 {
                warnings.append("slices are not stacked along the slice normal (in-plane shift \((dot(off, off).squareRoot() * 1000).rounded() / 1000) mm per slice, a sheared or tilted grid): the volume grid is approximate")
            }
            origin = reversed ? (0..<3).map { offset[$0] + Double(nk - 1) * ck[$0] } : offset
            rowDirection = row
            columnDirection = col
            columnSpacing = li
            rowSpacing = lj
            sliceSpacing = abs(along)
            firstPosition = dot(origin, normal)
        }
    }

    /// The NIfTI scalar voxel types a CT volume can have.
    enum VoxelType {
        case uint8, int8, int16, uint16, int32, uint32, int64, uint64, float32, float64

        init?(code: Int) {
            switch code {
            case 2: self = .uint8
            case 4: self = .int16
            case 8: self = .int32
            case 16: self = .float32
            case 64: self = .float64
            case 256: self = .int8
            case 512: self = .uint16
            case 768: self = .uint32
            case 1024: self = .int64
            case 1280: self = .uint64
            default: return nil
            }
        }

        static func name(_ code: Int) -> String {
            switch code {
            case 0: return "unknown"
            case 1: return "binary"
            case 32: return "complex64"
            case 128: return "RGB24"
            case 1536: return "float128"
            case 1792: return "complex128"
            case 2048: return "complex256"
            case 2304: return "RGBA32"
            default: return "not a NIfTI datatype"
            }
        }

        var bytes: Int {
            switch self {
            case .uint8, .int8: return 1
            case .int16, .uint16: return 2
            case .int32, .uint32, .float32: return 4
            case .int64, .uint64, .float64: return 8
            }
        }

        /// Converts `count` voxels at byte `from` of `raw` to `out[at...]` as Float(stored × slope + inter).
        func convert(_ raw: UnsafeRawBufferPointer, from: Int, count: Int, little: Bool, slope: Double, inter: Double,
                     into out: UnsafeMutableBufferPointer<Float>, at: Int) {
            let scaled = !(slope == 1 && inter == 0)
            @inline(__always) func put(_ i: Int, _ v: Double) {
                out[at + i] = Float(scaled ? v * slope + inter : v)
            }
            switch self {
            case .uint8: for i in 0..<count { put(i, Double(raw[from + i])) }
            case .int8: for i in 0..<count { put(i, Double(Int8(bitPattern: raw[from + i]))) }
            case .int16:
                for i in 0..<count {
                    let u = raw.loadUnaligned(fromByteOffset: from + 2 * i, as: UInt16.self)
                    put(i, Double(Int16(bitPattern: little ? UInt16(littleEndian: u) : UInt16(bigEndian: u))))
                }
            case .uint16:
                for i in 0..<count {
                    let u = raw.loadUnaligned(fromByteOffset: from + 2 * i, as: UInt16.self)
                    put(i, Double(little ? UInt16(littleEndian: u) : UInt16(bigEndian: u)))
                }
            case .int32:
                for i in 0..<count {
                    let u = raw.loadUnaligned(fromByteOffset: from + 4 * i, as: UInt32.self)
                    put(i, Double(Int32(bitPattern: little ? UInt32(littleEndian: u) : UInt32(bigEndian: u))))
                }
            case .uint32:
                for i in 0..<count {
                    let u = raw.loadUnaligned(fromByteOffset: from + 4 * i, as: UInt32.self)
                    put(i, Double(little ? UInt32(littleEndian: u) : UInt32(bigEndian: u)))
                }
            case .int64:
                for i in 0..<count {
                    let u = raw.loadUnaligned(fromByteOffset: from + 8 * i, as: UInt64.self)
                    put(i, Double(Int64(bitPattern: little ? UInt64(littleEndian: u) : UInt64(bigEndian: u))))
                }
            case .uint64:
                for i in 0..<count {
                    let u = raw.loadUnaligned(fromByteOffset: from + 8 * i, as: UInt64.self)
                    put(i, Double(little ? UInt64(littleEndian: u) : UInt64(bigEndian: u)))
                }
            case .float32:
                for i in 0..<count {
                    let u = raw.loadUnaligned(fromByteOffset: from + 4 * i, as: UInt32.self)
                    put(i, Double(Float(bitPattern: little ? UInt32(littleEndian: u) : UInt32(bigEndian: u))))
                }
            case .float64:
                for i in 0..<count {
                    let u = raw.loadUnaligned(fromByteOffset: from + 8 * i, as: UInt64.self)
                    put(i, Double(bitPattern: little ? UInt64(littleEndian: u) : UInt64(bigEndian: u)))
                }
            }
        }
    }
}
