import DICOM
import DICOMSR
import DetectorKit
import FHIRExport
import FindingsStore
import Foundation
import HL7v2
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ImagingFormats
import Testing
import VigilTestSupport
@testable import VigilService

/// `GET /v1/inputs/{id}/dicom-sr` and `/hl7v2` answer, byte for byte, what `vigil export` writes for the same
/// stored input (the exporters' files), with the roles, problems and audit entries of the other reads.
@Suite struct ExportRouteTests {
    static let root = Repository.root
    static let ct = DetectorProvenance(id: "ct-pancreas", version: "2.0.0", modelName: "pancreas-lesion", modelVersion: "0.3.0",
                                       modelSHA256: String(repeating: "cd", count: 32))
    static let ecg = DetectorProvenance(id: "ecg-rhythm", version: "1.0.0")
    static let clock = Date(timeIntervalSince1970: 1_764_700_000)

    /// The inputs of the store: a real CT file of SampleData with a finding, an ECG with a finding, a CT study
    /// with only an error, a CT study with nothing recorded.
    struct Inputs { let ct, ecg, ctError, ctEmpty: InputID }

    static func fill(_ store: SQLiteFindingsStore) async throws -> Inputs {
        let url = root.appendingPathComponent("SampleData/ct/CT_small.dcm")
        let source = StudySource.read(volumes: try ImageVolumeReader.read(paths: [url]))
        let meta = try VigilJSON.decode(JSONValue.self, from: VigilJSON.encode(source))
        let ct = try await store.registerInput(NewInput(contentSHA256: String(repeating: "a", count: 64), path: url.path,
                                                        kind: .ctStudy, patientID: source.patient["PatientID"],
                                                        studyID: source.study["StudyInstanceUID"], sourceMetadata: meta))
        let ecg = try await store.registerInput(NewInput(contentSHA256: String(repeating: "b", count: 64), path: "/ecg/r1.hea",
                                                         kind: .ecg, patientID: "P-1"))
        let ctError = try await store.registerInput(NewInput(contentSHA256: String(repeating: "c", count: 64), path: "/ct/bad", kind: .ctStudy))
        let ctEmpty = try await store.registerInput(NewInput(contentSHA256: String(repeating: "d", count: 64), path: "/ct/new", kind: .ctStudy))
        let created = Date(timeIntervalSince1970: 1_741_944_413)
        let ctRun = try await store.startRun(NewRun(detector: Self.ct)).id
        _ = try await store.recordOutcome(.findings([try Finding(
            code: "ct.pancreas.lesion_suspected", label: "Pancreatic lesion suspected", probability: 0.12, threshold: 0.5,
            decision: .negative, evidence: [.slice(index: 0, region: BoundingBox(x: 4, y: 4, width: 8, height: 8), note: "slice score -1.3")],
            measurements: [FindingMeasurement(name: "slicesScored", value: 1, unit: "1")], detector: Self.ct, createdAt: created)]),
            input: ct.id, run: ctRun)
        _ = try await store.recordError(input: ctError.id, run: ctRun, reason: "cannot read /ct/bad: truncated")
        let ecgRun = try await store.startRun(NewRun(detector: Self.ecg)).id
        _ = try await store.recordOutcome(.findings([try Finding(
            code: "ecg.af", label: "Atrial fibrillation", probability: 0.91, threshold: 0.5, decision: .positive,
            measurements: [FindingMeasurement(name: "heartRate", value: 112, unit: "/min")], detector: Self.ecg, createdAt: created)]),
            input: ecg.id, run: ecgRun)
        return Inputs(ct: ct.id, ecg: ecg.id, ctError: ctError.id, ctEmpty: ctEmpty.id)
    }

    static func fixedClock() -> VigilServiceOptions {
        var o = VigilServiceOptions()
        o.now = { ExportRouteTests.clock }
        return o
    }

    @Test func theDICOMSRIsTheExportersFileAndTheReadIsAudited() async throws {
        let h = try await Harness.make(options: Self.fixedClock())
        defer { h.remove() }
        let ids = try await Self.fill(h.store)
        // What `vigil export --format dicom-sr` writes for the store.
        let out = h.folder.appendingPathComponent("sr")
        let summary = try await DICOMSRExporter(store: h.store, directory: out).write()
        #expect(summary.reports.count == 1)
        #expect(summary.studiesWithOnlyErrors == 1)
        let exported = try Data(contentsOf: try #require(summary.reports.first { $0.lastPathComponent.hasPrefix("input-\(ids.ct.rawValue)-") }))

        let body = try await h.test { client in
            try await client.execute(uri: "/v1/inputs/\(ids.ct.rawValue)/dicom-sr", method: .get, headers: h.headers(.reader)) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "application/dicom")
                #expect(r.headers[.contentDisposition] == "attachment; filename=\"input-\(ids.ct.rawValue)-ct-pancreas.sr.dcm\"")
                return Data(r.body.readableBytesView)
            }
        }
        #expect(body == exported)
        #expect(body.count > 132 && body.prefix(128).allSatisfy { $0 == 0 } && body[128..<132] == Data("DICM".utf8))
        // It parses as a Comprehensive 3D SR of the source study, referencing the source slice.
        let file = try DICOMFile.parse([UInt8](body), name: "response")
        #expect(try file.dataSet.string(DICOMTag(0x0008, 0x0016)) == "1.2.840.10008.5.1.4.1.1.88.34")
        #expect(try file.dataSet.string(DICOMTag(0x0020, 0x000D)) == "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322")
        #expect(try file.dataSet.string(DICOMTag(0x0010, 0x0020)) == "1CT1")

        let entries = try await h.store.auditLog(object: "input:\(ids.ct.rawValue)").filter { $0.action == "dicom-sr.read" }
        #expect(entries.count == 1)
        #expect(entries.first?.actor == "token:\(h.tokenIDs[.reader]!)")
        #expect(entries.first?.details["detector"] == .string("ct-pancreas"))
    }

    @Test func dicomSRProblems() async throws {
        let h = try await Harness.make()
        defer { h.remove() }
        let ids = try await Self.fill(h.store)
        try await h.test { client in
            let cases: [(String, Int, String)] = [
                ("/v1/inputs/99999/dicom-sr", 404, "not-found"),
                ("/v1/inputs/\(ids.ecg.rawValue)/dicom-sr", 409, "not-a-ct-study"),
                ("/v1/inputs/\(ids.ctError.rawValue)/dicom-sr", 409, "no-dicom-sr"),
                ("/v1/inputs/\(ids.ctEmpty.rawValue)/dicom-sr", 409, "no-dicom-sr"),
                ("/v1/inputs/\(ids.ct.rawValue)/dicom-sr?detector=other", 404, "not-found"),
                ("/v1/inputs/\(ids.ct.rawValue)/dicom-sr?detector=", 400, "bad-query"),
                ("/v1/inputs/x/dicom-sr", 400, "bad-input-id"),
            ]
            for (uri, code, slug) in cases {
                try await client.execute(uri: uri, method: .get, headers: h.headers(.reader)) { r in
                    #expect(r.isProblem(code), "\(uri): \(r.status)")
                    #expect(r.object["type"] as? String == "urn:vigil:problem:\(slug)", "\(uri)")
                    #expect(!r.text.contains("/ct/bad") && !r.text.contains("truncated"), "\(uri) leaks the error")
                }
            }
            try await client.execute(uri: "/v1/inputs/\(ids.ct.rawValue)/dicom-sr?detector=ct-pancreas", method: .get,
                                     headers: h.headers(.reader)) { r in #expect(r.status == .ok) }
        }
        #expect(try await h.store.auditLog(object: nil).filter { $0.action == "dicom-sr.read" }.count == 1)
    }

    @Test func theORUIsTheExportersMessageAndTheReadIsAudited() async throws {
        let h = try await Harness.make(options: Self.fixedClock())
        defer { h.remove() }
        let ids = try await Self.fill(h.store)
        // What `vigil export --format hl7v2 --output F` writes (the service's model cards, the same clock).
        let path = h.folder.appendingPathComponent("findings.hl7")
        #expect(FileManager.default.createFile(atPath: path.path, contents: nil))
        let handle = try FileHandle(forWritingTo: path)
        let builder = ORUBuilder(modelCards: h.api.registry.detectors.compactMap(\.modelCard), timestamp: Self.clock)
        let n = try await HL7v2Exporter(store: h.store, builder: builder).write(to: ExportOutput(handle: handle))
        try handle.close()
        #expect(n == 3)  // the CT finding, the ECG finding, the CT error; not the empty study
        let file = try String(contentsOf: path, encoding: .utf8)
        // Messages follow each other; each starts with MSH.
        let messages = file.components(separatedBy: "\rMSH|").enumerated().map { $0.offset == 0 ? $0.element + "\r" : "MSH|" + $0.element + "\r" }
            .map { $0.hasSuffix("\r\r") ? String($0.dropLast()) : $0 }
        #expect(messages.count == 3)

        for (index, id) in [ids.ct, ids.ecg, ids.ctError].enumerated() {
            let text = try await h.test { client in
                try await client.execute(uri: "/v1/inputs/\(id.rawValue)/hl7v2", method: .get, headers: h.headers(.reader)) { r in
                    #expect(r.status == .ok)
                    #expect(r.headers[.contentType] == "x-application/hl7-v2+er7; charset=utf-8")
                    return r.text
                }
            }
            #expect(text == messages[index], "input \(id.rawValue)")
            let segments = text.split(separator: "\r").map { $0.split(separator: "|", omittingEmptySubsequences: false) }
            #expect(segments.first?.first == "MSH")
            #expect(segments.first?[1] == "^~\\&")
            #expect(segments.first?[8] == "ORU^R01^ORU_R01")
            #expect(segments.first?[11] == "2.5.1")
            #expect(segments.contains { $0.first == "OBR" })
            #expect(!text.contains("truncated") && !text.contains("/ct/bad"))
        }
        let ecgText = messages[1]
        #expect(ecgText.contains("PID|1||P-1^^^^PI"))
        #expect(ecgText.contains("OBX|") && ecgText.contains("ecg.af^Atrial fibrillation^99VIGIL"))

        let entries = try await h.store.auditLog(object: nil).filter { $0.action == "hl7v2.read" }
        #expect(entries.count == 3)
        #expect(entries.allSatisfy { $0.actor == "token:\(h.tokenIDs[.reader]!)" })
        #expect(Set(entries.map(\.object)) == Set([ids.ct, ids.ecg, ids.ctError].map { "input:\($0.rawValue)" }))
    }

    @Test func hl7v2Problems() async throws {
        let h = try await Harness.make()
        defer { h.remove() }
        let ids = try await Self.fill(h.store)
        try await h.test { client in
            try await client.execute(uri: "/v1/inputs/99999/hl7v2", method: .get, headers: h.headers(.reader)) { r in
                #expect(r.isProblem(404))
            }
            try await client.execute(uri: "/v1/inputs/\(ids.ctEmpty.rawValue)/hl7v2", method: .get, headers: h.headers(.reader)) { r in
                #expect(r.isProblem(409))
                #expect(r.object["type"] as? String == "urn:vigil:problem:no-results")
            }
            try await client.execute(uri: "/v1/inputs/0/hl7v2", method: .get, headers: h.headers(.reader)) { r in
                #expect(r.isProblem(400))
            }
        }
        // Nothing was answered, so nothing was audited as read.
        #expect(try await h.store.auditLog(object: nil).filter { $0.action == "hl7v2.read" }.isEmpty)
    }

    @Test(arguments: ["dicom-sr", "hl7v2"])
    func onlyReadersWithATokenGetThem(route: String) async throws {
        let h = try await Harness.make()
        defer { h.remove() }
        let ids = try await Self.fill(h.store)
        let uri = "/v1/inputs/\(ids.ct.rawValue)/\(route)"
        try await h.test { client in
            try await client.execute(uri: uri, method: .get) { r in
                #expect(r.isProblem(401))
                #expect(r.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            }
            try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer not-a-token"]) { r in
                #expect(r.isProblem(401))
            }
            for role in APIRole.allCases where role != .reader {
                try await client.execute(uri: uri, method: .get, headers: h.headers(role)) { r in
                    #expect(r.isProblem(403), "\(role): \(r.status)")
                }
            }
            try await client.execute(uri: uri, method: .post, headers: h.headers(.reader)) { r in
                #expect(r.isProblem(405))
            }
            try await client.execute(uri: uri, method: .get, headers: h.headers(.reader)) { r in #expect(r.status == .ok) }
        }
        let reads = try await h.store.auditLog(object: nil).filter { $0.action.hasSuffix(".read") }
        #expect(reads.map(\.action) == ["\(route).read"])
        #expect(reads.first?.actor == "token:\(h.tokenIDs[.reader]!)")
    }
}
