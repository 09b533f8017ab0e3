import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A STAND-IN FOR A REAL LANGUAGE MODEL, for tests only: a tiny HTTP/1.1 server on 127.0.0.1 (loopback,
/// an ephemeral port) that answers OpenAI chat-completions requests with scripted replies, one per
/// connection, in order (the last one repeats). It never generates anything.
final class ScriptedChatServer: @unchecked Sendable {
    indirect enum Reply: Sendable {
        /// A well-formed chat-completions response whose message content is `content`.
        case content(String)
        /// A raw HTTP response.
        case raw(status: Int, body: String)
        /// `reply`, after `seconds`.
        case delayed(Double, Reply)
    }

    struct Received: Sendable {
        let head: String
        let body: String
    }

    let port: UInt16
    private let fd: Int32
    private let lock = NSLock()
    private var replies: [Reply]
    private var received: [Received] = []
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)

    /// Requests received so far.
    var requests: [Received] { lock.lock(); defer { lock.unlock() }; return received }

    init(_ replies: [Reply]) throws {
        self.replies = replies
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr = in_addr(s_addr: inet_addr("127.0.0.1"))
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        self.fd = fd
        self.port = UInt16(bigEndian: addr.sin_port)
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)/v1")! }

    /// Stops accepting, waits for the serving thread, closes the socket.
    func stop() {
        lock.lock(); stopped = true; lock.unlock()
        finished.wait()
        close(fd)
    }

    private var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }

    private func nextReply() -> Reply {
        lock.lock(); defer { lock.unlock() }
        return replies.count > 1 ? replies.removeFirst() : replies[0]
    }

    private func serve() {
        defer { finished.signal() }
        while !isStopped {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 50) > 0 else { continue }
            let client = accept(fd, nil, nil)
            guard client >= 0 else { continue }
            handle(client)
            close(client)
        }
    }

    private func handle(_ client: Int32) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        var headEnd: Range<Data.Index>?
        var contentLength = 0
        while true {
            let n = recv(client, &buffer, buffer.count, 0)
            if n <= 0 { return }
            data.append(contentsOf: buffer[0..<n])
            if headEnd == nil, let r = data.range(of: Data("\r\n\r\n".utf8)) {
                headEnd = r
                let head = String(decoding: data[..<r.lowerBound], as: UTF8.self)
                for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                    contentLength = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
            if let r = headEnd, data.count - r.upperBound >= contentLength { break }
            if data.count > 8 << 20 { return }
        }
        let r = headEnd!
        lock.lock()
        received.append(Received(head: String(decoding: data[..<r.lowerBound], as: UTF8.self),
                                 body: String(decoding: data[r.upperBound...], as: UTF8.self)))
        lock.unlock()
        respond(nextReply(), to: client)
    }

    private func respond(_ reply: Reply, to client: Int32) {
        switch reply {
        case let .delayed(seconds, inner):
            let until = Date().addingTimeInterval(seconds)
            while Date() < until, !isStopped { usleep(20_000) }
            if isStopped { return }
            respond(inner, to: client)
        case let .content(content):
            let body: [String: Any] = [
                "id": "stand-in-1", "object": "chat.completion", "model": "scripted-stand-in",
                "choices": [["index": 0, "finish_reason": "stop", "message": ["role": "assistant", "content": content]]],
            ]
            let json = (try? JSONSerialization.data(withJSONObject: body)) ?? Data()
            write(status: 200, body: json, to: client)
        case let .raw(status, body):
            write(status: status, body: Data(body.utf8), to: client)
        }
    }

    private func write(status: Int, body: Data, to client: Int32) {
        var response = Data("HTTP/1.1 \(status) Scripted\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8)
        response.append(body)
        response.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = send(client, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n <= 0 { return }
                offset += n
            }
        }
    }

    /// A loopback port with nothing listening on it (bound, then released).
    static func closedPort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr = in_addr(s_addr: inet_addr("127.0.0.1"))
        _ = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        close(fd)
        return UInt16(bigEndian: addr.sin_port)
    }
}
