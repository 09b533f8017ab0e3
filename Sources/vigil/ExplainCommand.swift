import ArgumentParser
import DetectorKit
import DetectorCatalog
import Explainer
import ExplainerStore
import FindingsStore
import PostgresStore
import Foundation

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
        guard let audienceValue = Audience(rawValue: audience) else {
            throw ValidationError("--audience must be one of \(Audience.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let backendValue = BackendKind(rawValue: backend) else {
            throw ValidationError("--backend must be one of \(BackendKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let cards = try modelCards.map { try ModelCard.load(from: URL(fileURLWithPath: $0)) }
        if let db {
            guard findings == nil else { throw ValidationError("give --findings FILE or --db FILE --input ID, not both") }
            guard let input else { throw ValidationError("--db needs --input ID (an input id or content SHA-256)") }
            try await explainStored(db: db, input: input, audience: audienceValue, backend: backendValue, cards: cards)
            return
        }
        guard let findings else { throw ValidationError("give --findings FILE, or --db FILE --input ID") }
        let document = try FindingsDocument(contentsOf: URL(fileURLWithPath: findings))
        let request = ExplanationRequest(outcomes: document.outcomes, audience: audienceValue, question: question,
                                         modelCards: document.modelCards + cards, backend: backendValue,
                                         openAI: OpenAIConfiguration.fromEnvironment())
        if json {
            print(String(decoding: try await Explainer.explain(request).json(), as: UTF8.self))
            return
        }
        // Text: the template answer at once, the language model's when it has passed the checker.
        let backendImpl: (any ExplanationBackend)? = switch backendValue {
        case .template: TemplateBackend()
        case .openai: request.openAI.map { OpenAIBackend(configuration: $0) }
        }
        let progressive = Explainer.explainProgressively(request, backend: backendImpl)
        print(progressive.immediate.text)
        guard progressive.followUp != nil else { return }
        fflush(nil)   // all output streams: the template answer shows before the wait
        printError("waiting for the language model's answer (up to \(Int(request.openAI?.timeoutSeconds ?? 0)) s per attempt) …")
        let final = await progressive.final()
        print("")
        if final.backend.used == .openai {
            print("— Answer written by the language model and checked by Vigil —")
            print(final.text)
        } else {
            print("(\(final.backend.fallbackReason ?? "the language model's answer was not used").)")
        }
    }

    private func explainStored(db: String, input: String, audience: Audience, backend: BackendKind, cards: [ModelCard]) async throws {
        guard FindingsStores.isPostgres(db) || FileManager.default.fileExists(atPath: db) else {
            throw ValidationError("\(db): no such findings store")
        }
        let store = try await FindingsStores.open(db, actor: actor)
        let id: InputID
        if let n = Int64(input) {
            id = InputID(rawValue: n)
        } else if input.count == 64, let stored = try await store.input(contentSHA256: input) {
            id = stored.id
        } else if input.count == 64 {
            throw ExplainerStoreError.unknownContent(input)
        } else {
            throw ValidationError("--input must be an input id (a number) or a content SHA-256 (64 hex characters)")
        }
        var catalogCards: [ModelCard] = []
        do {
            catalogCards = try DetectorCatalog.registry().detectors.compactMap(\.modelCard)
        } catch {
            printError("warning: the detector catalog could not be loaded (\(error)); explaining without its model cards")
        }
        let explainer = StoredExplainer(store: store, modelCards: cards + catalogCards, actor: actor)
        let explanation = try await explainer.explain(input: id, audience: audience, question: question, backend: backend,
                                                      openAI: OpenAIConfiguration.fromEnvironment())
        if json {
            print(String(decoding: try explanation.json(), as: UTF8.self))
        } else {
            print(explanation.text)
        }
    }
}
