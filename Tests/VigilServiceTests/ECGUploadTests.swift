import Foundation
import NIOCore
import Testing
@testable import VigilService

/// Media types and multipart parsing of ECG uploads (multipart-kit does the parsing).
@Suite struct ECGUploadTests {
    @Test func mediaTypesParseWithParameters() throws {
        let t = try #require(ECGUpload.MediaType("Multipart/Form-Data; boundary=\"a;b\"; charset=utf-8"))
        #expect(t.essence == "multipart/form-data")
        #expect(t.parameters == ["boundary": "a;b", "charset": "utf-8"])
        #expect(ECGUpload.MediaType("text/csv")?.essence == "text/csv")
        #expect(ECGUpload.MediaType("nonsense") == nil)
        #expect(ECGUpload.MediaType("/x") == nil)
    }

    @Test func fileNamesLoseTheirDirectories() {
        #expect(ECGUpload.filename(disposition: "form-data; name=\"f\"; filename=\"r.hea\"") == "r.hea")
        #expect(ECGUpload.filename(disposition: "form-data; name=\"f\"; filename=\"C:\\\\data\\\\r.dat\"") == "r.dat")
        #expect(ECGUpload.filename(disposition: "form-data; filename=../../etc/passwd") == "passwd")
        #expect(ECGUpload.filename(disposition: "form-data; name=\"f\"") == nil)
        #expect(ECGUpload.filename(disposition: "form-data; filename=\"\"") == nil)
    }

    @Test func aRawBodyIsOneFileNamedForItsType() throws {
        let files = try ECGUpload.files(contentType: "application/dicom", body: ByteBuffer(string: "DICM"))
        #expect(files == ["upload.dcm": Data("DICM".utf8)])
        #expect(throws: ECGUpload.Refusal.self) { try ECGUpload.files(contentType: "application/dicom", body: ByteBuffer()) }
        #expect(throws: ECGUpload.Refusal.self) { try ECGUpload.files(contentType: nil, body: ByteBuffer(string: "x")) }
    }

    @Test func multipartPartsBecomeFilesByName() throws {
        let (body, type) = multipart([("r.hea", Data("r 1 360 10\n".utf8)), ("r.dat", Data([0, 1, 2, 3, 13, 10, 45, 45]))])
        let files = try ECGUpload.files(contentType: type, body: body)
        #expect(files["r.hea"] == Data("r 1 360 10\n".utf8))
        #expect(files["r.dat"] == Data([0, 1, 2, 3, 13, 10, 45, 45]))   // CR LF and dashes inside the data survive
        let (dup, dupType) = multipart([("r.hea", Data("a".utf8)), ("r.hea", Data("b".utf8))])
        #expect(throws: ECGUpload.Refusal.self) { try ECGUpload.files(contentType: dupType, body: dup) }
        let many = (0..<20).map { (name: "f\($0).dat", data: Data("x".utf8)) }
        let (tooMany, manyType) = multipart(many)
        #expect(throws: ECGUpload.Refusal.self) { try ECGUpload.files(contentType: manyType, body: tooMany) }
    }
}
