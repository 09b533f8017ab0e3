import DetectorKit
import Foundation
import Testing
@testable import Explainer

/// The claim checker's audit on real answers: Qwen2.5-Coder (0.5B and 1.5B, llama.cpp) answering Vigil's
/// compact prompts about the findings of real ECG records, each answer labelled faithful or not by reading
/// it against its facts, before the checker's verdict was looked at (`Fixtures/real-answers.json`, built by
/// Tools/llm/make-audit-fixture.py from `vigil bench explain --record` output and Tools/llm/labels.json). The
/// test re-runs the checker on every answer exactly as the backend would (``OpenAIBackend/draft(fromAnswer:context:)``)
/// and prints the confusion matrix, for all answers and for those on records never looked at while the prompt
/// and the checker were changed ("held-out").
///
/// The answers were written against the prompt of commit "Explainer prompt without digits" and later: their
/// references (`{value_a}`) are filled by today's ``CompactPrompt``. A change to how the prompt numbers its
/// references invalidates the set (the labels were given to the filled text): collect and label again then.
@Suite struct RealAnswerAuditTests {
    struct Answer: Decodable {
        let id: String
        let model: String?
        let input: String
        let set: String
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
        return try VigilJSON.decode(File.self, from: Data(contentsOf: url))
    }

    @Test func noUnfaithfulRealAnswerIsAcceptedAndTheMatrixIsReported() throws {
        let file = try Self.load()
        #expect(file.answers.count >= 40, "the labelled set has \(file.answers.count) answers")
        var matrices: [String: [Int]] = [:]   // set → [faithful accepted, faithful rejected, unfaithful accepted, unfaithful rejected]
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
            let cell = a.faithful ? (accepted ? 0 : 1) : (accepted ? 2 : 3)
            for key in ["all", a.set, "\(a.model ?? "?")"] { matrices[key, default: [0, 0, 0, 0]][cell] += 1 }
            if a.faithful, !accepted { rejectedFaithful.append("\(a.id): \(Set(rules).sorted().joined(separator: ","))") }
            if !a.faithful, accepted { leaks.append("\(a.id): \(a.reason)") }
        }
        for (name, m) in matrices.sorted(by: { $0.key < $1.key }) {
            let faithful = m[0] + m[1]
            print("""
                Real-answer audit, \(name): \(m.reduce(0, +)) answers, \(faithful) labelled faithful
                                     accepted  rejected
                  faithful           \(String(format: "%8d  %8d", m[0], m[1]))
                  not faithful       \(String(format: "%8d  %8d", m[2], m[3]))
                  faithful accepted: \(faithful == 0 ? "-" : String(format: "%.0f%%", 100 * Double(m[0]) / Double(faithful)))
                """)
        }
        for r in rejectedFaithful { print("  faithful but rejected: \(r)") }
        // The goal that cannot give: no unfaithful answer reaches a reader.
        #expect(leaks.isEmpty, "unfaithful answers accepted: \(leaks)")
    }
}
