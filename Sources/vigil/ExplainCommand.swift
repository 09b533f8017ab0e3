import ArgumentParser
import Foundation
import VigilJobs

/// `vigil explain`: explain one input's findings to a clinician or a patient, grounded only in them.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain findings to a clinician or a patient (template backend by default; an OpenAI-compatible server when configured).",
        discussion: """
        The openai backend reads VIGIL_OPENAI_BASE_URL, VIGIL_OPENAI_MODEL, VIGIL_OPENAI_API_KEY, VIGIL_OPENAI_TIMEOUT
        (seconds per attempt, default 150), VIGIL_OPENAI_ATTEMPTS and VIGIL_OPENAI_MAX_TOKENS (see docs/explanations.md).
        As text, the built-in answer is printed at once and the model's answer follows when it has passed the claim
        checker; an answer that fails it, or a server that is down, leaves the built-in answer and a plain note (the
        details are in the --json audit record).
        With --db and --input, the input's stored findings are explained (with the registered detectors' model cards)
        and the request is kept in the store's audit log (findings hash, backend, prompt, raw answer, checker verdict).
        """)

    @Option(help: "Findings JSON (a DetectorOutcome, an array of them, Findings, or {\"outcomes\", \"modelCards\"}).")
    var findings: String?
    @Option(help: "A findings store: explain the stored findings of --input.") var db: String?
    @Option(help: "With --db: the input's id (as `vigil export` lists it) or its content SHA-256.") var input: String?
    @Option(help: "With --db: who asks, for the audit log.") var actor: String = "cli"
    @Option(help: "patient or clinician.") var audience: String = "patient"
    @Option(help: "The assistant's free-text question.") var question: String?
    @Option(help: "template or openai.") var backend: String = "template"
    @Option(name: .customLong("model-card"), help: "Model card JSON files of the detectors (repeatable).") var modelCards: [String] = []
    @Flag(help: "Print the explanation as JSON (with claims, sources and the audit record).") var json = false

    func run() async throws {
        var options = ExplainJob.Options()
        options.findings = findings
        options.db = db
        options.input = input
        options.actor = actor
        options.audience = audience
        options.question = question
        options.backend = backend
        options.modelCards = modelCards
        options.json = json
        try await ArgumentChecks.job { try await ExplainJob.run(options) }
    }
}
