import Foundation
import Testing
@testable import DetectorKit

@Suite struct FindingValidationTests {
    @Test func validFindingKeepsItsValues() throws {
        let finding = try Fixtures.ecgFinding()
        #expect(finding.code == "afib")
        #expect(finding.probability == 0.91)
        #expect(finding.decision == .positive)
        #expect(finding.evidence.count == 4)
        #expect(finding.detector.modelSHA256 == Fixtures.sha)
        #expect(finding.createdAt == Fixtures.date)
    }

    @Test func createdAtIsKeptToTheMillisecond() throws {
        let precise = Date(timeIntervalSince1970: 1_700_000_000.123456)
        let finding = try Finding(code: "x", label: "X", probability: 0.5, threshold: 0.5, decision: .positive,
                                  detector: DetectorProvenance(id: "d", version: "1"), createdAt: precise)
        #expect(finding.createdAt != precise)
        #expect(abs(finding.createdAt.timeIntervalSince1970 - 1_700_000_000.123) < 1e-6)
    }

    @Test(arguments: [1.5, -0.1, Double.nan, Double.infinity])
    func probabilityOutsideUnitIntervalIsRejected(probability: Double) {
        let error = detectorKitError {
            _ = try Finding(code: "x", label: "X", probability: probability, threshold: 0.5, decision: .indeterminate,
                            detector: DetectorProvenance(id: "d", version: "1"))
        }
        #expect(invalidField(error) == "probability")
        #expect(error?.description.hasPrefix("Finding.probability:") == true)
    }

    @Test(arguments: [1.01, -1, Double.nan])
    func thresholdOutsideUnitIntervalIsRejected(threshold: Double) {
        let error = detectorKitError {
            _ = try Finding(code: "x", label: "X", probability: 0.5, threshold: threshold, decision: .indeterminate,
                            detector: DetectorProvenance(id: "d", version: "1"))
        }
        #expect(invalidField(error) == "threshold")
    }

    @Test func probabilityWithoutThresholdIsRejected() {
        let error = detectorKitError {
            _ = try Finding(code: "x", label: "X", probability: 0.5, threshold: nil, decision: .positive,
                            detector: DetectorProvenance(id: "d", version: "1"))
        }
        #expect(invalidField(error) == "threshold")
    }

    @Test func thresholdWithoutProbabilityIsRejected() {
        let error = detectorKitError {
            _ = try Finding(code: "x", label: "X", probability: nil, threshold: 0.5, decision: .positive,
                            measurements: [FindingMeasurement(name: "m", value: 1, unit: "ms")],
                            detector: DetectorProvenance(id: "d", version: "1"))
        }
        #expect(invalidField(error) == "probability")
    }

    @Test(arguments: [(0.3, Decision.positive), (0.7, Decision.negative), (0.5, Decision.negative)])
    func decisionMustAgreeWithProbability(probability: Double, decision: Decision) {
        let error = detectorKitError {
            _ = try Finding(code: "x", label: "X", probability: probability, threshold: 0.5, decision: decision,
                            detector: DetectorProvenance(id: "d", version: "1"))
        }
        #expect(invalidField(error) == "decision")
    }

    @Test func indeterminateIsAllowedOnEitherSide() throws {
        for p in [0.1, 0.5, 0.9] {
            let finding = try Finding(code: "x", label: "X", probability: p, threshold: 0.5, decision: .indeterminate,
                                      detector: DetectorProvenance(id: "d", version: "1"))
            #expect(finding.decision == .indeterminate)
        }
        #expect(Decision(probability: 0.5, threshold: 0.5) == .positive)
        #expect(Decision(probability: 0.4999, threshold: 0.5) == .negative)
    }

    @Test func measuredFindingNeedsAMeasurement() {
        let error = detectorKitError {
            _ = try Finding(code: "long_qtc", label: "Long QTc", probability: nil, threshold: nil, decision: .positive,
                            detector: DetectorProvenance(id: "d", version: "1"))
        }
        #expect(invalidField(error) == "measurements")
    }

    @Test func measurementReferenceMustResolve() {
        let error = detectorKitError {
            _ = try Finding(code: "x", label: "X", probability: 0.9, threshold: 0.5, decision: .positive,
                            evidence: [.measurementRef(name: "QTc")],
                            measurements: [FindingMeasurement(name: "QT", value: 400, unit: "ms")],
                            detector: DetectorProvenance(id: "d", version: "1"))
        }
        #expect(invalidField(error) == "evidence[0].name")
        #expect(error?.description.contains("'QTc'") == true)
    }

    @Test func duplicateMeasurementNamesAreRejected() {
        let error = detectorKitError {
            _ = try Finding(code: "x", label: "X", probability: nil, threshold: nil, decision: .positive,
                            measurements: [FindingMeasurement(name: "QT", value: 400, unit: "ms"),
                                           FindingMeasurement(name: "QT", value: 410, unit: "ms")],
                            detector: DetectorProvenance(id: "d", version: "1"))
        }
        #expect(invalidField(error) == "measurements[1].name")
    }

    @Test(arguments: [
        (FindingMeasurement(name: "QT", value: .nan, unit: "ms"), "measurements[0].value"),
        (FindingMeasurement(name: "QT", value: 400, unit: "m s"), "measurements[0].unit"),
        (FindingMeasurement(name: "QT", value: 400, unit: ""), "measurements[0].unit"),
        (FindingMeasurement(name: " ", value: 400, unit: "ms"), "measurements[0].name"),
        (FindingMeasurement(name: "QT", value: 400, unit: "ms", reference: ReferenceValue(value: .infinity, source: "device")),
         "measurements[0].reference.value"),
        (FindingMeasurement(name: "QT", value: 400, unit: "ms", reference: ReferenceValue(value: 390, source: "")),
         "measurements[0].reference.source"),
    ])
    func invalidMeasurementNamesTheField(measurement: FindingMeasurement, field: String) {
        let error = detectorKitError {
            _ = try Finding(code: "x", label: "X", probability: nil, threshold: nil, decision: .positive,
                            measurements: [measurement], detector: DetectorProvenance(id: "d", version: "1"))
        }
        #expect(invalidField(error) == field)
    }

    @Test(arguments: [
        (Evidence.leadSpan(lead: "II", startSeconds: 3, endSeconds: 2), "evidence[0].endSeconds"),
        (Evidence.leadSpan(lead: "II", startSeconds: -1, endSeconds: 2), "evidence[0].startSeconds"),
        (Evidence.leadSpan(lead: "II", startSeconds: 0, endSeconds: .nan), "evidence[0].endSeconds"),
        (Evidence.leadSpan(lead: "", startSeconds: 0, endSeconds: 1), "evidence[0].lead"),
        (Evidence.slice(index: -1), "evidence[0].index"),
        (Evidence.slice(index: 3, region: BoundingBox(x: 0, y: 0, width: 0, height: 5)), "evidence[0].region.width"),
        (Evidence.slice(index: 3, region: BoundingBox(x: -2, y: 0, width: 4, height: 5)), "evidence[0].region.x"),
        (Evidence.image(path: ""), "evidence[0].path"),
        (Evidence.text("  "), "evidence[0].text"),
    ])
    func invalidEvidenceNamesTheField(evidence: Evidence, field: String) {
        let error = detectorKitError {
            _ = try Finding(code: "x", label: "X", probability: 0.9, threshold: 0.5, decision: .positive,
                            evidence: [evidence], detector: DetectorProvenance(id: "d", version: "1"))
        }
        #expect(invalidField(error) == field)
    }

    @Test(arguments: [
        (DetectorProvenance(id: "d", version: "1", modelName: "m", modelVersion: nil, modelSHA256: nil), "detector"),
        (DetectorProvenance(id: "d", version: "1", modelName: "m", modelVersion: "1", modelSHA256: "abc"), "detector.modelSHA256"),
        (DetectorProvenance(id: "", version: "1"), "detector.id"),
        (DetectorProvenance(id: "d", version: ""), "detector.version"),
    ])
    func invalidProvenanceNamesTheField(provenance: DetectorProvenance, field: String) {
        let error = detectorKitError {
            _ = try Finding(code: "x", label: "X", probability: 0.9, threshold: 0.5, decision: .positive,
                            detector: provenance)
        }
        #expect(invalidField(error) == field)
    }

    @Test func codeAndLabelAreChecked() {
        let provenance = DetectorProvenance(id: "d", version: "1")
        #expect(invalidField(detectorKitError {
            _ = try Finding(code: "atrial fib", label: "X", probability: 0.9, threshold: 0.5, decision: .positive, detector: provenance)
        }) == "code")
        #expect(invalidField(detectorKitError {
            _ = try Finding(code: "afib", label: "", probability: 0.9, threshold: 0.5, decision: .positive, detector: provenance)
        }) == "label")
        #expect(invalidField(detectorKitError {
            _ = try Finding(code: "afib", codings: [StandardCoding(system: "", code: "1")], label: "AF",
                            probability: 0.9, threshold: 0.5, decision: .positive, detector: provenance)
        }) == "codings[0].system")
    }

    @Test func provenanceLowercasesTheHash() {
        let provenance = DetectorProvenance(id: "d", version: "1", modelName: "m", modelVersion: "1",
                                            modelSHA256: Fixtures.sha.uppercased())
        #expect(provenance.modelSHA256 == Fixtures.sha)
    }
}

@Suite struct FindingJSONTests {
    @Test(arguments: ["ecg", "ct", "measured"])
    func roundTrip(which: String) throws {
        let finding = try { () throws -> Finding in
            switch which {
            case "ecg": try Fixtures.ecgFinding()
            case "ct": try Fixtures.ctFinding()
            default: try Fixtures.measuredFinding()
            }
        }()
        let data = try VigilJSON.encode(finding)
        let back = try VigilJSON.decode(Finding.self, from: data)
        #expect(back == finding)
        // Re-encoding gives the same bytes (stable JSON).
        #expect(try VigilJSON.encode(back) == data)
    }

    @Test func goldenECGFinding() throws { try Golden.check(try Fixtures.ecgFinding(), against: "finding-ecg.json") }
    @Test func goldenCTFinding() throws { try Golden.check(try Fixtures.ctFinding(), against: "finding-ct.json") }
    @Test func goldenMeasuredFinding() throws { try Golden.check(try Fixtures.measuredFinding(), against: "finding-measured.json") }

    @Test func goldenFileDecodesToTheFixture() throws {
        let data = try Data(contentsOf: Golden.directory.appendingPathComponent("finding-ecg.json"))
        #expect(try VigilJSON.decode(Finding.self, from: data) == Fixtures.ecgFinding())
    }

    @Test func jsonIsCamelCaseSortedAndUnescaped() throws {
        let text = String(decoding: try VigilJSON.encode(try Fixtures.ecgFinding()), as: UTF8.self)
        #expect(text.hasPrefix(#"{"code":"afib","codings":"#))
        #expect(text.contains(#""createdAt":"2025-03-14T09:26:53.120Z""#))
        #expect(text.contains(#""path":"renders/ecg-rhythm/lead-II.png""#))
        #expect(text.contains(#""type":"leadSpan""#))
        #expect(text.contains(#""modelSHA256":"#))
        #expect(!text.contains("\\/"))
        #expect(!text.contains("created_at"))
    }

    @Test func measuredFindingOmitsProbabilityAndThreshold() throws {
        let text = String(decoding: try VigilJSON.encode(try Fixtures.measuredFinding()), as: UTF8.self)
        #expect(!text.contains("probability"))
        #expect(!text.contains("threshold"))
        #expect(!text.contains("modelSHA256"))
    }

    static func mutatedFindingJSON(_ mutate: (inout [String: Any]) -> Void) throws -> Data {
        var object = try JSONSerialization.jsonObject(with: VigilJSON.encode(try Fixtures.ecgFinding())) as! [String: Any]
        mutate(&object)
        return try JSONSerialization.data(withJSONObject: object)
    }

    @Test func unknownEvidenceTypeFailsNamingIt() throws {
        let data = try Self.mutatedFindingJSON { object in
            object["evidence"] = [["type": "heatmap", "path": "x.png"]]
        }
        let error = detectorKitError { _ = try VigilJSON.decode(Finding.self, from: data) }
        guard case let .decoding(type, problem)? = error else {
            Issue.record("expected .decoding, got \(String(describing: error))")
            return
        }
        #expect(type == "Finding")
        #expect(problem.contains("evidence[0].type"))
        #expect(problem.contains("unknown evidence type 'heatmap'"))
    }

    @Test func missingFieldIsNamedByPath() throws {
        let data = try Self.mutatedFindingJSON { object in
            var detector = object["detector"] as! [String: Any]
            detector.removeValue(forKey: "version")
            object["detector"] = detector
        }
        let error = detectorKitError { _ = try VigilJSON.decode(Finding.self, from: data) }
        #expect(error == .decoding(type: "Finding", problem: "missing field 'detector.version'"))
    }

    @Test func wrongTypeIsNamedByPath() throws {
        let data = try Self.mutatedFindingJSON { object in object["probability"] = "high" }
        let error = detectorKitError { _ = try VigilJSON.decode(Finding.self, from: data) }
        #expect(error == .decoding(type: "Finding", problem: "field 'probability' has the wrong type, expected a number"))
    }

    @Test func invalidDecisionValueIsRejected() throws {
        let data = try Self.mutatedFindingJSON { object in object["decision"] = "maybe" }
        let error = detectorKitError { _ = try VigilJSON.decode(Finding.self, from: data) }
        guard case let .decoding(_, problem)? = error else {
            Issue.record("expected .decoding, got \(String(describing: error))")
            return
        }
        #expect(problem.contains("'decision'"))
    }

    @Test func decodingValidatesInvariants() throws {
        let data = try Self.mutatedFindingJSON { object in object["probability"] = 1.5 }
        let error = detectorKitError { _ = try VigilJSON.decode(Finding.self, from: data) }
        #expect(invalidField(error) == "probability")
    }

    @Test func invalidFindingInsideAnArrayIsReportedWithItsIndex() throws {
        let good = try JSONSerialization.jsonObject(with: VigilJSON.encode(try Fixtures.ecgFinding()))
        let bad = try JSONSerialization.jsonObject(with: Self.mutatedFindingJSON { $0["threshold"] = -0.2 })
        let data = try JSONSerialization.data(withJSONObject: [good, bad])
        let error = detectorKitError { _ = try VigilJSON.decode([Finding].self, from: data) }
        guard case let .decoding(_, problem)? = error else {
            Issue.record("expected .decoding, got \(String(describing: error))")
            return
        }
        #expect(problem.hasPrefix("at '[1]': Finding.threshold:"))
    }

    @Test func malformedJSONIsReportedAsSuch() {
        let error = detectorKitError { _ = try VigilJSON.decode(Finding.self, from: Data("{not json".utf8)) }
        guard case let .decoding(_, problem)? = error else {
            Issue.record("expected .decoding, got \(String(describing: error))")
            return
        }
        #expect(problem.hasPrefix("not valid JSON"))
    }
}

@Suite struct AbstentionTests {
    @Test func roundTripAndGolden() throws {
        let abstention = try Fixtures.abstention()
        #expect(try VigilJSON.decode(Abstention.self, from: VigilJSON.encode(abstention)) == abstention)
        try Golden.check(abstention, against: "abstention.json")
    }

    @Test func outcomeRoundTripsWithItsDiscriminator() throws {
        let outcomes: [DetectorOutcome] = [.abstained(try Fixtures.abstention()),
                                           .findings([try Fixtures.ecgFinding(), try Fixtures.measuredFinding()]),
                                           .findings([])]
        for outcome in outcomes {
            let data = try VigilJSON.encode(outcome)
            #expect(try VigilJSON.decode(DetectorOutcome.self, from: data) == outcome)
        }
        let text = String(decoding: try VigilJSON.encode(outcomes[0]), as: UTF8.self)
        #expect(text.hasPrefix(#"{"abstention":{"#))
        #expect(text.hasSuffix(#""type":"abstained"}"#))
        #expect(outcomes[0].abstention?.reason == .signalUnreadable)
        #expect(outcomes[0].findings == nil)
        #expect(outcomes[1].findings?.count == 2)
    }

    @Test func unknownOutcomeTypeFails() {
        let error = detectorKitError {
            _ = try VigilJSON.decode(DetectorOutcome.self, from: Data(#"{"type":"score","score":0.4}"#.utf8))
        }
        guard case let .decoding(_, problem)? = error else {
            Issue.record("expected .decoding, got \(String(describing: error))")
            return
        }
        #expect(problem.contains("unknown outcome type 'score'"))
    }

    @Test(arguments: ["Signal Unreadable", "signal-unreadable", "", "1st_reason", "Paced"])
    func reasonMustBeSnakeCase(raw: String) {
        let error = detectorKitError {
            _ = try Abstention(reason: AbstentionReason(raw), message: "m", detector: DetectorProvenance(id: "d", version: "1"))
        }
        #expect(invalidField(error) == "reason")
    }

    @Test func messageAndDetailsAreChecked() {
        let provenance = DetectorProvenance(id: "d", version: "1")
        #expect(invalidField(detectorKitError {
            _ = try Abstention(reason: .pacedRhythm, message: " ", detector: provenance)
        }) == "message")
        #expect(invalidField(detectorKitError {
            _ = try Abstention(reason: .pacedRhythm, message: "paced", detector: provenance, details: ["x": [.number(.nan)]])
        }) == "details.x")
    }

    @Test func builtInReasonsAreWellFormedAndDistinct() {
        let reasons: [AbstentionReason] = [.signalUnreadable, .outsideIntendedUse, .pacedRhythm, .inputIncomplete,
                                           .imageQualityInsufficient, .unsupportedAcquisition]
        #expect(reasons.allSatisfy { $0.isWellFormed })
        #expect(Set(reasons).count == reasons.count)
        #expect(AbstentionReason.signalUnreadable.rawValue == "signal_unreadable")
        #expect(AbstentionReason.outsideIntendedUse.rawValue == "outside_intended_use")
        #expect(AbstentionReason.pacedRhythm.rawValue == "paced_rhythm")
    }
}

@Suite struct SchemaDocumentationTests {
    /// docs/findings-schema.md shows every golden file verbatim, so its examples cannot drift.
    @Test(arguments: ["finding-ecg.json", "finding-ct.json", "finding-measured.json", "abstention.json", "model.card.json"])
    func documentationQuotesGoldenFile(name: String) throws {
        let root = Golden.directory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/findings-schema.md"), encoding: .utf8)
        let golden = try String(contentsOf: Golden.directory.appendingPathComponent(name), encoding: .utf8)
        #expect(doc.contains("```json\n" + golden + "```\n"),
                "docs/findings-schema.md does not quote Tests/DetectorKitTests/Golden/\(name) verbatim; paste the file's content into its json block")
    }
}
