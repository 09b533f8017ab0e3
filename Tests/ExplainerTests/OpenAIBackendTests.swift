import DetectorKit
import Foundation
import Testing
@testable import Explainer

/// The `openai` backend against ``ScriptedChatServer``, a loopback stand-in for a real model that returns
/// scripted answers. Every request is bounded: short timeouts, at most 2 attempts.
@Suite(.serialized) struct OpenAIBackendTests {
    /// A faithful clinician answer for the "afib" scenario, as a model would return it.
    static let faithfulAnswer: String = {
        let draft = DraftAnswer(
            claims: [
                Claim(text: "Atrial fibrillation was flagged with a calibrated probability of 0.91 against an operating threshold of 0.42; the ventricular rate was 112 /min.",
                      codes: ["ecg.cnn.afib"], measurements: ["ventricularRate"]),
                Claim(text: "Left bundle branch block was not flagged (probability 0.04).", codes: ["ecg.cnn.lbbb"]),
            ],
            doesNotMean: ["A flag from an automated reading is not a diagnosis until a clinician confirms it on the tracing."],
            nextSteps: ["Review the 12-lead ECG; Holter monitoring if it is intermittent."])
        return String(decoding: try! JSONEncoder().encode(draft), as: UTF8.self)
    }()

    static func request(_ server: URL, timeout: Double = 3, attempts: Int = 2, keyVariable: String = "VIGIL_TEST_UNSET_KEY")
        throws -> ExplanationRequest
    {
        var request = try Fixtures.request("afib", .clinician)
        request.backend = .openai
        request.openAI = OpenAIConfiguration(baseURL: server, model: "stand-in-model", apiKeyVariable: keyVariable,
                                             timeoutSeconds: timeout, maxAttempts: attempts, retryDelaySeconds: 0.05)
        return request
    }

    @Test func roundTripsAgainstTheLocalStandInServer() async throws {
        let server = try ScriptedChatServer([.content(Self.faithfulAnswer)])
        defer { server.stop() }
        setenv("VIGIL_TEST_OPENAI_KEY", "test-secret", 1)
        let explanation = await Explainer.explain(try Self.request(server.baseURL, keyVariable: "VIGIL_TEST_OPENAI_KEY"))
        #expect(explanation.backend.used == .openai)
        #expect(explanation.backend.model == "stand-in-model")
        #expect(explanation.backend.fallbackReason == nil)
        #expect(explanation.claims.first?.codes == ["ecg.cnn.afib"])
        #expect(explanation.audit.checker?.passed == true)
        #expect(explanation.audit.rawAnswer == Self.faithfulAnswer)
        #expect(explanation.text.contains("Backend: openai (model stand-in-model), checked by the claim checker."))

        let sent = try #require(server.requests.first)
        #expect(server.requests.count == 1)
        #expect(sent.head.hasPrefix("POST /v1/chat/completions HTTP/1.1"))
        #expect(sent.head.contains("Authorization: Bearer test-secret"))
        let body = try #require(JSONSerialization.jsonObject(with: Data(sent.body.utf8)) as? [String: Any])
        #expect(body["model"] as? String == "stand-in-model")
        let format = try #require(body["response_format"] as? [String: Any])
        #expect(format["type"] as? String == "json_schema")
        let messages = try #require(body["messages"] as? [[String: String]])
        #expect(messages.map { $0["role"] } == ["system", "user"])
        #expect(messages[0]["content"]?.contains("Use ONLY the findings") == true)
        let user = try #require(messages[1]["content"])
        #expect(user.contains("\"ecg.cnn.afib\"") && user.contains("modelLimits") && user.contains("knowledgeEntries"))
        #expect(explanation.audit.prompt == user)
    }

    @Test func aServerThatIsDownFallsBackToTheTemplateAndSaysSo() async throws {
        let url = URL(string: "http://127.0.0.1:\(ScriptedChatServer.closedPort())/v1")!
        let start = Date()
        let explanation = await Explainer.explain(try Self.request(url, timeout: 2))
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(explanation.backend.used == .template)
        #expect(explanation.backend.requested == .openai)
        let reason = try #require(explanation.backend.fallbackReason)
        #expect(reason.contains("the openai backend failed") && reason.contains("template answer is shown instead"))
        #expect(explanation.audit.errors.count == 2, "\(explanation.audit.errors)")
        #expect(explanation.text.contains("Note: the openai backend failed"))
        let template = await Explainer.explain(try Fixtures.request("afib", .clinician))
        #expect(explanation.claims == template.claims)
    }

    @Test func aSlowServerTimesOutWithinTheBound() async throws {
        let server = try ScriptedChatServer([.delayed(5, .content(Self.faithfulAnswer))])
        defer { server.stop() }
        let start = Date()
        let explanation = await Explainer.explain(try Self.request(server.baseURL, timeout: 0.5))
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed < 4 && elapsed >= 0.5, "took \(elapsed) s")
        #expect(explanation.backend.used == .template)
        #expect(explanation.backend.fallbackReason?.contains("timed out") == true, "\(explanation.backend.fallbackReason ?? "")")
    }

    @Test func invalidJSONIsRetriedOnceThenFallsBack() async throws {
        let server = try ScriptedChatServer([.content("Sure! Here is your explanation: the heart is fine.")])
        defer { server.stop() }
        let explanation = await Explainer.explain(try Self.request(server.baseURL))
        #expect(explanation.backend.used == .template)
        #expect(explanation.backend.fallbackReason?.contains("not the JSON asked for") == true, "\(explanation.backend.fallbackReason ?? "")")
        #expect(server.requests.count == 2)
        #expect(explanation.audit.rawAnswer == "Sure! Here is your explanation: the heart is fine.")
    }

    @Test func aResponseThatIsNotChatCompletionsJSONFallsBack() async throws {
        let server = try ScriptedChatServer([.raw(status: 200, body: "<html>proxy error</html>")])
        defer { server.stop() }
        let explanation = await Explainer.explain(try Self.request(server.baseURL, attempts: 1))
        #expect(explanation.backend.used == .template)
        #expect(explanation.backend.fallbackReason?.contains("response is not JSON") == true)
        #expect(server.requests.count == 1)
    }

    @Test func aServerErrorIsRetriedAndTheSecondAnswerUsed() async throws {
        let server = try ScriptedChatServer([.raw(status: 503, body: "{\"error\": \"loading model\"}"), .content(Self.faithfulAnswer)])
        defer { server.stop() }
        let explanation = await Explainer.explain(try Self.request(server.baseURL))
        #expect(explanation.backend.used == .openai)
        #expect(server.requests.count == 2)
        #expect(explanation.audit.errors.count == 1)
        #expect(explanation.audit.errors.first?.contains("HTTP 503") == true)
    }

    @Test func aClientErrorIsNotRetried() async throws {
        let server = try ScriptedChatServer([.raw(status: 404, body: "{\"error\": \"model not found\"}")])
        defer { server.stop() }
        let explanation = await Explainer.explain(try Self.request(server.baseURL))
        #expect(explanation.backend.used == .template)
        #expect(server.requests.count == 1)
        #expect(explanation.backend.fallbackReason?.contains("HTTP 404") == true)
    }

    @Test func anAnswerThatFailsTheCheckerIsReplacedAndTheFailureRecorded() async throws {
        let bad = DraftAnswer(
            claims: [Claim(text: "The patient has atrial fibrillation; start apixaban 5 mg twice daily.", codes: ["ecg.cnn.afib"])],
            doesNotMean: [], nextSteps: [])
        let server = try ScriptedChatServer([.content(String(decoding: try JSONEncoder().encode(bad), as: UTF8.self))])
        defer { server.stop() }
        let explanation = await Explainer.explain(try Self.request(server.baseURL))
        #expect(explanation.backend.used == .template)
        let verdict = try #require(explanation.audit.checker)
        #expect(!verdict.passed)
        let rules = Set(verdict.failures.map(\.rule))
        #expect(rules.isSuperset(of: ["certainty", "treatment"]), "\(verdict.failures)")
        #expect(explanation.backend.fallbackReason?.contains("failed the claim checker") == true)
        #expect(!explanation.text.contains("apixaban"))
        #expect(server.requests.count == 1)
    }

    @Test func anUnconfiguredOpenAIBackendFallsBack() async throws {
        var request = try Fixtures.request("afib", .patient)
        request.backend = .openai
        let explanation = await Explainer.explain(request)
        #expect(explanation.backend.used == .template)
        #expect(explanation.backend.fallbackReason?.contains("not configured") == true)
    }

    @Test func configurationFromTheEnvironment() {
        #expect(OpenAIConfiguration.fromEnvironment([:]) == nil)
        let c = OpenAIConfiguration.fromEnvironment(["VIGIL_OPENAI_MODEL": "llama", "VIGIL_OPENAI_TIMEOUT": "5"])
        #expect(c?.baseURL.absoluteString == "http://127.0.0.1:8080/v1")
        #expect(c?.timeoutSeconds == 5)
        #expect(c?.maxAttempts == 2)
        #expect(OpenAIConfiguration(baseURL: URL(string: "http://x/v1")!, model: "m", maxAttempts: 99).maxAttempts == 3)
    }
}
