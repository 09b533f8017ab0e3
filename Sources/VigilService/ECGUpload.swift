import Foundation
import MultipartKit
import NIOCore

/// An uploaded ECG record as the files ``ECGScoring/ECGScorer/score(files:options:)`` reads: one file sent
/// as the body with its media type, or the files of one WFDB record as `multipart/form-data` parts, each
/// with a file name.
enum ECGUpload {
    /// The media types accepted as a raw body, with the file name the record is read under.
    static let rawTypes: [String: String] = [
        "application/dicom": "upload.dcm",
        "application/xml": "upload.xml",
        "text/xml": "upload.xml",
        "text/csv": "upload.csv",
    ]

    /// Most parts a multipart upload may have (a WFDB record is a header and a few signal files).
    static let maxParts = 16

    /// A parsed `Content-Type`: lowercased media type and its parameters (names lowercased).
    struct MediaType: Equatable {
        var essence: String
        var parameters: [String: String]

        init?(_ header: String) {
            let pieces = Self.splitParameters(header)
            guard let first = pieces.first else { return nil }
            let essence = first.trimmingCharacters(in: .whitespaces).lowercased()
            let halves = essence.split(separator: "/")
            guard halves.count == 2, !halves[0].isEmpty, !halves[1].isEmpty else { return nil }
            self.essence = essence
            var parameters: [String: String] = [:]
            for piece in pieces.dropFirst() {
                guard let eq = piece.firstIndex(of: "=") else { continue }
                let name = piece[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
                var value = piece[piece.index(after: eq)...].trimmingCharacters(in: .whitespaces)
                if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                    value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
                }
                parameters[name] = value
            }
            self.parameters = parameters
        }

        /// Splits at `;` outside quotes.
        static func splitParameters(_ text: String) -> [String] {
            var out: [String] = []
            var current = ""
            var quoted = false
            var escaped = false
            for ch in text {
                if escaped { current.append(ch); escaped = false; continue }
                if ch == "\\" && quoted { current.append(ch); escaped = true; continue }
                if ch == "\"" { quoted.toggle() }
                if ch == ";" && !quoted { out.append(current); current = ""; continue }
                current.append(ch)
            }
            out.append(current)
            return out
        }
    }

    /// Why an upload was refused: unsupported media type (415) or a malformed body (400).
    enum Refusal: Error, Equatable {
        case unsupportedType(String)
        case malformed(String)
    }

    /// The files of the upload.
    static func files(contentType: String?, body: ByteBuffer) throws(Refusal) -> [String: Data] {
        guard let contentType, let type = MediaType(contentType) else {
            throw .unsupportedType("a Content-Type is required: \(supportedList)")
        }
        if let name = rawTypes[type.essence] {
            guard body.readableBytes > 0 else { throw .malformed("the body is empty") }
            return [name: Data(body.readableBytesView)]
        }
        guard type.essence == "multipart/form-data" else {
            throw .unsupportedType("\(type.essence) is not accepted: \(supportedList)")
        }
        return try multipartFiles(boundary: boundary(of: type), body: body)
    }

    /// The boundary parameter of a multipart media type (RFC 2046: 1 to 70 characters).
    static func boundary(of type: MediaType) throws(Refusal) -> String {
        guard let boundary = type.parameters["boundary"], !boundary.isEmpty, boundary.count <= 70 else {
            throw .malformed("multipart/form-data needs a boundary parameter (1 to 70 characters)")
        }
        return boundary
    }

    static let supportedList = "send application/dicom, application/xml, text/csv, or multipart/form-data with the "
        + "files of one WFDB record (.hea and its signal files)"

    /// The parts of a `multipart/form-data` body that carry a file name, by that name.
    static func multipartFiles(boundary: String, body: ByteBuffer, maxParts: Int = maxParts) throws(Refusal) -> [String: Data] {
        let parser = MultipartParser(boundary: boundary)
        var parts: [(headers: [(String, String)], body: Data)] = []
        var headers: [(String, String)] = []
        var data = Data()
        var completed = false
        var tooMany = false
        parser.onHeader = { name, value in headers.append((name, value)) }
        parser.onBody = { buffer in data.append(contentsOf: buffer.readableBytesView) }
        parser.onPartComplete = {
            if parts.count >= maxParts { tooMany = true }
            parts.append((headers, data))
            headers = []
            data = Data()
            completed = true
        }
        do {
            try parser.execute(body)
        } catch {
            throw .malformed("the multipart body is malformed (\(parts.count) part(s) read before the defect)")
        }
        guard !tooMany else { throw .malformed("more than \(maxParts) parts" + (maxParts == Self.maxParts ? "; send the files of one record" : "")) }
        guard completed, !parts.isEmpty else {
            throw .malformed("the multipart body has no complete part (is the boundary right and the closing delimiter there?)")
        }
        var files: [String: Data] = [:]
        for (index, part) in parts.enumerated() {
            let disposition = part.headers.first { $0.0.lowercased() == "content-disposition" }?.1
            guard let disposition, let name = filename(disposition: disposition) else { continue }
            guard files[name] == nil else { throw .malformed("two parts are named \"\(name)\"") }
            guard !part.body.isEmpty else { throw .malformed("part \(index + 1) (\"\(name)\") is empty") }
            files[name] = part.body
        }
        guard !files.isEmpty else {
            throw .malformed("no part has a file name (Content-Disposition: form-data; name=\"file\"; filename=\"r.hea\")")
        }
        return files
    }

    /// The `filename` parameter of a Content-Disposition value, without any directory (clients such as old
    /// browsers send full paths); nil when there is none.
    static func filename(disposition: String) -> String? {
        let pieces = MediaType.splitParameters(disposition)
        for piece in pieces.dropFirst() {
            guard let eq = piece.firstIndex(of: "=") else { continue }
            guard piece[..<eq].trimmingCharacters(in: .whitespaces).lowercased() == "filename" else { continue }
            var value = piece[piece.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            let base = value.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
            return base.isEmpty ? nil : base
        }
        return nil
    }
}
