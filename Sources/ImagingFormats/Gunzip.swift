import CZlib

/// Bounded gzip decompression on zlib (`.nii.gz` volumes).
///
/// Output never grows past the limit the caller gives (the size the file's own header declares), so a
/// small file that inflates to gigabytes (a decompression bomb) costs no more than that limit. Several
/// concatenated gzip members (as `cat a.gz b.gz` or pigz write) are read one after the other.
public enum Gunzip {
    /// What `inflate` produced.
    public struct Result: Sendable {
        /// The decompressed bytes (at most the limit given).
        public var bytes: [UInt8]
        /// True when the output reached the limit before the stream ended (more data follows).
        public var reachedLimit: Bool
    }

    /// Why a gzip stream could not be inflated.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// What is wrong with the stream, in words.
        public let detail: String
        public var description: String { detail }
    }

    /// Whether `bytes` start with the gzip magic number (1F 8B).
    public static func isGzip<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        var it = bytes.makeIterator()
        return it.next() == 0x1F && it.next() == 0x8B
    }

    /// Inflates `input` (gzip, or zlib) until the stream ends or `limit` bytes are out.
    /// - Parameters:
    ///   - input: the compressed bytes.
    ///   - limit: most bytes to produce (≥ 0).
    /// - Returns: the bytes and whether the limit stopped the output.
    /// - Throws: `Failure` for a corrupt stream (bad header, CRC or length mismatch, invalid codes) or one
    ///   that ends before its end marker (a truncated file).
    public static func inflate(_ input: [UInt8], limit: Int) throws -> Result {
        precondition(limit >= 0)
        var out: [UInt8] = []
        out.reserveCapacity(min(limit, max(input.count * 4, 1 << 16)))
        var stream = z_stream()
        guard vigil_inflate_init_auto(&stream) == Z_OK else { throw Failure(detail: "zlib could not start inflating") }
        defer { inflateEnd(&stream) }
        let chunk = 1 << 18
        var buffer = [UInt8](repeating: 0, count: chunk)
        var consumed = 0          // input bytes handed to zlib so far
        var members = 0
        return try input.withUnsafeBufferPointer { inBuf -> Result in
            guard let base = inBuf.baseAddress else { throw Failure(detail: "empty gzip stream") }
            while true {
                if stream.avail_in == 0 && consumed < input.count {
                    let n = min(input.count - consumed, Int(UInt32.max / 2))
                    stream.next_in = UnsafeMutablePointer(mutating: base + consumed)
                    stream.avail_in = UInt32(n)
                    consumed += n
                }
                let room = min(chunk, limit - out.count + 1)   // one byte over the limit tells "more follows"
                let (code, produced) = buffer.withUnsafeMutableBufferPointer { outBuf -> (Int32, Int) in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = UInt32(room)
                    let code = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (code, room - Int(stream.avail_out))
                }
                let keep = min(produced, limit - out.count)
                out.append(contentsOf: buffer[0..<keep])
                if produced > keep { return Result(bytes: out, reachedLimit: true) }
                switch code {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    members += 1
                    let rest = Int(stream.avail_in) + (input.count - consumed)
                    // Another gzip member follows: read it too. Zero padding after the last member is ignored.
                    let next = input.count - rest
                    if rest >= 2, input[next] == 0x1F, input[next + 1] == 0x8B {
                        guard inflateReset(&stream) == Z_OK else { throw Failure(detail: "zlib could not restart on gzip member \(members + 1)") }
                        continue
                    }
                    return Result(bytes: out, reachedLimit: false)
                case Z_BUF_ERROR:
                    if stream.avail_in == 0 && consumed >= input.count {
                        throw Failure(detail: "the gzip stream ends early (truncated file, \(out.count) bytes decompressed)")
                    }
                    if produced == 0 && stream.avail_in == 0 { continue }
                    throw Failure(detail: "zlib made no progress (\(out.count) bytes decompressed)")
                case Z_DATA_ERROR:
                    let msg = stream.msg.map { String(cString: $0) } ?? "invalid data"
                    throw Failure(detail: "corrupt gzip data after \(out.count) decompressed bytes (\(msg))")
                case Z_MEM_ERROR:
                    throw Failure(detail: "zlib ran out of memory")
                default:
                    throw Failure(detail: "zlib error \(code) after \(out.count) decompressed bytes")
                }
            }
        }
    }
}
