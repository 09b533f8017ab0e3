import DetectorKit
import Foundation
import Testing
@testable import Explainer

/// Two detectors answering the same question differently (the CNN's AF flag and the rhythm rules' "no AF").
@Suite struct DisagreementTests {
    private func request(_ audience: Audience, cnn: Decision, rules: Decision) throws -> ExplanationRequest {
        ExplanationRequest(outcomes: [.findings([try Fixtures.finding(.cnnAtrialFibrillation, cnn),
                                                 try Fixtures.finding(.atrialFibrillation, rules)])],
                           audience: audience, modelCards: try Fixtures.cards)
    }

    @Test(arguments: Audience.allCases)
    func disagreeingDetectorsAreNamedAsSuchAndTheAnswerStillPassesTheChecker(audience: Audience) async throws {
        let context = ExplanationContext(request: try request(audience, cnn: .positive, rules: .negative))
        let draft = TemplateBackend().compose(context)
        let claim = try #require(draft.claims.first { Set($0.codes) == ["ecg.cnn.afib", "ecg.afib"] })
        #expect(claim.text.contains(audience == .patient ? "do not agree" : "Detectors disagree"))
        if audience == .clinician {
            #expect(claim.text.contains("positive ecg.cnn.afib (ecg-cnn)") && claim.text.contains("negative ecg.afib (ecg-intervals)"))
        }
        #expect(draft.nextSteps.contains { $0.contains(audience == .patient ? "look at the heart tracing" : "detectors disagree") })
        let verdict = ClaimChecker(context: context).check(draft)
        #expect(verdict.passed, "\(verdict.failures)")
    }

    @Test func agreeingDetectorsAndUnrelatedCodesAddNoDisagreement() throws {
        for (cnn, rules) in [(Decision.positive, Decision.positive), (.negative, .negative), (.positive, .indeterminate)] {
            let draft = TemplateBackend().compose(ExplanationContext(request: try request(.clinician, cnn: cnn, rules: rules)))
            #expect(!draft.claims.contains { $0.text.contains("disagree") }, "\(cnn) vs \(rules)")
        }
        let mixed = [try Fixtures.finding(.cnnLBBB, .positive), try Fixtures.finding(.wideQRS, .negative)]
        #expect(TemplateBackend.disagreements(in: mixed).isEmpty)
        let ectopy = [try Fixtures.finding(.cnnPVC, .negative), try Fixtures.finding(.frequentVentricularEctopy, .positive)]
        #expect(TemplateBackend.disagreements(in: ectopy).map { $0.map(\.code) } == [["ecg.cnn.pvc", "ecg.frequent_ventricular_ectopy"]])
    }
}
