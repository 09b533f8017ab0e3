/// A decoder for lossless JPEG (ITU-T T.81 Annex H, process 14): one component, predictors 1–7,
/// point transform, Huffman tables, restart intervals. Covers DICOM transfer syntaxes
/// 1.2.840.10008.1.2.4.70 (selection value 1) and 1.2.840.10008.1.2.4.57 (any selection value).
public enum JPEGLosslessDecoder {
    /// A decoded grayscale image.
    public struct Image: Sendable {
        /// Samples per line.
        public let width: Int
        /// Number of lines.
        public let height: Int
        /// Sample precision in bits (2–16).
        public let precision: Int
        /// Samples, row-major (height × width), unsigned, already shifted left by the point transform.
        public let samples: [UInt16]
    }

    /// Decodes one lossless JPEG frame.
    /// - Parameters:
    ///   - data: the JPEG stream (SOI … EOI).
    ///   - file: the file name for errors.
    ///   - maxSamples: the most samples the caller accepts (checked against the header before allocating).
    /// - Throws: `DICOMError` (kind `.decodeFailed` or `.unsupportedImage`) naming the file and the defect.
    public static func decode(_ data: ArraySlice<UInt8>, file: String, maxSamples: Int) throws -> Image {
        var d = Decoder(bytes: Array(data), file: file)
        return try d.run(maxSamples: maxSamples)
    }
}

private struct HuffmanTable {
    var maxCode = [Int](repeating: -1, count: 17)  // per code length 1...16; -1 = none
    var valPtr = [Int](repeating: 0, count: 17)
    var minCode = [Int](repeating: 0, count: 17)
    var values: [UInt8] = []

    init(counts: [Int], values: [UInt8]) {
        self.values = values
        var code = 0, k = 0
        for len in 1...16 {
            let n = counts[len - 1]
            if n > 0 {
                valPtr[len] = k
                minCode[len] = code
                code += n
                k += n
                maxCode[len] = code - 1
            }
            code <<= 1
        }
    }
}

private struct Decoder {
    let bytes: [UInt8]
    let file: String
    var pos = 0
    var tables: [HuffmanTable?] = [nil, nil, nil, nil]
    var width = 0, height = 0, precision = 0, componentID = -1
    var restartInterval = 0
    var frameSeen = false
    // bit reader
    var bitBuffer: UInt32 = 0
    var bitCount = 0
    var hitMarker = false

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    func fail(_ detail: String) -> DICOMError {
        DICOMError(file: file, kind: .decodeFailed, detail: "JPEG Lossless: \(detail)")
    }

    mutating func byte() throws -> UInt8 {
        guard pos < bytes.count else { throw fail("stream ends early") }
        defer { pos += 1 }
        return bytes[pos]
    }

    mutating func u16() throws -> Int {
        let a = Int(try byte()), b = Int(try byte())
        return a << 8 | b
    }

    /// The next marker code (after 0xFF, skipping fill bytes).
    mutating func marker() throws -> UInt8 {
        guard try byte() == 0xFF else { throw fail("expected a marker at byte \(pos - 1)") }
        var m = try byte()
        while m == 0xFF { m = try byte() }
        return m
    }

    mutating func segment() throws -> ArraySlice<UInt8> {
        let len = try u16()
        guard len >= 2, pos + len - 2 <= bytes.count else { throw fail("segment length \(len) runs past the end of the stream") }
        defer { pos += len - 2 }
        return bytes[pos..<pos + len - 2]
    }

    mutating func run(maxSamples: Int) throws -> JPEGLosslessDecoder.Image {
        guard try marker() == 0xD8 else { throw fail("no start-of-image marker") }
        var samples: [UInt16]? = nil
        while true {
            let m = try marker()
            switch m {
            case 0xC3:
                let s = Array(try segment())
                guard s.count >= 6 else { throw fail("short SOF3 segment") }
                precision = Int(s[0])
                height = Int(s[1]) << 8 | Int(s[2])
                width = Int(s[3]) << 8 | Int(s[4])
                let nf = Int(s[5])
                guard nf == 1, s.count >= 9 else {
                    throw DICOMError(file: file, kind: .unsupportedImage, detail: "JPEG Lossless with \(nf) components is not supported (only 1)")
                }
                componentID = Int(s[6])
                guard (2...16).contains(precision) else { throw fail("precision \(precision) is outside 2...16") }
                guard width > 0, height > 0 else { throw fail("image size \(width)x\(height) (DNL marker) is not supported") }
                guard width * height <= maxSamples else {
                    throw fail("image size \(width)x\(height) is larger than the \(maxSamples) samples expected")
                }
                // Every sample costs at least one bit of entropy-coded data: refuse before allocating.
                guard width * height <= (bytes.count - pos) * 8 else {
                    throw fail("stream of \(bytes.count) bytes is too short for \(width)x\(height) samples")
                }
                frameSeen = true
            case 0xC0, 0xC1, 0xC2, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF:
                throw DICOMError(file: file, kind: .unsupportedImage,
                                 detail: "JPEG frame type SOF\(m - 0xC0) is not lossless process 14 (only SOF3 is supported)")
            case 0xC4:
                let s = Array(try segment())
                var i = 0
                while i < s.count {
                    guard i + 17 <= s.count else { throw fail("short Huffman table") }
                    let tc = Int(s[i] >> 4), th = Int(s[i] & 0x0F)
                    guard tc == 0, th < 4 else { throw fail("Huffman table class \(tc) id \(th) is not valid for lossless JPEG") }
                    let counts = (0..<16).map { Int(s[i + 1 + $0]) }
                    let total = counts.reduce(0, +)
                    guard total <= 256, i + 17 + total <= s.count else { throw fail("Huffman table runs past its segment") }
                    // Kraft check: a table of more codes than fit in 16 bits is corrupt.
                    var room = 1
                    for n in counts { room = room * 2 - n; if room < 0 { throw fail("Huffman table has too many codes") } }
                    tables[th] = HuffmanTable(counts: counts, values: Array(s[(i + 17)..<(i + 17 + total)]))
                    i += 17 + total
                }
            case 0xDD:
                let s = Array(try segment())
                guard s.count >= 2 else { throw fail("short DRI segment") }
                restartInterval = Int(s[0]) << 8 | Int(s[1])
            case 0xDA:
                guard frameSeen else { throw fail("scan before frame header") }
                let s = Array(try segment())
                guard s.count >= 6, s[0] == 1 else { throw fail("scan must have exactly one component") }
                guard Int(s[1]) == componentID else { throw fail("scan component does not match the frame") }
                let td = Int(s[2] >> 4)
                let predictor = Int(s[3])
                let pt = Int(s[5] & 0x0F)
                guard td < 4, let table = tables[td] else { throw fail("scan uses an undefined Huffman table") }
                guard (1...7).contains(predictor) else { throw fail("predictor \(predictor) is outside 1...7") }
                guard pt < precision else { throw fail("point transform \(pt) is not below precision \(precision)") }
                guard samples == nil else { throw fail("more than one scan is not supported") }
                samples = try decodeScan(table: table, predictor: predictor, pt: pt)
            case 0xD9:
                guard let samples else { throw fail("no scan before end of image") }
                return JPEGLosslessDecoder.Image(width: width, height: height, precision: precision, samples: samples)
            case 0xD0...0xD7:
                throw fail("restart marker outside a scan")
            case 0x01:
                continue
            default:
                _ = try segment()  // APPn, COM, DQT and other segments: skipped
            }
        }
    }

    mutating func fill() throws {
        while bitCount <= 24 {
            if hitMarker || pos >= bytes.count { return }
            let b = bytes[pos]
            if b == 0xFF {
                guard pos + 1 < bytes.count else { hitMarker = true; return }
                let n = bytes[pos + 1]
                if n == 0x00 { pos += 2 } else { hitMarker = true; return }  // a marker ends the entropy-coded data
            } else {
                pos += 1
            }
            bitBuffer |= UInt32(b) << UInt32(24 - bitCount)
            bitCount += 8
        }
    }

    mutating func bits(_ n: Int) throws -> Int {
        if n == 0 { return 0 }
        if bitCount < n { try fill() }
        guard bitCount >= n else { throw fail("entropy-coded data ends early (truncated or corrupt stream)") }
        let v = Int(bitBuffer >> UInt32(32 - n))
        bitBuffer <<= UInt32(n)
        bitCount -= n
        return v
    }

    mutating func decodeSymbol(_ t: HuffmanTable) throws -> Int {
        var code = 0
        for len in 1...16 {
            code = code << 1 | (try bits(1))
            if t.maxCode[len] >= 0 && code <= t.maxCode[len] && code >= t.minCode[len] {
                return Int(t.values[t.valPtr[len] + code - t.minCode[len]])
            }
        }
        throw fail("invalid Huffman code")
    }

    mutating func restart() throws {
        bitBuffer = 0
        bitCount = 0
        hitMarker = false
        guard pos + 1 < bytes.count, bytes[pos] == 0xFF, (0xD0...0xD7).contains(bytes[pos + 1]) else {
            throw fail("missing restart marker at byte \(pos)")
        }
        pos += 2
    }

    mutating func decodeScan(table: HuffmanTable, predictor: Int, pt: Int) throws -> [UInt16] {
        let w = width, h = height
        var out = [Int32](repeating: 0, count: w * h)
        let initial = Int32(1 << (precision - pt - 1))
        let mask: Int32 = 0xFFFF
        guard restartInterval == 0 || restartInterval % w == 0 else {
            throw DICOMError(file: file, kind: .unsupportedImage,
                             detail: "JPEG Lossless restart interval \(restartInterval) is not a whole number of lines (\(w) samples)")
        }
        var sinceRestart = 0
        var intervalStartRow = 0
        for y in 0..<h {
            for x in 0..<w {
                if restartInterval > 0 && sinceRestart == restartInterval {
                    try restart()
                    sinceRestart = 0
                    intervalStartRow = y
                }
                let i = y * w + x
                let pred: Int32
                if y == intervalStartRow {
                    pred = x == 0 ? initial : out[i - 1]  // first line of the image or interval: left neighbour
                } else if x == 0 {
                    pred = out[i - w]  // first column: the sample above
                } else {
                    let ra = out[i - 1], rb = out[i - w], rc = out[i - w - 1]
                    switch predictor {
                    case 1: pred = ra
                    case 2: pred = rb
                    case 3: pred = rc
                    case 4: pred = ra + rb - rc
                    case 5: pred = ra + ((rb - rc) >> 1)
                    case 6: pred = rb + ((ra - rc) >> 1)
                    default: pred = (ra + rb) >> 1
                    }
                }
                let t = try decodeSymbol(table)
                let diff: Int32
                switch t {
                case 0: diff = 0
                case 16: diff = 32768
                case 1...15:
                    let v = try bits(t)
                    diff = Int32(v < (1 << (t - 1)) ? v - (1 << t) + 1 : v)
                default: throw fail("difference category \(t) is outside 0...16")
                }
                out[i] = (pred + diff) & mask
                sinceRestart += 1
            }
        }
        // Move past the rest of the entropy-coded data to the next marker.
        bitBuffer = 0
        bitCount = 0
        hitMarker = false
        while pos + 1 < bytes.count && !(bytes[pos] == 0xFF && bytes[pos + 1] != 0 && !(0xD0...0xD7).contains(bytes[pos + 1])) {
            pos += 1
        }
        return out.map { UInt16(truncatingIfNeeded: $0 << Int32(pt)) }
    }
}
