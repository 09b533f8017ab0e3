/// Limits that keep malformed input from hanging the parser or making it allocate absurdly.
public struct DICOMLimits: Sendable {
    /// Largest file accepted, in bytes.
    public var maxFileBytes = 2_000_000_000
    /// Deepest nesting of sequences.
    public var maxDepth = 16
    /// Most elements (all levels together) in one file.
    public var maxElements = 1_000_000
    /// Most items in one sequence, and most fragments in encapsulated pixel data.
    public var maxItems = 200_000
    /// The default limits.
    public init() {}
}

/// Reads data elements from a byte buffer (little endian; explicit or implicit VR).
struct DICOMParser {
    let bytes: [UInt8]
    let file: String
    let limits: DICOMLimits
    var position: Int
    var elementCount = 0

    init(bytes: [UInt8], file: String, limits: DICOMLimits, position: Int) {
        self.bytes = bytes
        self.file = file
        self.limits = limits
        self.position = position
    }

    func fail(_ kind: DICOMError.Kind, _ detail: String, at offset: Int? = nil) -> DICOMError {
        DICOMError(file: file, kind: kind, offset: offset ?? position, detail: detail)
    }

    func u16(_ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
    func u32(_ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }

    mutating func need(_ n: Int, _ what: String) throws {
        if bytes.count - position < n {
            throw fail(.truncated, "file ends inside \(what): \(n) bytes needed, \(bytes.count - position) left")
        }
    }

    struct Header {
        let tag: DICOMTag
        let vr: DICOMVR?  // nil for implicit VR and item tags
        let length: UInt32  // 0xFFFFFFFF = undefined
        let offset: Int
    }

    static let undefined: UInt32 = 0xFFFF_FFFF

    mutating func readHeader(implicit: Bool) throws -> Header {
        let start = position
        try need(8, "an element header")
        let tag = DICOMTag(u16(position), u16(position + 2))
        if tag.group == 0xFFFE {  // item and delimiters: never a VR
            let len = u32(position + 4)
            position += 8
            return Header(tag: tag, vr: nil, length: len, offset: start)
        }
        if implicit {
            let len = u32(position + 4)
            position += 8
            return Header(tag: tag, vr: nil, length: len, offset: start)
        }
        let vr = DICOMVR(code: UInt16(bytes[position + 4]) << 8 | UInt16(bytes[position + 5]))
        guard vr.looksValid else {
            throw fail(.malformed, "element \(tag) has no valid VR (bytes 0x\(String(vr.code, radix: 16))) in an explicit-VR data set", at: start)
        }
        if vr.hasLongLength {
            try need(12, "an element header")
            let len = u32(position + 8)
            position += 12
            return Header(tag: tag, vr: vr, length: len, offset: start)
        }
        let len = UInt32(u16(position + 6))
        position += 8
        return Header(tag: tag, vr: vr, length: len, offset: start)
    }

    /// Reads elements until `end` (defined length) or an item/sequence delimiter (undefined length: `end` is nil).
    /// Stops before any element whose tag is not below `stopBefore` (used for the file meta group).
    mutating func readDataSet(
        implicit: Bool, end: Int?, depth: Int, characterSet: String, stopAtGroupChange: UInt16? = nil
    ) throws -> DICOMDataSet {
        var ds = DICOMDataSet(file: file, characterSet: characterSet)
        let limit = end ?? bytes.count
        while position < limit {
            if let g = stopAtGroupChange {
                if limit - position < 2 || u16(position) != g { break }
            }
            let h = try readHeader(implicit: implicit)
            if h.tag == .itemDelimitation {
                if end == nil { return ds }
                throw fail(.malformed, "item delimitation inside an item of defined length", at: h.offset)
            }
            if h.tag == .sequenceDelimitation || h.tag == .item {
                throw fail(.malformed, "unexpected \(h.tag == .item ? "item" : "sequence delimitation") tag \(h.tag) in a data set", at: h.offset)
            }
            elementCount += 1
            if elementCount > limits.maxElements {
                throw fail(.limitExceeded, "more than \(limits.maxElements) elements", at: h.offset)
            }
            let element = try readValue(h, implicit: implicit, depth: depth, characterSet: ds.characterSet, limit: limit)
            ds.append(element)
            if h.tag == DICOMTag(0x0008, 0x0005), case .bytes(let b) = element.value {
                ds.characterSet = String(decoding: b.filter { $0 < 0x80 }, as: UTF8.self)
                    .vigilTrimmed(" \0")
            }
        }
        if end == nil {
            throw fail(.truncated, "an item or data set of undefined length is never closed (no item delimitation before the end of the file)")
        }
        if position > limit {
            throw fail(.lengthPastEnd, "an element runs past the end of its enclosing item", at: limit)
        }
        return ds
    }

    mutating func readValue(_ h: Header, implicit: Bool, depth: Int, characterSet: String, limit: Int) throws -> DICOMElement {
        var vr = h.vr ?? DICOMDictionary.vr(of: h.tag) ?? .UN
        var contentImplicit = implicit
        // VR UN: re-read with the dictionary's VR. UN content of a sequence is implicit VR LE (PS3.5 §6.2.2).
        if vr == .UN, let dictVR = DICOMDictionary.vr(of: h.tag), dictVR != .UN {
            vr = dictVR
            if dictVR == .SQ { contentImplicit = true }
        }
        if h.length == Self.undefined {
            if h.tag == .pixelData {
                return DICOMElement(tag: h.tag, vr: vr, value: .encapsulated(try readFragments(h)), offset: h.offset)
            }
            if vr == .SQ || vr == .UN {
                // Undefined length: a sequence (UN of undefined length is an implicit-VR sequence).
                let inner = (vr == .UN) ? true : contentImplicit
                let items = try readItems(h, implicit: inner, end: nil, depth: depth, characterSet: characterSet)
                return DICOMElement(tag: h.tag, vr: .SQ, value: .sequence(items), offset: h.offset)
            }
            throw fail(.malformed, "element \(h.tag) (VR \(vr)) has undefined length, allowed only for sequences and pixel data", at: h.offset)
        }
        let len = Int(h.length)
        if len > limit - position {
            throw fail(.lengthPastEnd, "element \(h.tag) claims \(len) bytes but only \(max(0, limit - position)) remain", at: h.offset)
        }
        if vr == .SQ {
            let end = position + len
            let items = try readItems(h, implicit: contentImplicit, end: end, depth: depth, characterSet: characterSet)
            position = end
            return DICOMElement(tag: h.tag, vr: .SQ, value: .sequence(items), offset: h.offset)
        }
        let value = bytes[position..<position + len]
        position += len
        return DICOMElement(tag: h.tag, vr: vr, value: .bytes(value), offset: h.offset)
    }

    mutating func readItems(_ h: Header, implicit: Bool, end: Int?, depth: Int, characterSet: String) throws -> [DICOMDataSet] {
        guard depth < limits.maxDepth else {
            throw fail(.limitExceeded, "sequences nested deeper than \(limits.maxDepth) levels", at: h.offset)
        }
        var items: [DICOMDataSet] = []
        let limit = end ?? bytes.count
        while true {
            if let end, position >= end { break }
            if end == nil && position >= bytes.count {
                throw fail(.truncated, "sequence \(h.tag) starting at byte \(h.offset) is never closed (no sequence delimitation before the end of the file)")
            }
            let ih = try readHeader(implicit: true)
            if ih.tag == .sequenceDelimitation {
                if end == nil { break }
                throw fail(.malformed, "sequence delimitation inside sequence \(h.tag) of defined length", at: ih.offset)
            }
            guard ih.tag == .item else {
                throw fail(.malformed, "expected an item tag in sequence \(h.tag), found \(ih.tag)", at: ih.offset)
            }
            if items.count >= limits.maxItems {
                throw fail(.limitExceeded, "sequence \(h.tag) has more than \(limits.maxItems) items", at: ih.offset)
            }
            elementCount += 1
            if elementCount > limits.maxElements {
                throw fail(.limitExceeded, "more than \(limits.maxElements) elements", at: ih.offset)
            }
            if ih.length == Self.undefined {
                items.append(try readDataSet(implicit: implicit, end: nil, depth: depth + 1, characterSet: characterSet))
            } else {
                let len = Int(ih.length)
                guard len <= limit - position else {
                    throw fail(.lengthPastEnd, "item in sequence \(h.tag) claims \(len) bytes but only \(max(0, limit - position)) remain", at: ih.offset)
                }
                let itemEnd = position + len
                items.append(try readDataSet(implicit: implicit, end: itemEnd, depth: depth + 1, characterSet: characterSet))
                position = itemEnd
            }
        }
        return items
    }

    mutating func readFragments(_ h: Header) throws -> EncapsulatedPixelData {
        var table: [UInt32] = []
        var fragments: [ArraySlice<UInt8>] = []
        var offsets: [Int] = []
        var first = true
        var firstFragmentStart = 0
        while true {
            if position >= bytes.count {
                throw fail(.truncated, "encapsulated pixel data starting at byte \(h.offset) is never closed (no sequence delimitation before the end of the file)")
            }
            let ih = try readHeader(implicit: true)
            if ih.tag == .sequenceDelimitation { break }
            guard ih.tag == .item else {
                throw fail(.malformed, "expected a fragment item in encapsulated pixel data, found \(ih.tag)", at: ih.offset)
            }
            guard ih.length != Self.undefined else {
                throw fail(.malformed, "a pixel data fragment has undefined length", at: ih.offset)
            }
            let len = Int(ih.length)
            guard len <= bytes.count - position else {
                throw fail(.lengthPastEnd, "pixel data fragment claims \(len) bytes but only \(bytes.count - position) remain", at: ih.offset)
            }
            let value = bytes[position..<position + len]
            position += len
            if first {
                first = false
                guard len % 4 == 0 else {
                    throw fail(.malformed, "basic offset table length \(len) is not a multiple of 4", at: ih.offset)
                }
                var i = value.startIndex
                while i < value.endIndex { table.append(u32(i)); i += 4 }
                firstFragmentStart = position
                continue
            }
            guard fragments.count < limits.maxItems else {
                throw fail(.limitExceeded, "more than \(limits.maxItems) pixel data fragments", at: ih.offset)
            }
            offsets.append(ih.offset - firstFragmentStart)
            fragments.append(value)
        }
        return EncapsulatedPixelData(basicOffsetTable: table, fragments: fragments, fragmentOffsets: offsets)
    }
}

extension String {
    func vigilTrimmed(_ set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
