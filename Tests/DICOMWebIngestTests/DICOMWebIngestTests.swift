import BatchScoring
import DICOM
import DICOMWebIngest
import DetectorInputs
import DetectorKit
import FindingsStore
import Foundation
import Testing
import VigilTestSupport

// MARK: - Test material

/// A temporary folder removed by `remove()`.
struct TempDir {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-stow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// A clock the test steps by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var t = Date(timeIntervalSince1970: 1_800_000_000)
    func now() -> Date { lock.withLock { t } }
    func advance(_ s: TimeInterval) { lock.withLock { t += s } }
}

/// CT Image Storage instances written with Vigil's DICOM writer: 24×24 slices, 2.5 mm apart, a disc of soft
/// tissue in air (HU = stored − 1024).
enum CTInstances {
    static let ctImageStorage = "1.2.840.10008.5.1.4.1.1.2"

    static func slice(study: String, series: String, index: Int, modality: String = "CT", rows: Int = 24, columns: Int = 24) -> [UInt8] {
        var d = DICOMWriteDataSet()
        d.set(DICOMTag(0x0008, 0x0016), .UI, ctImageStorage)
        d.set(DICOMTag(0x0008, 0x0018), .UI, "\(series).\(index + 1)")
        d.set(DICOMTag(0x0008, 0x0060), .CS, modality)
        d.set(DICOMTag(0x0018, 0x0050), .DS, "2.5")
        d.set(DICOMTag(0x0020, 0x000D), .UI, study)
        d.set(DICOMTag(0x0020, 0x000E), .UI, series)
        d.set(DICOMTag(0x0020, 0x0013), .IS, String(index + 1))
        d.set(DICOMTag(0x0020, 0x0032), .DS, ["-30", "-30", String(format: "%.1f", 2.5 * Double(index))])
        d.set(DICOMTag(0x0020, 0x0037), .DS, ["1", "0", "0", "0", "1", "0"])
        d.set(DICOMTag(0x0020, 0x0052), .UI, "\(study).9")
        d.set(DICOMTag(0x0028, 0x0002), us: [1])
        d.set(DICOMTag(0x0028, 0x0004), .CS, "MONOCHROME2")
        d.set(DICOMTag(0x0028, 0x0010), us: [UInt16(rows)])
        d.set(DICOMTag(0x0028, 0x0011), us: [UInt16(columns)])
        d.set(DICOMTag(0x0028, 0x0030), .DS, ["2.5", "2.5"])
        d.set(DICOMTag(0x0028, 0x0100), us: [16])
        d.set(DICOMTag(0x0028, 0x0101), us: [16])
        d.set(DICOMTag(0x0028, 0x0102), us: [15])
        d.set(DICOMTag(0x0028, 0x0103), us: [0])
        d.set(DICOMTag(0x0028, 0x1052), .DS, "-1024")
        d.set(DICOMTag(0x0028, 0x1053), .DS, "1")
        var px: [UInt8] = []
        for r in 0..<rows {
            for c in 0..<columns {
                let dr = Double(r) - Double(rows) / 2, dc = Double(c) - Double(columns) / 2
                let v: UInt16 = dr * dr + dc * dc < Double(rows * rows) / 6 ? UInt16(1064 + index) : 0
                px += [UInt8(v & 0xFF), UInt8(v >> 8)]
            }
        }
        d.set(DICOMTag(0x7FE0, 0x0010), .OW, bytes: px)
        return [UInt8](DICOMPart10Writer.file(d, implementationClassUID: "1.2.826.0.1.3680043.10.1.1", implementationVersion: "VIGILTEST"))
    }

    /// A `multipart/related` body of `parts` (bytes with a Content-Type each) and its Content-Type header.
    static func body(_ parts: [(type: String?, bytes: [UInt8])], boundary: String = "vigil-boundary-42") -> (String, [UInt8]) {
        var b: [UInt8] = Array("preamble ignored\r\n".utf8)
        for p in parts {
            b += Array("--\(boundary)\r\n".utf8)
            if let t = p.type { b += Array("Content-Type: \(t)\r\n".utf8) }
            b += Array("Content-Length: \(p.bytes.count)\r\n\r\n".utf8)
            b += p.bytes
            b += Array("\r\n".utf8)
        }
        b += Array("--\(boundary)--\r\n".utf8)
        return ("multipart/related; type=\"application/dicom\"; boundary=\(boundary)", b)
    }
}

/// A CT detector that reports what it was given: probability 0.9 when the study has one volume of
/// `expectSlices` slices read from the spooled DICOM files, else it abstains saying what it saw.
struct VolumeCheckingDetector: Detector {
    let expectSlices: Int
    var descriptor: DetectorDescriptor { DetectorDescriptor(id: "check-ct", version: "1.0.0", name: "Check CT", inputKind: .ctStudy) }
    var modelCard: ModelCard? { nil }
    func analyze(_ study: CTStudy) async throws -> DetectorOutcome {
        let provenance = DetectorProvenance(descriptor: descriptor, modelCard: modelCard)
        let shapes = study.volumes.map(\.shape)
        guard shapes.count == 1, shapes[0] == [expectSlices, 24, 24], study.volumes[0].metadata.modality == "CT" else {
            return .abstained(try Abstention(reason: .inputIncomplete, message: "got \(shapes)", detector: provenance))
        }
        return .findings([try Finding(code: "pdac", label: "Pancreatic lesion", probability: 0.9, threshold: 0.4,
                                      decision: Decision(probability: 0.9, threshold: 0.4), detector: provenance)])
    }
}

func json(_ data: Data) throws -> [String: Any] { try JSONSerialization.jsonObject(with: data) as! [String: Any] }

// MARK: - Tests

@Suite struct STOWRequestTests {
    @Test func contentTypeParameters() throws {
        let a = try STOWContentType("Multipart/Related; boundary=\"abc;def\"; type=\"application/dicom\"")
        #expect(a.boundary == "abc;def" && a.type == "application/dicom")
        let b = try STOWContentType("multipart/related;type=application/dicom;boundary=xyz")
        #expect(b.boundary == "xyz")
        #expect(throws: STOWRequestError.self) { try STOWContentType("application/dicom") }
        do { _ = try STOWContentType("multipart/related; type=\"application/dicom+json\"; boundary=x") } catch let e as STOWRequestError {
            #expect(e.status == 415)
        }
        do { _ = try STOWContentType("multipart/related; type=\"application/dicom\"") } catch let e as STOWRequestError {
            #expect(e.status == 400)
        }
    }

    @Test func partsAreSplitInAnyChunkingAndBounded() throws {
        let one = CTInstances.slice(study: "1.2.3", series: "1.2.3.1", index: 0)
        let (ct, body) = CTInstances.body([("application/dicom", one), ("application/dicom", Array("\r\n--vigil-boundar".utf8)), (nil, [1, 2, 3])])
        let whole = try STOWMultipartReader.parts(contentType: ct, body: body)
        #expect(whole.count == 3)
        #expect(whole[0].body == one)
        #expect(whole[1].body == Array("\r\n--vigil-boundar".utf8))   // a near-boundary inside data stays data
        #expect(whole[2].mediaType == nil)
        // Fed in chunks of 1, 7 and 1000 bytes: the same parts.
        for size in [1, 7, 1000] {
            let reader = try STOWMultipartReader(contentType: ct)
            var i = 0
            while i < body.count { try reader.feed(Array(body[i..<min(body.count, i + size)])); i += size }
            let parts = try reader.finish()
            #expect(parts.map(\.body) == whole.map(\.body), "chunk \(size)")
        }
        // Limits.
        func status(_ limits: STOWLimits, _ b: [UInt8] = body) -> Int? {
            do { _ = try STOWMultipartReader.parts(contentType: ct, body: b, limits: limits); return nil } catch let e as STOWRequestError { return e.status } catch { return -1 }
        }
        #expect(status(STOWLimits(maxParts: 2)) == 413)
        #expect(status(STOWLimits(maxPartBytes: 100)) == 413)
        #expect(status(STOWLimits(maxBodyBytes: 500)) == 413)
        // Truncated body: ends inside the last part.
        #expect(status(STOWLimits(), Array(body.prefix(body.count - 40))) == 400)
        // No part at all.
        #expect(status(STOWLimits(), Array("just text".utf8)) == 400)
    }
}

@Suite struct STOWServiceTests {
    @Test func storesGoodInstancesAndFailsBadPartsAlone() async throws {
        let tmp = try TempDir()
        defer { tmp.remove() }
        let spool = try InstanceSpool(root: tmp.url.appendingPathComponent("spool"))
        let clock = ManualClock()
        let assembler = SeriesAssembler(spool: spool, quietTime: 10, now: { clock.now() })
        let service = STOWService(spool: spool, assembler: assembler, retrieveBaseURL: "https://vigil.test/dicomweb/")
        let study = "1.2.826.0.1.3680043.10.1.77", series = "1.2.826.0.1.3680043.10.1.77.1"
        var parts: [(type: String?, bytes: [UInt8])] = (0..<4).map { ("application/dicom", CTInstances.slice(study: study, series: series, index: $0)) }
        var truncated = CTInstances.slice(study: study, series: series, index: 4)
        truncated.removeLast(300)                                   // malformed: pixel data cut short
        parts.append(("application/dicom", truncated))
        parts.append(("text/plain", Array("not an image".utf8)))    // a non-DICOM part
        parts.append(("application/dicom", Array("DICM? no".utf8)))  // declared DICOM, is not
        let real = [UInt8](try Data(contentsOf: Repository.sampleCT.appendingPathComponent("CT_small.dcm")))
        parts.append(("application/dicom", real))                   // a real CT slice (pydicom's sample)
        let (ct, body) = CTInstances.body(parts)
        let result = try await service.store(contentType: ct, body: body)
        #expect(result.stored.count == 5)
        #expect(result.failed.map(\.part) == [5, 6, 7])
        #expect(result.failed[0].reason == .cannotUnderstand)
        #expect(result.failed[0].sopInstanceUID == nil || result.failed[0].sopInstanceUID == "\(series).5")
        #expect(result.failed[1].reason == .cannotUnderstand && result.failed[1].message.contains("text/plain"))
        #expect(result.httpStatus == 202)
        // Files in the spool, one per instance.
        let files = try FileManager.default.contentsOfDirectory(atPath: spool.seriesFolder(study: study, series: series).path)
        #expect(files.filter { $0.hasSuffix(".dcm") }.count == 4)
        // The PS3.18 response.
        let doc = try json(result.json)
        let referenced = (doc["00081199"] as! [String: Any])["Value"] as! [[String: Any]]
        #expect(referenced.count == 5)
        let first = referenced[0]
        #expect(((first["00081150"] as! [String: Any])["Value"] as! [String]) == [CTInstances.ctImageStorage])
        #expect(((first["00081155"] as! [String: Any])["Value"] as! [String]) == ["\(series).1"])
        #expect(((first["00081190"] as! [String: Any])["Value"] as! [String])
            == ["https://vigil.test/dicomweb/studies/\(study)/series/\(series)/instances/\(series).1"])
        let failedSeq = (doc["00081198"] as! [String: Any])["Value"] as! [[String: Any]]
        #expect(failedSeq.count == 3)
        #expect(((failedSeq[1]["00081197"] as! [String: Any])["Value"] as! [Int]) == [0xC000])
        #expect((doc["00081198"] as! [String: Any])["vr"] as? String == "SQ")
        // Two studies stored (the synthetic one and CT_small's): no single study Retrieve URL, empty attribute.
        #expect((doc["00081190"] as! [String: Any])["Value"] == nil)
    }

    @Test func allFailedIs409AndStudyPathIsEnforced() async throws {
        let tmp = try TempDir()
        defer { tmp.remove() }
        let spool = try InstanceSpool(root: tmp.url)
        let service = STOWService(spool: spool, assembler: SeriesAssembler(spool: spool))
        let (ct, body) = CTInstances.body([("application/dicom", CTInstances.slice(study: "1.2.3", series: "1.2.3.4", index: 0))])
        let wrongStudy = try await service.store(contentType: ct, body: body, study: "1.2.999")
        #expect(wrongStudy.httpStatus == 409)
        #expect(wrongStudy.failed.first?.reason == .dataSetDoesNotMatchSOPClass)
        #expect(wrongStudy.failed.first?.sopInstanceUID == "1.2.3.4.1")
        let badPath = try await service.store(contentType: ct, body: body, study: "../../etc")
        #expect(badPath.httpStatus == 409)
        let ok = try await service.store(contentType: ct, body: body, study: "1.2.3")
        #expect(ok.httpStatus == 200)
        #expect((try json(ok.json))["00081198"] == nil)
        await #expect(throws: STOWRequestError.self) { try await service.store(contentType: "application/json", body: body) }
    }

    @Test func uidsNeverEscapeTheSpool() {
        #expect(InstanceSpool.isValidUID("1.2.840.10008.5.1.4.1.1.2"))
        for bad in ["", "..", "1..2", ".1", "1.", "1/2", "1.2.3 ", String(repeating: "1", count: 65), "a.b"] {
            #expect(!InstanceSpool.isValidUID(bad), "\(bad)")
        }
    }
}

@Suite struct SeriesAssemblerTests {
    @Test func aSeriesCompletesAfterTheQuietTimeAndAStudyWhenAllItsSeriesDo() async throws {
        let tmp = try TempDir()
        defer { tmp.remove() }
        let spool = try InstanceSpool(root: tmp.url)
        let clock = ManualClock()
        let a = SeriesAssembler(spool: spool, quietTime: 10, now: { clock.now() })
        await a.received(study: "1.1", series: "1.1.1", sop: "1.1.1.1")
        clock.advance(6)
        await a.received(study: "1.1", series: "1.1.1", sop: "1.1.1.2")
        await a.received(study: "1.1", series: "1.1.1", sop: "1.1.1.2")   // the same instance again
        await a.received(study: "1.2", series: "1.2.1", sop: "1.2.1.1")
        clock.advance(9.9)
        #expect(await a.takeCompletedStudies().isEmpty)                    // 9.9 s of quiet only
        await a.received(study: "1.1", series: "1.1.2", sop: "1.1.2.1")   // a second series of study 1.1
        clock.advance(0.1)
        let first = await a.takeCompletedStudies()
        #expect(first.map(\.study) == ["1.2"])                             // 1.1 still has an open series
        clock.advance(10)
        let second = await a.takeCompletedStudies()
        #expect(second.map(\.study) == ["1.1"])
        #expect(second[0].series.map(\.series) == ["1.1.1", "1.1.2"])
        #expect(second[0].series[0].instances == 2)
        #expect(second[0].firstArrival == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(await a.openSeriesCount == 0)
        #expect(await a.takeCompletedStudies().isEmpty)                    // handed on once
    }

    @Test func openSeriesAreBoundedAndResumedFromTheSpool() async throws {
        let tmp = try TempDir()
        defer { tmp.remove() }
        let spool = try InstanceSpool(root: tmp.url)
        let a = SeriesAssembler(spool: spool, quietTime: 1, maxOpenSeries: 2)
        #expect(await a.received(study: "1", series: "1.1", sop: "1.1.1"))
        #expect(await a.received(study: "1", series: "1.2", sop: "1.2.1"))
        #expect(await a.received(study: "1", series: "1.3", sop: "1.3.1") == false)
        try spool.write([1], study: "2", series: "2.1", sop: "2.1.1")
        try spool.write([1], study: "2", series: "2.1", sop: "2.1.2")
        try spool.write([1], study: "3", series: "3.1", sop: "3.1.1")
        try spool.markListed(study: "3")
        let b = SeriesAssembler(spool: spool, quietTime: 1)
        #expect(await b.resumeFromSpool() == 1)
        #expect(await b.openSeriesCount == 1)
    }
}

@Suite struct STOWToWorklistTests {
    /// A store, a spool, a manual clock, the assembler (10 s quiet time), STOW-RS and the feeder tagging 6-slice studies.
    static func pipeline(in tmp: TempDir) throws
        -> (SQLiteFindingsStore, InstanceSpool, ManualClock, SeriesAssembler, STOWService, WorklistFeeder)
    {
        let store = try SQLiteFindingsStore(path: tmp.url.appendingPathComponent("vigil.sqlite").path, actor: "test")
        let spool = try InstanceSpool(root: tmp.url.appendingPathComponent("spool"))
        let clock = ManualClock()
        let assembler = SeriesAssembler(spool: spool, quietTime: 10, now: { clock.now() })
        let service = STOWService(spool: spool, assembler: assembler)
        let feeder = WorklistFeeder(store: store, detector: AnyDetector(VolumeCheckingDetector(expectSlices: 6)), spool: spool)
        return (store, spool, clock, assembler, service, feeder)
    }

    @Test func aStudySentByStowIsListedAndTaggedOnceComplete() async throws {
        let tmp = try TempDir()
        defer { tmp.remove() }
        let (store, spool, clock, assembler, service, feeder) = try Self.pipeline(in: tmp)
        let study = "1.2.826.0.1.3680043.10.1.88", series = "1.2.826.0.1.3680043.10.1.88.2"
        // The series arrives in two requests, slices out of order.
        for batch in [[3, 0, 5], [1, 4, 2]] {
            let (ct, body) = CTInstances.body(batch.map { ("application/dicom", CTInstances.slice(study: study, series: series, index: $0)) })
            let r = try await service.store(contentType: ct, body: body, study: study)
            #expect(r.httpStatus == 200)
            clock.advance(4)
        }
        #expect(await assembler.takeCompletedStudies().isEmpty)
        #expect(try await store.worklist().isEmpty)
        clock.advance(10)
        let done = await assembler.takeCompletedStudies()
        #expect(done.count == 1 && done[0].series.first?.instances == 6)
        let report = try await feeder.list(done[0])
        #expect(!report.lateArrival)
        #expect(report.tagging.scored == 1)
        #expect(report.entry.studyID == study)
        #expect(report.entry.current?.tag == "PANCREAS-SUSPECT-HIGH")
        #expect(spool.isListed(study: study))
        // Tagging again scores nothing more (one scoring loop, exactly once per model version).
        #expect(try await feeder.tagger.tag().scored == 0)
    }

    @Test func aStudyIsGrantedToTheSitesThatSentIt() async throws {
        let tmp = try TempDir()
        defer { tmp.remove() }
        let (store, spool, clock, assembler, service, feeder) = try Self.pipeline(in: tmp)
        let study = "1.2.826.0.1.3680043.10.1.89", series = "1.2.826.0.1.3680043.10.1.89.2"
        // Two senders (a PACS of each site), one without a site; the first sends twice.
        for (batch, site) in [([0, 1], "north"), ([2, 3], "north"), ([4], nil), ([5], "south")] as [([Int], String?)] {
            let (ct, body) = CTInstances.body(batch.map { ("application/dicom", CTInstances.slice(study: study, series: series, index: $0)) })
            #expect(try await service.store(contentType: ct, body: body, site: site).httpStatus == 200)
        }
        #expect(spool.sites(study: study) == ["north", "south"])
        clock.advance(11)
        let done = await assembler.takeCompletedStudies()
        let report = try await feeder.list(try #require(done.first))
        let input = try #require(report.entry.input)
        #expect(try await store.inputs([input], grantedTo: "north") == [input])
        #expect(try await store.inputs([input], grantedTo: "south") == [input])
        #expect(try await store.inputs([input], grantedTo: "west").isEmpty)
        #expect(spool.sites(study: "1.2.3.4").isEmpty)
    }
}
