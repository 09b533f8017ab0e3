/// A DICOM attribute tag: (group, element), as in PS3.5 §7.1.
public struct DICOMTag: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Group number (first 16 bits of the tag).
    public let group: UInt16
    /// Element number (last 16 bits of the tag).
    public let element: UInt16

    /// Makes a tag from its group and element numbers.
    public init(_ group: UInt16, _ element: UInt16) {
        self.group = group
        self.element = element
    }

    /// The tag as one 32-bit number, group in the high half.
    public var value: UInt32 { UInt32(group) << 16 | UInt32(element) }

    /// Private tags have an odd group number (PS3.5 §7.8).
    public var isPrivate: Bool { group & 1 == 1 }

    /// `(gggg,eeee)` in upper-case hexadecimal.
    public var description: String {
        "(" + hex4(group) + "," + hex4(element) + ")"
    }

    public static func < (a: DICOMTag, b: DICOMTag) -> Bool { a.value < b.value }

    /// (FFFE,E000) Item.
    public static let item = DICOMTag(0xFFFE, 0xE000)
    /// (FFFE,E00D) Item Delimitation Item.
    public static let itemDelimitation = DICOMTag(0xFFFE, 0xE00D)
    /// (FFFE,E0DD) Sequence Delimitation Item.
    public static let sequenceDelimitation = DICOMTag(0xFFFE, 0xE0DD)
}

func hex4(_ v: UInt16) -> String {
    let s = String(v, radix: 16, uppercase: true)
    return String(repeating: "0", count: 4 - s.count) + s
}

/// A value representation (PS3.5 §6.2), kept as its two ASCII letters.
public struct DICOMVR: Hashable, Sendable, CustomStringConvertible {
    /// The two ASCII bytes, first letter in the high byte.
    public let code: UInt16

    /// Makes a VR from its two ASCII bytes.
    public init(code: UInt16) { self.code = code }

    init(_ s: StaticString) {
        let p = s.utf8Start
        code = UInt16(p[0]) << 8 | UInt16(p[1])
    }

    /// The two letters, e.g. "DS".
    public var description: String {
        String(decoding: [UInt8(code >> 8), UInt8(code & 0xFF)], as: UTF8.self)
    }

    /// True for two upper-case ASCII letters (any syntactically valid VR).
    var looksValid: Bool {
        let a = code >> 8, b = code & 0xFF
        return (65...90).contains(a) && (65...90).contains(b)
    }

    /// VRs whose explicit-VR header has 2 reserved bytes and a 32-bit length (PS3.5 §7.1.2).
    var hasLongLength: Bool {
        switch self {
        case .OB, .OD, .OF, .OL, .OV, .OW, .SQ, .SV, .UC, .UN, .UR, .UT, .UV: return true
        default: return false
        }
    }

    /// Text VRs whose values use the Specific Character Set (others use the default repertoire).
    var usesCharacterSet: Bool {
        switch self {
        case .SH, .LO, .ST, .LT, .UT, .PN, .UC: return true
        default: return false
        }
    }

    /// String VRs (all values are text, possibly multi-valued with backslashes).
    var isText: Bool {
        switch self {
        case .AE, .AS, .CS, .DA, .DS, .DT, .IS, .LO, .LT, .PN, .SH, .ST, .TM, .UC, .UI, .UR, .UT: return true
        default: return false
        }
    }

    // The value representations of PS3.5 Table 6.2-1, by their two letters.
    /// Application Entity, Age String, Attribute Tag, Code String and the other standard VRs, one constant each.
    public static let AE = DICOMVR("AE"), AS = DICOMVR("AS"), AT = DICOMVR("AT"), CS = DICOMVR("CS")
    public static let DA = DICOMVR("DA"), DS = DICOMVR("DS"), DT = DICOMVR("DT"), FD = DICOMVR("FD")
    public static let FL = DICOMVR("FL"), IS = DICOMVR("IS"), LO = DICOMVR("LO"), LT = DICOMVR("LT")
    public static let OB = DICOMVR("OB"), OD = DICOMVR("OD"), OF = DICOMVR("OF"), OL = DICOMVR("OL")
    public static let OV = DICOMVR("OV"), OW = DICOMVR("OW"), PN = DICOMVR("PN"), SH = DICOMVR("SH")
    public static let SL = DICOMVR("SL"), SQ = DICOMVR("SQ"), SS = DICOMVR("SS"), ST = DICOMVR("ST")
    public static let SV = DICOMVR("SV"), TM = DICOMVR("TM"), UC = DICOMVR("UC"), UI = DICOMVR("UI")
    public static let UL = DICOMVR("UL"), UN = DICOMVR("UN"), UR = DICOMVR("UR"), US = DICOMVR("US")
    public static let UT = DICOMVR("UT"), UV = DICOMVR("UV")
}

/// The compact data dictionary: the VR of every public tag (from pydicom's dictionary, see
/// `Tools/formats/dicom_dictionary.py`), used for implicit-VR data and to re-read VR UN elements.
public enum DICOMDictionary {
    /// The dictionary VR of `tag`, or nil for private and unknown tags. Group length tags (gggg,0000) are UL.
    public static func vr(of tag: DICOMTag) -> DICOMVR? {
        if tag.element == 0 { return .UL }
        if tag.isPrivate {
            // Private creator elements (gggg,0010-00FF) are LO (PS3.5 §7.8.1); other private data is unknown.
            return (0x10...0xFF).contains(tag.element) ? .LO : nil
        }
        let key = UInt64(tag.value)
        var lo = 0, hi = packed.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let t = packed[mid] >> 16
            if t == key { return DICOMVR(code: UInt16(truncatingIfNeeded: packed[mid])) }
            if t < key { lo = mid + 1 } else { hi = mid }
        }
        return nil
    }
}
