import DetectorKit
import Explainer
import ExplainerStore
import FindingsStore
import Foundation
import MCP

/// What the MCP tools read: the service's registry, findings store and explanation backend. The host
/// (`vigil serve`) builds it once from the same objects its HTTP routes use.
public struct VigilMCPContext: Sendable {
    /// The detector registry (`DetectorCatalog.registry(settings:)`): the only door to detectors.
    public let registry: DetectorRegistry
    /// The findings store (inputs, findings, worklist, audit log, which sites see which inputs).
    public let store: any FindingsStore & SiteAccessStore
    /// The explanation backend asked for (`template` unless the service is configured for a language model).
    public let backend: BackendKind
    /// The OpenAI-compatible server, when `backend` is `openai`.
    public let openAI: OpenAIConfiguration?
    /// Where internal failures are reported (store errors; never patient data, never sent to the client).
    public let log: @Sendable (String) -> Void

    /// Creates a context.
    public init(registry: DetectorRegistry, store: any FindingsStore & SiteAccessStore, backend: BackendKind = .template,
                openAI: OpenAIConfiguration? = nil, log: @escaping @Sendable (String) -> Void = { _ in })
    {
        self.registry = registry
        self.store = store
        self.backend = backend
        self.openAI = openAI
        self.log = log
    }
}

/// Vigil's MCP tools and model-card resources, independent of any transport: ``VigilMCPEndpoint`` serves
/// them over stateless streamable HTTP. Every tool is read-only and answers an ``AssistantView`` (patient-safe)
/// as structured content, with the same JSON as text. Each tool call and resource read appends one audit
/// entry naming the caller (the host's token id), the action and the row it touched, never patient data;
/// a result whose audit entry cannot be written is not returned.
public struct VigilMCPTools: Sendable {
    /// Tool names (fixed: assistants call them by name).
    public enum Name {
        public static let listDetectors = "list_detectors"
        public static let getFindings = "get_findings"
        public static let explainFindings = "explain_findings"
        public static let getWorklist = "get_worklist"
    }

    /// Audit actions of the reads (an explanation is audited by ``StoredExplainer`` as `explanation.request`).
    public enum AuditAction {
        public static let detectorsList = "detectors.list"
        public static let findingsRead = "findings.read"
        public static let worklistRead = "worklist.read"
        public static let modelCardRead = "model_card.read"
        /// A read refused by the per-object check (an input of another site).
        public static let accessDenied = SiteCheck.deniedAction
        public static let explanation = StoredExplainer.auditAction
    }

    /// The data the tools read.
    public let context: VigilMCPContext

    /// Tools over `context`.
    public init(context: VigilMCPContext) { self.context = context }

    /// The four tools with their input and output schemas and read-only annotations.
    public static let tools: [Tool] = [
        Tool(name: Name.listDetectors, title: "List detectors",
             description: "The disease detectors this Vigil runs (ECG rhythm, ECG CNN, atrial fibrillation, pancreatic CT), "
                 + "each with its model card summary. Read the full card at its cardUri (an MCP resource).",
             inputSchema: ToolSchemas.listDetectorsInput,
             annotations: Tool.Annotations(title: "List detectors", readOnlyHint: true, destructiveHint: false,
                                           idempotentHint: true, openWorldHint: false),
             outputSchema: ToolSchemas.listDetectorsOutput),
        Tool(name: Name.getFindings, title: "Get findings",
             description: "The stored findings and abstentions of one scored input (an ECG record or CT study), by inputId: "
                 + "codes, calibrated probabilities, thresholds, decisions, measurements and evidence. No patient identifiers.",
             inputSchema: ToolSchemas.getFindingsInput,
             annotations: Tool.Annotations(title: "Get findings", readOnlyHint: true, destructiveHint: false,
                                           idempotentHint: true, openWorldHint: false),
             outputSchema: ToolSchemas.getFindingsOutput),
        Tool(name: Name.explainFindings, title: "Explain findings",
             description: "A plain-language (patient) or concise clinical (clinician) explanation of one input's stored "
                 + "findings, grounded only in them and checked claim by claim; optionally answers a question. "
                 + "Not a diagnosis.",
             inputSchema: ToolSchemas.explainInput,
             annotations: Tool.Annotations(title: "Explain findings", readOnlyHint: true, destructiveHint: false,
                                           idempotentHint: false, openWorldHint: false),
             outputSchema: ToolSchemas.explainOutput),
        Tool(name: Name.getWorklist, title: "Get worklist",
             description: "The radiology worklist, highest priority first then by arrival: each study's tag, score and "
                 + "inputId (for get_findings). No study or patient identifiers.",
             inputSchema: ToolSchemas.worklistInput,
             annotations: Tool.Annotations(title: "Get worklist", readOnlyHint: true, destructiveHint: false,
                                           idempotentHint: true, openWorldHint: false),
             outputSchema: ToolSchemas.worklistOutput),
    ]

    // MARK: Tool calls

    /// Runs tool `name` with `arguments` for `caller`, who sees the inputs of `scope` (its token's site; an input
    /// of another site is answered as unknown). Bad arguments, unknown inputs and store failures are
    /// tool errors (`isError: true`, a plain message without internal detail); an unknown tool name throws
    /// `MCPError.invalidParams` (a protocol error, as the specification asks).
    public func call(_ name: String, arguments: [String: Value]?, caller: String, scope: InputScope) async throws
        -> CallTool.Result
    {
        let args = arguments ?? [:]
        do {
            switch name {
            case Name.listDetectors:
                try Self.allowOnly([], in: args)
                return try await listDetectors(caller: caller)
            case Name.getFindings:
                try Self.allowOnly(["inputId"], in: args)
                return try await getFindings(input: try Self.inputID(args), caller: caller, scope: scope)
            case Name.explainFindings:
                try Self.allowOnly(["inputId", "audience", "question"], in: args)
                return try await explain(input: try Self.inputID(args), audience: try Self.audience(args),
                                         question: try Self.question(args), caller: caller, scope: scope)
            case Name.getWorklist:
                try Self.allowOnly(["limit"], in: args)
                return try await worklist(limit: try Self.limit(args), caller: caller, scope: scope)
            default:
                throw MCPError.invalidParams("Unknown tool: \(name)")
            }
        } catch let error as ToolError {
            return Self.errorResult(error.message)
        } catch let error as MCPError {
            throw error
        } catch {
            context.log("mcp \(name): \(error)")
            return Self.errorResult("The findings store could not be read; try again later.")
        }
    }

    func listDetectors(caller: String) async throws -> CallTool.Result {
        let view = AssistantView.DetectorList(detectors: context.registry.detectors.map(AssistantView.Detector.init))
        try await audit(caller, AuditAction.detectorsList, "detectors", tool: Name.listDetectors,
                        ["count": .number(Double(view.detectors.count))])
        return try Self.result(view)
    }

    func getFindings(input id: InputID, caller: String, scope: InputScope) async throws -> CallTool.Result {
        try await requireVisible(id, caller: caller, scope: scope, tool: Name.getFindings)
        guard let input = try await context.store.input(id: id) else {
            try await audit(caller, AuditAction.findingsRead, "input:\(id.rawValue)", tool: Name.getFindings,
                            ["outcome": .string("unknown_input")])
            throw ToolError(message: "No input \(id.rawValue) in the findings store.")
        }
        let findings = try await context.store.findings(input: id)
        let abstentions = try await context.store.abstentions(input: id)
        let errors = try await context.store.errors(input: id)
        let view = AssistantView.InputFindings(
            inputId: id.rawValue, kind: input.kind.rawValue, registeredAt: input.registeredAt,
            findings: findings.map { AssistantView.FindingItem($0.finding) },
            abstentions: abstentions.map { AssistantView.AbstentionItem($0.abstention) }, errorCount: errors.count)
        try await audit(caller, AuditAction.findingsRead, "input:\(id.rawValue)", tool: Name.getFindings,
                        ["findings": .number(Double(findings.count)), "abstentions": .number(Double(abstentions.count))])
        return try Self.result(view)
    }

    func explain(input id: InputID, audience: Audience, question: String?, caller: String, scope: InputScope) async throws
        -> CallTool.Result
    {
        try await requireVisible(id, caller: caller, scope: scope, tool: Name.explainFindings)
        let explainer = StoredExplainer(store: context.store, modelCards: context.registry.detectors.compactMap(\.modelCard),
                                        actor: caller)
        let explanation: Explanation
        do {
            // StoredExplainer appends the `explanation.request` audit entry itself (actor = caller).
            explanation = try await explainer.explain(input: id, audience: audience, question: question,
                                                      backend: context.backend, openAI: context.openAI)
        } catch let error as ExplainerStoreError {
            let outcome = switch error {
            case .unknownInput, .unknownContent: "unknown_input"
            case .nothingToExplain: "nothing_to_explain"
            }
            try await audit(caller, AuditAction.explanation, "input:\(id.rawValue)", tool: Name.explainFindings,
                            ["outcome": .string(outcome), "audience": .string(audience.rawValue)])
            let message = switch error {
            case .unknownInput, .unknownContent: "No input \(id.rawValue) in the findings store."
            case .nothingToExplain: "Input \(id.rawValue) has no findings to explain yet."
            }
            throw ToolError(message: message)
        }
        return try Self.result(AssistantView.ExplanationView(explanation, inputId: id.rawValue))
    }

    func worklist(limit: Int, caller: String, scope: InputScope) async throws -> CallTool.Result {
        let all = try await context.store.visible(try await context.store.worklist(), in: scope)
        let entries = all.prefix(limit).enumerated().map { AssistantView.WorklistItem($0.element, rank: $0.offset + 1) }
        try await audit(caller, AuditAction.worklistRead, "worklist", tool: Name.getWorklist,
                        ["entries": .number(Double(entries.count)), "limit": .number(Double(limit))])
        return try Self.result(AssistantView.Worklist(entries: entries, total: all.count))
    }

    // MARK: Model-card resources

    /// One resource per model-backed detector: its model card as JSON.
    public func resources() -> [Resource] {
        ModelCardResources.list(context.registry)
    }

    /// Reads the model card at `uri` for `caller` (audited as `model_card.read`).
    /// - Throws: `MCPError.invalidParams` for a URI that names no card.
    public func readResource(uri: String, caller: String) async throws -> ReadResource.Result {
        guard let (detectorID, card) = ModelCardResources.card(uri: uri, in: context.registry) else {
            throw MCPError.invalidParams("Unknown resource: \(uri)")
        }
        let json = String(decoding: try VigilJSON.encode(card, pretty: true), as: UTF8.self)
        try await audit(caller, AuditAction.modelCardRead, "detector:\(detectorID)", tool: nil, ["uri": .string(uri)])
        return ReadResource.Result(contents: [.text(json, uri: uri, mimeType: "application/json")])
    }

    // MARK: Helpers

    struct ToolError: Error { let message: String }

    /// The per-object check: an input `scope` may not see is answered exactly as an unknown one; when it exists
    /// the attempt is audited (`access.denied`).
    private func requireVisible(_ id: InputID, caller: String, scope: InputScope, tool: String) async throws {
        guard try await SiteCheck.permits(id, scope: scope, actor: caller, details: ["via": "mcp", "tool": .string(tool)],
                                          in: context.store)
        else { throw ToolError(message: "No input \(id.rawValue) in the findings store.") }
    }

    private func audit(_ caller: String, _ action: String, _ object: String, tool: String?,
                       _ details: [String: JSONValue]) async throws
    {
        var d = details
        d["via"] = .string("mcp")
        if let tool { d["tool"] = .string(tool) }
        try await context.store.appendAudit(AuditEvent(actor: caller, action: action, object: object, details: d))
    }

    static func result<T: Encodable>(_ view: T) throws -> CallTool.Result {
        let data = try VigilJSON.encode(view)
        let value = try JSONDecoder().decode(Value.self, from: data)
        return try CallTool.Result(content: [.text(text: String(decoding: data, as: UTF8.self), annotations: nil, _meta: nil)],
                                   structuredContent: value, isError: false)
    }

    static func errorResult(_ message: String) -> CallTool.Result {
        CallTool.Result(content: [.text(text: message, annotations: nil, _meta: nil)], isError: true)
    }

    static func allowOnly(_ names: Set<String>, in args: [String: Value]) throws {
        let unknown = args.keys.filter { !names.contains($0) }.sorted()
        guard unknown.isEmpty else {
            let allowed = names.isEmpty ? "none" : names.sorted().joined(separator: ", ")
            throw ToolError(message: "Unknown argument(s): \(unknown.joined(separator: ", ")) (allowed: \(allowed)).")
        }
    }

    static func inputID(_ args: [String: Value]) throws -> InputID {
        guard let value = args["inputId"] else { throw ToolError(message: "inputId is required (an integer ≥ 1).") }
        let n: Int? = switch value {
        case let .int(i): i
        case let .double(d) where d.rounded() == d && abs(d) < 1e15: Int(d)
        default: nil
        }
        guard let n, n >= 1 else { throw ToolError(message: "inputId must be an integer ≥ 1.") }
        return InputID(rawValue: Int64(n))
    }

    static func audience(_ args: [String: Value]) throws -> Audience {
        guard let value = args["audience"], !value.isNull else { return .patient }
        guard let s = value.stringValue, let a = Audience(rawValue: s) else {
            throw ToolError(message: "audience must be \"patient\" or \"clinician\".")
        }
        return a
    }

    static func question(_ args: [String: Value]) throws -> String? {
        guard let value = args["question"], !value.isNull else { return nil }
        guard let s = value.stringValue else { throw ToolError(message: "question must be a string.") }
        let q = s.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !q.isEmpty else { return nil }
        guard q.count <= ToolSchemas.maxQuestionLength else {
            throw ToolError(message: "question is longer than \(ToolSchemas.maxQuestionLength) characters.")
        }
        return q
    }

    static func limit(_ args: [String: Value]) throws -> Int {
        guard let value = args["limit"], !value.isNull else { return ToolSchemas.defaultWorklistLimit }
        let n: Int? = switch value {
        case let .int(i): i
        case let .double(d) where d.rounded() == d && abs(d) < 1e9: Int(d)
        default: nil
        }
        guard let n, (1...ToolSchemas.maxWorklistLimit).contains(n) else {
            throw ToolError(message: "limit must be an integer from 1 to \(ToolSchemas.maxWorklistLimit).")
        }
        return n
    }
}
