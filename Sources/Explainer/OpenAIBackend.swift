import AsyncHTTPClient
import DetectorKit
import Foundation
import NIOCore
import NIOPosix

/// Settings for an OpenAI-compatible chat-completions server (llama.cpp's `llama-server`, Ollama, vLLM, a
/// hosted endpoint).
public struct OpenAIConfiguration: Sendable, Hashable {
    /// Base URL ending in `/v1` (`http://127.0.0.1:8080/v1`); requests go to `<baseURL>/chat/completions`.
    public var baseURL: URL
    /// The model name the server expects.
    public var model: String
    /// The environment variable holding the API key (sent as `Authorization: Bearer …` when set).
    public var apiKeyVariable: String
    /// Seconds allowed per attempt (connect, send, and the whole answer).
    public var timeoutSeconds: Double
    /// Attempts in all (1…3); only connection failures, timeouts, 429/5xx and invalid answers are retried.
    public var maxAttempts: Int
    /// Seconds between attempts.
    public var retryDelaySeconds: Double
    /// Most tokens the model may write (`max_tokens`); bounds the time of an answer on a CPU server.
    public var maxTokens: Int
    /// The sampling seed (`seed`), with temperature 0 and `cache_prompt: false`, for repeatable answers.
    public var seed: Int

    /// The default seconds per attempt: sized for a CPU server (a 1.5B model on 2 cores reads ~35 prompt
    /// tokens/s and writes ~10 tokens/s: a 1,000-token prompt and a 300-token answer take ~60 s).
    public static let defaultTimeoutSeconds = 150.0

    /// Creates a configuration.
    public init(baseURL: URL, model: String, apiKeyVariable: String = "VIGIL_OPENAI_API_KEY",
                timeoutSeconds: Double = OpenAIConfiguration.defaultTimeoutSeconds, maxAttempts: Int = 2,
                retryDelaySeconds: Double = 0.5, maxTokens: Int = 600, seed: Int = 7)
    {
        self.baseURL = baseURL
        self.model = model
        self.apiKeyVariable = apiKeyVariable
        self.timeoutSeconds = max(0.05, timeoutSeconds)
        self.maxAttempts = min(3, max(1, maxAttempts))
        self.retryDelaySeconds = max(0, retryDelaySeconds)
        self.maxTokens = max(16, maxTokens)
        self.seed = seed
    }

    /// From the environment: `VIGIL_OPENAI_BASE_URL` (default `http://127.0.0.1:8080/v1`),
    /// `VIGIL_OPENAI_MODEL` (required), `VIGIL_OPENAI_TIMEOUT` (seconds per attempt, default 150),
    /// `VIGIL_OPENAI_ATTEMPTS` (1…3, default 2), `VIGIL_OPENAI_MAX_TOKENS` (default 400); the key is read from
    /// `VIGIL_OPENAI_API_KEY` at request time. Nil when no model is named.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        -> OpenAIConfiguration?
    {
        guard let model = environment["VIGIL_OPENAI_MODEL"], !model.isEmpty,
              let url = URL(string: environment["VIGIL_OPENAI_BASE_URL"] ?? "http://127.0.0.1:8080/v1")
        else { return nil }
        let timeout = environment["VIGIL_OPENAI_TIMEOUT"].flatMap(Double.init) ?? defaultTimeoutSeconds
        let attempts = environment["VIGIL_OPENAI_ATTEMPTS"].flatMap(Int.init) ?? 2
        let maxTokens = environment["VIGIL_OPENAI_MAX_TOKENS"].flatMap(Int.init) ?? 600
        return OpenAIConfiguration(baseURL: url, model: model, timeoutSeconds: timeout, maxAttempts: attempts,
                                   maxTokens: maxTokens)
    }
}

/// The `openai` backend: asks an OpenAI-compatible chat-completions server for a JSON-schema-constrained
/// answer. The explainer checks the answer with ``ClaimChecker`` and falls back to the template when the
/// server fails or the answer does not pass.
public struct OpenAIBackend: ExplanationBackend {
    /// The server settings.
    public let configuration: OpenAIConfiguration

    /// ``BackendKind/openai``.
    public var kind: BackendKind { .openai }

    /// Creates the backend.
    public init(configuration: OpenAIConfiguration) { self.configuration = configuration }

    /// A failure with the record of the exchange (for the audit trail).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// What went wrong in the end.
        public let error: ExplainerError
        /// The prompt sent.
        public let prompt: String?
        /// The last raw answer received, if any.
        public let rawAnswer: String?
        /// One line per failed attempt.
        public let errors: [String]
        /// Tokens and time of the last attempt.
        public var usage: Usage = Usage()
        /// ``error``'s description.
        public var description: String { error.description }
    }

    /// Sends the compact prompt (``CompactPrompt``), retrying as configured, and decodes the answer: the
    /// model's claims (and answer) with their references filled in, next to the knowledge base's own "does
    /// not mean", next-step and urgent lines (the template's) and, for an unanswerable question, the
    /// template's "cannot tell you that" reason.
    public func draft(for context: ExplanationContext) async throws -> BackendDraft {
        let compact = CompactPrompt(context: context)
        let template = TemplateBackend().compose(context)
        let body = try requestBody(compact)
        var errors: [String] = []
        var lastRaw: String?
        var lastError = ExplainerError.server("no attempt made")
        var usage = Usage()
        for attempt in 1...configuration.maxAttempts {
            if attempt > 1, configuration.retryDelaySeconds > 0 {
                try? await Task.sleep(nanoseconds: UInt64(configuration.retryDelaySeconds * 1e9))
            }
            let started = Date()
            do {
                let (status, data) = try await post(body)
                usage.seconds = Date().timeIntervalSince(started)
                let text = String(decoding: data, as: UTF8.self)
                guard (200..<300).contains(status) else {
                    lastRaw = text
                    if Self.isUnparsableAnswer(status: status, body: text) {
                        // The server generated an answer but could not parse it as the asked-for format (llama.cpp
                        // does this when the answer was cut off at max_tokens inside the JSON). At temperature 0
                        // with a fixed seed a second try writes the same answer, so none is made.
                        lastError = .invalidAnswer("the server could not parse the model's answer (HTTP \(status); "
                            + "cut off at max_tokens \(configuration.maxTokens)?): \(text.prefix(200))")
                        errors.append("attempt \(attempt): \(lastError.description)")
                        break
                    }
                    lastError = .server("HTTP \(status) from \(endpoint.absoluteString): \(text.prefix(300))")
                    errors.append("attempt \(attempt): \(lastError.description)")
                    if status == 429 || status >= 500 { continue }
                    break
                }
                let (content, tokens) = try Self.messageContent(data)
                usage.promptTokens = tokens.prompt
                usage.completionTokens = tokens.completion
                lastRaw = content
                let draft = try Self.draft(fromAnswer: content, context: context, compact: compact, template: template)
                return BackendDraft(draft: draft, prompt: compact.system + "\n\n" + compact.user, rawAnswer: content,
                                    model: configuration.model, errors: errors, usage: usage)
            } catch let error as ExplainerError {
                usage.seconds = Date().timeIntervalSince(started)
                lastError = error
                errors.append("attempt \(attempt): \(error.description)")
                // A CPU server that ran out of time will be as slow on a second try.
                if case .timedOut = error { break }
            }
        }
        throw Failure(error: lastError, prompt: compact.system + "\n\n" + compact.user, rawAnswer: lastRaw,
                      errors: errors, usage: usage)
    }

    /// The draft a model's answer (`choices[0].message.content`) makes for `context`: its claims (and answer)
    /// with references filled in, and the template's "does not mean", next-step, urgent and "cannot tell you"
    /// lines. The same function serves the backend, `vigil bench explain` and the audit of labelled answers.
    /// - Throws: ``ExplainerError/invalidAnswer(_:)`` when the answer is not the JSON asked for.
    public static func draft(fromAnswer content: String, context: ExplanationContext) throws -> DraftAnswer {
        try draft(fromAnswer: content, context: context, compact: CompactPrompt(context: context),
                  template: TemplateBackend().compose(context))
    }

    static func draft(fromAnswer content: String, context: ExplanationContext, compact: CompactPrompt,
                      template: DraftAnswer) throws -> DraftAnswer
    {
        let answer = try decodeAnswer(content)
        var draft = template
        draft.claims = []
        for c in answer.claims {
            let claim = Claim(text: compact.fill(c.text), codes: c.codes, measurements: c.measurements)
            // A small model repeats itself: a claim with the text of an earlier one adds only its citations.
            if let i = draft.claims.firstIndex(where: { $0.text == claim.text }) {
                draft.claims[i].codes = (draft.claims[i].codes + claim.codes).uniqued()
                draft.claims[i].measurements = (draft.claims[i].measurements + claim.measurements).uniqued()
            } else {
                draft.claims.append(claim)
            }
        }
        // What could not be checked is said in the knowledge base's words, like the "does not mean" and next-step
        // lines: the model may cite an abstention itself; one it leaves out is added from the template answer.
        let cited = Set(draft.claims.flatMap(\.codes))
        for t in template.claims where !t.codes.isEmpty && t.codes.allSatisfy({ $0.hasPrefix("abstention:") })
            && !t.codes.contains(where: cited.contains)
        {
            draft.claims.append(t)
        }
        if context.question?.answerable == true {
            draft.answer = answer.answer.map(compact.fill) ?? template.answer
            draft.cannotAnswer = nil
        }
        return draft
    }

    var endpoint: URL { configuration.baseURL.appendingPathComponent("chat/completions") }

    /// Whether an error response says the model's output could not be parsed into the asked-for format:
    /// llama.cpp's server answers HTTP 500 "The model produced output that does not match the expected …
    /// format" (common/chat.cpp, llama.cpp b7xxx–11434) when a grammar-constrained answer is cut off at
    /// `max_tokens`. That is an invalid answer, not a server fault.
    static func isUnparsableAnswer(status: Int, body: String) -> Bool {
        status == 500 && body.contains("produced output that does not match the expected")
    }

    /// The request body: temperature 0, a fixed seed and `cache_prompt: false` (llama.cpp: a reused prompt
    /// cache can change the answer at temperature 0), `max_tokens`, and the compact prompt's JSON schema as
    /// `response_format`.
    func requestBody(_ prompt: CompactPrompt) throws -> Data {
        let body: [String: Any] = [
            "model": configuration.model,
            "temperature": 0,
            "seed": configuration.seed,
            "cache_prompt": false,
            "max_tokens": configuration.maxTokens,
            "messages": [
                ["role": "system", "content": prompt.system],
                ["role": "user", "content": prompt.user],
            ],
            "response_format": [
                "type": "json_schema",
                "json_schema": ["name": "vigil_explanation", "strict": true, "schema": prompt.schema] as [String: Any],
            ] as [String: Any],
        ]
        return try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    // MARK: Answer

    /// `choices[0].message.content` of a chat-completions response, and `usage`'s token counts.
    static func messageContent(_ data: Data) throws -> (String, (prompt: Int?, completion: Int?)) {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ExplainerError.invalidAnswer("the server's response is not JSON: \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        guard let choices = object["choices"] as? [[String: Any]], let first = choices.first,
              let message = first["message"] as? [String: Any], let content = message["content"] as? String
        else {
            throw ExplainerError.invalidAnswer("the response has no choices[0].message.content")
        }
        let usage = object["usage"] as? [String: Any]
        return (content, (usage?["prompt_tokens"] as? Int, usage?["completion_tokens"] as? Int))
    }

    /// What the model writes (``CompactPrompt/schema``): claims and, when asked, the answer.
    struct ModelAnswer: Decodable {
        var claims: [Claim]
        var answer: String?
    }

    /// Decodes the model's JSON answer (tolerating a Markdown code fence around it).
    static func decodeAnswer(_ content: String) throws -> ModelAnswer {
        var text = content.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("```") {
            text = text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
            if let end = text.range(of: "```", options: .backwards) { text = String(text[..<end.lowerBound]) }
        }
        do {
            return try JSONDecoder().decode(ModelAnswer.self, from: Data(text.utf8))
        } catch let error as DecodingError {
            throw ExplainerError.invalidAnswer("the model's answer is not the JSON asked for: \(VigilJSON.describe(error))")
        } catch {
            throw ExplainerError.invalidAnswer("the model's answer is not JSON: \(error)")
        }
    }

    // MARK: HTTP

    /// POSTs `body` to the chat-completions endpoint with AsyncHTTPClient (swift-nio). Not Foundation's
    /// URLSession: on Linux (swift-corelibs-foundation, libcurl) it polls while it waits for a slow answer,
    /// measured here at ~0.8 of a core for the whole minute a CPU model server takes to answer; on a 2-core
    /// machine that halved the model's speed (3.7 instead of 10.8 tokens/s). The task group enforces
    /// `timeoutSeconds` on the whole exchange, body included.
    private func post(_ body: Data) async throws -> (Int, Data) {
        var request = HTTPClientRequest(url: endpoint.absoluteString)
        request.method = .POST
        request.body = .bytes(ByteBuffer(bytes: body))
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        if let key = ProcessInfo.processInfo.environment[configuration.apiKeyVariable], !key.isEmpty {
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
        }
        let timeout = configuration.timeoutSeconds
        let url = endpoint.absoluteString
        let sendable = request
        return try await withThrowingTaskGroup(of: (Int, Data).self) { group in
            group.addTask {
                let response = try await Self.client.execute(sendable, timeout: .milliseconds(Int64(timeout * 1000) + 1000))
                let buffer = try await response.body.collect(upTo: Self.maxResponseBytes)
                return (Int(response.status.code), Data(buffer.readableBytesView))
            }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
                throw ExplainerError.timedOut("\(url): timed out after \(timeout) s")
            }
            defer { group.cancelAll() }
            do {
                guard let first = try await group.next() else { throw ExplainerError.server("\(url): no response") }
                return first
            } catch let error as ExplainerError {
                throw error
            } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
                throw ExplainerError.timedOut("\(url): timed out after \(timeout) s")
            } catch is NIOConnectionError {
                throw ExplainerError.server("\(url): cannot connect (is the server running?)")
            } catch let error as IOError where [ECONNREFUSED, ECONNRESET, EPIPE].contains(error.errnoCode) {
                throw ExplainerError.server("\(url): cannot connect (is the server running?)")
            } catch let error as HTTPClientError where error == .connectTimeout || error == .remoteConnectionClosed {
                throw ExplainerError.server("\(url): cannot connect (is the server running?)")
            } catch {
                throw ExplainerError.server("\(url): \(error)")
            }
        }
    }

    /// The largest response body read (a chat completion is a few kB).
    static let maxResponseBytes = 4 << 20

    /// One client for the process (never shut down; it lives as long as the process). A server that refuses the
    /// connection fails at once: AsyncHTTPClient's default retries connecting until the deadline, which would
    /// turn "the server is down" into a timeout after `timeoutSeconds`.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
