import DetectorKit
import Foundation
import Testing
@testable import Explainer

@Suite struct KnowledgeBaseTests {
    @Test func embeddedCopyMatchesTheKnowledgeFile() throws {
        let file = try String(contentsOf: Fixtures.repoRoot.appendingPathComponent("Knowledge/knowledge.json"), encoding: .utf8)
        #expect(file.trimmingCharacters(in: .newlines) == KnowledgeData.json,
                "run python3 Tools/explainer/embed-knowledge.py after editing Knowledge/knowledge.json")
    }

    @Test(arguments: FindingCode.allCases)
    func everyCodeHasAnEntryInBothVoicesWithSources(code: FindingCode) throws {
        let entry = try #require(KnowledgeBase.embedded.entry(forCode: code.rawValue))
        #expect(!entry.sources.isEmpty)
        for voice in [entry.clinician, entry.patient] {
            #expect(voice.positive?.isEmpty == false)
            #expect(voice.negative?.isEmpty == false)
            #expect(voice.howConfirmed?.isEmpty == false)
            #expect(!voice.whatItIs.isEmpty && !voice.whatNext.isEmpty && !voice.notMeaning.isEmpty)
        }
        #expect(entry.urgentWhenPositive == code.isUrgentWhenPositive)
        if entry.urgentWhenPositive { #expect(entry.patient.urgent != nil && entry.clinician.urgent != nil) }
    }

    @Test func everyBuiltInAbstentionReasonHasItsOwnEntry() throws {
        for reason in KnownAbstentionReasons.all {
            let entry = try #require(KnowledgeBase.embedded.entry(forReason: reason))
            #expect(entry.reasons == [reason.rawValue])
            #expect(!entry.sources.isEmpty)
        }
        #expect(KnowledgeBase.embedded.entry(forReason: "motion_artifact")?.id == "abstention.other")
    }

    @Test func codesFollowDetectorKitsCodeRule() throws {
        for code in FindingCode.allCases {
            #expect(code.rawValue == code.rawValue.lowercased())
            // Finding validation accepts the code (non-empty, no whitespace).
            _ = try Fixtures.finding(code, .positive)
        }
    }

    @Test func invalidKnowledgeFilesAreRejectedWithAReason() {
        #expect(throws: ExplainerError.self) { try KnowledgeBase(json: Data("{\"version\": 2, \"entries\": []}".utf8)) }
        #expect(throws: ExplainerError.self) { try KnowledgeBase(json: Data("{\"version\": 1}".utf8)) }
    }
}

@Suite struct TemplateTests {
    static let cases: [(FindingCode, Decision)] = FindingCode.allCases.flatMap { [($0, .positive), ($0, .negative), ($0, .indeterminate)] }
        .filter { !($0.0.isMeasured && $0.1 == .indeterminate) }

    @Test func everyPatientExplanationReadsAtAboutEighthGrade() async throws {
        var worst = (grade: 0.0, what: "")
        for (code, decision) in Self.cases {
            let request = ExplanationRequest(outcomes: [.findings([try Fixtures.finding(code, decision)])], audience: .patient,
                                             modelCards: try Fixtures.cards)
            let explanation = await Explainer.explain(request)
            let grade = try #require(explanation.readingGrade)
            #expect(grade <= 8.5, "\(code.rawValue) \(decision): grade \(grade)\n\(explanation.text)")
            if grade > worst.grade { worst = (grade, "\(code.rawValue) \(decision)") }
        }
        for reason in KnownAbstentionReasons.all + ["motion_artifact"] {
            let request = ExplanationRequest(outcomes: [.abstained(try Fixtures.abstention(reason))], audience: .patient)
            let explanation = await Explainer.explain(request)
            let grade = try #require(explanation.readingGrade)
            #expect(grade <= 8.5, "\(reason): grade \(grade)\n\(explanation.text)")
            if grade > worst.grade { worst = (grade, reason.rawValue) }
        }
        print("highest patient reading grade: \(worst.grade) (\(worst.what))")
    }

    @Test func everyTemplateAnswerPassesTheClaimChecker() async throws {
        for audience in Audience.allCases {
            for (code, decision) in Self.cases {
                let request = ExplanationRequest(outcomes: [.findings([try Fixtures.finding(code, decision)])], audience: audience,
                                                 modelCards: try Fixtures.cards)
                let context = ExplanationContext(request: request)
                let verdict = ClaimChecker(context: context).check(TemplateBackend().compose(context))
                #expect(verdict.passed, "\(audience) \(code.rawValue) \(decision): \(verdict.failures)")
            }
            for reason in KnownAbstentionReasons.all {
                let request = ExplanationRequest(outcomes: [.abstained(try Fixtures.abstention(reason))], audience: audience)
                let context = ExplanationContext(request: request)
                let verdict = ClaimChecker(context: context).check(TemplateBackend().compose(context))
                #expect(verdict.passed, "\(audience) \(reason): \(verdict.failures)")
            }
            for scenario in ["afib", "ct_low", "ct_neg", "qtc", "stemi", "lowef", "abstain", "sinus", "mixed"] {
                let context = ExplanationContext(request: try Fixtures.request(scenario, audience))
                let verdict = ClaimChecker(context: context).check(TemplateBackend().compose(context))
                #expect(verdict.passed, "\(audience) \(scenario): \(verdict.failures)")
            }
        }
    }

    @Test func clinicianExplanationGivesProbabilityThresholdAndPredictiveValues() async throws {
        let explanation = await Explainer.explain(try Fixtures.request("afib", .clinician))
        let claim = try #require(explanation.claims.first { $0.codes == ["ecg.cnn.afib"] })
        #expect(claim.text.contains("Calibrated probability 0.91 at operating threshold 0.42"))
        #expect(claim.text.contains("PPV 0.61") && claim.text.contains("NPV 0.99"))
        #expect(claim.measurements == ["ventricularRate"])
        #expect(claim.text.contains("ventricularRate 112 /min (acquiring device: 114 /min)"))
        #expect(explanation.nextSteps.contains { $0.contains("12-lead ECG") && $0.contains("Holter") })
        #expect(explanation.modelLimits.contains { $0.contains("trained on synthetic data") })
        #expect(explanation.modelLimits.contains { $0.contains("research software") })
        #expect(explanation.backend == BackendReport(requested: .template, used: .template, model: nil, fallbackReason: nil))
        #expect(explanation.sources.contains { $0.contains("ACC/AHA/ACCP/HRS") })
        #expect(explanation.readingGrade == nil)
        #expect(explanation.audit.findingsSHA256.count == 64)
    }

    @Test func usualConfirmatoryTestsAreNamedForClinicians() async throws {
        let expectations: [(FindingCode, String)] = [
            (.lowEjectionFraction, "echocardiogram"), (.pancreaticLesionSuspected, "endoscopic ultrasound"),
            (.pancreaticLesionSuspected, "contrast CT"), (.cnnLVH, "Echocardiography"), (.longQTc, "potassium"),
            (.atrialFibrillation, "Holter"), (.cnnLBBB, "echocardiography"),
        ]
        for (code, text) in expectations {
            let request = ExplanationRequest(outcomes: [.findings([try Fixtures.finding(code, .positive)])], audience: .clinician)
            let explanation = await Explainer.explain(request)
            #expect(explanation.nextSteps.joined(separator: " ").contains(text), "\(code.rawValue): \(explanation.nextSteps)")
        }
    }

    @Test func patientNextStepIsToTalkWithTheClinicianAndNoModelNumbersAreShown() async throws {
        let explanation = await Explainer.explain(try Fixtures.request("afib", .patient))
        #expect(explanation.nextSteps.contains("Please talk about this result with your clinician."))
        #expect(!explanation.text.contains("0.91") && !explanation.text.contains("PPV"))
        #expect(explanation.claims.first?.text.contains("may fit atrial fibrillation") == true)
        #expect(explanation.doesNotMean.contains { $0.contains("not a diagnosis") })
        #expect(explanation.modelLimits.contains { $0.contains("made-up practice data") })
    }

    @Test func stElevationGetsAnUrgentLineFirstInBothVoices() async throws {
        for audience in Audience.allCases {
            let explanation = await Explainer.explain(try Fixtures.request("stemi", audience))
            let urgent = try #require(explanation.urgent)
            #expect(explanation.text.hasPrefix(audience == .patient ? "Important: \(urgent)" : urgent))
            #expect(audience == .patient ? urgent.contains("emergency number") : urgent.contains("URGENT"))
        }
        let negative = ExplanationRequest(outcomes: [.findings([try Fixtures.finding(.cnnSTElevation, .negative)])], audience: .patient)
        #expect(await Explainer.explain(negative).urgent == nil)
    }

    @Test func aLowProbabilityFlagIsWordedAsLessLikelyThanNot() async throws {
        let explanation = await Explainer.explain(try Fixtures.request("ct_low", .patient))
        #expect(explanation.text.contains("less likely than not"))
        #expect(explanation.doesNotMean.contains("This flag does not mean you have cancer. Only more tests can tell what the spot is."))
    }

    @Test func abstentionsAreReportedAsSuchWithTheReason() async throws {
        let patient = await Explainer.explain(try Fixtures.request("abstain", .patient))
        #expect(patient.claims.first?.codes == ["abstention:signal_unreadable"])
        #expect(patient.claims.first?.text.contains("could not read this test") == true)
        #expect(patient.doesNotMean.contains { $0.contains("not a good or a bad result") })
        let clinician = await Explainer.explain(try Fixtures.request("abstain", .clinician))
        #expect(clinician.claims.first?.text.contains("abstained (signal_unreadable): Leads V4–V6 are flat") == true)
    }

    @Test func aCodeWithoutAKnowledgeEntryIsReportedWithoutInventedText() async throws {
        let finding = try Finding(code: "ecg.cnn.brugada", label: "Brugada pattern", probability: 0.7, threshold: 0.5,
                                  decision: .positive, detector: Fixtures.provenance("ecg-cnn"), createdAt: Fixtures.date)
        let patient = await Explainer.explain(ExplanationRequest(outcomes: [.findings([finding])], audience: .patient))
        #expect(patient.claims.first?.text == "The computer check flagged \"Brugada pattern\". The tool rated this as possible.")
        #expect(patient.doesNotMean.contains("Vigil has no plain-language notes about this result yet."))
        #expect(patient.sources.isEmpty)
        let clinician = await Explainer.explain(ExplanationRequest(outcomes: [.findings([finding])], audience: .clinician))
        #expect(clinician.claims.first?.text.hasPrefix("Brugada pattern: positive. Calibrated probability 0.7 at operating threshold 0.5") == true)
        #expect(clinician.doesNotMean.contains { $0.contains("No knowledge entry exists for code 'ecg.cnn.brugada'") })
        #expect(clinician.modelLimits.contains("ecg-cnn 1.0.0: rule-based measurement, no trained model."))
    }

    @Test func explanationJSONRoundTripsWithSortedKeys() async throws {
        let explanation = await Explainer.explain(try Fixtures.request("mixed", .clinician, question: "How is this confirmed?"))
        let data = try explanation.json()
        let back = try JSONDecoder().decode(Explanation.self, from: data)
        #expect(back == explanation)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"audience\" : \"clinician\""))
        #expect(text.range(of: "\"audience\"")!.lowerBound < text.range(of: "\"backend\"")!.lowerBound)
    }

    @Test func explanationsAreDeterministic() async throws {
        let a = await Explainer.explain(try Fixtures.request("qtc", .patient, question: "What happens next?"))
        let b = await Explainer.explain(try Fixtures.request("qtc", .patient, question: "What happens next?"))
        #expect(try a.json() == b.json())
    }
}

@Suite struct FindingsDocumentTests {
    @Test func readsEveryDocumentedShape() throws {
        let outcomes = try Fixtures.scenario("mixed")
        let findings = outcomes[0].findings!
        let shapes: [(Data, Int, Int)] = [
            (try VigilJSON.encode(outcomes[0]), 1, 0),
            (try VigilJSON.encode(outcomes), 2, 0),
            (try VigilJSON.encode(findings[0]), 1, 0),
            (try VigilJSON.encode(findings), 1, 0),
        ]
        for (data, count, cards) in shapes {
            let doc = try FindingsDocument(data: data)
            #expect(doc.outcomes.count == count)
            #expect(doc.modelCards.count == cards)
        }
        let outcomesJSON = String(decoding: try VigilJSON.encode(outcomes), as: UTF8.self)
        let cardsJSON = String(decoding: try VigilJSON.encode(try Fixtures.cards), as: UTF8.self)
        let bundle = try FindingsDocument(data: Data("{\"outcomes\": \(outcomesJSON), \"modelCards\": \(cardsJSON)}".utf8))
        #expect(bundle.outcomes == outcomes)
        #expect(bundle.modelCards.count == 3)
    }

    @Test func badFilesNameThePathAndProblem() {
        #expect(throws: ExplainerError.self) { try FindingsDocument(data: Data("nonsense".utf8), path: "x.json") }
        do {
            _ = try FindingsDocument(data: Data("{\"type\": \"other\"}".utf8), path: "x.json")
            Issue.record("expected an error")
        } catch {
            #expect(String(describing: error).contains("x.json"))
        }
        #expect(throws: ExplainerError.self) {
            try FindingsDocument(contentsOf: URL(fileURLWithPath: "/nonexistent/findings.json"))
        }
    }
}
