import ContentHash
import Foundation

/// UIDs Vigil generates for what it writes (SR and SC instances, their series) and, when a source
/// has none, for what it references: `2.25.` followed by the decimal value of a 128-bit UUID (PS3.5
/// §B.2, ISO/IEC 9834-8), the UUID being derived from the SHA-256 of a key that names the object (as the
/// FHIR export derives its resource ids). The same key always gives the same UID, so exporting a store
/// twice gives the same instances; no registered root is needed. At most 44 characters.
public enum DICOMUID {
    /// Vigil's implementation class UID (file meta (0002,0012)): the UUID UID of the key `vigil implementation`.
    public static let implementationClassUID = derived("vigil implementation")
    /// Implementation version name (0002,0013).
    public static let implementationVersion = "VIGIL_1"

    /// The `2.25.` UID of `key`.
    public static func derived(_ key: String) -> String {
        let hex = Array(SHA256Digest.hex(of: Data(key.utf8)).utf8.prefix(32))
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<16 {
            bytes[i] = UInt8(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x80  // version 8 (RFC 9562 custom)
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // variant 10
        return "2.25." + decimal(bytes)
    }

    private static func nibble(_ c: UInt8) -> UInt8 {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        default: c - 55
        }
    }

    /// The decimal digits of a big-endian unsigned integer (no leading zeros).
    static func decimal(_ bytes: [UInt8]) -> String {
        var n = bytes
        var digits: [UInt8] = []
        while n.contains(where: { $0 != 0 }) {
            var remainder = 0
            for i in 0..<n.count {
                let v = remainder * 256 + Int(n[i])
                n[i] = UInt8(v / 10)
                remainder = v % 10
            }
            digits.append(UInt8(48 + remainder))
        }
        return digits.isEmpty ? "0" : String(decoding: digits.reversed(), as: UTF8.self)
    }
}
