import CCrypto
import Foundation

/// SHA-256 digests as lowercase hexadecimal strings, computed with OpenSSL's libcrypto (EVP API).
///
/// Vigil pins every model's weights file by its SHA-256 (the model card's `weightsSHA256`), so a
/// finding can always name the exact weights that produced it.
///
/// ```swift
/// SHA256Digest.hex(of: Data("abc".utf8))
/// // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// let pinned = try SHA256Digest.hex(ofFileAt: URL(fileURLWithPath: "Models/ecg/model.onnx"))
/// ```
public enum SHA256Digest {
    /// Bytes read per step when hashing a file: 1 MiB. Files are streamed, never read whole.
    public static let fileChunkSize = 1 << 20

    /// The SHA-256 of `data`, as 64 lowercase hexadecimal characters.
    public static func hex(of data: Data) -> String {
        let hasher = Hasher()
        data.withUnsafeBytes { hasher.update($0) }
        return hasher.finalHex()
    }

    /// The SHA-256 of the file at `url`, as 64 lowercase hexadecimal characters.
    ///
    /// The file is read in chunks of ``fileChunkSize`` bytes, so memory use does not grow with its size.
    /// - Throws: ``ContentHashError`` naming the file when it cannot be opened or read.
    public static func hex(ofFileAt url: URL) throws -> String {
        try hex(ofFileAt: url, chunkSize: fileChunkSize)
    }

    /// As ``hex(ofFileAt:)`` with a chosen chunk size (tests use small chunks to cross chunk boundaries).
    static func hex(ofFileAt url: URL, chunkSize: Int) throws -> String {
        precondition(chunkSize > 0, "SHA256Digest: chunk size must be positive")
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw ContentHashError.cannotOpen(path: url.path, reason: Self.reason(error))
        }
        defer { try? handle.close() }
        let hasher = Hasher()
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: chunkSize)
            } catch {
                throw ContentHashError.readFailed(path: url.path, reason: Self.reason(error))
            }
            guard let chunk, !chunk.isEmpty else { break }
            chunk.withUnsafeBytes { hasher.update($0) }
        }
        return hasher.finalHex()
    }

    private static func reason(_ error: Error) -> String {
        (error as NSError).localizedDescription
    }

    /// One EVP digest context; freed on deinit. Not shared across threads.
    private final class Hasher {
        private let context: OpaquePointer

        init() {
            guard let ctx = EVP_MD_CTX_new() else {
                preconditionFailure("SHA256Digest: EVP_MD_CTX_new failed (out of memory)")
            }
            guard EVP_DigestInit_ex(ctx, EVP_sha256(), nil) == 1 else {
                EVP_MD_CTX_free(ctx)
                preconditionFailure("SHA256Digest: EVP_DigestInit_ex(SHA-256) failed")
            }
            context = ctx
        }

        deinit { EVP_MD_CTX_free(context) }

        func update(_ bytes: UnsafeRawBufferPointer) {
            guard let base = bytes.baseAddress, bytes.count > 0 else { return }
            guard EVP_DigestUpdate(context, base, bytes.count) == 1 else {
                preconditionFailure("SHA256Digest: EVP_DigestUpdate failed")
            }
        }

        func finalHex() -> String {
            var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
            var length: UInt32 = 0
            guard EVP_DigestFinal_ex(context, &digest, &length) == 1, length == 32 else {
                preconditionFailure("SHA256Digest: EVP_DigestFinal_ex failed")
            }
            let table = Array("0123456789abcdef".utf8)
            var out = [UInt8]()
            out.reserveCapacity(64)
            for byte in digest.prefix(Int(length)) {
                out.append(table[Int(byte >> 4)])
                out.append(table[Int(byte & 0x0f)])
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}

/// Why a file's digest could not be computed; each case names the file.
public enum ContentHashError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened (missing, a directory, no permission).
    case cannotOpen(path: String, reason: String)
    /// The file was opened but reading it failed part-way.
    case readFailed(path: String, reason: String)

    /// A one-line explanation naming the file.
    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): "cannot open '\(path)' to compute its SHA-256: \(reason)"
        case let .readFailed(path, reason): "reading '\(path)' to compute its SHA-256 failed: \(reason)"
        }
    }
}
