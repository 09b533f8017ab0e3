import DICOMWebIngest
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VigilTestSupport
@testable import VigilService

/// `POST /dicomweb/studies` mounted in the service: token and role checks in front of STOW-RS, the PS3.18
/// response for a real CT instance (SampleData/ct/CT_small.dcm, from pydicom's test files), and refusals.
@Suite struct DICOMWebMountTests {
    static let ctSmall = Repository.sampleCT.appendingPathComponent("CT_small.dcm")

    static func multipart(_ parts: [[UInt8]], boundary: String = "vigil-test-boundary") -> ByteBuffer {
        var body = [UInt8]()
        for part in parts {
            body += Array("--\(boundary)\r\nContent-Type: application/dicom\r\n\r\n".utf8)
            body += part
            body += Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return ByteBuffer(bytes: body)
    }

    static func harness() async throws -> (Harness, URL) {
        let spoolRoot = FileManager.default.temporaryDirectory.appendingPathComponent("VigilDICOMWebMount-\(UUID().uuidString)")
        let spool = try InstanceSpool(root: spoolRoot)
        let stow = STOWService(spool: spool, assembler: SeriesAssembler(spool: spool, quietTime: 10))
        return (try await Harness.make(mounts: [.dicomweb(stow)]), spoolRoot)
    }

    @Test func aScorerStoresAnInstanceAndGetsThePS318Response() async throws {
        let (h, spoolRoot) = try await Self.harness()
        defer { h.remove(); try? FileManager.default.removeItem(at: spoolRoot) }
        let instance = try [UInt8](Data(contentsOf: Self.ctSmall))
        let related = "multipart/related; type=\"application/dicom\"; boundary=vigil-test-boundary"
        try await h.test { client in
            try await client.execute(uri: "/dicomweb/studies", method: .post, headers: h.headers(.scorer, [.contentType: related]),
                                     body: Self.multipart([instance])) { r in
                #expect(r.status == .ok, "\(r.status) \(String(buffer: r.body))")
                #expect(r.headers[.contentType] == "application/dicom+json")
                let json = String(buffer: r.body)
                #expect(json.contains("00081199"), "no ReferencedSOPSequence: \(json)")
                #expect(!json.contains("00081198"), "a FailedSOPSequence: \(json)")
            }
            // The same instance again (a PACS retry replaces it) and one part that is not DICOM: 202, the bad
            // part in FailedSOPSequence, one file in the spool.
            try await client.execute(uri: "/dicomweb/studies", method: .post, headers: h.headers(.scorer, [.contentType: related]),
                                     body: Self.multipart([instance, Array("not a DICOM file".utf8)])) { r in
                #expect(r.status.code == 202, "\(r.status) \(String(buffer: r.body))")
                #expect(String(buffer: r.body).contains("00081198"))
            }
        }
        let stored = ((try? FileManager.default.subpathsOfDirectory(atPath: spoolRoot.path)) ?? []).filter { $0.hasSuffix(".dcm") }
        #expect(stored.count == 1, "\(stored) in \((try? FileManager.default.subpathsOfDirectory(atPath: spoolRoot.path)) ?? [])")
    }

    @Test func rolesAndMalformedRequestsAreRefused() async throws {
        let (h, spoolRoot) = try await Self.harness()
        defer { h.remove(); try? FileManager.default.removeItem(at: spoolRoot) }
        let related = "multipart/related; type=\"application/dicom\"; boundary=vigil-test-boundary"
        try await h.test { client in
            try await client.execute(uri: "/dicomweb/studies", method: .post) { r in #expect(r.isProblem(401)) }
            try await client.execute(uri: "/dicomweb/studies", method: .post, headers: h.headers(.reader, [.contentType: related]),
                                     body: Self.multipart([[1, 2, 3]])) { r in #expect(r.isProblem(403)) }
            try await client.execute(uri: "/dicomweb/studies", method: .post, headers: h.headers(.scorer, [.contentType: "text/plain"]),
                                     body: ByteBuffer(string: "hello")) { r in #expect(r.isProblem(415)) }
            // Cut off before the closing boundary: 400 with a reason, never a 5xx.
            try await client.execute(uri: "/dicomweb/studies", method: .post, headers: h.headers(.scorer, [.contentType: related]),
                                     body: ByteBuffer(string: "--vigil-test-boundary\r\nContent-Type: application/dicom\r\n\r\nDICM")) { r in
                #expect(r.isProblem(400), "\(r.status)")
            }
        }
    }
}
