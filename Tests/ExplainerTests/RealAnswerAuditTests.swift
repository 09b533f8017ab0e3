import DetectorKit
import Foundation
import Testing
@testable import Explainer

/// The claim checker's audit on real answers: Qwen2.5-Coder (0.5B and 1.5B, llama.cpp) answering Vigil's
/// compact prompts about the findings of real ECG records, each answer labelled faithful or not by reading
/// it against its findings (`Fixtures/real-answers.json`, built by Tools/llm/make-audit-fixture.py). The
/// test re-runs the checker on every answer exactly as the backend would (``OpenAIBackend/draft(fromAnswer:context:)``)
/// and prints the confusion matrix.
@Suite struct RealAnswerAuditTests {
    struct Answer: Decodable {
        let id: String
        let model: String?
        let input: String
        let audience: Audience
        let question: String?
        let rawAnswer: String
        let faithful: Bool
        let reason: String
    }

    struct File: Decodable {
        let modelCards: [ModelCard]
        let inputs: [String: [DetectorOutcome]]
        let answers: [Answer]
    }

    static func load() throws -> File {
        let url = Fixtures.folder.appendingPathComponent("real-answers.json")
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    }

    @Test func noUnfaithfulRealAnswerIsAcceptedAndTheMatrixIsReported() throws {
        let file = try Self.load()
        #expect(file.answers.count >= 40, "the labelled set has \(file.answers.count) answers")
        var tp = 0, fn = 0, fp = 0, tn = 0   // positive = faithful; "accepted" = checker passed
        var leaks: [String] = []
        var rejectedFaithful: [String] = []
        for a in file.answers {
            let outcomes = try #require(file.inputs[a.input], "no findings for \(a.input)")
            let request = ExplanationRequest(outcomes: outcomes, audience: a.audience, question: a.question,
                                             modelCards: file.modelCards, backend: .openai)
            let context = ExplanationContext(request: request)
            let accepted: Bool
            var rules: [String] = []
            if let draft = try? OpenAIBackend.draft(fromAnswer: a.rawAnswer, context: context) {
                let verdict = ClaimChecker(context: context).check(draft)
                accepted = verdict.passed
                rules = verdict.failures.map(\.rule)
            } else {
                accepted = false
                rules = ["invalid_answer"]
            }
            switch (a.faithful, accepted) {
            case (true, true): tp += 1
            case (true, false): fn += 1; rejectedFaithful.append("\(a.id): \(Set(rules).sorted().joined(separator: ","))")
            case (false, true): fp += 1; leaks.append("\(a.id): \(a.reason)")
            case (false, false): tn += 1
            }
        }
        let faithful = tp + fn
        print("""
            Real-answer audit (\(file.answers.count) answers, \(faithful) labelled faithful):
                                 accepted  rejected
              faithful           \(String(format: "%8d  %8d", tp, fn))
              not faithful       \(String(format: "%8d  %8d", fp, tn))
              faithful accepted: \(faithful == 0 ? "-" : String(format: "%.0f%%", 100 * Double(tp) / Double(faithful)))
            """)
        for r in rejectedFaithful { print("  faithful but rejected: \(r)") }
        // The goal that cannot give: no unfaithful answer reaches a reader.
        #expect(fp == 0, "unfaithful answers accepted: \(leaks)")
    }
}
