import ContentHash
import DetectorKit
import Foundation

/// What a backend returns: the draft answer and, for a language model, the record of the exchange.
public struct BackendDraft: Sendable {
    /// The answer.
    public var draft: DraftAnswer
    /// The prompt sent (language-model backends).
    public var prompt: String?
    /// The raw answer received (language-model backends).
    public var rawAnswer: String?
    /// The model name (language-model backends).
    public var model: String?
    /// Errors of failed attempts before the one that succeeded.
    public var errors: [String]
    /// Tokens and time of the answer (language-model backends).
    public var usage: Usage

    /// Creates a backend draft.
    public init(draft: DraftAnswer, prompt: String? = nil, rawAnswer: String? = nil, model: String? = nil,
                errors: [String] = [], usage: Usage = Usage())
    {
        self.draft = draft
        self.prompt = prompt
        self.rawAnswer = rawAnswer
        self.model = model
        self.errors = errors
        self.usage = usage
    }
}

/// Tokens and time of one language-model answer, as the server reported them (`usage`).
public struct Usage: Sendable, Hashable, Codable {
    /// Prompt tokens (`usage.prompt_tokens`).
    public var promptTokens: Int?
    /// Tokens written (`usage.completion_tokens`).
    public var completionTokens: Int?
    /// Seconds from sending the request to the last byte of the answer (last attempt).
    public var seconds: Double?

    /// Creates a usage record.
    public init(promptTokens: Int? = nil, completionTokens: Int? = nil, seconds: Double? = nil) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.seconds = seconds
    }
}

/// A way of writing explanations. `template` and `openai` conform; the explainer checks every answer that
/// is not the template's with ``ClaimChecker`` and falls back to the template when it fails.
public protocol ExplanationBackend: Sendable {
    /// Which backend this is.
    var kind: BackendKind { get }
    /// Writes a draft for `context`.
    /// - Throws: ``ExplainerError`` when no answer could be obtained (server down, invalid answer).
    func draft(for context: ExplanationContext) async throws -> BackendDraft
}

/// Explains one input's findings to a clinician or a patient, grounded only in the findings.
///
/// ```swift
/// let document = try FindingsDocument(contentsOf: URL(fileURLWithPath: "findings.json"))
/// let request = ExplanationRequest(outcomes: document.outcomes, audience: .patient,
///                                  question: "What happens next?", modelCards: document.modelCards)
/// let explanation = await Explainer.explain(request)
/// print(explanation.text)
/// ```
public enum Explainer {
    /// Explains `request` with its backend. Never throws: when the `openai` backend is not configured,
    /// cannot be reached, returns something unusable, or fails the claim checker, the template answer is
    /// returned and ``BackendReport/fallbackReason`` says why.
    public static func explain(_ request: ExplanationRequest, knowledge: KnowledgeBase = .embedded) async
        -> Explanation
    {
        let backend: (any ExplanationBackend)?
        switch request.backend {
        case .template: backend = TemplateBackend()
        case .openai: backend = request.openAI.map { OpenAIBackend(configuration: $0) }
        }
        return await explain(request, knowledge: knowledge, backend: backend)
    }

    /// Explains `request` with `backend` (nil: the requested backend is not configured).
    ///
    /// Nothing internal reaches the reader: a server's address, HTTP status and error body, and the
    /// checker's details, go to ``Explanation/audit`` and ``BackendReport/failure`` (a stable code); the
    /// text and ``BackendReport/fallbackReason`` say only, in plain words, that the built-in text is shown.
    public static func explain(_ request: ExplanationRequest, knowledge: KnowledgeBase = .embedded,
                               backend: (any ExplanationBackend)?) async -> Explanation
    {
        let context = ExplanationContext(request: request, knowledge: knowledge)
        let template = TemplateBackend().compose(context)
        var audit = ExplanationAudit(findingsSHA256: findingsHash(request.outcomes), prompt: nil, rawAnswer: nil,
                                     checker: nil, errors: [])
        var report = BackendReport(requested: request.backend, used: .template, model: nil, fallbackReason: nil)
        var draft = template

        if let backend, backend.kind != .template {
            do {
                let result = try await backend.draft(for: context)
                audit.prompt = result.prompt
                audit.rawAnswer = result.rawAnswer
                audit.errors = result.errors
                audit.usage = result.usage
                report.model = result.model
                let verdict = ClaimChecker(context: context).check(result.draft)
                audit.checker = verdict
                if verdict.passed {
                    draft = result.draft
                    report.used = backend.kind
                } else {
                    report.failure = .checkerRejected
                    report.fallbackReason = BackendFailure.checkerRejected.readerText
                }
            } catch {
                audit.errors.append(String(describing: error))
                var failure = BackendFailure.failed
                if let e = error as? OpenAIBackend.Failure {
                    audit.prompt = e.prompt
                    audit.rawAnswer = e.rawAnswer
                    audit.errors = e.errors
                    audit.usage = e.usage
                    failure = BackendFailure(e.error)
                } else if let e = error as? ExplainerError {
                    failure = BackendFailure(e)
                }
                report.failure = failure
                report.fallbackReason = failure.readerText
            }
        } else if backend == nil {
            report.failure = .notConfigured
            report.fallbackReason = BackendFailure.notConfigured.readerText
        }
        return assemble(draft: draft, context: context, report: report, audit: audit)
    }

    /// The template answer at once and the requested backend's answer as a follow-up.
    ///
    /// ``ProgressiveExplanation/immediate`` is the template answer (``BackendReport/pending`` true when a
    /// language model was asked); ``ProgressiveExplanation/followUp`` finishes with the model's answer when
    /// it passes the claim checker, else with the template answer and the failure recorded. A CLI prints the
    /// first and then the second; an HTTP or MCP service returns the first and serves the second as a
    /// follow-up resource.
    public static func explainProgressively(_ request: ExplanationRequest, knowledge: KnowledgeBase = .embedded,
                                            backend: (any ExplanationBackend)?) -> ProgressiveExplanation
    {
        let context = ExplanationContext(request: request, knowledge: knowledge)
        var report = BackendReport(requested: request.backend, used: .template, model: nil, fallbackReason: nil)
        let waits = backend.map { $0.kind != .template } ?? false
        if waits { report.pending = true }
        let audit = ExplanationAudit(findingsSHA256: findingsHash(request.outcomes), prompt: nil, rawAnswer: nil,
                                     checker: nil, errors: [])
        let immediate = assemble(draft: TemplateBackend().compose(context), context: context, report: report, audit: audit)
        let followUp: Task<Explanation, Never>? = waits
            ? Task { await explain(request, knowledge: knowledge, backend: backend) } : nil
        return ProgressiveExplanation(immediate: immediate, followUp: followUp)
    }

    /// SHA-256 (hex) of the outcomes as Vigil JSON.
    public static func findingsHash(_ outcomes: [DetectorOutcome]) -> String {
        guard let data = try? VigilJSON.encode(outcomes) else { return "" }
        return SHA256Digest.hex(of: data)
    }

    /// The model limits in the audience's voice.
    public static func modelLimits(_ request: ExplanationRequest) -> [String] {
        let provenances = request.findings.map(\.detector) + request.abstentions.map(\.detector)
        var cards: [ModelCard] = []
        var missing: [String] = []
        var ruleBased: [String] = []
        for p in provenances {
            if let card = request.card(for: p) {
                if !cards.contains(card) { cards.append(card) }
            } else if let name = p.modelName {
                let s = "\(name) \(p.modelVersion ?? "")".trimmingCharacters(in: .whitespaces)
                if !missing.contains(s) { missing.append(s) }
            } else {
                let s = "\(p.id) \(p.version)"
                if !ruleBased.contains(s) { ruleBased.append(s) }
            }
        }
        switch request.audience {
        case .patient:
            var lines = ["This computer tool is for research. It is not a medical device, and it cannot make a diagnosis."]
            if cards.contains(where: \.trainingData.synthetic) {
                lines.append("It was built with made-up practice data, not data from real patients.")
            }
            if !missing.isEmpty { lines.append("Some facts about how well the tool works were not given.") }
            return lines
        case .clinician:
            var lines = ["Vigil is research software, not a medical device; no output is a diagnosis."]
            for card in cards {
                let training = card.trainingData.synthetic ? "trained on synthetic data" : "trained on data that is not synthetic"
                lines.append("\(card.name) \(card.version): \(training) (\(card.trainingData.description)). "
                    + "Intended use: \(card.intendedUse)")
                for limit in card.limitations { lines.append("\(card.name): \(limit)") }
                lines.append("\(card.name) is not for: \(card.notForUse.joined(separator: "; ")).")
            }
            for m in missing { lines.append("No model card supplied for \(m); its limits are unknown.") }
            for r in ruleBased { lines.append("\(r): rule-based measurement, no trained model.") }
            return lines
        }
    }

    static func assemble(draft: DraftAnswer, context: ExplanationContext, report: BackendReport,
                         audit: ExplanationAudit) -> Explanation
    {
        let request = context.request
        let limits = modelLimits(request)
        var sources: [String] = []
        for entry in context.entries + (context.question?.entry.map { [$0] } ?? []) {
            for s in entry.sources where !sources.contains(s) { sources.append(s) }
        }
        let question = context.question.map { q in
            QuestionAnswer(question: q.question, answerable: q.answerable && draft.answer != nil,
                           text: draft.answer ?? draft.cannotAnswer ?? q.reason(request.audience),
                           entries: q.entry.map { [$0.id] } ?? [])
        }
        let patient = request.audience == .patient
        var lines: [String] = []
        if let urgent = draft.urgent { lines.append(patient ? "Important: \(urgent)" : urgent); lines.append("") }
        lines += draft.claims.map(\.text)
        if let question {
            lines.append("")
            lines.append("Question: \(question.question)")
            lines.append("Answer: \(question.text)")
        }
        func section(_ title: String, _ items: [String]) {
            guard !items.isEmpty else { return }
            lines.append("")
            lines.append(title)
            lines += items.map { "- \($0)" }
        }
        section(patient ? "What this does not mean:" : "What this does not mean:", draft.doesNotMean)
        section(patient ? "What to do next:" : "Next steps:", draft.nextSteps)
        section(patient ? "About this tool:" : "Model limits:", limits)
        section(patient ? "Where this information comes from:" : "Sources:", sources)
        var produced = report.used == .template
            ? (patient ? "Written by: Vigil's built-in text (no AI language model)." : "Backend: template (deterministic).")
            : (patient ? "Written by: an AI language model, checked against the results by Vigil."
                : "Backend: \(report.used.rawValue)\(report.model.map { " (model \($0))" } ?? ""), checked by the claim checker.")
        if let reason = report.fallbackReason { produced += " Note: \(reason)." }
        if report.pending == true {
            produced += patient ? " An AI-written answer may follow." : " A language-model answer is pending."
        }
        lines.append("")
        lines.append(produced)

        let grade: Double? = patient
            ? Readability.fleschKincaidGrade((draft.allTexts + limits).joined(separator: " ")) : nil
        return Explanation(audience: request.audience, text: lines.joined(separator: "\n"), claims: draft.claims,
                           doesNotMean: draft.doesNotMean, nextSteps: draft.nextSteps, urgent: draft.urgent,
                           question: question, modelLimits: limits, sources: sources, backend: report,
                           readingGrade: grade.map { ($0 * 10).rounded() / 10 }, audit: audit)
    }
}

/// The template answer now and the language model's answer later (``Explainer/explainProgressively(_:knowledge:backend:)``).
public struct ProgressiveExplanation: Sendable {
    /// The template answer, ready at once.
    public let immediate: Explanation
    /// The final answer (the model's when it passes the checker); nil when no language model was asked.
    public let followUp: Task<Explanation, Never>?

    /// The final answer: the follow-up's, or the immediate one when there is none.
    public func final() async -> Explanation { await followUp?.value ?? immediate }
}

/// Why the requested backend's answer is not shown: a stable code for programs and the audit trail, and a
/// plain sentence for readers that names no server, status or error text.
public enum BackendFailure: String, Sendable, Hashable, Codable, CaseIterable {
    /// The openai backend is not configured (no model named).
    case notConfigured = "not_configured"
    /// The server could not be reached.
    case unreachable
    /// The server did not answer in time.
    case timeout
    /// The server answered with an HTTP error.
    case httpError = "http_error"
    /// The answer was not the JSON asked for.
    case invalidAnswer = "invalid_answer"
    /// The answer failed the claim checker.
    case checkerRejected = "checker_rejected"
    /// Any other failure.
    case failed

    init(_ error: ExplainerError) {
        switch error {
        case .timedOut: self = .timeout
        case let .server(text): self = text.hasPrefix("HTTP ") ? .httpError : .unreachable
        case .invalidAnswer: self = .invalidAnswer
        case .notConfigured: self = .notConfigured
        default: self = .failed
        }
    }

    /// The sentence a reader sees.
    public var readerText: String {
        switch self {
        case .notConfigured: "the AI language model is not set up, so Vigil's built-in text is shown"
        case .checkerRejected: "the AI language model's answer did not pass Vigil's checks, so Vigil's built-in text is shown"
        case .timeout: "the AI language model did not answer in time, so Vigil's built-in text is shown"
        case .unreachable, .httpError, .invalidAnswer, .failed:
            "the AI language model could not give a usable answer, so Vigil's built-in text is shown"
        }
    }
}

extension Explanation {
    /// The explanation as Vigil JSON (sorted keys).
    public func json(pretty: Bool = true) throws -> Data { try VigilJSON.encode(self, pretty: pretty) }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
