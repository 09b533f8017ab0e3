/// A NIfTI-1 (348-byte) or NIfTI-2 (540-byte) header, decoded in either byte order.
///
/// Field names follow `nifti1.h` / `nifti2.h`. Values are widened (Int, Double) so that both versions
/// share one type; nothing is corrected here — ``NIfTIReader`` decides what is odd and what is fatal.
public struct NIfTIHeader: Sendable, Equatable {
    /// NIfTI-1 or NIfTI-2.
    public enum Version: Int, Sendable { case nifti1 = 1, nifti2 = 2 }

    /// 1 or 2.
    public var version: Version
    /// True when the header (and so the voxel data) is little-endian.
    public var littleEndian: Bool
    /// `sizeof_hdr`: 348 or 540.
    public var sizeofHdr: Int
    /// The magic string without its NUL padding: "n+1", "ni1", "n+2" or "ni2" (anything else is kept as found).
    public var magic: String
    /// `dim[0...7]`: dim[0] is the number of dimensions, dim[1...3] the spatial sizes (i, j, k), dim[4] time.
    public var dim: [Int]
    /// `datatype` code (2 uint8, 4 int16, 8 int32, 16 float32, 64 float64, 256 int8, 512 uint16, …).
    public var datatype: Int
    /// `bitpix`: bits per voxel.
    public var bitpix: Int
    /// `pixdim[0...7]`: pixdim[0] is qfac (±1), pixdim[1...3] the voxel sizes (in `xyzt_units`).
    public var pixdim: [Double]
    /// `vox_offset`: byte offset of the voxel data in a single `.nii` file.
    public var voxOffset: Double
    /// `scl_slope`: value = stored × slope + inter (0 or non-finite: no scaling).
    public var sclSlope: Double
    /// `scl_inter`.
    public var sclInter: Double
    /// `qform_code` (0 unknown, 1 scanner, 2 aligned, 3 Talairach, 4 MNI, 5 template).
    public var qformCode: Int
    /// `sform_code`.
    public var sformCode: Int
    /// `quatern_b`, `quatern_c`, `quatern_d`.
    public var quaternion: [Double]
    /// `qoffset_x`, `qoffset_y`, `qoffset_z`, mm (RAS+).
    public var qoffset: [Double]
    /// `srow_x`, `srow_y`, `srow_z`: the three rows (4 each) of the sform affine (RAS+).
    public var srow: [[Double]]
    /// `xyzt_units`: bits 0–2 spatial unit (1 m, 2 mm, 3 µm), bits 3–5 time unit.
    public var xyztUnits: Int
    /// `intent_code` (0 none; 1002 label; 2001 … 2005 geometry/statistics).
    public var intentCode: Int
    /// `descrip` (80 characters), trimmed of NULs and spaces. Free text: not shown to patients.
    public var descrip: String

    /// Bytes of the header proper (348 or 540); the voxel data starts at `vox_offset`.
    public var headerSize: Int { version == .nifti1 ? 348 : 540 }

    /// Decodes the header at the start of `bytes`.
    /// - Throws: `Failure` when the bytes are too short, or `sizeof_hdr` is neither 348 nor 540 in
    ///   either byte order (not a NIfTI file).
    public static func parse(_ bytes: [UInt8]) throws -> NIfTIHeader {
        guard bytes.count >= 4 else {
            throw Failure(detail: "file holds \(bytes.count) bytes, too short for a NIfTI header (348 bytes)")
        }
        let le = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
        let be = le.byteSwapped
        let little: Bool, size: Int
        switch (le, be) {
        case (348, _): (little, size) = (true, 348)
        case (_, 348): (little, size) = (false, 348)
        case (540, _): (little, size) = (true, 540)
        case (_, 540): (little, size) = (false, 540)
        default:
            throw Failure(detail: "sizeof_hdr is \(Int32(bitPattern: le)) (byte-swapped \(Int32(bitPattern: be))), not 348 (NIfTI-1) or 540 (NIfTI-2): not a NIfTI file")
        }
        guard bytes.count >= size else {
            throw Failure(detail: "file holds \(bytes.count) bytes, the NIfTI-\(size == 348 ? 1 : 2) header needs \(size) (truncated)")
        }
        let r = Fields(bytes: bytes, little: little)
        if size == 348 {
            return NIfTIHeader(
                version: .nifti1, littleEndian: little, sizeofHdr: 348, magic: r.string(344, 4),
                dim: (0..<8).map { Int(r.i16(40 + 2 * $0)) }, datatype: Int(r.i16(70)), bitpix: Int(r.i16(72)),
                pixdim: (0..<8).map { Double(r.f32(76 + 4 * $0)) }, voxOffset: Double(r.f32(108)),
                sclSlope: Double(r.f32(112)), sclInter: Double(r.f32(116)),
                qformCode: Int(r.i16(252)), sformCode: Int(r.i16(254)),
                quaternion: [256, 260, 264].map { Double(r.f32($0)) }, qoffset: [268, 272, 276].map { Double(r.f32($0)) },
                srow: [280, 296, 312].map { row in (0..<4).map { Double(r.f32(row + 4 * $0)) } },
                xyztUnits: Int(bytes[123]), intentCode: Int(r.i16(68)), descrip: r.string(148, 80))
        }
        return NIfTIHeader(
            version: .nifti2, littleEndian: little, sizeofHdr: 540, magic: r.string(4, 8),
            dim: (0..<8).map { clampInt(r.i64(16 + 8 * $0)) }, datatype: Int(r.i16(12)), bitpix: Int(r.i16(14)),
            pixdim: (0..<8).map { r.f64(104 + 8 * $0) }, voxOffset: Double(r.i64(168)),
            sclSlope: r.f64(176), sclInter: r.f64(184),
            qformCode: Int(r.i32(344)), sformCode: Int(r.i32(348)),
            quaternion: [352, 360, 368].map { r.f64($0) }, qoffset: [376, 384, 392].map { r.f64($0) },
            srow: [400, 432, 464].map { row in (0..<4).map { r.f64(row + 8 * $0) } },
            xyztUnits: Int(r.i32(500)), intentCode: Int(r.i32(504)), descrip: r.string(240, 80))
    }

    /// A header that cannot be decoded.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// What is wrong.
        public let detail: String
        public var description: String { detail }
    }

    private static func clampInt(_ v: Int64) -> Int { Int(clamping: v) }

    /// Reads fixed-offset fields in one byte order (offsets are within the checked header size).
    private struct Fields {
        let bytes: [UInt8]
        let little: Bool

        func u(_ off: Int, _ n: Int) -> UInt64 {
            var v: UInt64 = 0
            for k in 0..<n {
                let b = UInt64(bytes[off + (little ? k : n - 1 - k)])
                v |= b << (8 * UInt64(k))
            }
            return v
        }
        func i16(_ off: Int) -> Int16 { Int16(bitPattern: UInt16(truncatingIfNeeded: u(off, 2))) }
        func i32(_ off: Int) -> Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: u(off, 4))) }
        func i64(_ off: Int) -> Int64 { Int64(bitPattern: u(off, 8)) }
        func f32(_ off: Int) -> Float { Float(bitPattern: UInt32(truncatingIfNeeded: u(off, 4))) }
        func f64(_ off: Int) -> Double { Double(bitPattern: u(off, 8)) }
        func string(_ off: Int, _ n: Int) -> String {
            let raw = bytes[off..<(off + n)].prefix { $0 != 0 }
            return String(decoding: raw.map { $0 < 0x20 || $0 > 0x7E ? UInt8(ascii: "?") : $0 }, as: UTF8.self)
                .trimmingCharacters(in: " ")
        }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
