import DetectorCatalog
import DetectorKit
import Explainer
import ExplainerStore
import FindingsStore
import Foundation
import PostgresStore

/// `vigil explain`: one input's findings explained to a clinician or a patient, grounded only in them
/// (docs/explanations.md): from a findings file, or from the store (the request kept in its audit log).
public enum ExplainJob {
    /// What to explain, to whom, by which backend.
    public struct Options: Sendable {
        /// Findings JSON (a DetectorOutcome, an array of them, Findings, or {"outcomes", "modelCards"}).
        public var findings: String?
        /// A findings store: explain the stored findings of ``input``.
        public var db: String?
        /// With ``db``: the input's id or its content SHA-256.
        public var input: String?
        /// With ``db``: who asks, for the audit log.
        public var actor = "cli"
        /// patient or clinician.
        public var audience = "patient"
        /// The assistant's free-text question.
        public var question: String?
        /// template or openai (the server from the VIGIL_OPENAI_* environment).
        public var backend = "template"
        /// Model card JSON files of the detectors.
        public var modelCards: [String] = []
        /// The explanation as JSON (claims, sources, the audit record) instead of text.
        public var json = false

        /// Default options (template backend, patient audience).
        public init() {}
    }

    /// The backend names.
    public static var backends: [String] { BackendKind.allCases.map(\.rawValue) }

    /// Checks a backend name.
    /// - Throws: ``JobError`` naming `option`.
    public static func checkBackend(_ name: String, option: String = "--backend") throws {
        guard BackendKind(rawValue: name) != nil else { throw JobError("\(option) must be one of \(backends.joined(separator: ", "))") }
    }

    /// Explains. As text, the built-in answer goes out at once and the language model's follows when it has
    /// passed the claim checker; an answer that fails it, or a server that is down, leaves the built-in answer
    /// and a plain note (the details are in the JSON audit record).
    /// - Throws: ``JobError`` for options that do not fit together; the readers', stores' and explainer's errors.
    public static func run(_ options: Options, output: JobOutput = .standard) async throws {
        guard let audience = Audience(rawValue: options.audience) else {
            throw JobError("--audience must be one of \(Audience.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let backend = BackendKind(rawValue: options.backend) else {
            throw JobError("--backend must be one of \(backends.joined(separator: ", "))")
        }
        let cards = try options.modelCards.map { try ModelCard.load(from: URL(fileURLWithPath: $0)) }
        if let db = options.db {
            guard options.findings == nil else { throw JobError("give --findings FILE or --db FILE --input ID, not both") }
            guard let input = options.input else { throw JobError("--db needs --input ID (an input id or content SHA-256)") }
            try await explainStored(db: db, input: input, audience: audience, backend: backend, cards: cards,
                                    options: options, output: output)
            return
        }
        guard let findings = options.findings else { throw JobError("give --findings FILE, or --db FILE --input ID") }
        let document = try FindingsDocument(contentsOf: URL(fileURLWithPath: findings))
        let request = ExplanationRequest(outcomes: document.outcomes, audience: audience, question: options.question,
                                         modelCards: document.modelCards + cards, backend: backend,
                                         openAI: OpenAIConfiguration.fromEnvironment())
        if options.json {
            output.line(String(decoding: try await Explainer.explain(request).json(), as: UTF8.self))
            return
        }
        let backendImpl: (any ExplanationBackend)? = switch backend {
        case .template: TemplateBackend()
        case .openai: request.openAI.map { OpenAIBackend(configuration: $0) }
        }
        let progressive = Explainer.explainProgressively(request, backend: backendImpl)
        output.line(progressive.immediate.text)
        guard progressive.followUp != nil else { return }
        output.flush()   // the template answer shows before the wait
        output.note("waiting for the language model's answer (up to \(Int(request.openAI?.timeoutSeconds ?? 0)) s per attempt) …")
        let final = await progressive.final()
        output.line("")
        if final.backend.used == .openai {
            output.line("— Answer written by the language model and checked by Vigil —")
            output.line(final.text)
        } else {
            output.line("(\(final.backend.fallbackReason ?? "the language model's answer was not used").)")
        }
    }

    private static func explainStored(db: String, input: String, audience: Audience, backend: BackendKind, cards: [ModelCard],
                                      options: Options, output: JobOutput) async throws
    {
        try StoreArgument.requireExisting(db)
        let store = try await FindingsStores.open(db, actor: options.actor)
        let id: InputID
        if let n = Int64(input) {
            id = InputID(rawValue: n)
        } else if input.count == 64, let stored = try await store.input(contentSHA256: input) {
            id = stored.id
        } else if input.count == 64 {
            throw ExplainerStoreError.unknownContent(input)
        } else {
            throw JobError("--input must be an input id (a number) or a content SHA-256 (64 hex characters)")
        }
        var catalogCards: [ModelCard] = []
        do {
            catalogCards = try DetectorCatalog.registry().detectors.compactMap(\.modelCard)
        } catch {
            output.note("warning: the detector catalog could not be loaded (\(error)); explaining without its model cards")
        }
        let explainer = StoredExplainer(store: store, modelCards: cards + catalogCards, actor: options.actor)
        let explanation = try await explainer.explain(input: id, audience: audience, question: options.question, backend: backend,
                                                      openAI: OpenAIConfiguration.fromEnvironment())
        output.line(options.json ? String(decoding: try explanation.json(), as: UTF8.self) : explanation.text)
    }
}
