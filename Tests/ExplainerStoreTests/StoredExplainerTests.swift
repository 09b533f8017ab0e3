import DetectorKit
import Explainer
import ExplainerStore
import FindingsStore
import Foundation
import Testing

/// A language-model stand-in: returns a fixed draft with a prompt and raw answer.
struct ScriptedBackend: ExplanationBackend {
    let draft: DraftAnswer
    var kind: BackendKind { .openai }
    func draft(for context: ExplanationContext) async throws -> BackendDraft {
        BackendDraft(draft: draft, prompt: "PROMPT for \(context.request.findings.count) findings",
                     rawAnswer: "{\"claims\": \"…\"}", model: "scripted-1")
    }
}

struct DownBackend: ExplanationBackend {
    var kind: BackendKind { .openai }
    func draft(for context: ExplanationContext) async throws -> BackendDraft { throw ExplainerError.server("connection refused") }
}

@Suite("Explanations from the store")
struct StoredExplainerTests {
    private let rhythm = DetectorProvenance(id: "ecg-rhythm", version: "1.0.0")
    private let cnn = DetectorProvenance(id: "ecg-cnn", version: "1.0.0")

    /// A store with two inputs and their results: in memory, as these tests are about explanations, not a database.
    private func store() async throws -> (InMemoryFindingsStore, InputID, InputID) {
        let store = try InMemoryFindingsStore(actor: "test")
        let a = try await store.registerInput(NewInput(contentSHA256: String(repeating: "1", count: 64), path: "/a", kind: .ecg)).id
        let b = try await store.registerInput(NewInput(contentSHA256: String(repeating: "2", count: 64), path: "/b", kind: .ecg)).id
        let r1 = try await store.startRun(NewRun(detector: rhythm)).id
        let r2 = try await store.startRun(NewRun(detector: cnn)).id
        _ = try await store.recordOutcome(.findings([
            try Finding(code: "afib", label: "Atrial fibrillation", probability: 0.91, threshold: 0.42, decision: .positive, detector: rhythm),
            try Finding(code: "long_qtc", label: "Prolonged QTc", probability: nil, threshold: nil, decision: .negative,
                        measurements: [FindingMeasurement(name: "QTc", value: 431, unit: "ms")], detector: rhythm),
        ]), input: a, run: r1)
        _ = try await store.recordOutcome(.abstained(try Abstention(reason: .signalUnreadable, message: "Lead V5 is flat.", detector: cnn)),
                                          input: a, run: r2)
        _ = try await store.recordError(input: b, run: r1, reason: "cannot read b")
        return (store, a, b)
    }

    @Test func explainsTheStoredOutcomesAndAuditsTheRequest() async throws {
        let (store, a, _) = try await store()
        let loaded = try #require(try await StoredInputResults.load(input: a, from: store))
        #expect(loaded.outcomes.count == 2)
        #expect(loaded.outcomes[0].findings?.map(\.code) == ["afib", "long_qtc"])
        #expect(loaded.outcomes[1].abstention?.reason == .signalUnreadable)

        let explanation = try await StoredExplainer(store: store, actor: "dr.b").explain(input: a, audience: .clinician)
        #expect(explanation.backend.used == .template)
        #expect(explanation.audit.findingsSHA256 == Explainer.findingsHash(loaded.outcomes))
        let audit = try await store.auditLog(object: "input:\(a.rawValue)").filter { $0.action == StoredExplainer.auditAction }
        #expect(audit.count == 1)
        #expect(audit.first?.actor == "dr.b")
        #expect(audit.first?.details["findingsSHA256"] == .string(explanation.audit.findingsSHA256))
        #expect(audit.first?.details["backendUsed"] == "template")
        #expect(audit.first?.details["audience"] == "clinician")
    }

    @Test func aModelAnswerThatFailsTheCheckerIsAuditedWithPromptRawAnswerAndVerdict() async throws {
        let (store, a, _) = try await store()
        // Drops the abstention and the afib finding, and invents a number: the checker must fail it.
        let bad = DraftAnswer(claims: [Claim(text: "Your heart rate is 250 beats per minute.", codes: ["afib"])],
                              doesNotMean: [], nextSteps: [])
        let e = try await StoredExplainer(store: store, actor: "dr.b")
            .explain(input: a, audience: .patient, question: "Is it serious?", requested: .openai, using: ScriptedBackend(draft: bad))
        #expect(e.backend.used == .template)
        let entry = try #require(try await store.auditLog(object: "input:\(a.rawValue)").last)
        #expect(entry.action == StoredExplainer.auditAction)
        #expect(entry.details["prompt"] == .string("PROMPT for 2 findings"))
        #expect(entry.details["rawAnswer"] == .string("{\"claims\": \"…\"}"))
        #expect(entry.details["model"] == "scripted-1")
        #expect(entry.details["question"] == "Is it serious?")
        #expect(entry.details["checker"]?["passed"] == .bool(false))
        #expect((entry.details["checker"]?["failures"]?.arrayValue?.count ?? 0) > 0)
        #expect(entry.details["fallbackReason"]?.stringValue?.contains("did not pass Vigil's checks") == true)
        #expect(entry.details["failure"]?.stringValue == "checker_rejected")

        _ = try await StoredExplainer(store: store, actor: "dr.b")
            .explain(input: a, audience: .patient, requested: .openai, using: DownBackend())
        let down = try #require(try await store.auditLog(object: "input:\(a.rawValue)").last)
        #expect(down.details["errors"]?.arrayValue?.isEmpty == false)
        #expect(down.details["backendRequested"] == "openai")
    }

    @Test func refusesUnknownInputsAndInputsWithOnlyErrors() async throws {
        let (store, _, b) = try await store()
        let explainer = StoredExplainer(store: store, actor: "t")
        await #expect(throws: ExplainerStoreError.unknownInput(InputID(rawValue: 99))) {
            _ = try await explainer.explain(input: InputID(rawValue: 99), audience: .patient)
        }
        await #expect(throws: ExplainerStoreError.nothingToExplain(b, errors: 1)) {
            _ = try await explainer.explain(input: b, audience: .patient)
        }
        #expect(try await store.auditLog(object: "input:\(b.rawValue)").allSatisfy { $0.action != StoredExplainer.auditAction })
    }
}
