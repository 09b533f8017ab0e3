import ContentHash
import DICOM
import DetectorKit
import ECGFormats
import ECGScoring
import Explainer
import ExplainerStore
import FHIRExport
import FindingsStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VigilMCP

extension HTTPField.Name {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
}

extension VigilAPI {
    // MARK: Readiness and detectors

    func readiness() async throws -> Response {
        guard scorer != nil else {
            throw Problem(.serviceUnavailable, "not-ready", "no ECG detector is loaded")
        }
        do {
            _ = try await store.inputs(kind: nil, after: nil, limit: 1)
        } catch {
            throw Problem(.serviceUnavailable, "not-ready", "the findings store cannot be read")
        }
        struct Ready: Encodable { let status: String; let detectors: [String]; let notes: [String] }
        return try Self.json(Ready(status: "ready", detectors: registry.ids, notes: notes))
    }

    func detectors() throws -> Response {
        struct Entry: Encodable {
            let id: String, version: String, name: String, inputKind: String
            let modelCard: ModelCard?
        }
        struct Body: Encodable { let detectors: [Entry] }
        return try Self.json(Body(detectors: registry.detectors.map {
            Entry(id: $0.descriptor.id, version: $0.descriptor.version, name: $0.descriptor.name,
                  inputKind: $0.descriptor.inputKind.rawValue, modelCard: $0.modelCard)
        }))
    }

    // MARK: Scoring

    /// `POST /v1/ecg/score[?store=true][&rate=HZ][&units=mV|uV]`.
    func score(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let token = try context.requireToken()
        guard let scorer else { throw Problem(.serviceUnavailable, "not-ready", "no ECG detector is loaded") }
        let query = request.uri.queryParameters
        let storeResult: Bool
        switch query.get("store") {
        case nil, "false": storeResult = false
        case "true": storeResult = true
        default: throw Problem.badRequest("bad-query", "store must be true or false")
        }
        let rate = try query.get("rate").map { (text: String) throws -> Double in
            guard let hz = Double(text) else { throw Problem.badRequest("bad-query", Self.rateRule) }
            return hz
        }
        let units: String? = query.get("units")
        let readOptions = try Self.readOptions(rate: rate, units: units, slug: "bad-query")
        let key = try Self.idempotencyKey(request)

        // The body: its type first (415), its size before reading it (413), then its shape (400).
        let limit = options.maxECGBodyBytes
        let contentType = request.headers[.contentType]
        if let type = contentType.flatMap(ECGUpload.MediaType.init),
           ECGUpload.rawTypes[type.essence] == nil, type.essence != "multipart/form-data"
        {
            throw Problem(.unsupportedMediaType, "unsupported-media-type",
                          "\(type.essence) is not accepted: \(ECGUpload.supportedList)")
        }
        let body = try await Self.collect(request, limit: limit)
        let files: [String: Data]
        do throws(ECGUpload.Refusal) {
            files = try ECGUpload.files(contentType: contentType, body: body)
        } catch {
            switch error {
            case .unsupportedType(let why): throw Problem(.unsupportedMediaType, "unsupported-media-type", why)
            case .malformed(let why): throw Problem.badRequest("malformed-body", why)
            }
        }
        let contentSHA256 = ECGScorer.contentSHA256(files: files)
        let requestSHA256 = SHA256Digest.hex(of: Data(
            "POST /v1/ecg/score store=\(storeResult) rate=\(readOptions.samplingRateHz.map { "\($0)" } ?? "-") units=\(readOptions.csvUnits ?? "-") \(contentSHA256)".utf8))

        // Idempotency: the kept answer for the same request, 422 for another request under the same key.
        let scope = token.auditActor
        let keptSince = options.now().addingTimeInterval(-options.idempotencyKeyLifetime)
        if let key {
            if let kept = try await store.idempotentResponse(scope: scope, key: key, notBefore: keptSince) {
                return try Self.replay(kept, requestSHA256: requestSHA256)
            }
            guard await inFlight.begin(scope + "\n" + key) else {
                throw Problem(.conflict, "idempotency-key-in-use", "a request with this Idempotency-Key is being answered")
            }
        }
        defer { if let key { Task { [inFlight] in await inFlight.end(scope + "\n" + key) } } }
        if let key, let kept = try await store.idempotentResponse(scope: scope, key: key, notBefore: keptSince) {
            return try Self.replay(kept, requestSHA256: requestSHA256)
        }

        let result: ECGScoreResult
        do {
            let read = readOptions
            result = try await gate.run { try await scorer.score(files: files, options: read) }
        } catch is ScoringGate.Full {
            throw Problem(.tooManyRequests, "scoring-queue-full",
                          "the scoring queue is full; retry after \(options.retryAfterSeconds) s",
                          headers: [.retryAfter: "\(options.retryAfterSeconds)"])
        } catch let e as ECGScoringError {
            throw Problem.badRequest("bad-upload", e.description)
        } catch let e as ECGFormatError {
            throw Problem.badRequest("unreadable-record", e.description)
        } catch let e as DICOMError {
            throw Problem.badRequest("unreadable-record", e.description)
        }
        for (detector, outcome) in result.outcomes { metrics.outcome(detector: detector.id, outcome) }
        let document = storeResult
            ? try await scorer.store(result, contentSHA256: contentSHA256, in: store) : result.document
        if storeResult, let id = document.inputId {
            try await store.grant(InputID(rawValue: id), to: token.scope)
            try await store.appendAudit(AuditEvent(actor: token.auditActor, action: "ecg.score", object: "input:\(id)",
                                                   details: ["detectors": .array(result.outcomes.map { .string($0.detector.id) })]))
        }
        let data = try VigilJSON.encode(document)
        if let key {
            let kept = try await store.keepIdempotentResponse(
                IdempotentResponse(requestSHA256: requestSHA256, status: 200, contentType: "application/json", body: data),
                scope: scope, key: key, notBefore: keptSince)
            if kept.requestSHA256 == requestSHA256 { return Self.json(data: kept.body) }
        }
        return Self.json(data: data)
    }

    /// The `Idempotency-Key` header, checked: 1 to 255 visible ASCII characters.
    static func idempotencyKey(_ request: Request) throws -> String? {
        let values = request.headers[values: .idempotencyKey]
        guard let key = values.first else { return nil }
        guard values.count == 1, (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7e).contains($0) }) else {
            throw Problem.badRequest("bad-idempotency-key", "Idempotency-Key must be one value of 1 to 255 visible ASCII characters")
        }
        return key
    }

    static func replay(_ kept: IdempotentResponse, requestSHA256: String) throws -> Response {
        guard kept.requestSHA256 == requestSHA256 else {
            throw Problem(.unprocessableContent, "idempotency-key-reused",
                          "this Idempotency-Key was used for a different request; use a new key")
        }
        var response = json(data: kept.body, status: HTTPResponse.Status(code: kept.status), contentType: kept.contentType)
        response.headers[.idempotentReplayed] = "true"
        return response
    }

    // MARK: Stored results

    /// `GET /v1/inputs/{id}/findings`: the input's stored outcomes; appends `findings.read`.
    func findings(_ context: VigilRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let id = try Self.inputID(context)
        try await requireVisible(id, to: token)
        guard let stored = try await StoredInputResults.load(input: id, from: store) else { throw Problem.notFound }
        let input = stored.input
        try await store.appendAudit(AuditEvent(actor: token.auditActor, action: "findings.read", object: "input:\(id.rawValue)"))
        struct Body: Encodable {
            let inputId: Int64, input: String, kind: String
            let outcomes: [DetectorOutcome]
            let errors: Int
            let modelCards: [ModelCard]
        }
        let cards = registry.detectors.filter { $0.descriptor.inputKind == input.kind }.compactMap(\.modelCard)
        return try Self.json(Body(inputId: id.rawValue, input: URL(fileURLWithPath: input.path).lastPathComponent,
                                  kind: input.kind.rawValue, outcomes: stored.outcomes, errors: stored.errors.count,
                                  modelCards: cards))
    }

    /// `GET /v1/inputs/{id}/fhir`: the input's FHIR R4 Bundle; appends `fhir.read`.
    func fhir(_ context: VigilRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let id = try Self.inputID(context)
        try await requireVisible(id, to: token)
        guard let data = try await FHIRBundleExporter.bundle(input: id, store: store,
                                                             modelCards: registry.detectors.compactMap(\.modelCard))
        else { throw Problem.notFound }
        try await store.appendAudit(AuditEvent(actor: token.auditActor, action: "fhir.read", object: "input:\(id.rawValue)"))
        return Self.json(data: data, contentType: "application/fhir+json")
    }

    // MARK: Explanations

    /// `POST /v1/explain` `{"inputId", "audience", "question"?}`: the explanation (claim-checked); the
    /// assistant role gets only the patient-safe fields (no audit record, prompt, raw answer or backend error).
    func explain(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let token = try context.requireToken()
        if let type = request.headers[.contentType].flatMap(ECGUpload.MediaType.init), type.essence != "application/json" {
            throw Problem(.unsupportedMediaType, "unsupported-media-type", "send application/json")
        }
        let body = try await Self.collect(request, limit: options.maxJSONBodyBytes)
        let ask = try ExplainRequest.parse(Data(body.readableBytesView))
        try await requireVisible(InputID(rawValue: ask.inputId), to: token)
        let explainer = StoredExplainer(store: store, modelCards: registry.detectors.compactMap(\.modelCard),
                                        actor: token.auditActor)
        let explanation: Explanation
        do {
            explanation = try await explainer.explain(input: InputID(rawValue: ask.inputId), audience: ask.audience,
                                                      question: ask.question, backend: options.explainBackend,
                                                      openAI: options.openAI)
        } catch ExplainerStoreError.unknownInput {
            throw Problem.notFound
        } catch ExplainerStoreError.nothingToExplain {
            throw Problem(.unprocessableContent, "nothing-to-explain", "the input has no findings or abstentions to explain")
        }
        // The assistant role sees the same patient-safe projection as MCP's explain_findings (one definition:
        // VigilMCP's AssistantView): no audit record, no backend error text.
        if token.role == .assistant {
            return Self.json(data: try VigilJSON.encode(AssistantView.ExplanationView(explanation, inputId: ask.inputId)))
        }
        return Self.json(data: try explanation.json(pretty: false))
    }

    // MARK: Audit

    /// The `limit` query parameter of a paged read: 1 to `auditPage.max`, `auditPage.default` when absent
    /// (400 `bad-query` otherwise).
    func pageLimit(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters.get("limit") else { return options.auditPage.default }
        guard let n = Int(text), (1...options.auditPage.max).contains(n) else {
            throw Problem.badRequest("bad-query", "limit must be 1 to \(options.auditPage.max)")
        }
        return n
    }

    /// `GET /v1/audit[?after=ID][&limit=N]`: audit entries oldest first, a page at a time; appends `audit.read`.
    func audit(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let query = request.uri.queryParameters
        var after: Int64?
        if let text = query.get("after") {
            guard let n = Int64(text), n >= 0 else { throw Problem.badRequest("bad-query", "after must be an entry id (>= 0)") }
            after = n
        }
        let limit = try pageLimit(request)
        let entries: [AuditEntry]
        if let paged = store as? any PagedAuditLog {
            entries = try await paged.auditLog(after: after, limit: limit)
        } else {
            entries = Array(try await store.auditLog(object: nil).filter { $0.id > (after ?? 0) }.prefix(limit))
        }
        try await store.appendAudit(AuditEvent(actor: token.auditActor, action: "audit.read", object: "audit",
                                               details: ["entries": .number(Double(entries.count))]))
        struct Entry: Encodable {
            let id: Int64, at: Date, actor: String, action: String, object: String
            let details: [String: JSONValue]
        }
        struct Page: Encodable { let entries: [Entry]; let next: String? }
        let next = entries.count == limit ? entries.last.map { "/v1/audit?after=\($0.id)&limit=\(limit)" } : nil
        return try Self.json(Page(entries: entries.map {
            Entry(id: $0.id, at: $0.at, actor: $0.actor, action: $0.action, object: $0.object, details: $0.details)
        }, next: next))
    }
}

/// The body of `POST /v1/explain`.
struct ExplainRequest {
    let inputId: Int64
    let audience: Audience
    let question: String?

    static func parse(_ data: Data) throws -> ExplainRequest {
        guard !data.isEmpty else { throw Problem.badRequest("malformed-body", "the body is empty; send {\"inputId\", \"audience\"}") }
        let value: JSONValue
        do { value = try JSONDecoder().decode(JSONValue.self, from: data) } catch {
            throw Problem.badRequest("malformed-body", "the body is not valid JSON")
        }
        guard case .object(let object) = value else { throw Problem.badRequest("malformed-body", "the body must be a JSON object") }
        let known: Set<String> = ["inputId", "audience", "question"]
        if let extra = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw Problem.badRequest("malformed-body", "unknown member \"\(extra.prefix(40))\"")
        }
        guard case .number(let n)? = object["inputId"], n.isFinite, n >= 1, n <= 9_007_199_254_740_991, n == n.rounded(),
              let id = Int64(exactly: n)
        else { throw Problem.badRequest("malformed-body", "inputId must be a positive integer") }
        guard case .string(let a)? = object["audience"], let audience = Audience(rawValue: a) else {
            throw Problem.badRequest("malformed-body", "audience must be patient or clinician")
        }
        var question: String?
        switch object["question"] {
        case nil, .null?: break
        case .string(let text)? where !text.isEmpty && text.count <= 2000: question = text
        default: throw Problem.badRequest("malformed-body", "question must be a string of 1 to 2000 characters")
        }
        return ExplainRequest(inputId: id, audience: audience, question: question)
    }
}
