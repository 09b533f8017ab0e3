import DICOM

/// Stored pixel values of a DICOM image, decoded (native or compressed) and sign-corrected.
struct StoredPixels {
    let rows: Int
    let columns: Int
    let frames: Int
    /// frames × rows × columns stored values.
    let values: [Int32]
}

/// Most voxels (all frames) accepted from one file: 2^28 (1 GiB of Float).
let maxVoxelsPerFile = 1 << 28

enum DICOMPixels {
    static func fail(_ f: DICOMFile, _ kind: DICOMError.Kind, _ detail: String) -> DICOMError {
        DICOMError(file: f.file, kind: kind, detail: detail)
    }

    /// Decodes all frames' stored values. Refuses (before allocating) sizes that the pixel data cannot hold.
    static func stored(_ f: DICOMFile) throws -> StoredPixels {
        let ds = f.dataSet
        func req(_ t: DICOMTag, _ name: String) throws -> Int {
            guard let v = try ds.int(t) else { throw fail(f, .missingAttribute, "no \(name) \(t)") }
            return v
        }
        let spp = try ds.int(.samplesPerPixel) ?? 1
        guard spp == 1 else { throw fail(f, .unsupportedImage, "Samples per Pixel is \(spp); only grayscale (1) is supported") }
        if let pi = try ds.string(.photometricInterpretation), pi != "MONOCHROME2", pi != "MONOCHROME1" {
            throw fail(f, .unsupportedImage, "Photometric Interpretation '\(pi.prefix(16))' is not supported (MONOCHROME1/2 are)")
        }
        let rows = try req(.rows, "Rows"), cols = try req(.columns, "Columns")
        let bitsAllocated = try req(.bitsAllocated, "Bits Allocated")
        let bitsStored = try ds.int(.bitsStored) ?? bitsAllocated
        let highBit = try ds.int(.highBit) ?? (bitsStored - 1)
        let pixelRep = try req(.pixelRepresentation, "Pixel Representation")
        let frames = try ds.int(.numberOfFrames) ?? 1
        guard rows > 0, cols > 0 else { throw fail(f, .invalidValue, "image size \(rows)x\(cols) is empty") }
        guard frames > 0 else { throw fail(f, .invalidValue, "Number of Frames is \(frames)") }
        guard [8, 16, 32].contains(bitsAllocated) else {
            throw fail(f, .unsupportedImage, "Bits Allocated \(bitsAllocated) is not supported (8, 16, 32 are)")
        }
        guard bitsStored >= 1, bitsStored <= bitsAllocated, highBit >= bitsStored - 1, highBit < bitsAllocated else {
            throw fail(f, .invalidValue, "Bits Stored \(bitsStored) / High Bit \(highBit) do not fit Bits Allocated \(bitsAllocated)")
        }
        guard pixelRep == 0 || pixelRep == 1 else { throw fail(f, .invalidValue, "Pixel Representation is \(pixelRep)") }
        let (perFrame, o1) = rows.multipliedReportingOverflow(by: cols)
        let (total, o2) = perFrame.multipliedReportingOverflow(by: frames)
        guard !o1, !o2, total <= maxVoxelsPerFile else {
            throw fail(f, .limitExceeded, "\(rows) rows × \(cols) columns × \(frames) frames is more than the \(maxVoxelsPerFile)-voxel limit")
        }
        guard let pixel = ds[.pixelData] else { throw fail(f, .missingAttribute, "no Pixel Data (7FE0,0010)") }
        let shift = highBit + 1 - bitsStored
        var values: [Int32]
        switch pixel.value {
        case .bytes(let b):
            guard f.transferSyntax.pixelEncoding == .native else {
                throw fail(f, .malformed, "transfer syntax \(f.transferSyntax) needs encapsulated pixel data but Pixel Data has a defined length")
            }
            let bytesPer = bitsAllocated / 8
            let needed = total * bytesPer
            guard b.count >= needed else {
                throw fail(f, .invalidValue, "Pixel Data has \(b.count) bytes but \(rows) rows × \(cols) columns × \(frames) frames × \(bitsAllocated) bits need \(needed)")
            }
            values = [Int32](repeating: 0, count: total)
            var p = b.startIndex
            for i in 0..<total {
                var raw: UInt32 = 0
                for k in 0..<bytesPer { raw |= UInt32(b[p + k]) << UInt32(8 * k) }
                p += bytesPer
                values[i] = extract(raw, shift: shift, bits: bitsStored, signed: pixelRep == 1)
            }
        case .encapsulated(let enc):
            let frameData = try EncapsulatedFrames.split(enc, frames: frames, file: f.file, encoding: f.transferSyntax.pixelEncoding)
            values = []
            values.reserveCapacity(total)
            for (k, data) in frameData.enumerated() {
                let decoded: [Int32]
                switch f.transferSyntax.pixelEncoding {
                case .jpeg2000:
                    decoded = try JPEG2000.decode(data, file: f.file, rows: rows, columns: cols, pixelRepresentation: pixelRep,
                                                  bitsStored: bitsStored)
                case .jpegLossless:
                    let img = try JPEGLosslessDecoder.decode(data, file: f.file, maxSamples: perFrame)
                    guard img.width == cols, img.height == rows else {
                        throw fail(f, .invalidValue, "frame \(k + 1): JPEG image is \(img.width)x\(img.height) but the data set says \(cols)x\(rows)")
                    }
                    decoded = img.samples.map { extract(UInt32($0), shift: 0, bits: bitsStored, signed: pixelRep == 1) }
                default:
                    throw fail(f, .unsupportedTransferSyntax, "pixel data in transfer syntax \(f.transferSyntax) cannot be decoded (native, JPEG Lossless and JPEG 2000 can)")
                }
                guard decoded.count == perFrame else {
                    throw fail(f, .decodeFailed, "frame \(k + 1) decoded to \(decoded.count) samples, expected \(perFrame)")
                }
                values.append(contentsOf: decoded)
            }
        case .sequence:
            throw fail(f, .malformed, "Pixel Data is a sequence")
        }
        return StoredPixels(rows: rows, columns: cols, frames: frames, values: values)
    }

    /// Takes `bits` bits ending at `shift + bits - 1`, sign-extending when `signed` (two's complement).
    @inline(__always)
    static func extract(_ raw: UInt32, shift: Int, bits: Int, signed: Bool) -> Int32 {
        let v = (raw >> UInt32(shift)) & (bits == 32 ? 0xFFFF_FFFF : (UInt32(1) << UInt32(bits)) - 1)
        if signed && bits < 32 && v & (UInt32(1) << UInt32(bits - 1)) != 0 {
            return Int32(bitPattern: v | ~((UInt32(1) << UInt32(bits)) - 1))
        }
        return Int32(bitPattern: v)
    }
}

/// Splitting encapsulated fragments into frames (PS3.5 §A.4).
public enum EncapsulatedFrames {
    /// The bytes of each frame.
    /// - One frame: all fragments joined.
    /// - A Basic Offset Table: fragments grouped by the frame offsets.
    /// - No table and as many fragments as frames: one fragment per frame.
    /// - No table and more fragments: a new frame starts at each fragment beginning with the codec's start marker.
    /// - Throws: `DICOMError` when the fragments cannot hold `frames` frames (checked before any decoding).
    public static func split(_ enc: EncapsulatedPixelData, frames: Int, file: String,
                             encoding: TransferSyntax.PixelEncoding) throws -> [ArraySlice<UInt8>] {
        func fail(_ d: String) -> DICOMError { DICOMError(file: file, kind: .malformed, detail: d) }
        let n = enc.fragments.count
        guard n > 0 else { throw fail("encapsulated Pixel Data has no fragments") }
        guard frames <= n else {
            throw fail("Number of Frames is \(frames) but the encapsulated Pixel Data has only \(n) fragments")
        }
        func join(_ r: Range<Int>) -> ArraySlice<UInt8> {
            if r.count == 1 { return enc.fragments[r.lowerBound] }
            var out: [UInt8] = []
            for i in r { out.append(contentsOf: enc.fragments[i]) }
            return out[...]
        }
        if frames == 1 { return [join(0..<n)] }
        if !enc.basicOffsetTable.isEmpty {
            guard enc.basicOffsetTable.count == frames else {
                throw fail("Basic Offset Table has \(enc.basicOffsetTable.count) entries for \(frames) frames")
            }
            var starts: [Int] = []
            for off in enc.basicOffsetTable {
                guard let i = enc.fragmentOffsets.firstIndex(of: Int(off)) else {
                    throw fail("Basic Offset Table entry \(off) does not point at a fragment")
                }
                guard starts.last.map({ i > $0 }) ?? true else { throw fail("Basic Offset Table is not increasing") }
                starts.append(i)
            }
            guard starts.first == 0 else { throw fail("Basic Offset Table does not start at the first fragment") }
            return (0..<frames).map { k in join(starts[k]..<(k + 1 < frames ? starts[k + 1] : n)) }
        }
        if n == frames { return enc.fragments }
        var starts: [Int] = []
        for (i, frag) in enc.fragments.enumerated() {
            let b = Array(frag.prefix(4))
            let isStart: Bool
            switch encoding {
            case .jpegLossless: isStart = b.count >= 2 && b[0] == 0xFF && b[1] == 0xD8
            case .jpeg2000: isStart = b.count >= 4 && ((b[0] == 0xFF && b[1] == 0x4F && b[2] == 0xFF && b[3] == 0x51) || (b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0x0C))
            default: isStart = false
            }
            if isStart { starts.append(i) }
        }
        guard starts.count == frames, starts.first == 0 else {
            throw fail("cannot tell \(frames) frames apart in \(n) fragments without a Basic Offset Table")
        }
        return (0..<frames).map { k in join(starts[k]..<(k + 1 < frames ? starts[k + 1] : n)) }
    }
}
