import Foundation

/// A data set to write: elements by tag, each with its VR and value (bytes, or the items of a sequence).
///
/// Text values are given as Swift strings and written UTF-8 (declare `ISO_IR 192` in Specific Character
/// Set when any is not ASCII); multiple values are joined with `\`. Values are padded to even length as
/// PS3.5 §6.2 requires (UI with NUL, other text with a space, binary with NUL). Elements are written in
/// ascending tag order whatever the order they were set in.
public struct DICOMWriteDataSet: Sendable {
    /// One element's value.
    public enum Value: Sendable {
        /// Raw bytes (already encoded little endian; padded on writing).
        case bytes([UInt8])
        /// Sequence items.
        case items([DICOMWriteDataSet])
    }

    /// The elements, by tag value (group << 16 | element).
    public private(set) var elements: [UInt32: (vr: DICOMVR, value: Value)] = [:]

    /// An empty data set.
    public init() {}

    /// Sets a text element (AE, AS, CS, DA, DS, DT, IS, LO, LT, PN, SH, ST, TM, UC, UI, UR, UT) to `values`
    /// joined with `\`; an empty array writes an empty (zero-length) element, as Type 2 attributes need.
    public mutating func set(_ tag: DICOMTag, _ vr: DICOMVR, _ values: [String]) {
        elements[tag.value] = (vr, .bytes(Array(values.joined(separator: "\\").utf8)))
    }

    /// Sets a single-valued text element.
    public mutating func set(_ tag: DICOMTag, _ vr: DICOMVR, _ value: String) { set(tag, vr, [value]) }

    /// Sets a zero-length element (Type 2 with no value).
    public mutating func setEmpty(_ tag: DICOMTag, _ vr: DICOMVR) {
        elements[tag.value] = (vr, vr == .SQ ? .items([]) : .bytes([]))
    }

    /// Sets an US element.
    public mutating func set(_ tag: DICOMTag, us values: [UInt16]) {
        elements[tag.value] = (.US, .bytes(values.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
    }

    /// Sets an FL element (IEEE float32 little endian).
    public mutating func set(_ tag: DICOMTag, fl values: [Float]) {
        elements[tag.value] = (.FL, .bytes(values.flatMap { v -> [UInt8] in
            let b = v.bitPattern
            return [UInt8(b & 0xFF), UInt8((b >> 8) & 0xFF), UInt8((b >> 16) & 0xFF), UInt8(b >> 24)]
        }))
    }

    /// Sets a binary element (OB, OW, UN, …) to `bytes`.
    public mutating func set(_ tag: DICOMTag, _ vr: DICOMVR, bytes: [UInt8]) { elements[tag.value] = (vr, .bytes(bytes)) }

    /// Sets a sequence.
    public mutating func set(_ tag: DICOMTag, items: [DICOMWriteDataSet]) { elements[tag.value] = (.SQ, .items(items)) }

    /// The value bytes of an element, when it is not a sequence.
    public func bytes(_ tag: DICOMTag) -> [UInt8]? {
        if case let .bytes(b)? = elements[tag.value]?.value { return b }
        return nil
    }

    /// Encodes the data set in Explicit VR Little Endian (sequences and items of defined length).
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        for key in elements.keys.sorted() {
            let (vr, value) = elements[key]!
            let group = UInt16(key >> 16), element = UInt16(key & 0xFFFF)
            let body: [UInt8]
            switch value {
            case let .bytes(b): body = Self.padded(b, vr)
            case let .items(items):
                var s: [UInt8] = []
                for item in items {
                    let e = item.encoded()
                    s += Self.le16(0xFFFE) + Self.le16(0xE000) + Self.le32(UInt32(e.count)) + e
                }
                body = s
            }
            out += Self.le16(group) + Self.le16(element) + Array(vr.description.utf8)
            if Self.longForm.contains(vr.description) {
                out += [0, 0] + Self.le32(UInt32(body.count))
            } else {
                out += Self.le16(UInt16(body.count))
            }
            out += body
        }
        return out
    }

    /// VRs with a 4-byte length in explicit VR encodings (PS3.5 §7.1.2).
    static let longForm: Set<String> = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"]

    static func padded(_ b: [UInt8], _ vr: DICOMVR) -> [UInt8] {
        guard b.count % 2 == 1 else { return b }
        let binary: Set<String> = ["OB", "OD", "OF", "OL", "OV", "OW", "UN", "UI", "FL", "FD", "SL", "SS", "UL", "US", "AT", "SV", "UV"]
        return b + [binary.contains(vr.description) ? 0 : 0x20]
    }

    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)] }
}

/// Writes DICOM Part 10 files (PS3.10): a 128-byte preamble, `DICM`, the File Meta Information group in
/// Explicit VR Little Endian, then the data set in Explicit VR Little Endian (1.2.840.10008.1.2.1).
public enum DICOMPart10Writer {
    /// Explicit VR Little Endian.
    public static let explicitVRLittleEndian = "1.2.840.10008.1.2.1"

    /// The file's bytes. The data set must hold SOP Class UID (0008,0016) and SOP Instance UID (0008,0018),
    /// which the file meta repeats as Media Storage SOP Class/Instance UID.
    /// - Parameters:
    ///   - implementationClassUID: this writer's implementation class UID (0002,0012).
    ///   - implementationVersion: its version name (0002,0013), at most 16 characters.
    public static func file(_ dataSet: DICOMWriteDataSet, implementationClassUID: String,
                            implementationVersion: String) -> Data
    {
        let sopClass = dataSet.bytes(DICOMTag(0x0008, 0x0016)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let sopInstance = dataSet.bytes(DICOMTag(0x0008, 0x0018)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        var meta = DICOMWriteDataSet()
        meta.set(DICOMTag(0x0002, 0x0001), .OB, bytes: [0, 1])
        meta.set(DICOMTag(0x0002, 0x0002), .UI, sopClass)
        meta.set(DICOMTag(0x0002, 0x0003), .UI, sopInstance)
        meta.set(DICOMTag(0x0002, 0x0010), .UI, explicitVRLittleEndian)
        meta.set(DICOMTag(0x0002, 0x0012), .UI, implementationClassUID)
        meta.set(DICOMTag(0x0002, 0x0013), .SH, String(implementationVersion.prefix(16)))
        let metaBytes = meta.encoded()
        var out = [UInt8](repeating: 0, count: 128) + Array("DICM".utf8)
        out += DICOMWriteDataSet.le16(0x0002) + DICOMWriteDataSet.le16(0x0000) + Array("UL".utf8)
            + DICOMWriteDataSet.le16(4) + DICOMWriteDataSet.le32(UInt32(metaBytes.count))
        out += metaBytes
        out += dataSet.encoded()
        return Data(out)
    }
}
