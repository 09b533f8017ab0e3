import Foundation
import VigilTestSupport
@testable import DICOM

/// Paths and small byte builders shared by the DICOM tests.
enum Fixture {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let root = Repository.root
    static func url(_ name: String) -> URL { here.appendingPathComponent("Fixtures/\(name)") }
    static func sample(_ name: String) -> URL { root.appendingPathComponent("SampleData/ct/\(name)") }
    static func bytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

    /// pydicom's values, written by Tools/formats/dicom_fixtures.py.
    static func reference() throws -> [String: [String: Any]] {
        let d = try Data(contentsOf: url("reference.json"))
        return try JSONSerialization.jsonObject(with: d) as! [String: [String: Any]]
    }
}

/// Little-endian DICOM byte building for hand-made malformed files.
enum Build {
    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
    static func tag(_ g: UInt16, _ e: UInt16) -> [UInt8] { le16(g) + le16(e) }

    /// An explicit-VR element with a 2- or 4-byte length as its VR requires.
    static func explicit(_ g: UInt16, _ e: UInt16, _ vr: String, _ value: [UInt8], length: UInt32? = nil) -> [UInt8] {
        let long = ["OB", "OW", "OF", "SQ", "UT", "UN", "UC", "UR", "OD", "OL", "OV", "SV", "UV"].contains(vr)
        let len = length ?? UInt32(value.count)
        return tag(g, e) + Array(vr.utf8) + (long ? [0, 0] + le32(len) : le16(UInt16(len))) + value
    }

    static func implicit(_ g: UInt16, _ e: UInt16, _ value: [UInt8], length: UInt32? = nil) -> [UInt8] {
        tag(g, e) + le32(length ?? UInt32(value.count)) + value
    }

    static func text(_ s: String) -> [UInt8] {
        var b = Array(s.utf8)
        if b.count % 2 == 1 { b.append(0x20) }
        return b
    }

    static func uid(_ s: String) -> [UInt8] {
        var b = Array(s.utf8)
        if b.count % 2 == 1 { b.append(0) }
        return b
    }

    /// Preamble, magic and file meta information for `ts`, followed by `body`.
    static func file(ts: String = "1.2.840.10008.1.2.1", body: [UInt8]) -> [UInt8] {
        let metaElems = explicit(0x0002, 0x0001, "OB", [0, 1]) + explicit(0x0002, 0x0010, "UI", uid(ts))
        let meta = explicit(0x0002, 0x0000, "UL", le32(UInt32(metaElems.count))) + metaElems
        return [UInt8](repeating: 0, count: 128) + Array("DICM".utf8) + meta + body
    }

    static let item: (UInt16, UInt16) = (0xFFFE, 0xE000)
    static let undefined: UInt32 = 0xFFFF_FFFF
}

extension Array where Element: Equatable {
    /// Index of the first occurrence of `pattern`.
    func firstIndex(of pattern: [Element]) -> Int? {
        guard pattern.count <= count else { return nil }
        for i in 0...(count - pattern.count) where Array(self[i..<i + pattern.count]) == pattern { return i }
        return nil
    }
}
