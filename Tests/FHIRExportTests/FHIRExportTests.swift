import DetectorKit
@testable import FHIRExport
import FindingsStore
import Foundation
import Testing
import VigilTestSupport

/// A store with: an ECG scored with a coded probability finding and a measured finding, an ECG a
/// detector abstained on, an ECG that failed, a CT study, and an input without results.
private func sampleStore(_ path: String) async throws -> SQLiteFindingsStore {
    let store = try SQLiteFindingsStore(path: path, actor: "test")
    let sha = String(repeating: "ab", count: 32)
    let rhythm = DetectorProvenance(id: "ecg-rhythm", version: "1.0.0", modelName: "Rhythm net", modelVersion: "0.1.0", modelSHA256: sha)
    let rules = DetectorProvenance(id: "ecg-intervals", version: "1.0.0")
    let ct = DetectorProvenance(id: "ct-pancreas", version: "1.0.0")
    let created = Date(timeIntervalSince1970: 1_741_944_413.120)
    func input(_ n: Int, kind: InputKind = .ecg, patient: String? = "P-0042") async throws -> InputID {
        try await store.registerInput(NewInput(contentSHA256: String(repeating: "0", count: 63) + "\(n)", path: "/data/\(n)",
                                               kind: kind, patientID: patient,
                                               acquiredAt: Date(timeIntervalSince1970: 1_700_000_000))).id
    }
    let a = try await input(1), b = try await input(2), c = try await input(3, patient: nil)
    let d = try await input(4, kind: .ctStudy), _ = try await input(5)
    let r1 = try await store.startRun(NewRun(detector: rhythm)).id
    let r2 = try await store.startRun(NewRun(detector: rules)).id
    let r3 = try await store.startRun(NewRun(detector: ct)).id
    _ = try await store.recordOutcome(.findings([try Finding(
        code: "afib", codings: [StandardCoding(system: "http://snomed.info/sct", code: "49436004", display: "Atrial fibrillation")],
        label: "Atrial fibrillation", probability: 0.91, threshold: 0.42, decision: .positive,
        measurements: [FindingMeasurement(name: "ventricularRate", value: 112, unit: "/min",
                                          reference: ReferenceValue(value: 114, source: "acquiring device"))],
        detector: rhythm, createdAt: created)]), input: a, run: r1)
    _ = try await store.recordOutcome(.findings([try Finding(
        code: "long_qtc", label: "Prolonged QTc", probability: nil, threshold: nil, decision: .negative,
        measurements: [FindingMeasurement(name: "QTc", value: 431, unit: "ms")], detector: rules, createdAt: created)]),
        input: a, run: r2)
    _ = try await store.recordOutcome(.abstained(try Abstention(reason: .signalUnreadable, message: "Leads V4–V6 are flat.",
                                                                detector: rhythm, createdAt: created)), input: b, run: r1)
    _ = try await store.recordError(input: c, run: r1, reason: "cannot read x.csv: row 2, column 1: \"a,b\" is not a number")
    _ = try await store.recordOutcome(.findings([try Finding(
        code: "pdac", label: "Pancreatic lesion", probability: 0.2, threshold: 0.4, decision: .negative, detector: ct, createdAt: created)]),
        input: d, run: r3)
    return store
}

private func json(_ data: Data) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

@Suite("FHIR R4 export")
struct FHIRExportTests {
    private func export(_ store: SQLiteFindingsStore, pageSize: Int = 200) async throws -> (Data, Int) {
        let output = ExportOutput()
        let n = try await FHIRBundleExporter(store: store, pageSize: pageSize, timestamp: Date(timeIntervalSince1970: 1_750_000_000))
            .write(to: output)
        return (output.memory, n)
    }

    @Test func theBundleMeetsTheR4StructureRules() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("FHIR-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try await sampleStore(folder.appendingPathComponent("v.sqlite").path)
        let (data, reports) = try await export(store)
        #expect(reports == 4)  // the input without results is left out
        let shape = FHIRR4Shape(bundle: data)
        #expect(shape.problems == [])

        let bundle = try json(data)
        let resources = (bundle["entry"] as? [[String: Any]] ?? []).compactMap { $0["resource"] as? [String: Any] }
        let byType = Dictionary(grouping: resources) { $0["resourceType"] as? String ?? "" }
        #expect(byType["DiagnosticReport"]?.count == 4)
        #expect(byType["Observation"]?.count == 5)  // afib, long_qtc, abstention, error, pdac
        #expect(byType["Device"]?.count == 3)  // the error is tied to its run's detector and model
        #expect(byType["Provenance"]?.count == 4)  // one per report
        // AI transparency: every Observation and report is labelled AIAST; Devices are AI Devices; the
        // Provenance of each report names it, its Observations and its Devices.
        for r in (byType["Observation"] ?? []) + (byType["DiagnosticReport"] ?? []) {
            let security = (r["meta"] as? [String: Any])?["security"] as? [[String: Any]]
            #expect(security?.first?["code"] as? String == "AIAST")
            #expect(security?.first?["system"] as? String == "http://terminology.hl7.org/CodeSystem/v3-ObservationValue")
        }
        for d in byType["Device"] ?? [] {
            #expect(((d["type"] as? [String: Any])?["coding"] as? [[String: Any]])?.first?["code"] as? String == "Artificial-Intelligence")
            #expect(d["manufacturer"] as? String == "Vigil")
        }
        let entries = bundle["entry"] as? [[String: Any]] ?? []
        let firstReportURL = entries.first { ($0["resource"] as? [String: Any])?["resourceType"] as? String == "DiagnosticReport" }?["fullUrl"] as? String
        let prov = try #require(byType["Provenance"]?.first { p in
            (p["target"] as? [[String: Any]])?.contains { $0["reference"] as? String == firstReportURL } == true
        })
        #expect((prov["target"] as? [Any])?.count == 3)  // the report and its two Observations (afib, long_qtc)
        #expect((prov["agent"] as? [Any])?.count == 2)  // both detectors
        let afib = try #require(byType["Observation"]?.first {
            (($0["code"] as? [String: Any])?["text"] as? String) == "Atrial fibrillation"
        })
        let codings = (afib["code"] as? [String: Any])?["coding"] as? [[String: Any]] ?? []
        #expect(codings.map { $0["system"] as? String } == ["http://snomed.info/sct", "urn:vigil:finding-code"])
        #expect((afib["valueQuantity"] as? [String: Any])?["value"] as? Double == 0.91)
        let interpretation = ((afib["interpretation"] as? [[String: Any]])?.first?["coding"] as? [[String: Any]])?.first
        #expect(interpretation?["code"] as? String == "POS")
        let components = afib["component"] as? [[String: Any]] ?? []
        let rate = components.compactMap { $0["valueQuantity"] as? [String: Any] }.first { $0["code"] as? String == "/min" }
        #expect(rate?["value"] as? Double == 112)
        #expect(rate?["system"] as? String == "http://unitsofmeasure.org")
        #expect(((afib["subject"] as? [String: Any])?["identifier"] as? [String: Any])?["value"] as? String == "P-0042")
        #expect(((afib["method"] as? [String: Any])?["text"] as? String)?.contains("Rhythm net 0.1.0") == true)
        let error = try #require(byType["Observation"]?.first { $0["status"] as? String == "cancelled" })
        #expect(error["dataAbsentReason"] != nil)
        #expect(error["subject"] == nil)  // no patient id given
        let ct = try #require(byType["DiagnosticReport"]?.first {
            ((($0["category"] as? [[String: Any]])?.first?["coding"] as? [[String: Any]])?.first?["code"] as? String) == "CT"
        })
        #expect((ct["result"] as? [Any])?.count == 1)
    }

    @Test func aKnownModelCardIsTheDevicesNote() throws {
        let root = Repository.root
        let card = try ModelCard.load(from: root.appendingPathComponent("Models/ct-pancreas-lesion/model.card.json"))
        let p = DetectorProvenance(id: "ct-pancreas", version: "1.0.0", modelName: card.name, modelVersion: card.version,
                                   modelSHA256: card.weightsSHA256)
        let device = try json(VigilJSON.encode(FHIRResources.deviceResource(p, id: "x", card: card)))
        let note = try #require(((device["note"] as? [[String: Any]])?.first)?["text"] as? String)
        #expect(note.hasPrefix("# Model card: \(card.name) \(card.version)"))
        #expect(note.contains(card.weightsSHA256) && note.contains(card.limitations[0]) && note.contains(card.intendedUse))
        #expect(((device["extension"] as? [[String: Any]])?.first)?["url"] as? String
            == "http://hl7.org/fhir/uv/aitransparency/StructureDefinition/aitransparency.AIKind")
    }

    @Test func exportingTwiceOrInSmallPagesGivesTheSameBundle() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("FHIR-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try await sampleStore(folder.appendingPathComponent("v.sqlite").path)
        let (whole, _) = try await export(store)
        let (paged, _) = try await export(store, pageSize: 2)
        #expect(whole == paged)
    }

    @Test func theShapeCheckCatchesBrokenBundles() throws {
        func problems(_ bundle: [String: Any]) throws -> [String] {
            FHIRR4Shape(bundle: try JSONSerialization.data(withJSONObject: bundle)).problems
        }
        let obs: [String: Any] = ["resourceType": "Observation", "id": "o1", "status": "final", "code": ["text": "x"],
                                  "valueQuantity": ["value": 1, "system": "http://unitsofmeasure.org", "code": "1"]]
        let report: [String: Any] = ["resourceType": "DiagnosticReport", "id": "r1", "status": "final", "code": ["text": "r"],
                                     "result": [["reference": "urn:uuid:o1"]]]
        func bundle(_ o: [String: Any], _ r: [String: Any] = report, type: String = "collection") -> [String: Any] {
            ["resourceType": "Bundle", "type": type, "entry": [["fullUrl": "urn:uuid:o1", "resource": o],
                                                               ["fullUrl": "urn:uuid:r1", "resource": r]]]
        }
        #expect(try problems(bundle(obs)) == [])
        var noStatus = obs; noStatus["status"] = nil
        #expect(try problems(bundle(noStatus)).contains { $0.contains("status") })
        var badStatus = obs; badStatus["status"] = "done"
        #expect(!(try problems(bundle(badStatus)).isEmpty))
        var absentAndValue = obs; absentAndValue["dataAbsentReason"] = ["text": "error"]
        #expect(try problems(bundle(absentAndValue)).contains { $0.contains("obs-6") })
        var sameCode = obs; sameCode["component"] = [["code": ["text": "x"], "valueQuantity": ["value": 1]]]
        sameCode["code"] = ["coding": [["system": "urn:a", "code": "c"]]]
        sameCode["component"] = [["code": ["coding": [["system": "urn:a", "code": "c"]]]]]
        #expect(try problems(bundle(sameCode)).contains { $0.contains("obs-7") })
        var typo = obs; typo["valueQuantityy"] = ["value": 1]
        #expect(!(try problems(bundle(typo)).isEmpty))
        var dangling = report; dangling["result"] = [["reference": "urn:uuid:missing"]]
        #expect(try problems(bundle(obs, dangling)).contains { $0.contains("does not resolve") })
        #expect(!(try problems(bundle(obs, type: "pile")).isEmpty))
        var unitWithoutSystem = obs; unitWithoutSystem["valueQuantity"] = ["value": 1, "code": "1"]
        #expect(try problems(bundle(unitWithoutSystem)).contains { $0.contains("qty-3") })
        var empty = obs; empty["note"] = [Any]()
        #expect(try problems(bundle(empty)).contains { $0.contains("ele-1") })
    }
}

@Suite("CSV export")
struct CSVExportTests {
    @Test func oneRowPerFindingAbstentionAndErrorQuotedPerRFC4180() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("CSV-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try await sampleStore(folder.appendingPathComponent("v.sqlite").path)
        let output = ExportOutput()
        let rows = try await CSVExporter(store: store).write(to: output)
        #expect(rows == 5)
        let lines = String(decoding: output.memory, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines.count == 6)
        #expect(lines[0] == CSVExporter.columns.joined(separator: ","))
        #expect(lines[1].contains(",ecg-rhythm,1.0.0,Rhythm net,0.1.0,finding,afib,Atrial fibrillation,0.91,0.42,positive,ventricularRate=112 /min,"))
        #expect(lines[2].contains(",finding,long_qtc,Prolonged QTc,,,negative,QTc=431 ms,"))
        #expect(lines[3].hasSuffix(",abstained,,,,,,,signal_unreadable: Leads V4–V6 are flat."))
        #expect(lines[4].hasSuffix(#",error,,,,,,,"cannot read x.csv: row 2, column 1: ""a,b"" is not a number""#))
        #expect(lines[4].contains(",,,")) // no patient id
    }

    @Test func spreadsheetFormulasAreNeutralised() {
        #expect(CSVExporter.quote("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(CSVExporter.quote("-12.5") == "-12.5")
        #expect(CSVExporter.quote("plain") == "plain")
    }
}
