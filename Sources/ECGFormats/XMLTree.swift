import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A minimal element tree built with Foundation's `XMLParser` (namespace-aware: `name` is the local name).
final class XMLElement {
    let name: String
    let namespace: String?
    let attributes: [String: String]
    var children: [XMLElement] = []
    var textParts: [String] = []

    init(name: String, namespace: String?, attributes: [String: String]) {
        self.name = name; self.namespace = namespace; self.attributes = attributes
    }

    /// The element's own text, trimmed.
    var text: String { textParts.joined().trimmingCharacters(in: .whitespacesAndNewlines) }
    /// First direct child with the local name.
    func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }
    /// All direct children with the local name.
    func children(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }
    /// Follows a path of direct children.
    func path(_ names: String...) -> XMLElement? {
        var cur: XMLElement? = self
        for n in names { cur = cur?.child(n) }
        return cur
    }
    /// Attribute by local name (ignores any prefix).
    func attr(_ name: String) -> String? {
        if let v = attributes[name] { return v }
        return attributes.first { $0.key.split(separator: ":").last.map(String.init) == name }?.value
    }
    /// All descendants (depth-first, pre-order) with the local name.
    func descendants(_ name: String) -> [XMLElement] {
        var out: [XMLElement] = []
        var stack: [XMLElement] = children.reversed()
        while let e = stack.popLast() {
            if e.name == name { out.append(e) }
            stack.append(contentsOf: e.children.reversed())
        }
        return out
    }
}

enum XMLTree {
    static let maxDepth = 256

    /// Reads and parses the XML file at `url` (at most `maxBytes`); readers check the root element.
    static func document(at url: URL, maxBytes: Int) throws -> XMLElement {
        try parse(try readFileBytes(url, maxBytes: maxBytes), file: url.lastPathComponent)
    }

    /// Throws `malformedXML` naming both elements when `element` is not the expected root.
    static func requireRoot(_ element: XMLElement, _ name: String, file: String) throws {
        guard element.name == name else {
            throw ECGFormatError.malformedXML(file: file, reason: "root element is \(element.name), expected \(name)")
        }
    }

    /// Parses `data` into a tree. External entities are not resolved.
    /// - Throws: `ECGFormatError.malformedXML` with the parser's line and message.
    static func parse(_ input: Data, file: String) throws -> XMLElement {
        let data = try utf8Document(input, file: file)
        if let at = emptyProcessingInstruction(in: data) {
            throw ECGFormatError.malformedXML(file: file, reason: "processing instruction without data at byte \(at) (not accepted)")
        }
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        let builder = Builder()
        parser.delegate = builder
        let ok = parser.parse()
        if let reason = builder.failure { throw ECGFormatError.malformedXML(file: file, reason: reason) }
        // swift-corelibs-foundation's XMLParser can report success for a document cut off inside an
        // element; an unclosed element is treated as truncation here.
        // It also reports success for some malformed documents while setting `parserError`.
        if ok, let err = parser.parserError {
            let code = (err as NSError).code
            throw ECGFormatError.malformedXML(file: file, reason: "line \(parser.lineNumber): XML parser error \(code)")
        }
        if ok, let open = builder.stack.last {
            throw ECGFormatError.malformedXML(file: file, reason: "document ends inside element <\(open.name)> (truncated?)")
        }
        guard ok, let root = builder.root else {
            let err = parser.parserError.map { ($0 as NSError).localizedDescription } ?? "unknown parser error"
            throw ECGFormatError.malformedXML(file: file, reason: "line \(parser.lineNumber): \(err)")
        }
        return root
    }

    /// The document as UTF-8 without its XML declaration: decoded per the declared encoding (UTF-8 default,
    /// ISO-8859-1, windows-1252, US-ASCII) and validated. XMLParser on Linux traps on names that are not
    /// valid UTF-8 (found by fuzzing: the 5 bytes `<\u{E8}\u{E8}\u{E8}\u{E8}` crash it), so it only ever
    /// sees valid UTF-8 here.
    static func utf8Document(_ data: Data, file: String) throws -> Data {
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        var transcoded: Data?
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) {
            // UTF-16 with a byte-order mark (Philips SierraECG writes UTF-16 LE with CRLF): transcoded to UTF-8
            // first; the declaration's "utf-16" then describes the original bytes, not these.
            let littleEndian = bytes.first == 0xFF
            let body = Data(bytes.dropFirst(2))
            guard body.count % 2 == 0,
                  let t = String(data: body, encoding: littleEndian ? .utf16LittleEndian : .utf16BigEndian) else {
                throw ECGFormatError.malformedXML(file: file, reason: "bytes are not valid UTF-16")
            }
            transcoded = Data(t.utf8)
            bytes = transcoded![...]
        }
        var encoding = "utf-8"
        if bytes.starts(with: Array("<?xml".utf8)) {
            guard let end = bytes.firstRange(of: Array("?>".utf8)) else {
                throw ECGFormatError.malformedXML(file: file, reason: "unterminated XML declaration")
            }
            let decl = String(decoding: bytes[bytes.startIndex..<end.lowerBound], as: UTF8.self)
            if let r = decl.range(of: "encoding") {
                let rest = decl[r.upperBound...].drop(while: { $0 == " " || $0 == "=" })
                if let q = rest.first, q == "\"" || q == "'" {
                    encoding = String(rest.dropFirst().prefix(while: { $0 != q })).lowercased()
                }
            }
            bytes = bytes[end.upperBound...]
        }
        if transcoded != nil {
            guard encoding.hasPrefix("utf-16") || encoding.hasPrefix("utf16") || encoding == "utf-8" else {
                throw ECGFormatError.malformedXML(file: file, reason: "UTF-16 byte-order mark but declared encoding '\(encoding)'")
            }
            return Data(bytes)
        }
        let text: String?
        switch encoding {
        case "utf-8", "utf8", "us-ascii", "ascii": text = String(data: Data(bytes), encoding: .utf8)
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "iso_8859-1": text = String(data: Data(bytes), encoding: .isoLatin1)
        case "windows-1252", "cp1252": text = String(data: Data(bytes), encoding: .windowsCP1252)
        default: throw ECGFormatError.unsupported(file: file, feature: "XML encoding '\(encoding)'")
        }
        guard let t = text else {
            throw ECGFormatError.malformedXML(file: file, reason: "bytes are not valid \(encoding)")
        }
        return Data(t.utf8)
    }

    /// The byte offset of the first `<?target?>` (a processing instruction with no data), if any.
    /// swift-corelibs-foundation's XMLParser dereferences a null pointer on such input (seen with
    /// Swift 6.3.1 on Linux: `<a>text<?x?></a>` crashes the process), so it is refused before parsing.
    static func emptyProcessingInstruction(in data: Data) -> Int? {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Int? in
            let b = raw.bindMemory(to: UInt8.self)
            let n = b.count
            var i = 0
            while i + 1 < n {
                if b[i] == UInt8(ascii: "<"), b[i + 1] == UInt8(ascii: "?") {
                    var j = i + 2
                    while j < n, b[j] != UInt8(ascii: "?"), b[j] != 0x20, b[j] != 0x09, b[j] != 0x0A, b[j] != 0x0D { j += 1 }
                    if j + 1 < n, b[j] == UInt8(ascii: "?"), b[j + 1] == UInt8(ascii: ">") { return i }
                    i = j
                } else {
                    i += 1
                }
            }
            return nil
        }
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var root: XMLElement?
        var stack: [XMLElement] = []
        var failure: String?

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            if stack.count >= XMLTree.maxDepth {
                failure = "nesting deeper than \(XMLTree.maxDepth) elements"
                parser.abortParsing(); return
            }
            let e = XMLElement(name: elementName, namespace: namespaceURI, attributes: attributeDict)
            if let parent = stack.last { parent.children.append(e) } else if root == nil { root = e }
            stack.append(e)
        }
        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            _ = stack.popLast()
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.textParts.append(string)
        }
        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            stack.last?.textParts.append(String(decoding: CDATABlock, as: UTF8.self))
        }
    }
}
