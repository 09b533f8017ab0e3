import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Minimal Lower Layer Protocol (HL7 v2 Implementation Guide, appendix C): each message is sent as
/// 0x0B, the message bytes, 0x1C 0x0D, over TCP; the receiver answers each with an ACK message framed
/// the same way.
public enum MLLP {
    /// Start block.
    public static let startBlock: UInt8 = 0x0B
    /// End block, followed by a carriage return.
    public static let endBlock: UInt8 = 0x1C

    /// `text` framed.
    public static func frame(_ text: String) -> Data {
        Data([startBlock]) + Data(text.utf8) + Data([endBlock, 0x0D])
    }

    /// The messages in a byte stream of MLLP frames, and the bytes after the last complete frame.
    public static func unframe(_ data: Data) -> (messages: [String], rest: Data) {
        var messages: [String] = []
        var bytes = [UInt8](data)
        while let s = bytes.firstIndex(of: startBlock), let e = bytes[s...].firstIndex(of: endBlock),
              e + 1 < bytes.count, bytes[e + 1] == 0x0D
        {
            messages.append(String(decoding: bytes[(s + 1)..<e], as: UTF8.self))
            bytes.removeSubrange(0...(e + 1))
        }
        return (messages, Data(bytes))
    }
}

/// Why a message was not delivered. Messages name the peer address given by the user and the message's
/// control id, never patient data.
public struct MLLPError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong.
    public let description: String

    /// Creates an error.
    public init(description: String) { self.description = description }
}

/// A sending MLLP client: one TCP connection, one message at a time, each acknowledged before the next
/// (original-mode acknowledgement: MSA-1 `AA` accepts; `AE` / `AR` reject, and so do `CE` / `CR`).
public final class MLLPClient {
    private let fd: Int32
    private let peer: String
    private var buffer = Data()
    /// Seconds to wait for each ACK.
    public let timeout: Int

    /// Connects to `host:port` (an IPv4 address or a name; `localhost` for loopback).
    /// - Throws: ``MLLPError`` when the address is malformed or the connection is refused.
    public init(address: String, timeout: Int = 30) throws {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]), port > 0 else {
            throw MLLPError(description: "\(address): not HOST:PORT")
        }
        let host = String(address[..<colon])
        peer = address
        self.timeout = timeout
        var hints = addrinfo()
        hints.ai_family = AF_INET
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var info: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &info) == 0, let first = info else {
            throw MLLPError(description: "\(address): cannot resolve host \(host)")
        }
        defer { freeaddrinfo(info) }
        fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { throw MLLPError(description: "\(address): cannot open a socket") }
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let e = errno
            close(fd)
            throw MLLPError(description: "\(address): connection failed (\(String(cString: strerror(e))))")
        }
    }

    deinit { close(fd) }

    /// Sends `message` and waits for its ACK.
    /// - Returns: the ACK's text.
    /// - Throws: ``MLLPError`` on a negative or mismatched ACK, a timeout or a closed connection.
    @discardableResult
    public func send(_ message: HL7Message) throws -> String {
        let frame = [UInt8](MLLP.frame(message.text))
        var sent = 0
        while sent < frame.count {
            let n = frame[sent...].withUnsafeBytes { Glibc_send(fd, $0.baseAddress!, $0.count) }
            guard n > 0 else { throw MLLPError(description: "\(peer): sending message \(message.controlID) failed") }
            sent += n
        }
        let ack = try receiveFrame(for: message.controlID)
        let (code, acked, text) = Self.parseACK(ack)
        guard acked == message.controlID else {
            throw MLLPError(description: "\(peer): ACK for message \(acked ?? "?") received while waiting for \(message.controlID)")
        }
        guard code == "AA" || code == "CA" else {
            throw MLLPError(description: "\(peer): message \(message.controlID) rejected (MSA-1 \(code ?? "missing")\(text.map { ": \($0)" } ?? ""))")
        }
        return ack
    }

    private func receiveFrame(for control: String) throws -> String {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let (messages, rest) = MLLP.unframe(buffer)
            if let first = messages.first {
                // Keep any further frames for the next call.
                buffer = Data(messages.dropFirst().flatMap { [UInt8](MLLP.frame($0)) }) + rest
                return first
            }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n == 0 { throw MLLPError(description: "\(peer): connection closed before the ACK of message \(control)") }
            if n < 0 { throw MLLPError(description: "\(peer): no ACK for message \(control) within \(timeout) s") }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }

    /// MSA-1 (acknowledgement code), MSA-2 (the acknowledged control id) and MSA-3 / ERR text of an ACK.
    public static func parseACK(_ text: String) -> (code: String?, controlID: String?, text: String?) {
        let segments = text.split(whereSeparator: { $0 == "\r" || $0 == "\n" })
        guard let msa = segments.first(where: { $0.hasPrefix("MSA|") }) else { return (nil, nil, nil) }
        let f = msa.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        let detail = f.count > 3 && !f[3].isEmpty ? HL7Encoding.unescape(f[3]) : nil
        return (f.count > 1 ? f[1] : nil, f.count > 2 ? f[2] : nil, detail)
    }
}

#if canImport(Glibc)
private func Glibc_send(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { Glibc.send(fd, p, n, Int32(MSG_NOSIGNAL)) }
#else
private func Glibc_send(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { Darwin.send(fd, p, n, 0) }
#endif
