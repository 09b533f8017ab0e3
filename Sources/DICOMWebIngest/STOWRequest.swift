import MultipartKit
import NIOCore

/// Why a STOW-RS request as a whole cannot be processed (per-instance problems are not errors: they are
/// listed in the response's Failed SOP Sequence). `status` is the HTTP status the route answers with.
public struct STOWRequestError: Error, Sendable, CustomStringConvertible {
    /// 400 (malformed body), 413 (too large or too many parts), 415 (not `multipart/related` of `application/dicom`).
    public let status: Int
    /// The reason, for an RFC 7807 problem's `detail` (no patient data, no internal paths).
    public let reason: String

    /// Makes an error.
    public init(status: Int, reason: String) {
        self.status = status
        self.reason = reason
    }

    public var description: String { "\(status): \(reason)" }
}

/// Bounds on one STOW-RS request body.
public struct STOWLimits: Sendable, Hashable {
    /// Most parts (instances) in one request.
    public var maxParts: Int
    /// Most bytes of one part's body (one DICOM instance).
    public var maxPartBytes: Int
    /// Most bytes of the whole body.
    public var maxBodyBytes: Int

    /// Defaults: 5000 parts, 512 MiB per part (a large multi-frame CT), 4 GiB per request.
    public init(maxParts: Int = 5000, maxPartBytes: Int = 512 << 20, maxBodyBytes: Int = 4 << 30) {
        self.maxParts = maxParts
        self.maxPartBytes = maxPartBytes
        self.maxBodyBytes = maxBodyBytes
    }
}

/// The `Content-Type` of a STOW-RS request (PS3.18 §10.5.1.1): `multipart/related; type="application/dicom";
/// boundary=…`. Parameter names are case-insensitive and may come in any order; values may be quoted.
public struct STOWContentType: Sendable, Hashable {
    /// The multipart boundary (without the leading `--`).
    public let boundary: String
    /// The `type` parameter (the media type of the root part), lower-cased; "application/dicom" here.
    public let type: String

    /// Parses a `Content-Type` header value.
    /// - Throws: `STOWRequestError` 415 when the media type is not `multipart/related` or its `type` is not
    ///   `application/dicom` (the metadata + bulk data forms are not accepted), 400 without a usable boundary.
    public init(_ header: String) throws {
        let pieces = Self.split(header)
        guard let media = pieces.first?.lowercased(), media == "multipart/related" else {
            throw STOWRequestError(status: 415, reason: "Content-Type must be multipart/related; type=\"application/dicom\" (got \(Self.short(pieces.first ?? "none")))")
        }
        var params: [String: String] = [:]
        for p in pieces.dropFirst() {
            guard let eq = p.firstIndex(of: "=") else { continue }
            let name = p[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            var value = p[p.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
            }
            params[name] = value
        }
        let type = params["type"]?.lowercased() ?? ""
        guard type == "application/dicom" else {
            throw STOWRequestError(status: 415, reason: type.isEmpty
                ? "multipart/related without type=\"application/dicom\": only DICOM Part 10 instances are accepted"
                : "multipart/related of type \(Self.short(type)): only type=\"application/dicom\" (DICOM Part 10 instances) is accepted")
        }
        guard let boundary = params["boundary"], !boundary.isEmpty, boundary.utf8.count <= 200 else {
            throw STOWRequestError(status: 400, reason: "multipart/related without a boundary parameter (1–70 characters)")
        }
        self.boundary = boundary
        self.type = type
    }

    /// Splits on `;` outside quotes.
    static func split(_ s: String) -> [String] {
        var out: [String] = [], cur = "", quoted = false, escaped = false
        for ch in s {
            if escaped { cur.append(ch); escaped = false; continue }
            if ch == "\\" && quoted { cur.append(ch); escaped = true; continue }
            if ch == "\"" { quoted.toggle() }
            if ch == ";" && !quoted { out.append(cur.trimmingCharacters(in: .whitespaces)); cur = ""; continue }
            cur.append(ch)
        }
        out.append(cur.trimmingCharacters(in: .whitespaces))
        return out
    }

    static func short(_ s: String) -> String { s.count > 60 ? String(s.prefix(60)) + "…" : s }
}

/// One body part of a STOW-RS request.
public struct STOWPart: Sendable {
    /// 1-based position in the request.
    public let index: Int
    /// The part's headers as sent (names as written).
    public let headers: [(name: String, value: String)]
    /// The part's bytes.
    public let body: [UInt8]

    /// The part's `Content-Type` without parameters, lower-cased; nil when absent.
    public var mediaType: String? {
        guard let v = headers.first(where: { $0.name.lowercased() == "content-type" })?.value else { return nil }
        return STOWContentType.split(v).first?.lowercased()
    }
}

/// Reads a `multipart/related` body incrementally (chunk by chunk, as an HTTP server receives it) into
/// parts, within `STOWLimits`. The MIME framing is parsed by MultipartKit's `MultipartParser`; this type
/// adds the bounds and the completeness checks.
public final class STOWMultipartReader {
    private let parser: MultipartParser
    private let limits: STOWLimits
    private var parts: [STOWPart] = []
    private var headers: [(name: String, value: String)] = []
    private var body: [UInt8] = []
    private var open = false
    private var total = 0
    private var failure: STOWRequestError?
    // Finds the close delimiter "\r\n--boundary--" in the stream (Knuth–Morris–Pratt), to tell a complete
    // body from one cut short.
    private let close: [UInt8]
    private let fallback: [Int]
    private var matched = 0
    private var closeSeen = false

    /// Starts reading a body of the given content type.
    /// - Throws: `STOWRequestError` for an unusable `Content-Type` (see ``STOWContentType``).
    public init(contentType: String, limits: STOWLimits = STOWLimits()) throws {
        let ct = try STOWContentType(contentType)
        self.limits = limits
        close = Array("\r\n--\(ct.boundary)--".utf8)
        var f = [Int](repeating: 0, count: close.count)
        var k = 0
        for i in 1..<close.count {
            while k > 0 && close[i] != close[k] { k = f[k - 1] }
            if close[i] == close[k] { k += 1 }
            f[i] = k
        }
        fallback = f
        self.parser = MultipartParser(boundary: ct.boundary)
        parser.onHeader = { [unowned self] name, value in
            guard failure == nil else { return }
            open = true
            if headers.count >= 64 || value.utf8.count > 8192 {
                failure = STOWRequestError(status: 400, reason: "part \(parts.count + 1) has more than 64 headers or a header longer than 8 KiB")
                return
            }
            headers.append((name, value))
        }
        parser.onBody = { [unowned self] buffer in
            guard failure == nil else { buffer.moveReaderIndex(forwardBy: buffer.readableBytes); return }
            open = true
            if body.count + buffer.readableBytes > limits.maxPartBytes {
                failure = STOWRequestError(status: 413, reason: "part \(parts.count + 1) is larger than \(limits.maxPartBytes) bytes")
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                return
            }
            body.append(contentsOf: buffer.readableBytesView)
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        }
        parser.onPartComplete = { [unowned self] in
            guard failure == nil else { return }
            if parts.count >= limits.maxParts {
                failure = STOWRequestError(status: 413, reason: "more than \(limits.maxParts) parts in one request")
                return
            }
            parts.append(STOWPart(index: parts.count + 1, headers: headers, body: body))
            headers = []
            body = []
            open = false
        }
    }

    /// Feeds the next chunk of the body.
    /// - Throws: `STOWRequestError` 413 past a limit, 400 for a malformed part header.
    public func feed(_ chunk: ByteBuffer) throws {
        total += chunk.readableBytes
        guard total <= limits.maxBodyBytes else {
            throw STOWRequestError(status: 413, reason: "request body is larger than \(limits.maxBodyBytes) bytes")
        }
        if !closeSeen {
            for byte in chunk.readableBytesView {
                while matched > 0 && byte != close[matched] { matched = fallback[matched - 1] }
                if byte == close[matched] { matched += 1 }
                if matched == close.count { closeSeen = true; break }
            }
        }
        do { try parser.execute(chunk) } catch {
            throw failure ?? STOWRequestError(status: 400, reason: "malformed multipart body in part \(parts.count + 1) (part headers could not be parsed)")
        }
        if let failure { throw failure }
    }

    /// Feeds the next chunk of the body.
    public func feed(_ bytes: [UInt8]) throws { try feed(ByteBuffer(bytes: bytes)) }

    /// Ends the body and returns its parts.
    /// - Throws: `STOWRequestError` 400 when the body holds no part or ends inside a part (no closing boundary).
    public func finish() throws -> [STOWPart] {
        if let failure { throw failure }
        if open || (!parts.isEmpty && !closeSeen) {
            throw STOWRequestError(status: 400, reason: "the body ends inside part \(parts.count + 1): no closing boundary (truncated upload?)")
        }
        guard !parts.isEmpty else {
            throw STOWRequestError(status: 400, reason: "the body holds no part delimited by the boundary of its Content-Type")
        }
        return parts
    }

    /// Reads a whole body held in memory.
    public static func parts(contentType: String, body: [UInt8], limits: STOWLimits = STOWLimits()) throws -> [STOWPart] {
        let reader = try STOWMultipartReader(contentType: contentType, limits: limits)
        try reader.feed(body)
        return try reader.finish()
    }
}
