import Foundation
import Testing
@testable import ContentHash

@Suite struct SHA256DigestTests {
    // FIPS 180-2 / NIST test vectors.
    static let emptyDigest = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    static let abcDigest = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    // Computed independently with Python's hashlib:
    //   python3 -c "import hashlib; print(hashlib.sha256(bytes(i % 251 for i in range(1_000_000))).hexdigest())"
    static let patternDigest = "2c030d49ec131bfbbb446ad21e7a2f12cdb4f2f4f3fda3ac709dd2e68a4646c7"

    /// 1,000,000 bytes, byte i = i mod 251 (251 is prime, so the pattern never aligns with 2^k chunks).
    static func pattern() -> Data {
        Data((0..<1_000_000).map { UInt8($0 % 251) })
    }

    static func temporaryFile(_ data: Data) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("vigil-sha256-\(UUID().uuidString).bin")
        try data.write(to: url)
        return url
    }

    @Test func emptyInput() {
        #expect(SHA256Digest.hex(of: Data()) == Self.emptyDigest)
    }

    @Test func abc() {
        #expect(SHA256Digest.hex(of: Data("abc".utf8)) == Self.abcDigest)
    }

    @Test func twoBlockNISTVector() {
        let message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(SHA256Digest.hex(of: Data(message.utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func megabytePatternInMemory() {
        #expect(SHA256Digest.hex(of: Self.pattern()) == Self.patternDigest)
    }

    @Test func megabytePatternFromFile() throws {
        let url = try Self.temporaryFile(Self.pattern())
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try SHA256Digest.hex(ofFileAt: url) == Self.patternDigest)
    }

    /// Chunk sizes that do not divide the file length, so the last chunk is partial and many updates run.
    @Test(arguments: [1, 4096, 65_537, 999_999, 1_000_000, 1_000_001])
    func fileChunkBoundaries(chunkSize: Int) throws {
        let url = try Self.temporaryFile(Self.pattern())
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try SHA256Digest.hex(ofFileAt: url, chunkSize: chunkSize) == Self.patternDigest)
    }

    @Test func emptyFile() throws {
        let url = try Self.temporaryFile(Data())
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try SHA256Digest.hex(ofFileAt: url) == Self.emptyDigest)
    }

    @Test func fileLargerThanOneChunk() throws {
        // 2.5 MiB + 3 bytes: three 1 MiB reads, the last one partial.
        let data = Data((0..<(5 * (1 << 19) + 3)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let url = try Self.temporaryFile(data)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try SHA256Digest.hex(ofFileAt: url) == SHA256Digest.hex(of: data))
    }

    @Test func missingFileNamesThePath() throws {
        let url = URL(fileURLWithPath: "/nonexistent-vigil-dir/weights.onnx")
        let error = #expect(throws: ContentHashError.self) { try SHA256Digest.hex(ofFileAt: url) }
        guard case let .cannotOpen(path, _) = error else {
            Issue.record("expected cannotOpen, got \(String(describing: error))")
            return
        }
        #expect(path == url.path)
        #expect(error?.description.contains("/nonexistent-vigil-dir/weights.onnx") == true)
    }
}
