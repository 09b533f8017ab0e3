import DICOM
import DICOMSR
import DetectorKit
import FindingsStore
import Foundation
import ImagingFormats
import Rendering
import Testing
import VigilTestSupport

/// Runs an external validator, when installed. In CI (CI=true) a missing tool is a failure; locally it is
/// skipped with a message.
enum Validator {
    static func find(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// (exit status, standard output + error).
    static func run(_ tool: String, _ args: [String]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The tool's path, or nil after recording a CI failure / printing a skip message.
    static func required(_ name: String) -> String? {
        if let p = find(name) { return p }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("\(name) is not installed: Tools/setup.sh installs it (apt packages dcmtk, dicom3tools)")
        } else {
            print("skipping the \(name) check: not installed (apt-get install dcmtk dicom3tools)")
        }
        return nil
    }
}

let lesionCode = "ct.pancreas.lesion_suspected"
let ctDetector = DetectorProvenance(id: "ct-pancreas", version: "2.0.0", modelName: "pancreas-lesion", modelVersion: "0.3.0",
                                    modelSHA256: String(repeating: "cd", count: 32))

/// A CT study's source as a DICOM series would give it: three slices with UIDs and patient/study values.
func dicomSource() -> StudySource {
    StudySource(
        patient: ["PatientID": "PSEUDO-7", "PatientBirthDate": "19600101", "PatientSex": "F"],
        study: ["StudyInstanceUID": "1.2.826.0.1.3680043.8.498.1", "StudyDate": "20240301", "StudyTime": "093000",
                "AccessionNumber": "ACC-1", "StudyID": "S1", "StudyDescription": "CT abdomen"],
        series: [StudySource.Series(seriesInstanceUID: "1.2.826.0.1.3680043.8.498.2", modality: "CT", frameOfReferenceUID: nil,
                                    slices: (0..<3).map { StudySource.Instance(sopClassUID: "1.2.840.10008.5.1.4.1.1.2",
                                                                               sopInstanceUID: "1.2.826.0.1.3680043.8.498.3.\($0)", frame: nil) })])
}

func sourceJSON(_ s: StudySource) throws -> JSONValue { try VigilJSON.decode(JSONValue.self, from: VigilJSON.encode(s)) }

func tempFolder(_ name: String) throws -> URL {
    let f = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: f, withIntermediateDirectories: true)
    return f
}

/// A store with a scored DICOM study (finding with key slice 1 and a region, overlay PNG), an abstained
/// PNG-only study (no UIDs), and a study with only an error.
func ctStore(_ folder: URL) async throws -> SQLiteFindingsStore {
    let store = try SQLiteFindingsStore(path: folder.appendingPathComponent("s.sqlite").path, actor: "test")
    let overlay = folder.appendingPathComponent("overlay.png")
    var rgb = [UInt8](repeating: 0, count: 8 * 6 * 3)
    for i in stride(from: 0, to: rgb.count, by: 3) { rgb[i] = 200 }
    try PNGWriter.writeRGB8(rgb, width: 8, height: 6, to: overlay)
    let a = try await store.registerInput(NewInput(contentSHA256: String(repeating: "1", count: 64), path: "/ct/a", kind: .ctStudy,
                                                   studyID: "1.2.826.0.1.3680043.8.498.1", sourceMetadata: try sourceJSON(dicomSource())))
    let b = try await store.registerInput(NewInput(contentSHA256: String(repeating: "2", count: 64), path: "/ct/b", kind: .ctStudy))
    let c = try await store.registerInput(NewInput(contentSHA256: String(repeating: "3", count: 64), path: "/ct/c", kind: .ctStudy))
    let run = try await store.startRun(NewRun(detector: ctDetector)).id
    let created = Date(timeIntervalSince1970: 1_741_944_413)
    _ = try await store.recordOutcome(.findings([try Finding(
        code: lesionCode, label: "Pancreatic lesion suspected", probability: 0.83, threshold: 0.5, decision: .positive,
        evidence: [.slice(index: 1, region: BoundingBox(x: 10, y: 12, width: 30, height: 20), note: "slice score 2.1 & rising"),
                   .image(path: overlay.path, caption: "axial slice 1, saliency"), .image(path: "/gone/overlay-2.png", caption: nil)],
        measurements: [FindingMeasurement(name: "lesionLongestAxis", value: 23.5, unit: "mm"),
                       FindingMeasurement(name: "slicesScored", value: 3, unit: "1")],
        detector: ctDetector, createdAt: created)]), input: a.id, run: run)
    _ = try await store.recordOutcome(.abstained(try Abstention(reason: "pancreas_not_found", message: "No pancreas on any of the 3 slices.",
                                                                detector: ctDetector, createdAt: created)), input: b.id, run: run)
    _ = try await store.recordError(input: c.id, run: run, reason: "cannot read /ct/c: truncated")
    return store
}

/// The content item tree of a parsed SR as `concept meaning = value` lines, indented.
func tree(_ ds: DICOMDataSet, depth: Int = 0) throws -> [String] {
    var lines: [String] = []
    for item in try ds.sequence(DICOMTag(0x0040, 0xA730)) ?? [] {
        let rel = try item.string(DICOMTag(0x0040, 0xA010)) ?? ""
        let type = try item.string(DICOMTag(0x0040, 0xA040)) ?? ""
        let name = try item.sequence(DICOMTag(0x0040, 0xA043))?.first.flatMap { try $0.string(DICOMTag(0x0008, 0x0104)) } ?? ""
        var value = ""
        switch type {
        case "TEXT": value = try item.string(DICOMTag(0x0040, 0xA160)) ?? ""
        case "CODE": value = try item.sequence(DICOMTag(0x0040, 0xA168))?.first.flatMap { try $0.string(DICOMTag(0x0008, 0x0104)) } ?? ""
        case "NUM": value = try item.sequence(DICOMTag(0x0040, 0xA300))?.first.flatMap { try $0.string(DICOMTag(0x0040, 0xA30A)) } ?? ""
        case "UIDREF": value = try item.string(DICOMTag(0x0040, 0xA124)) ?? ""
        case "IMAGE": value = try item.sequence(DICOMTag(0x0008, 0x1199))?.first.flatMap { try $0.string(DICOMTag(0x0008, 0x1155)) } ?? ""
        case "SCOORD": value = (try item.doubles(DICOMTag(0x0070, 0x0022)) ?? []).map { String(Int($0)) }.joined(separator: ",")
        default: break
        }
        lines.append(String(repeating: "  ", count: depth) + "\(rel) \(type) \(name) = \(value)")
        lines += try tree(item, depth: depth + 1)
    }
    return lines
}

@Suite("DICOM SR export")
struct DICOMSRTests {
    @Test func derivedUIDsAreValidDeterministicAndDistinct() {
        let a = DICOMUID.derived("x"), b = DICOMUID.derived("x"), c = DICOMUID.derived("y")
        #expect(a == b && a != c)
        #expect(a.hasPrefix("2.25.") && a.count <= 64)
        #expect(a.range(of: "^2\\.25\\.[1-9][0-9]*$", options: .regularExpression) != nil)
    }

    @Test func theWriterRoundTripsThroughTheParser() throws {
        var d = DICOMWriteDataSet()
        d.set(DICOMTag(0x0008, 0x0005), .CS, "ISO_IR 192")
        d.set(DICOMTag(0x0008, 0x0016), .UI, "1.2.3")  // odd length: padded with NUL
        d.set(DICOMTag(0x0008, 0x0018), .UI, "1.2.3.4")
        d.set(DICOMTag(0x0010, 0x0020), .LO, "P^1")
        d.set(DICOMTag(0x0040, 0xA730), items: [{ var i = DICOMWriteDataSet(); i.set(DICOMTag(0x0040, 0xA160), .UT, "naïve"); return i }()])
        let bytes = [UInt8](DICOMPart10Writer.file(d, implementationClassUID: "1.2.3.5", implementationVersion: "T"))
        let f = try DICOMFile.parse(bytes, name: "t.dcm")
        #expect(f.transferSyntax.uid == "1.2.840.10008.1.2.1")
        #expect(try f.meta.string(DICOMTag(0x0002, 0x0003)) == "1.2.3.4")
        #expect(try f.dataSet.string(DICOMTag(0x0008, 0x0016)) == "1.2.3")
        #expect(try f.dataSet.string(DICOMTag(0x0010, 0x0020)) == "P^1")
        #expect(try f.dataSet.sequence(DICOMTag(0x0040, 0xA730))?.first?.string(DICOMTag(0x0040, 0xA160)) == "naïve")
    }

    @Test func oneSRPerAssessedStudyWithTheTID1500Tree() async throws {
        let folder = try tempFolder("SR")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try await ctStore(folder)
        let out = folder.appendingPathComponent("out")
        let summary = try await DICOMSRExporter(store: store, directory: out).write()
        #expect(summary.reports.count == 2)  // scored + abstained; the error-only study gets none
        #expect(summary.studiesWithOnlyErrors == 1)
        #expect(summary.overlays.count == 1)
        #expect(summary.overlaysMissing.count == 1 && summary.overlaysMissing[0].hasPrefix("overlay-2.png"))
        #expect(summary.reportsWithGeneratedUIDs == 1)

        let scored = try DICOMFile.read(try #require(summary.reports.first { $0.lastPathComponent == "input-1-ct-pancreas.sr.dcm" }))
        let ds = scored.dataSet
        #expect(try ds.string(DICOMTag(0x0008, 0x0016)) == "1.2.840.10008.5.1.4.1.1.88.34")
        // Patient and study modules copied; the name is empty (not kept by the store).
        #expect(try ds.string(DICOMTag(0x0010, 0x0020)) == "PSEUDO-7")
        #expect(try ds.string(DICOMTag(0x0010, 0x0010)) == nil)
        #expect(try ds.string(DICOMTag(0x0020, 0x000D)) == "1.2.826.0.1.3680043.8.498.1")
        #expect(try ds.string(DICOMTag(0x0008, 0x0050)) == "ACC-1")
        #expect(try ds.string(DICOMTag(0x0008, 0x0020)) == "20240301")
        let lines = try tree(ds)
        let text = lines.joined(separator: "\n")
        #expect(text.contains("HAS OBS CONTEXT CODE Observer Type = Device"))
        #expect(text.contains("HAS OBS CONTEXT TEXT Device Observer Manufacturer = Vigil"))
        #expect(text.contains("HAS OBS CONTEXT TEXT Device Observer Serial Number = \(String(repeating: "cd", count: 32))"))
        #expect(text.contains("HAS CONCEPT MOD CODE Procedure reported = Computed tomography"))
        // The image library lists every source slice, and the overlay SC.
        for i in 0..<3 { #expect(text.contains("CONTAINS IMAGE  = 1.2.826.0.1.3680043.8.498.3.\(i)")) }
        #expect(text.contains("CONTAINS NUM Probability = 0.83"))
        #expect(text.contains("CONTAINS NUM Threshold Value = 0.5"))
        #expect(text.contains("CONTAINS NUM Long axis = 23.5"))
        #expect(text.contains("CONTAINS CODE Pancreatic lesion suspected = Present"))
        // The region: a closed rectangle on key slice 1, selected from that slice's instance.
        let scoord = try #require(lines.firstIndex { $0.contains("SCOORD Image Region = 10,12,40,12,40,32,10,32,10,12") })
        #expect(lines[scoord + 1].contains("SELECTED FROM IMAGE  = 1.2.826.0.1.3680043.8.498.3.1"))
        #expect(text.contains("CONTAINS TEXT Comment = slice score 2.1 & rising"))

        let abstained = try DICOMFile.read(try #require(summary.reports.first { $0.lastPathComponent == "input-2-ct-pancreas.sr.dcm" }))
        let atext = try tree(abstained.dataSet).joined(separator: "\n")
        #expect(atext.contains("CONTAINS CODE Finding = Detector abstained"))
        #expect(atext.contains("CONTAINS CODE Abstention reason = pancreas not found"))
        #expect(atext.contains("CONTAINS TEXT Comment = No pancreas on any of the 3 slices."))
        #expect(try abstained.dataSet.string(DICOMTag(0x0020, 0x000D))?.hasPrefix("2.25.") == true)

        let sc = try DICOMFile.read(summary.overlays[0])
        #expect(try sc.dataSet.string(DICOMTag(0x0008, 0x0016)) == "1.2.840.10008.5.1.4.1.1.7")
        #expect(try sc.dataSet.string(DICOMTag(0x0020, 0x000D)) == "1.2.826.0.1.3680043.8.498.1")
        #expect(try sc.dataSet.sequence(DICOMTag(0x0008, 0x2112))?.first?.string(DICOMTag(0x0008, 0x1155)) == "1.2.826.0.1.3680043.8.498.3.1")
        #expect(try sc.dataSet.int(DICOMTag(0x0028, 0x0010)) == 6)

        // Exporting again gives byte-identical files.
        let again = try await DICOMSRExporter(store: store, directory: folder.appendingPathComponent("again")).write()
        for (x, y) in zip(summary.reports + summary.overlays, again.reports + again.overlays) {
            #expect(try Data(contentsOf: x) == Data(contentsOf: y))
        }
    }

    @Test func everyFilePassesDciodvfyAndDsr2xml() async throws {
        let folder = try tempFolder("SRval")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try await ctStore(folder)
        let summary = try await DICOMSRExporter(store: store, directory: folder.appendingPathComponent("out")).write()
        if let dciodvfy = Validator.required("dciodvfy") {
            for f in summary.reports + summary.overlays {
                let (_, out) = try Validator.run(dciodvfy, [f.path])
                let errors = out.split(separator: "\n").filter { $0.hasPrefix("Error") }
                #expect(errors.isEmpty, "\(f.lastPathComponent): \(errors.joined(separator: "; "))")
            }
        }
        if let dsr2xml = Validator.required("dsr2xml") {
            for f in summary.reports {
                let (status, out) = try Validator.run(dsr2xml, ["-Ee", f.path])
                #expect(status == 0, "\(f.lastPathComponent): \(out.prefix(500))")
                #expect(out.contains("Imaging Measurement Report"))
            }
        }
    }

    @Test func theStoreKeepsTheSourceAndFillsItInOnce() async throws {
        let folder = try tempFolder("SRsrc")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteFindingsStore(path: folder.appendingPathComponent("s.sqlite").path, actor: "test")
        let sha = String(repeating: "4", count: 64)
        let first = try await store.registerInput(NewInput(contentSHA256: sha, path: "/a", kind: .ctStudy))
        #expect(first.sourceMetadata == nil)
        let meta = try sourceJSON(dicomSource())
        let second = try await store.registerInput(NewInput(contentSHA256: sha, path: "/a", kind: .ctStudy, sourceMetadata: meta))
        #expect(second.sourceMetadata == meta)
        let other = try sourceJSON(StudySource(patient: [:], study: ["StudyInstanceUID": "9.9"], series: []))
        let third = try await store.registerInput(NewInput(contentSHA256: sha, path: "/a", kind: .ctStudy, sourceMetadata: other))
        #expect(third.sourceMetadata == meta)  // the first stored source stays
        #expect(try await store.input(id: first.id)?.sourceMetadata == meta)
    }
}

/// The real CT files in SampleData: their UIDs and patient/study values reach the SR as pydicom reads them
/// (values below from `pydicom.dcmread`), and the SRs pass the validators.
@Suite("DICOM SR of the SampleData CT files")
struct DICOMSRSampleDataTests {
    static let root = Repository.root

    @Test(arguments: [
        ("CT_small.dcm", "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322", "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322", "1CT1"),
        ("PancreasCT_0001_slice122_j2k.dcm", "1.2.826.0.1.3680043.2.1125.1.8828356712501776637392831168989589",
         "1.2.826.0.1.3680043.2.1125.1.38381854871216336385978062044218957", "PANCREAS_0001"),
    ])
    func theSourceReachesTheSR(file: String, sop: String, study: String, patient: String) async throws {
        let url = Self.root.appendingPathComponent("SampleData/ct/\(file)")
        let source = StudySource.read(volumes: try ImageVolumeReader.read(paths: [url]))
        #expect(source.series.first?.slices.first??.sopInstanceUID == sop)
        #expect(source.study["StudyInstanceUID"] == study)
        #expect(source.patient["PatientID"] == patient)
        #expect(source.patient["PatientName"] == nil)  // names are never kept

        let folder = try tempFolder("SRreal")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteFindingsStore(path: folder.appendingPathComponent("s.sqlite").path, actor: "test")
        let input = try await store.registerInput(NewInput(contentSHA256: String(repeating: "5", count: 64), path: url.path, kind: .ctStudy,
                                                           sourceMetadata: try sourceJSON(source)))
        let run = try await store.startRun(NewRun(detector: ctDetector)).id
        _ = try await store.recordOutcome(.findings([try Finding(
            code: lesionCode, label: "Pancreatic lesion suspected", probability: 0.12, threshold: 0.5, decision: .negative,
            evidence: [.slice(index: 0, region: BoundingBox(x: 4, y: 4, width: 8, height: 8))], detector: ctDetector)]),
            input: input.id, run: run)
        let summary = try await DICOMSRExporter(store: store, directory: folder.appendingPathComponent("out")).write()
        let sr = try DICOMFile.read(try #require(summary.reports.first))
        #expect(try sr.dataSet.string(DICOMTag(0x0020, 0x000D)) == study)
        #expect(try sr.dataSet.string(DICOMTag(0x0010, 0x0020)) == patient)
        let evidence = try sr.dataSet.sequence(DICOMTag(0x0040, 0xA375))?.first?.sequence(DICOMTag(0x0008, 0x1115))?.first?
            .sequence(DICOMTag(0x0008, 0x1199))?.first
        #expect(try evidence?.string(DICOMTag(0x0008, 0x1155)) == sop)
        #expect(summary.reportsWithGeneratedUIDs == 0)
        if let dciodvfy = Validator.required("dciodvfy") {
            let (_, out) = try Validator.run(dciodvfy, [summary.reports[0].path])
            let errors = out.split(separator: "\n").filter { $0.hasPrefix("Error") }
            #expect(errors.isEmpty, "\(errors)")
        }
        if let dsr2xml = Validator.required("dsr2xml") {
            #expect(try Validator.run(dsr2xml, [summary.reports[0].path]).0 == 0)
        }
    }
}
