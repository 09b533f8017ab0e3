import ArgumentParser
import DetectorKit
import Explainer
import Foundation

/// `vigil explain`: explain one input's findings to a clinician or a patient, grounded only in them.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain findings to a clinician or a patient (template backend by default; an OpenAI-compatible server when configured).",
        discussion: """
        The openai backend reads VIGIL_OPENAI_BASE_URL, VIGIL_OPENAI_MODEL and VIGIL_OPENAI_API_KEY (see docs/explanations.md).
        Every model answer passes the claim checker; an answer that fails it, or a server that is down, falls back to the
        template answer and the output says so.
        """)

    @Option(help: "Findings JSON (a DetectorOutcome, an array of them, Findings, or {\"outcomes\", \"modelCards\"}).")
    var findings: String
    @Option(help: "patient or clinician.") var audience: String = "patient"
    @Option(help: "The assistant's free-text question.") var question: String?
    @Option(help: "template or openai.") var backend: String = "template"
    @Option(name: .customLong("model-card"), help: "Model card JSON files of the detectors (repeatable).") var modelCards: [String] = []
    @Flag(help: "Print the explanation as JSON (with claims, sources and the audit record).") var json = false

    func run() async throws {
        guard let audienceValue = Audience(rawValue: audience) else {
            throw ValidationError("--audience must be one of \(Audience.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let backendValue = BackendKind(rawValue: backend) else {
            throw ValidationError("--backend must be one of \(BackendKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let document = try FindingsDocument(contentsOf: URL(fileURLWithPath: findings))
        let cards = try modelCards.map { try ModelCard.load(from: URL(fileURLWithPath: $0)) }
        let request = ExplanationRequest(outcomes: document.outcomes, audience: audienceValue, question: question,
                                         modelCards: document.modelCards + cards, backend: backendValue,
                                         openAI: OpenAIConfiguration.fromEnvironment())
        let explanation = await Explainer.explain(request)
        if json {
            print(String(decoding: try explanation.json(), as: UTF8.self))
        } else {
            print(explanation.text)
        }
    }
}
