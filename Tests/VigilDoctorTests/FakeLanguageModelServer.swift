import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A loopback HTTP server answering like an OpenAI-compatible one (`GET /v1/models`,
/// `POST /v1/chat/completions`), one connection at a time, on a background thread.
final class FakeLanguageModelServer: @unchecked Sendable {
    let port: UInt16
    private let socketFD: Int32
    private let thread: Thread
    private let recorder: Recorder

    /// The request lines seen so far ("GET /v1/models").
    var requests: [String] { recorder.all }

    /// Request lines, shared with the server thread.
    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var paths: [String] = []
        var all: [String] { lock.lock(); defer { lock.unlock() }; return paths }
        func add(_ path: String) { lock.lock(); paths.append(path); lock.unlock() }
    }

    init(model: String) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        socketFD = fd
        let recorder = Recorder()
        self.recorder = recorder
        thread = Thread {
            while true {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                Self.handle(client, model: model, recorder: recorder)
                close(client)
            }
        }
        thread.start()
    }

    private static func handle(_ client: Int32, model: String, recorder: Recorder) {
        var request = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        // Read the head, then as many body bytes as Content-Length says.
        while true {
            let n = read(client, &buffer, buffer.count)
            if n <= 0 { break }
            request += buffer[0..<n]
            let text = String(decoding: request, as: UTF8.self)
            if let end = text.range(of: "\r\n\r\n") {
                let head = text[..<end.lowerBound].lowercased()
                let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if text.utf8.count - text.utf8.distance(from: text.startIndex, to: end.upperBound) >= length { break }
            }
        }
        let line = String(decoding: request, as: UTF8.self).split(separator: "\r\n").first.map(String.init) ?? ""
        let parts = line.split(separator: " ")
        let path = parts.count > 1 ? "\(parts[0]) \(parts[1])" : line
        recorder.add(path)
        let body: String
        let status: String
        switch path {
        case "GET /v1/models":
            status = "200 OK"
            body = #"{"object":"list","data":[{"id":"\#(model)","object":"model"}]}"#
        case "POST /v1/chat/completions":
            status = "200 OK"
            body = #"{"id":"x","object":"chat.completion","model":"\#(model)","choices":[{"index":0,"message":{"role":"assistant","content":"OK"},"finish_reason":"length"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}"#
        default:
            status = "404 Not Found"
            body = #"{"error":"not found"}"#
        }
        let response = "HTTP/1.1 \(status)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        _ = response.withCString { write(client, $0, strlen($0)) }
    }

    func stop() {
        shutdown(socketFD, Int32(SHUT_RDWR))
        close(socketFD)
    }
}

/// A loopback port with nothing listening on it (bound, then closed).
func closedLoopbackPort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return UInt16(bigEndian: address.sin_port)
}
