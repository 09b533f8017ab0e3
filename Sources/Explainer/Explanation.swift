import DetectorKit
import Foundation

/// Who the explanation is for.
public enum Audience: String, Sendable, Hashable, Codable, CaseIterable {
    /// A clinician: concise, with probabilities, operating points and predictive values.
    case clinician
    /// A patient: plain words at about an 8th-grade reading level, no numbers from the model.
    case patient
}

/// Which backend writes the explanation.
public enum BackendKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Deterministic text from the curated knowledge base (the default; offline).
    case template
    /// An OpenAI-compatible chat-completions server, checked by ``ClaimChecker``.
    case openai
}

/// What to explain: one input's detector outcomes, for one audience, optionally with a question.
public struct ExplanationRequest: Sendable {
    /// The detector outcomes for one input (findings and abstentions).
    public var outcomes: [DetectorOutcome]
    /// Who reads the answer.
    public var audience: Audience
    /// The assistant's free-text question, if any.
    public var question: String?
    /// Model cards of the models that produced the findings (matched by weights SHA-256, then name).
    public var modelCards: [ModelCard]
    /// The backend to use.
    public var backend: BackendKind
    /// Settings for the `openai` backend (ignored by `template`).
    public var openAI: OpenAIConfiguration?

    /// Creates a request.
    public init(outcomes: [DetectorOutcome], audience: Audience, question: String? = nil,
                modelCards: [ModelCard] = [], backend: BackendKind = .template, openAI: OpenAIConfiguration? = nil)
    {
        self.outcomes = outcomes
        self.audience = audience
        self.question = question?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == false ? question : nil
        self.modelCards = modelCards
        self.backend = backend
        self.openAI = openAI
    }

    /// Every finding in the outcomes.
    public var findings: [Finding] { outcomes.flatMap { $0.findings ?? [] } }
    /// Every abstention in the outcomes.
    public var abstentions: [Abstention] { outcomes.compactMap(\.abstention) }

    /// The model card for a finding's or abstention's provenance, if supplied.
    public func card(for provenance: DetectorProvenance) -> ModelCard? {
        guard let name = provenance.modelName else { return nil }
        if let sha = provenance.modelSHA256, let card = modelCards.first(where: { $0.weightsSHA256 == sha }) {
            return card
        }
        return modelCards.first { $0.name == name && $0.version == provenance.modelVersion }
    }

    /// The card's output label for finding `code` (for its operating threshold and predictive values).
    public func outputLabel(for finding: Finding) -> OutputLabel? {
        guard let card = card(for: finding.detector) else { return nil }
        let short = finding.code.split(separator: ".").last.map(String.init) ?? finding.code
        let labels = card.io.outputs.flatMap(\.labels)
        return labels.first { $0.code == finding.code } ?? labels.first { $0.code == short }
    }
}

/// One sentence of an explanation and what it rests on.
public struct Claim: Sendable, Hashable, Codable {
    /// The sentence(s).
    public var text: String
    /// Finding codes it rests on (abstentions as `abstention:<reason>`).
    public var codes: [String]
    /// Measurement names it rests on.
    public var measurements: [String]

    /// Creates a claim.
    public init(text: String, codes: [String] = [], measurements: [String] = []) {
        self.text = text
        self.codes = codes
        self.measurements = measurements
    }
}

/// The body of an answer, as a backend writes it (and as a language model must return it, see
/// docs/explanations.md): claims, what it does not mean, next steps, an urgent line, and the question part.
public struct DraftAnswer: Sendable, Hashable, Codable {
    /// The explanation, sentence by sentence, each linked to the findings it rests on.
    public var claims: [Claim]
    /// What the result does not mean.
    public var doesNotMean: [String]
    /// What to do next.
    public var nextSteps: [String]
    /// The urgent line, when a finding calls for emergency care.
    public var urgent: String?
    /// The answer to the question, when one was asked and can be answered from the findings.
    public var answer: String?
    /// When a question was asked that the findings cannot answer: why.
    public var cannotAnswer: String?

    /// Creates a draft.
    public init(claims: [Claim], doesNotMean: [String], nextSteps: [String], urgent: String? = nil,
                answer: String? = nil, cannotAnswer: String? = nil)
    {
        self.claims = claims
        self.doesNotMean = doesNotMean
        self.nextSteps = nextSteps
        self.urgent = urgent
        self.answer = answer
        self.cannotAnswer = cannotAnswer
    }

    /// Every piece of text in the draft, in reading order.
    public var allTexts: [String] {
        [urgent].compactMap { $0 } + claims.map(\.text) + [answer, cannotAnswer].compactMap { $0 } + doesNotMean
            + nextSteps
    }
}

/// Which backend produced the explanation, and why another was used if the requested one was not.
public struct BackendReport: Sendable, Hashable, Codable {
    /// The backend asked for.
    public var requested: BackendKind
    /// The backend whose text is shown.
    public var used: BackendKind
    /// The model name, for the `openai` backend.
    public var model: String?
    /// Why the template answer is shown instead of the requested backend's, in plain words that name no
    /// server, status or error text (those are in ``Explanation/audit``).
    public var fallbackReason: String?
    /// The failure as a stable code (`timeout`, `http_error`, `checker_rejected`, …).
    public var failure: BackendFailure?
    /// True on the immediate answer of ``Explainer/explainProgressively(_:knowledge:backend:)`` while the
    /// language model's answer is still awaited.
    public var pending: Bool?

    /// Creates a report.
    public init(requested: BackendKind, used: BackendKind, model: String? = nil, fallbackReason: String? = nil,
                failure: BackendFailure? = nil, pending: Bool? = nil)
    {
        self.requested = requested
        self.used = used
        self.model = model
        self.fallbackReason = fallbackReason
        self.failure = failure
        self.pending = pending
    }
}

/// The claim checker's verdict on a language-model answer.
public struct CheckerVerdict: Sendable, Hashable, Codable {
    /// Whether the answer passed every rule.
    public var passed: Bool
    /// Why it failed, one line per broken rule (empty when passed).
    public var failures: [CheckFailure]
}

/// One broken checker rule.
public struct CheckFailure: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The rule (`invented_number`, `invented_condition`, `certainty`, `normal_for_positive`,
    /// `dropped_abstention`, `dropped_finding`, `dropped_urgent`, `treatment`, `audience`, `unknown_code`,
    /// `polarity`).
    public var rule: String
    /// What was wrong, quoting the answer.
    public var detail: String

    /// `rule: detail`.
    public var description: String { "\(rule): \(detail)" }
}

/// The audit record of one explanation request (kept in the JSON output until the store exists).
public struct ExplanationAudit: Sendable, Hashable, Codable {
    /// SHA-256 of the outcomes as Vigil JSON (sorted keys), hex.
    public var findingsSHA256: String
    /// The prompt sent to the language model (openai backend only).
    public var prompt: String?
    /// The model's raw answer (openai backend only).
    public var rawAnswer: String?
    /// The checker's verdict on the model's answer (openai backend only).
    public var checker: CheckerVerdict?
    /// Errors met on the way (per attempt), for the record.
    public var errors: [String]
    /// Tokens and time of the language model's answer (openai backend only).
    public var usage: Usage?

    /// Creates an audit record.
    public init(findingsSHA256: String, prompt: String? = nil, rawAnswer: String? = nil, checker: CheckerVerdict? = nil,
                errors: [String] = [], usage: Usage? = nil)
    {
        self.findingsSHA256 = findingsSHA256
        self.prompt = prompt
        self.rawAnswer = rawAnswer
        self.checker = checker
        self.errors = errors
        self.usage = usage
    }
}

/// The answer to the assistant's question.
public struct QuestionAnswer: Sendable, Hashable, Codable {
    /// The question as asked.
    public var question: String
    /// Whether the findings can answer it.
    public var answerable: Bool
    /// The answer, or "This result cannot tell you that." followed by the reason.
    public var text: String
    /// The knowledge entry the answer rests on (its id; empty when none applies).
    public var entries: [String]
}

/// An explanation of one input's findings.
///
/// JSON (sorted keys, documented in docs/explanations.md); ``text`` is the readable rendering.
public struct Explanation: Sendable, Hashable, Codable {
    /// Who it is for.
    public var audience: Audience
    /// The whole explanation as readable text (urgent line first).
    public var text: String
    /// Each sentence of the explanation with the codes and measurements it rests on.
    public var claims: [Claim]
    /// What the result does not mean.
    public var doesNotMean: [String]
    /// Next steps.
    public var nextSteps: [String]
    /// The urgent line, when a finding calls for emergency care.
    public var urgent: String?
    /// The answer to the question, when one was asked.
    public var question: QuestionAnswer?
    /// The models' limits (from their cards), in the audience's voice.
    public var modelLimits: [String]
    /// Public sources of the knowledge entries used.
    public var sources: [String]
    /// Which backend produced it.
    public var backend: BackendReport
    /// Flesch–Kincaid grade of the patient text (patient audience only).
    public var readingGrade: Double?
    /// The audit record.
    public var audit: ExplanationAudit
}

/// Errors of the explainer.
public enum ExplainerError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The knowledge base file is invalid.
    case knowledgeBase(String)
    /// The findings file could not be read.
    case findingsFile(path: String, problem: String)
    /// The openai backend is not configured (no URL or model).
    case notConfigured(String)
    /// The server could not be reached, timed out, or answered with an error.
    case server(String)
    /// The server's answer was not the JSON asked for.
    case invalidAnswer(String)
    /// The server did not answer within the configured time.
    case timedOut(String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case let .knowledgeBase(p): "knowledge base: \(p)"
        case let .findingsFile(path, p): "findings file '\(path)': \(p)"
        case let .notConfigured(p): "openai backend not configured: \(p)"
        case let .server(p): "language-model server: \(p)"
        case let .invalidAnswer(p): "language-model answer: \(p)"
        case let .timedOut(p): "language-model server: \(p)"
        }
    }

    /// Same as ``description``.
    public var errorDescription: String? { description }
}
