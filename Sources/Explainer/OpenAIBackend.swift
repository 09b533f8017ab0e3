import DetectorKit
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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

    /// Creates a configuration.
    public init(baseURL: URL, model: String, apiKeyVariable: String = "VIGIL_OPENAI_API_KEY",
                timeoutSeconds: Double = 60, maxAttempts: Int = 2, retryDelaySeconds: Double = 0.5)
    {
        self.baseURL = baseURL
        self.model = model
        self.apiKeyVariable = apiKeyVariable
        self.timeoutSeconds = max(0.05, timeoutSeconds)
        self.maxAttempts = min(3, max(1, maxAttempts))
        self.retryDelaySeconds = max(0, retryDelaySeconds)
    }

    /// From the environment: `VIGIL_OPENAI_BASE_URL` (default `http://127.0.0.1:8080/v1`),
    /// `VIGIL_OPENAI_MODEL` (required), `VIGIL_OPENAI_TIMEOUT` (seconds, default 60); the key is read from
    /// `VIGIL_OPENAI_API_KEY` at request time. Nil when no model is named.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        -> OpenAIConfiguration?
    {
        guard let model = environment["VIGIL_OPENAI_MODEL"], !model.isEmpty,
              let url = URL(string: environment["VIGIL_OPENAI_BASE_URL"] ?? "http://127.0.0.1:8080/v1")
        else { return nil }
        let timeout = environment["VIGIL_OPENAI_TIMEOUT"].flatMap(Double.init) ?? 60
        return OpenAIConfiguration(baseURL: url, model: model, timeoutSeconds: timeout)
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
        /// ``error``'s description.
        public var description: String { error.description }
    }

    /// Sends the prompt, retrying as configured, and decodes the answer.
    public func draft(for context: ExplanationContext) async throws -> BackendDraft {
        let prompt = Self.prompt(for: context)
        let body = try requestBody(prompt: prompt)
        var errors: [String] = []
        var lastRaw: String?
        var lastError = ExplainerError.server("no attempt made")
        for attempt in 1...configuration.maxAttempts {
            if attempt > 1, configuration.retryDelaySeconds > 0 {
                try? await Task.sleep(nanoseconds: UInt64(configuration.retryDelaySeconds * 1e9))
            }
            do {
                let (status, data) = try await post(body)
                let text = String(decoding: data, as: UTF8.self)
                guard (200..<300).contains(status) else {
                    lastRaw = text
                    lastError = .server("HTTP \(status) from \(endpoint.absoluteString): \(text.prefix(200))")
                    errors.append("attempt \(attempt): \(lastError.description)")
                    if status == 429 || status >= 500 { continue }
                    break
                }
                let content = try Self.messageContent(data)
                lastRaw = content
                let draft = try Self.decodeDraft(content)
                return BackendDraft(draft: draft, prompt: prompt.user, rawAnswer: content, model: configuration.model,
                                    errors: errors)
            } catch let error as ExplainerError {
                lastError = error
                errors.append("attempt \(attempt): \(error.description)")
            }
        }
        throw Failure(error: lastError, prompt: prompt.user, rawAnswer: lastRaw, errors: errors)
    }

    var endpoint: URL { configuration.baseURL.appendingPathComponent("chat/completions") }

    // MARK: Prompt

    /// The system and user messages for `context`.
    public static func prompt(for context: ExplanationContext) -> (system: String, user: String) {
        let request = context.request
        let audience = request.audience
        let system = """
            You explain the results of Vigil's disease-detection models to a \(audience == .patient ? "patient" : "clinician"). \
            Vigil is research software, not a medical device. Rules, all strict:
            1. Use ONLY the findings, model limits and knowledge entries given. Add no facts, conditions or numbers of your own.
            2. Every number you write must appear in the findings, model limits or knowledge entries (you may round, write a probability as a percentage, or ms as s).
            3. Name only conditions that are findings or that the knowledge entries list as terms.
            4. A flag is not a diagnosis. Never write "you have", "confirms", "diagnosed", "definitely" or "rules out". \
            Probability words must fit the calibrated probability: "very likely" only at 0.8 or above, "likely" at 0.5 or above, "unlikely" below 0.5. \
            Never call a result normal unless it is the normal-rhythm finding.
            5. Report every positive finding. Report every abstention as a test that could not be checked, with its reason.
            6. If a finding calls for emergency care, put the urgent line in "urgent".
            7. No medicines, doses, or treatment orders. Next steps: \(audience == .patient ? "\"Please talk about this result with your clinician.\" and the entries' next steps" : "the entries' confirmatory tests and next steps").
            8. \(audience == .patient ? "Write for a patient at an 8th-grade reading level: short sentences, plain words, no statistics terms (no PPV, NPV, threshold, sensitivity)." : "Write concisely for a clinician; give probabilities, operating thresholds and PPV/NPV where given. Do not address the patient.")
            9. If the question cannot be answered from the findings, set "answer" to null and "cannotAnswer" to "This result cannot tell you that." followed by the reason. Otherwise answer it in "answer" and set "cannotAnswer" to null.
            10. In each claim, list the finding codes ("abstention:<reason>" for an abstention) and measurement names it rests on.
            Reply with JSON only, matching the schema.
            """
        var payload: [String: Any] = [
            "audience": audience.rawValue,
            "findings": (try? JSONSerialization.jsonObject(with: VigilJSON.encode(request.outcomes))) ?? [],
            "modelLimits": Explainer.modelLimits(request),
        ]
        var entries: [[String: Any]] = []
        for entry in context.entries + (context.question?.entry.map { [$0] } ?? []) where !entries.contains(where: { $0["id"] as? String == entry.id }) {
            let v = entry.voice(audience)
            var e: [String: Any] = [
                "id": entry.id, "codes": entry.codes, "reasons": entry.reasons, "terms": entry.terms,
                "name": v.name, "whatItIs": v.whatItIs, "whatNext": v.whatNext, "notMeaning": v.notMeaning,
                "sources": entry.sources, "normalResult": entry.normal, "urgentWhenPositive": entry.urgentWhenPositive,
            ]
            if let x = v.positive { e["positiveSentence"] = x }
            if let x = v.negative { e["negativeSentence"] = x }
            if let x = v.howConfirmed { e["howConfirmed"] = x }
            if let x = v.urgent { e["urgentLine"] = x }
            entries.append(e)
        }
        payload["knowledgeEntries"] = entries
        var predictive: [[String: Any]] = []
        for f in request.findings {
            if let pv = request.outputLabel(for: f)?.predictiveValues {
                predictive.append(["code": f.code, "ppv": pv.ppv, "npv": pv.npv, "prevalence": pv.prevalence])
            }
        }
        payload["predictiveValues"] = predictive
        if let q = context.question {
            payload["question"] = q.question
            payload["questionCanBeAnswered"] = q.answerable
            if !q.answerable { payload["cannotAnswerReason"] = q.reason(audience) }
        }
        let data = (try? JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys, .prettyPrinted,
                                                                                    .withoutEscapingSlashes])) ?? Data()
        return (system, String(decoding: data, as: UTF8.self))
    }

    /// The JSON schema of the answer (``DraftAnswer``), sent as `response_format`.
    public static var answerSchema: [String: Any] {
        let strings: [String: Any] = ["type": "array", "items": ["type": "string"]]
        let nullableString: [String: Any] = ["type": ["string", "null"]]
        return [
            "type": "object",
            "additionalProperties": false,
            "required": ["claims", "doesNotMean", "nextSteps", "urgent", "answer", "cannotAnswer"],
            "properties": [
                "claims": [
                    "type": "array",
                    "items": [
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["text", "codes", "measurements"],
                        "properties": ["text": ["type": "string"], "codes": strings, "measurements": strings],
                    ] as [String: Any],
                ] as [String: Any],
                "doesNotMean": strings,
                "nextSteps": strings,
                "urgent": nullableString,
                "answer": nullableString,
                "cannotAnswer": nullableString,
            ] as [String: Any],
        ]
    }

    func requestBody(prompt: (system: String, user: String)) throws -> Data {
        let body: [String: Any] = [
            "model": configuration.model,
            "temperature": 0,
            "messages": [
                ["role": "system", "content": prompt.system],
                ["role": "user", "content": prompt.user],
            ],
            "response_format": [
                "type": "json_schema",
                "json_schema": ["name": "vigil_explanation", "strict": true, "schema": Self.answerSchema] as [String: Any],
            ] as [String: Any],
        ]
        return try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    // MARK: Answer

    /// `choices[0].message.content` of a chat-completions response.
    static func messageContent(_ data: Data) throws -> String {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ExplainerError.invalidAnswer("the server's response is not JSON: \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        guard let choices = object["choices"] as? [[String: Any]], let first = choices.first,
              let message = first["message"] as? [String: Any], let content = message["content"] as? String
        else {
            throw ExplainerError.invalidAnswer("the response has no choices[0].message.content")
        }
        return content
    }

    /// Decodes the model's JSON answer (tolerating a Markdown code fence around it).
    static func decodeDraft(_ content: String) throws -> DraftAnswer {
        var text = content.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("```") {
            text = text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
            if let end = text.range(of: "```", options: .backwards) { text = String(text[..<end.lowerBound]) }
        }
        do {
            return try JSONDecoder().decode(DraftAnswer.self, from: Data(text.utf8))
        } catch let error as DecodingError {
            throw ExplainerError.invalidAnswer("the model's answer is not the JSON asked for: \(VigilJSON.describe(error))")
        } catch {
            throw ExplainerError.invalidAnswer("the model's answer is not JSON: \(error)")
        }
    }

    // MARK: HTTP

    private func post(_ body: Data) async throws -> (Int, Data) {
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.httpBody = body
        // URLSession's own timeout is a backstop only (on Linux it is whole seconds); the task group below
        // enforces `timeoutSeconds` exactly.
        request.timeoutInterval = configuration.timeoutSeconds.rounded(.up) + 1
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let key = ProcessInfo.processInfo.environment[configuration.apiKeyVariable], !key.isEmpty {
            request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        }
        let timeout = configuration.timeoutSeconds
        let url = endpoint.absoluteString
        let urlRequest = request
        let session = Self.session(timeout: timeout)
        defer { session.finishTasksAndInvalidate() }
        let box = TaskBox()
        return try await withThrowingTaskGroup(of: (Int, Data).self) { group in
            group.addTask {
                try await withTaskCancellationHandler {
                    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Int, Data), any Error>) in
                        let task = session.dataTask(with: urlRequest) { data, response, error in
                            if let error {
                                let ns = error as NSError
                                let reason = ns.code == NSURLErrorTimedOut ? "timed out after \(timeout) s"
                                    : ns.code == NSURLErrorCannotConnectToHost || ns.code == NSURLErrorNetworkConnectionLost
                                    ? "cannot connect (is the server running?)" : ns.localizedDescription
                                continuation.resume(throwing: ExplainerError.server("\(url): \(reason)"))
                                return
                            }
                            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                            continuation.resume(returning: (status, data ?? Data()))
                        }
                        box.set(task)
                        task.resume()
                    }
                } onCancel: {
                    box.cancel()
                }
            }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
                throw ExplainerError.server("\(url): timed out after \(timeout) s")
            }
            defer { group.cancelAll() }
            do {
                guard let first = try await group.next() else { throw ExplainerError.server("\(url): no response") }
                return first
            } catch let error as ExplainerError {
                throw error
            } catch {
                throw ExplainerError.server("\(url): \(error.localizedDescription)")
            }
        }
    }

    private static func session(timeout: Double) -> URLSession {
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = timeout.rounded(.up) + 1
        config.timeoutIntervalForResource = timeout.rounded(.up) + 1
        config.httpMaximumConnectionsPerHost = 1
        return URLSession(configuration: config)
    }
}

/// Holds a data task so that cancellation can reach it from another task.
private final class TaskBox: @unchecked Sendable {
    private let lock = NSLock()
    private var task: URLSessionDataTask?
    private var cancelled = false

    func set(_ task: URLSessionDataTask) {
        lock.lock()
        self.task = task
        let cancel = cancelled
        lock.unlock()
        if cancel { task.cancel() }
    }

    func cancel() {
        lock.lock()
        cancelled = true
        let task = self.task
        lock.unlock()
        task?.cancel()
    }
}
