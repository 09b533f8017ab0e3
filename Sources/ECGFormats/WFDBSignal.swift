import Foundation

// Decoding of WFDB signal files (PhysioNet signal(5) formats). Samples of all signals in one file are
// interleaved frame by frame; the sample stream is packed according to the format.

/// The WFDB storage formats this package decodes.
enum WFDBFormat {
    /// Bits per stored sample, for the formats decoded here; nil for unsupported formats.
    static func bitsPerSample(_ format: Int) -> Int? {
        switch format {
        case 80: return 8
        case 16, 61, 160: return 16
        case 212: return 12
        case 24: return 24
        case 32: return 32
        default: return nil
        }
    }

    /// The code a format uses for an invalid sample (WFDB's "WFDB_INVALID_SAMPLE" per bit width).
    static func invalidValue(_ format: Int) -> Int32 {
        switch format {
        case 80: return -128
        case 212: return -2048
        case 24: return -(1 << 23)
        case 32: return Int32.min
        default: return -32768
        }
    }

    /// Bytes needed to hold `count` samples of `format` (a 212 pair takes 3 bytes, a lone sample 2).
    static func byteCount(samples count: Int, format: Int) -> Int {
        switch format {
        case 212: return (count / 2) * 3 + (count % 2) * 2
        default: return count * (bitsPerSample(format)! / 8)
        }
    }

    /// How many whole samples `bytes` bytes hold.
    static func sampleCount(bytes: Int, format: Int) -> Int {
        switch format {
        case 212: return (bytes / 3) * 2 + (bytes % 3 >= 2 ? 1 : 0)
        default: return bytes / (bitsPerSample(format)! / 8)
        }
    }

    /// Decodes `count` samples from `data` starting at `offset`. The caller has checked the length.
    static func decode(_ data: Data, offset: Int, count: Int, format: Int) -> [Int32] {
        var out = [Int32](repeating: 0, count: count)
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let b = raw.bindMemory(to: UInt8.self)
            var p = offset
            switch format {
            case 80:
                for i in 0..<count { out[i] = Int32(b[p + i]) - 128 }
            case 16:
                for i in 0..<count {
                    out[i] = Int32(Int16(bitPattern: UInt16(b[p]) | UInt16(b[p + 1]) << 8)); p += 2
                }
            case 61:
                for i in 0..<count {
                    out[i] = Int32(Int16(bitPattern: UInt16(b[p]) << 8 | UInt16(b[p + 1]))); p += 2
                }
            case 160:
                for i in 0..<count {
                    out[i] = Int32(UInt16(b[p]) | UInt16(b[p + 1]) << 8) - 32768; p += 2
                }
            case 24:
                for i in 0..<count {
                    let u = UInt32(b[p]) | UInt32(b[p + 1]) << 8 | UInt32(b[p + 2]) << 16
                    out[i] = Int32(bitPattern: u << 8) >> 8; p += 3
                }
            case 32:
                for i in 0..<count {
                    out[i] = Int32(bitPattern: UInt32(b[p]) | UInt32(b[p + 1]) << 8 | UInt32(b[p + 2]) << 16
                                   | UInt32(b[p + 3]) << 24); p += 4
                }
            case 212:
                // Two 12-bit samples in three bytes: the first is byte 0 plus the low nibble of byte 1
                // (as bits 8–11); the second is byte 2 plus the high nibble of byte 1.
                var i = 0
                while i < count {
                    let b0 = Int32(b[p]), b1 = Int32(b[p + 1])
                    out[i] = signExtend12(b0 | (b1 & 0x0F) << 8)
                    if i + 1 < count {
                        let b2 = Int32(b[p + 2])
                        out[i + 1] = signExtend12(b2 | (b1 & 0xF0) << 4)
                    }
                    i += 2; p += 3
                }
            default:
                break
            }
        }
        return out
    }

    @inline(__always) static func signExtend12(_ v: Int32) -> Int32 { (v << 20) >> 20 }

    /// Encodes samples as format 16 (little-endian int16); values must fit.
    static func encode16(_ samples: [Int16]) -> Data {
        // Fill a byte array in one pass (appending to Data byte by byte dominated writing a record).
        var bytes = [UInt8](repeating: 0, count: samples.count * 2)
        for (i, s) in samples.enumerated() {
            let u = UInt16(bitPattern: s)
            bytes[2 * i] = UInt8(u & 0xFF)
            bytes[2 * i + 1] = UInt8(u >> 8)
        }
        return Data(bytes)
    }
}
