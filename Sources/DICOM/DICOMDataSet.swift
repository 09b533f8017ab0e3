/// Encapsulated (compressed) pixel data: the Basic Offset Table and the fragments (PS3.5 §A.4).
public struct EncapsulatedPixelData: Sendable {
    /// Byte offsets of each frame's first fragment, relative to the first fragment's item tag; empty when absent.
    public let basicOffsetTable: [UInt32]
    /// Each fragment's bytes, in file order.
    public let fragments: [ArraySlice<UInt8>]
    /// Offset of each fragment's item tag relative to the first fragment's item tag (same origin as the table).
    public let fragmentOffsets: [Int]
}

/// The value of one element.
public enum DICOMValue: Sendable {
    /// Raw value bytes, little endian (as stored; text not yet decoded).
    case bytes(ArraySlice<UInt8>)
    /// A sequence (SQ) of items, each a nested data set.
    case sequence([DICOMDataSet])
    /// Encapsulated pixel data.
    case encapsulated(EncapsulatedPixelData)
}

/// One data element: tag, VR (after any re-reading of UN) and value.
public struct DICOMElement: Sendable {
    /// The tag.
    public let tag: DICOMTag
    /// The VR in force: explicit, or from the dictionary for implicit VR and re-read UN elements.
    public let vr: DICOMVR
    /// The value.
    public let value: DICOMValue
    /// Byte offset of the element's tag in the file.
    public let offset: Int
}

/// A data set (the top level, or one sequence item): elements by tag, with typed accessors.
///
/// Accessors return nil when the element is absent or empty, and throw `DICOMError` when it is present but
/// malformed (wrong length for its VR, text that is not a number): a malformed value is never guessed at.
public struct DICOMDataSet: Sendable {
    /// Elements in ascending tag order as read.
    public private(set) var elements: [DICOMElement] = []
    private var index: [UInt32: Int] = [:]
    /// The Specific Character Set in force (inherited by sequence items), e.g. "ISO_IR 100"; "" = default repertoire.
    public internal(set) var characterSet: String
    /// The file the data set came from (for error messages).
    public let file: String

    init(file: String, characterSet: String) {
        self.file = file
        self.characterSet = characterSet
    }

    mutating func append(_ e: DICOMElement) {
        if let i = index[e.tag.value] { elements[i] = e; return }
        index[e.tag.value] = elements.count
        elements.append(e)
    }

    /// The element with `tag`, if present.
    public subscript(tag: DICOMTag) -> DICOMElement? {
        guard let i = index[tag.value] else { return nil }
        return elements[i]
    }

    /// Whether the element is present (even if empty).
    public func contains(_ tag: DICOMTag) -> Bool { index[tag.value] != nil }

    private func error(_ e: DICOMElement, _ detail: String) -> DICOMError {
        DICOMError(file: file, kind: .invalidValue, offset: e.offset, detail: "element \(e.tag) (VR \(e.vr)): \(detail)")
    }

    /// Raw bytes of a non-sequence element, or nil if absent.
    public func bytes(_ tag: DICOMTag) -> ArraySlice<UInt8>? {
        guard let e = self[tag], case .bytes(let b) = e.value else { return nil }
        return b
    }

    /// The values of a text element split at backslashes, trailing/leading spaces (and trailing NULs) removed.
    /// Nil if absent or empty. Text is decoded with the character set in force (ISO_IR 6, 100, 192 supported).
    public func strings(_ tag: DICOMTag) throws -> [String]? {
        guard let e = self[tag], case .bytes(let b) = e.value, !b.isEmpty else { return nil }
        let text = try decodeText(b, element: e)
        let parts: [Substring]
        if e.vr == .LT || e.vr == .ST || e.vr == .UT || e.vr == .UR {
            parts = [Substring(text)]  // single-valued: backslash is an ordinary character
        } else {
            parts = text.split(separator: "\\", omittingEmptySubsequences: false)
        }
        return parts.map { trim($0) }
    }

    /// The first value of a text element (see `strings`), or nil if absent or empty.
    public func string(_ tag: DICOMTag) throws -> String? {
        guard let s = try strings(tag), let f = s.first, !f.isEmpty else { return nil }
        return f
    }

    /// Numbers of a DS or IS element (or any binary numeric VR), in file order. Nil if absent or empty.
    /// An empty value inside a multi-valued DS/IS ("1\\\\2") throws.
    public func doubles(_ tag: DICOMTag) throws -> [Double]? {
        guard let e = self[tag], case .bytes(let b) = e.value, !b.isEmpty else { return nil }
        switch e.vr {
        case .DS, .IS:
            guard let parts = try strings(tag) else { return nil }
            if parts.count == 1 && parts[0].isEmpty { return nil }
            return try parts.map { p in
                guard !p.isEmpty, p.count <= 64, let d = Double(p), d.isFinite else {
                    throw error(e, "'\(p.prefix(32))' is not a decimal number")
                }
                return d
            }
        case .US, .SS, .UL, .SL, .FL, .FD, .UV, .SV:
            return try binary(e, b).map { $0 }
        default:
            throw error(e, "not a numeric VR")
        }
    }

    /// The first number of a numeric element (see `doubles`), or nil if absent or empty.
    public func double(_ tag: DICOMTag) throws -> Double? { try doubles(tag)?.first }

    /// The first value of an integer element (US, SS, UL, SL, IS), or nil if absent or empty. Throws if the value is
    /// not an integer or does not fit in `Int`.
    public func int(_ tag: DICOMTag) throws -> Int? {
        guard let e = self[tag], let d = try doubles(tag)?.first else { return nil }
        guard d == d.rounded(), abs(d) < 9.0e15 else { throw error(e, "\(d) is not an integer") }
        return Int(d)
    }

    /// Items of a sequence element, or nil if absent. Throws if the element is not a sequence.
    public func sequence(_ tag: DICOMTag) throws -> [DICOMDataSet]? {
        guard let e = self[tag] else { return nil }
        switch e.value {
        case .sequence(let items): return items
        case .bytes(let b) where b.isEmpty: return []
        default: throw error(e, "not a sequence")
        }
    }

    /// Binary numbers of US/SS/UL/SL/FL/FD/UV/SV elements, as Double (exact for all 32-bit integers).
    private func binary(_ e: DICOMElement, _ b: ArraySlice<UInt8>) throws -> [Double] {
        let size: Int
        switch e.vr {
        case .US, .SS: size = 2
        case .UL, .SL, .FL: size = 4
        default: size = 8
        }
        guard b.count % size == 0 else { throw error(e, "length \(b.count) is not a multiple of \(size)") }
        var out: [Double] = []
        out.reserveCapacity(b.count / size)
        var i = b.startIndex
        while i < b.endIndex {
            var u: UInt64 = 0
            for k in 0..<size { u |= UInt64(b[i + k]) << (8 * UInt64(k)) }
            switch e.vr {
            case .US, .UL, .UV: out.append(Double(u))
            case .SS: out.append(Double(Int16(truncatingIfNeeded: u)))
            case .SL: out.append(Double(Int32(truncatingIfNeeded: u)))
            case .SV: out.append(Double(Int64(bitPattern: u)))
            case .FL: out.append(Double(Float(bitPattern: UInt32(truncatingIfNeeded: u))))
            default: out.append(Double(bitPattern: u))
            }
            i += size
        }
        return out
    }

    private func decodeText(_ b: ArraySlice<UInt8>, element e: DICOMElement) throws -> String {
        let ascii = !b.contains { $0 >= 0x80 }
        if ascii { return String(decoding: b, as: UTF8.self) }
        let terms = characterSet.split(separator: "\\", omittingEmptySubsequences: false).map { trim($0) }
        let cs = e.vr.usesCharacterSet ? (terms.last(where: { !$0.isEmpty }) ?? "") : ""
        switch cs {
        case "ISO_IR 100":
            return String(String.UnicodeScalarView(b.map { Unicode.Scalar($0) }))
        case "ISO_IR 192":
            guard let s = String(validating: b, as: UTF8.self) else { throw error(e, "invalid UTF-8 text") }
            return s
        case "":
            throw DICOMError(file: file, kind: .unsupportedCharacterSet, offset: e.offset,
                             detail: "element \(e.tag) has non-ASCII bytes but no Specific Character Set allows them")
        default:
            throw DICOMError(file: file, kind: .unsupportedCharacterSet, offset: e.offset,
                             detail: "element \(e.tag): character set '\(characterSet.prefix(64))' is not supported (ISO_IR 100 and ISO_IR 192 are)")
        }
    }
}

private func trim(_ s: Substring) -> String {
    var t = s
    while let f = t.first, f == " " { t.removeFirst() }
    while let l = t.last, l == " " || l == "\0" { t.removeLast() }
    return String(t)
}
