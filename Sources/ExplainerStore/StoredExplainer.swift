import DetectorKit
import Explainer
import FindingsStore
import Foundation

/// Explains an input's stored findings and keeps a record of every explanation request in the store's
/// append-only audit log: the findings hash, the audience, the backend asked for and the one used (with
/// the fallback reason), the model, the prompt, the raw answer, the claim checker's verdict and any
/// errors. An explanation whose audit entry cannot be written is not returned.
///
/// ```swift
/// let explainer = StoredExplainer(store: store, modelCards: registry.detectors.compactMap(\.modelCard), actor: "dr.b")
/// let explanation = try await explainer.explain(input: InputID(rawValue: 12), audience: .clinician)
/// ```
public struct StoredExplainer: Sendable {
    /// The audit action of an explanation request.
    public static let auditAction = "explanation.request"

    /// The store with the findings and the audit log.
    public let store: any FindingsStore
    /// Model cards of the detectors (matched to findings by weights SHA-256, then name and version).
    public let modelCards: [ModelCard]
    /// Who asks (the audit entry's actor).
    public let actor: String
    /// The knowledge base.
    public let knowledge: KnowledgeBase

    /// Creates an explainer over `store`.
    public init(store: any FindingsStore, modelCards: [ModelCard] = [], actor: String, knowledge: KnowledgeBase = .embedded) {
        self.store = store
        self.modelCards = modelCards
        self.actor = actor
        self.knowledge = knowledge
    }

    /// Explains the input's stored findings with the requested backend (the template when the backend is
    /// not configured), and appends the audit entry.
    /// - Throws: ``ExplainerStoreError`` when the input is unknown or has nothing to explain, and store errors.
    public func explain(input: InputID, audience: Audience, question: String? = nil, backend: BackendKind = .template,
                        openAI: OpenAIConfiguration? = nil) async throws -> Explanation
    {
        let chosen: (any ExplanationBackend)? = switch backend {
        case .template: TemplateBackend()
        case .openai: openAI.map { OpenAIBackend(configuration: $0) }
        }
        return try await explain(input: input, audience: audience, question: question, requested: backend, using: chosen)
    }

    /// As ``explain(input:audience:question:backend:openAI:)`` with a given backend (nil: not configured).
    public func explain(input: InputID, audience: Audience, question: String? = nil, requested: BackendKind,
                        using backend: (any ExplanationBackend)?) async throws -> Explanation
    {
        // One read of the input and its results (the shared read model).
        guard let stored = try await StoredInputResults.load(input: input, from: store) else {
            throw ExplainerStoreError.unknownInput(input)
        }
        let outcomes = stored.outcomes
        guard !outcomes.isEmpty else { throw ExplainerStoreError.nothingToExplain(input, errors: stored.errors.count) }
        let request = ExplanationRequest(outcomes: outcomes, audience: audience, question: question,
                                         modelCards: modelCards, backend: requested)
        let explanation = await Explainer.explain(request, knowledge: knowledge, backend: backend)
        try await store.appendAudit(AuditEvent(actor: actor, action: Self.auditAction, object: "input:\(input.rawValue)",
                                               details: Self.auditDetails(explanation, question: request.question)))
        return explanation
    }

    /// The audit entry's details.
    static func auditDetails(_ e: Explanation, question: String?) -> [String: JSONValue] {
        var d: [String: JSONValue] = [
            "findingsSHA256": .string(e.audit.findingsSHA256),
            "audience": .string(e.audience.rawValue),
            "backendRequested": .string(e.backend.requested.rawValue),
            "backendUsed": .string(e.backend.used.rawValue),
            "errors": .array(e.audit.errors.map(JSONValue.string)),
        ]
        if let m = e.backend.model { d["model"] = .string(m) }
        if let r = e.backend.fallbackReason { d["fallbackReason"] = .string(r) }
        if let f = e.backend.failure { d["failure"] = .string(f.rawValue) }
        if let u = e.audit.usage {
            var usage: [String: JSONValue] = [:]
            if let t = u.promptTokens { usage["promptTokens"] = .number(Double(t)) }
            if let t = u.completionTokens { usage["completionTokens"] = .number(Double(t)) }
            if let t = u.seconds { usage["seconds"] = .number(t) }
            d["usage"] = .object(usage)
        }
        if let q = question { d["question"] = .string(q) }
        if let p = e.audit.prompt { d["prompt"] = .string(p) }
        if let r = e.audit.rawAnswer { d["rawAnswer"] = .string(r) }
        if let c = e.audit.checker {
            d["checker"] = ["passed": .bool(c.passed),
                            "failures": .array(c.failures.map { ["rule": .string($0.rule), "detail": .string($0.detail)] })]
        }
        return d
    }
}

/// Why a stored explanation could not be made.
public enum ExplainerStoreError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// No input has this id (or content digest).
    case unknownInput(InputID)
    /// No input has this content SHA-256.
    case unknownContent(String)
    /// The input has no findings or abstentions (only errors, or nothing yet).
    case nothingToExplain(InputID, errors: Int)

    /// One line, safe to log.
    public var description: String {
        switch self {
        case let .unknownInput(id): "explain: the store has no \(id)"
        case let .unknownContent(sha): "explain: the store has no input with content \(sha)"
        case let .nothingToExplain(id, errors):
            "explain: \(id) has no findings or abstentions to explain"
                + (errors > 0 ? " (\(errors) detector(s) recorded an error for it)" : " (it has not been scored yet)")
        }
    }

    /// Same as ``description``.
    public var errorDescription: String? { description }
}
