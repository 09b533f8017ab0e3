import DICOM
import Foundation

/// A coded concept (PS3.3 §8.8, Code Sequence Macro): code value, coding scheme designator, meaning.
public struct SRCode: Sendable, Hashable {
    /// Code Value (or Long Code Value when longer than 16 characters).
    public let value: String
    /// Coding Scheme Designator: `DCM`, `SCT`, `UCUM`, `UMLS`, `RFC5646`, or Vigil's private `99VIGIL`.
    public let scheme: String
    /// Code Meaning (at most 64 characters are written).
    public let meaning: String

    /// Creates a code.
    public init(_ value: String, _ scheme: String, _ meaning: String) {
        self.value = value
        self.scheme = scheme
        self.meaning = meaning
    }

    /// The code as a sequence item.
    public var item: DICOMWriteDataSet {
        var d = DICOMWriteDataSet()
        if value.utf8.count > 16 {
            d.set(DICOMTag(0x0008, 0x0119), .UC, value)  // Long Code Value
        } else {
            d.set(DICOMTag(0x0008, 0x0100), .SH, value)
        }
        d.set(DICOMTag(0x0008, 0x0102), .SH, scheme)
        d.set(DICOMTag(0x0008, 0x0104), .LO, String(meaning.prefix(64)))
        return d
    }
}

/// A reference to a composite instance (and frame) from an IMAGE item or an evidence sequence.
public struct SOPReference: Sendable, Hashable {
    /// Referenced SOP Class UID.
    public let sopClassUID: String
    /// Referenced SOP Instance UID.
    public let sopInstanceUID: String
    /// 1-based frame of a multi-frame instance.
    public let frame: Int?

    /// Creates a reference.
    public init(sopClassUID: String, sopInstanceUID: String, frame: Int? = nil) {
        self.sopClassUID = sopClassUID
        self.sopInstanceUID = sopInstanceUID
        self.frame = frame
    }

    /// A Referenced SOP Sequence item.
    var item: DICOMWriteDataSet {
        var d = DICOMWriteDataSet()
        d.set(DICOMTag(0x0008, 0x1150), .UI, sopClassUID)
        d.set(DICOMTag(0x0008, 0x1155), .UI, sopInstanceUID)
        if let frame { d.set(DICOMTag(0x0008, 0x1160), .IS, String(frame)) }
        return d
    }
}

/// One SR content item (PS3.3 §C.17.3) with its children, by relationship.
public struct SRItem: Sendable {
    /// The item's value.
    public enum Value: Sendable {
        /// CONTAINER, continuity SEPARATE; `template` is the DCMR template identifier it follows, if any.
        case container(template: String?)
        /// TEXT.
        case text(String)
        /// CODE.
        case code(SRCode)
        /// NUM with its UCUM unit.
        case num(Double, unit: SRCode)
        /// UIDREF.
        case uidref(String)
        /// IMAGE.
        case image(SOPReference)
        /// SCOORD: graphic type (`POINT`, `POLYLINE`, …) and (column, row) pairs in image pixel coordinates
        /// (0,0 is the top left corner of the top left pixel).
        case scoord(graphicType: String, points: [Float])
    }

    /// Relationship Type to the parent (`CONTAINS`, `HAS OBS CONTEXT`, `HAS CONCEPT MOD`, `SELECTED FROM`, …); nil for the root.
    public var relationship: String?
    /// Concept Name; nil only where the template allows (IMAGE items of an image library).
    public var concept: SRCode?
    /// The value.
    public var value: Value
    /// Children.
    public var children: [SRItem]

    /// Creates an item.
    public init(_ relationship: String?, _ concept: SRCode?, _ value: Value, _ children: [SRItem] = []) {
        self.relationship = relationship
        self.concept = concept
        self.value = value
        self.children = children
    }

    /// The value type's code string.
    public var valueType: String {
        switch value {
        case .container: "CONTAINER"
        case .text: "TEXT"
        case .code: "CODE"
        case .num: "NUM"
        case .uidref: "UIDREF"
        case .image: "IMAGE"
        case .scoord: "SCOORD"
        }
    }

    /// Writes the item's attributes into `d` (the data set itself for the root, a Content Sequence item otherwise).
    public func write(into d: inout DICOMWriteDataSet) {
        if let relationship { d.set(DICOMTag(0x0040, 0xA010), .CS, relationship) }
        d.set(DICOMTag(0x0040, 0xA040), .CS, valueType)
        if let concept { d.set(DICOMTag(0x0040, 0xA043), items: [concept.item]) }
        switch value {
        case let .container(template):
            d.set(DICOMTag(0x0040, 0xA050), .CS, "SEPARATE")
            if let template {
                var t = DICOMWriteDataSet()
                t.set(DICOMTag(0x0008, 0x0105), .CS, "DCMR")
                t.set(DICOMTag(0x0040, 0xDB00), .CS, template)
                d.set(DICOMTag(0x0040, 0xA504), items: [t])
            }
        case let .text(text):
            d.set(DICOMTag(0x0040, 0xA160), .UT, text)
        case let .code(code):
            d.set(DICOMTag(0x0040, 0xA168), items: [code.item])
        case let .num(v, unit):
            var m = DICOMWriteDataSet()
            m.set(DICOMTag(0x0040, 0x08EA), items: [unit.item])
            m.set(DICOMTag(0x0040, 0xA30A), .DS, Self.decimalString(v))
            d.set(DICOMTag(0x0040, 0xA300), items: [m])
        case let .uidref(uid):
            d.set(DICOMTag(0x0040, 0xA124), .UI, uid)
        case let .image(ref):
            d.set(DICOMTag(0x0008, 0x1199), items: [ref.item])
        case let .scoord(type, points):
            d.set(DICOMTag(0x0070, 0x0022), fl: points)
            d.set(DICOMTag(0x0070, 0x0023), .CS, type)
        }
        if !children.isEmpty {
            d.set(DICOMTag(0x0040, 0xA730), items: children.map { c in
                var item = DICOMWriteDataSet()
                c.write(into: &item)
                return item
            })
        }
    }

    /// A DS value of at most 16 characters (PS3.5 Table 6.2-1).
    public static func decimalString(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
        for digits in stride(from: 10, through: 1, by: -1) {
            let s = String(format: "%.\(digits)g", v)
            if s.count <= 16 { return s }
        }
        return String(format: "%.1e", v)
    }
}
