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

    /// Creates a backend draft.
    public init(draft: DraftAnswer, prompt: String? = nil, rawAnswer: String? = nil, model: String? = nil,
                errors: [String] = [])
    {
        self.draft = draft
        self.prompt = prompt
        self.rawAnswer = rawAnswer
        self.model = model
        self.errors = errors
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
                report.model = result.model
                let verdict = ClaimChecker(context: context).check(result.draft)
                audit.checker = verdict
                if verdict.passed {
                    draft = result.draft
                    report.used = backend.kind
                } else {
                    report.fallbackReason = "the \(backend.kind.rawValue) answer failed the claim checker ("
                        + verdict.failures.map(\.rule).uniqued().joined(separator: ", ")
                        + "); the template answer is shown instead"
                }
            } catch {
                audit.errors.append(String(describing: error))
                if let e = error as? OpenAIBackend.Failure {
                    audit.prompt = e.prompt
                    audit.rawAnswer = e.rawAnswer
                    audit.errors = e.errors
                }
                report.fallbackReason = "the \(backend.kind.rawValue) backend failed (\(describe(error))); "
                    + "the template answer is shown instead"
            }
        } else if backend == nil {
            report.fallbackReason = "the \(request.backend.rawValue) backend is not configured; "
                + "the template answer is shown instead"
        }
        return assemble(draft: draft, context: context, report: report, audit: audit)
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? OpenAIBackend.Failure { return e.error.description }
        if let e = error as? ExplainerError { return e.description }
        return String(describing: error)
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
            : "Backend: \(report.used.rawValue)\(report.model.map { " (model \($0))" } ?? ""), checked by the claim checker."
        if let reason = report.fallbackReason { produced += " Note: \(reason)." }
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
