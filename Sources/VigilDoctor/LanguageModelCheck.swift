import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The OpenAI-compatible language-model server the explainer's `openai` backend would use
/// (`VIGIL_OPENAI_BASE_URL`, default `http://127.0.0.1:8080/v1`, with `VIGIL_OPENAI_MODEL`): reachable
/// (`GET /models`), the model served, and a 1-token chat completion — each with a short timeout.
enum LanguageModelCheck {
    static let area = "language model"

    static func run(_ setup: DoctorSetup) async -> [DoctorCheck] {
        let env = setup.environment
        let rawBase = env["VIGIL_OPENAI_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        let model = env["VIGIL_OPENAI_MODEL"].flatMap { $0.isEmpty ? nil : $0 }
        guard rawBase != nil || model != nil else {
            return [DoctorCheck(area, .ok, "not configured: explanations use the template backend (grounded, no server needed)",
                                fix: nil)]
        }
        let baseText = rawBase ?? "http://127.0.0.1:8080/v1"
        guard let base = URL(string: baseText), let scheme = base.scheme?.lowercased(), ["http", "https"].contains(scheme), base.host != nil else {
            return [DoctorCheck(area, .error, "VIGIL_OPENAI_BASE_URL='\(baseText.prefix(80))' is not an http(s) URL",
                                fix: "set it to the server's OpenAI-compatible root, e.g. http://127.0.0.1:8080/v1 (llama.cpp) or http://127.0.0.1:11434/v1 (Ollama)")]
        }
        let shown = redacted(base)
        let key = env["VIGIL_OPENAI_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        let timeout = setup.languageModelTimeoutSeconds
        var checks: [DoctorCheck] = []

        // 1. Reachable: the model list.
        let started = Date()
        let served: [String]
        switch await HTTPProbe.send(base.appendingPathComponent("models"), body: nil, apiKey: key, timeout: timeout) {
        case let .failure(problem):
            return [DoctorCheck(area, .error, "\(shown): \(problem.description)",
                                fix: problem.isConnection
                                    ? "start the server (e.g. llama-server -m MODEL.gguf --port 8080), correct VIGIL_OPENAI_BASE_URL, or unset it and VIGIL_OPENAI_MODEL to use the template backend"
                                    : "check the server's log; VIGIL_OPENAI_BASE_URL must be the OpenAI-compatible root (ending in /v1 for llama.cpp and Ollama)")]
        case let .success((status, data)):
            let seconds = Date().timeIntervalSince(started)
            if status == 401 || status == 403 {
                return [DoctorCheck(area, .error, "\(shown): reachable, but refuses the request (HTTP \(status))",
                                    fix: key == nil ? "set VIGIL_OPENAI_API_KEY to the server's key" : "check VIGIL_OPENAI_API_KEY")]
            }
            served = status == 200 ? modelIDs(data) : []
            checks.append(DoctorCheck(area, .ok, "\(shown): reachable (GET /models: HTTP \(status) in \(String(format: "%.2f", seconds)) s)"
                + (served.isEmpty ? "" : "; serves " + served.prefix(5).joined(separator: ", ") + (served.count > 5 ? ", …" : ""))))
        }

        // 2. The model name.
        guard let model else {
            checks.append(DoctorCheck(area, .warning, "VIGIL_OPENAI_MODEL is not set: the openai backend stays off",
                                      fix: "set VIGIL_OPENAI_MODEL" + (served.first.map { "=\($0)" } ?? " to the model the server serves")))
            return checks
        }
        if !served.isEmpty && !served.contains(model) {
            checks.append(DoctorCheck(area, .warning, "model '\(model)' is not in the server's list (\(served.prefix(5).joined(separator: ", ")))",
                                      fix: "set VIGIL_OPENAI_MODEL to one of them (llama.cpp answers with its one model whatever the name; Ollama needs the exact name)"))
        }

        // 3. A 1-token round trip.
        let body: [String: Any] = [
            "model": model, "max_tokens": 1, "temperature": 0,
            "messages": [["role": "user", "content": "Reply with the word OK."]],
        ]
        let payload = (try? JSONSerialization.data(withJSONObject: body)) ?? Data()
        let t0 = Date()
        switch await HTTPProbe.send(base.appendingPathComponent("chat/completions"), body: payload, apiKey: key, timeout: timeout) {
        case let .failure(problem):
            checks.append(DoctorCheck(area, .error, "model '\(model)': a 1-token chat completion failed: \(problem.description)",
                                      fix: "check the server's log; the server must be OpenAI-compatible (POST /chat/completions)"))
        case let .success((status, data)):
            let seconds = Date().timeIntervalSince(t0)
            guard status == 200, let answer = completion(data) else {
                let detail = status == 200 ? "the answer has no choices[0].message" : "HTTP \(status)"
                checks.append(DoctorCheck(area, .error, "model '\(model)': a 1-token chat completion failed (\(detail))",
                                          fix: "check VIGIL_OPENAI_MODEL and the server's log"))
                return checks
            }
            checks.append(DoctorCheck(area, .ok, "model '\(answer.model ?? model)': a 1-token chat completion answered in \(String(format: "%.2f", seconds)) s"
                + (answer.tokens.map { " (\($0) completion token\($0 == 1 ? "" : "s"))" } ?? "")
                + "; every answer still passes the claim checker"))
        }
        return checks
    }

    /// The URL without user or password.
    static func redacted(_ url: URL) -> String {
        guard var c = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return url.absoluteString }
        c.user = nil
        c.password = nil
        c.query = nil
        return c.string ?? url.absoluteString
    }

    /// `data[].id` of an OpenAI `/models` answer.
    static func modelIDs(_ data: Data) -> [String] {
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let list = json["data"] as? [[String: Any]] else { return [] }
        return list.compactMap { $0["id"] as? String }
    }

    /// The model name and completion token count of a chat completion, when it has a first choice with a message.
    static func completion(_ data: Data) -> (model: String?, tokens: Int?)? {
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let choices = json["choices"] as? [[String: Any]], let first = choices.first,
              first["message"] is [String: Any] else { return nil }
        let usage = json["usage"] as? [String: Any]
        return (json["model"] as? String, usage?["completion_tokens"] as? Int)
    }
}

/// Why a probe got no HTTP answer.
struct ProbeProblem: Error, Sendable, CustomStringConvertible {
    let description: String
    /// The server could not be reached at all (refused, no such host, timed out).
    let isConnection: Bool
}

/// One HTTP request with a hard timeout (GET without a body, POST with one).
enum HTTPProbe {
    static func send(_ url: URL, body: Data?, apiKey: String?, timeout: Double) async -> Result<(Int, Data), ProbeProblem> {
        var request = URLRequest(url: url)
        request.httpMethod = body == nil ? "GET" : "POST"
        request.httpBody = body
        request.timeoutInterval = timeout.rounded(.up) + 1
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        if let apiKey { request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout.rounded(.up) + 1
        configuration.timeoutIntervalForResource = timeout.rounded(.up) + 1
        let session = URLSession(configuration: configuration)
        defer { session.invalidateAndCancel() }
        let holder = DataTaskHolder()
        let seconds = String(format: "%g", timeout)
        let prepared = request
        return await withTaskGroup(of: Result<(Int, Data), ProbeProblem>.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let task = session.dataTask(with: prepared) { data, response, error in
                        if let error {
                            let ns = error as NSError
                            let problem: ProbeProblem
                            switch ns.code {
                            case NSURLErrorCannotConnectToHost, NSURLErrorNetworkConnectionLost:
                                problem = ProbeProblem(description: "cannot connect (connection refused: is the server running?)", isConnection: true)
                            case NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed:
                                problem = ProbeProblem(description: "no such host", isConnection: true)
                            case NSURLErrorTimedOut:
                                problem = ProbeProblem(description: "no answer within \(seconds) s", isConnection: true)
                            case NSURLErrorCancelled:
                                problem = ProbeProblem(description: "no answer within \(seconds) s", isConnection: true)
                            default:
                                problem = ProbeProblem(description: ns.localizedDescription, isConnection: true)
                            }
                            continuation.resume(returning: .failure(problem))
                            return
                        }
                        continuation.resume(returning: .success(((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data())))
                    }
                    holder.set(task)
                    task.resume()
                }
            }
            group.addTask {
                try? await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
                return .failure(ProbeProblem(description: "no answer within \(seconds) s", isConnection: true))
            }
            let first = await group.next() ?? .failure(ProbeProblem(description: "no answer", isConnection: true))
            holder.cancel()
            group.cancelAll()
            return first
        }
    }
}

/// Lets the timeout cancel a data task started in another child task.
private final class DataTaskHolder: @unchecked Sendable {
    private let lock = NSLock()
    private var task: URLSessionDataTask?
    private var cancelled = false

    func set(_ task: URLSessionDataTask) {
        lock.lock()
        self.task = task
        let cancelNow = cancelled
        lock.unlock()
        if cancelNow { task.cancel() }
    }

    func cancel() {
        lock.lock()
        cancelled = true
        let task = self.task
        lock.unlock()
        task?.cancel()
    }
}
