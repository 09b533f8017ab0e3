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
        #expect(messages[0]["content"]?.contains("Use only the facts given") == true)
        let user = try #require(messages[1]["content"])
        #expect(user.contains("code ecg.cnn.afib") && user.contains("APPROVED SENTENCES") && user.contains("{ventricularRate}"))
        #expect(explanation.audit.prompt?.hasSuffix(user) == true)
        // Repeatable answers: temperature 0, a fixed seed, no prompt cache; a bounded answer length.
        #expect(body["temperature"] as? Int == 0 && body["seed"] as? Int == 7)
        #expect(body["cache_prompt"] as? Bool == false && body["max_tokens"] as? Int == 600)
        // The schema lists the codes present as an enum and forbids digits in the text.
        let schema = try #require((format["json_schema"] as? [String: Any])?["schema"] as? [String: Any])
        let claim = try #require((((schema["properties"] as? [String: Any])?["claims"] as? [String: Any])?["items"] as? [String: Any])?["properties"] as? [String: Any])
        let codeEnum = try #require(((claim["codes"] as? [String: Any])?["items"] as? [String: Any])?["enum"] as? [String])
        #expect(Set(codeEnum) == ["ecg.cnn.afib", "ecg.cnn.lbbb"], "\(codeEnum)")
        #expect((claim["text"] as? [String: Any])?["pattern"] as? String == #"^[^0-9"\\\x00-\x1F]{1,320}$"#)
    }

    @Test func aServerThatIsDownFallsBackToTheTemplateAndSaysSo() async throws {
        let url = URL(string: "http://127.0.0.1:\(ScriptedChatServer.closedPort())/v1")!
        // No wall-clock bound here (a timed unit test fails on a loaded machine): the failure class and the
        // number of attempts say that it gave up on the closed port instead of waiting.
        let explanation = await Explainer.explain(try Self.request(url, timeout: 2))
        #expect(explanation.backend.used == .template)
        #expect(explanation.backend.requested == .openai)
        #expect(explanation.backend.failure == .unreachable)
        #expect(explanation.audit.errors.count == 2, "\(explanation.audit.errors)")
        #expect(explanation.audit.errors.allSatisfy { $0.contains("127.0.0.1") })
        #expect(explanation.text.contains("Note: the AI language model could not give a usable answer"))
        #expect(!explanation.text.contains("127.0.0.1") && !(explanation.backend.fallbackReason ?? "").contains("127.0.0.1"))
        let template = await Explainer.explain(try Fixtures.request("afib", .clinician))
        #expect(explanation.claims == template.claims)
    }

    @Test func aSlowServerTimesOutWithinTheBound() async throws {
        let server = try ScriptedChatServer([.delayed(5, .content(Self.faithfulAnswer))])
        defer { server.stop() }
        let start = Date()
        let explanation = await Explainer.explain(try Self.request(server.baseURL, timeout: 0.5))
        let elapsed = Date().timeIntervalSince(start)
        // Only the lower bound is deterministic; the server answers after 5 s, so `.timeout` below says the
        // 0.5 s bound fired before the answer (no upper wall-clock bound: the machine may be loaded).
        #expect(elapsed >= 0.5, "took \(elapsed) s")
        #expect(explanation.backend.used == .template)
        #expect(explanation.backend.failure == .timeout)
        #expect(explanation.audit.errors.first?.contains("timed out") == true, "\(explanation.audit.errors)")
        // A timed-out CPU server is not asked a second time.
        #expect(explanation.audit.errors.count == 1)
        #expect(explanation.text.contains("did not answer in time") && !explanation.text.contains("127.0.0.1"))
    }

    @Test func invalidJSONIsRetriedOnceThenFallsBack() async throws {
        let server = try ScriptedChatServer([.content("Sure! Here is your explanation: the heart is fine.")])
        defer { server.stop() }
        let explanation = await Explainer.explain(try Self.request(server.baseURL))
        #expect(explanation.backend.used == .template)
        #expect(explanation.backend.failure == .invalidAnswer)
        #expect(explanation.audit.errors.last?.contains("not the JSON asked for") == true, "\(explanation.audit.errors)")
        #expect(server.requests.count == 2)
        #expect(explanation.audit.rawAnswer == "Sure! Here is your explanation: the heart is fine.")
    }

    @Test func aResponseThatIsNotChatCompletionsJSONFallsBack() async throws {
        let server = try ScriptedChatServer([.raw(status: 200, body: "<html>proxy error</html>")])
        defer { server.stop() }
        let explanation = await Explainer.explain(try Self.request(server.baseURL, attempts: 1))
        #expect(explanation.backend.used == .template)
        #expect(explanation.backend.failure == .invalidAnswer)
        #expect(explanation.audit.errors.last?.contains("response is not JSON") == true)
        #expect(!explanation.text.contains("proxy error"))
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
        #expect(explanation.backend.failure == .httpError)
        #expect(explanation.audit.errors.first?.contains("HTTP 404") == true)
    }

    /// llama-server's answer when a grammar-constrained answer was cut off at max_tokens (seen with SmolLM2-135M:
    /// HTTP 500 "The model produced output that does not match the expected peg-native format"): an invalid
    /// answer, not retried (temperature 0 and a fixed seed would write the same answer), nothing internal shown.
    @Test func anAnswerTheServerCouldNotParseIsAnInvalidAnswerNotRetried() async throws {
        let body = #"{"error":{"code":500,"message":"The model produced output that does not match the expected peg-native format","type":"server_error"}}"#
        let server = try ScriptedChatServer([.raw(status: 500, body: body), .content(Self.faithfulAnswer)])
        defer { server.stop() }
        let explanation = await Explainer.explain(try Self.request(server.baseURL))
        #expect(server.requests.count == 1)
        #expect(explanation.backend.used == .template)
        #expect(explanation.backend.failure == .invalidAnswer)
        #expect(explanation.audit.errors.count == 1)
        #expect(explanation.audit.errors.first?.contains("max_tokens") == true, "\(explanation.audit.errors)")
        #expect(!explanation.text.contains("peg-native") && !explanation.text.contains("127.0.0.1"))
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
        #expect(explanation.backend.failure == .checkerRejected)
        #expect(explanation.backend.fallbackReason?.contains("did not pass Vigil's checks") == true)
        #expect(!explanation.text.contains("apixaban"))
        #expect(server.requests.count == 1)
    }

    @Test func anUnconfiguredOpenAIBackendFallsBack() async throws {
        var request = try Fixtures.request("afib", .patient)
        request.backend = .openai
        let explanation = await Explainer.explain(request)
        #expect(explanation.backend.used == .template)
        #expect(explanation.backend.failure == .notConfigured)
        #expect(explanation.backend.fallbackReason?.contains("not set up") == true)
    }

    @Test func configurationFromTheEnvironment() {
        #expect(OpenAIConfiguration.fromEnvironment([:]) == nil)
        let c = OpenAIConfiguration.fromEnvironment(["VIGIL_OPENAI_MODEL": "llama", "VIGIL_OPENAI_TIMEOUT": "5"])
        #expect(c?.baseURL.absoluteString == "http://127.0.0.1:8080/v1")
        #expect(c?.timeoutSeconds == 5)
        #expect(c?.maxAttempts == 2)
        #expect(OpenAIConfiguration(baseURL: URL(string: "http://x/v1")!, model: "m", maxAttempts: 99).maxAttempts == 3)
    }

    /// Issue 15: a failing server's status, address and error body reach the audit record and the
    /// `backend.failure` code, never the text a patient or clinician reads.
    @Test(arguments: [Audience.patient, .clinician])
    func nothingInternalReachesTheReader(_ audience: Audience) async throws {
        let body = "{\"error\":{\"code\":400,\"message\":\"the request exceeds the available context size (13190 tokens)\"}}"
        let server = try ScriptedChatServer([.raw(status: 400, body: body)])
        defer { server.stop() }
        var request = try Self.request(server.baseURL)
        request.audience = audience
        let explanation = await Explainer.explain(request)
        #expect(explanation.backend.used == .template)
        #expect(explanation.backend.failure == .httpError)
        let record = explanation.audit.errors.joined(separator: "\n")
        #expect(record.contains("HTTP 400") && record.contains("127.0.0.1") && record.contains("context size"))
        let readable = ([explanation.text, explanation.backend.fallbackReason ?? ""] + explanation.claims.map(\.text)
            + explanation.nextSteps + explanation.doesNotMean + [explanation.question?.text ?? ""]).joined(separator: "\n")
        for leak in ["HTTP", "400", "127.0.0.1", "\(server.baseURL.port!)", "/v1", "chat/completions", "context size", "error", "{"] {
            #expect(!readable.contains(leak), "'\(leak)' reached the reader: \(readable)")
        }
    }

    /// The template answer comes at once; the model's answer follows when it passes.
    @Test func theTemplateAnswerComesFirstAndTheModelsFollows() async throws {
        let server = try ScriptedChatServer([.delayed(0.5, .content(Self.faithfulAnswer))])
        defer { server.stop() }
        let request = try Self.request(server.baseURL)
        let progressive = Explainer.explainProgressively(request, backend: OpenAIBackend(configuration: request.openAI!))
        #expect(progressive.immediate.backend.used == .template && progressive.immediate.backend.pending == true)
        #expect(progressive.immediate.text.contains("A language-model answer is pending."))
        let final = await progressive.final()
        #expect(final.backend.used == .openai && final.backend.pending == nil)
        #expect(final.claims.first?.codes == ["ecg.cnn.afib"])
    }

    /// References in the model's text are filled in from the findings; an unknown one fails the checker.
    @Test func referencesAreFilledInAndUnknownOnesRejected() async throws {
        let good = #"{"claims":[{"text":"Atrial fibrillation was flagged at probability {ecg.cnn.afib.probability} (threshold {ecg.cnn.afib.threshold}); ventricular rate {ventricularRate}.","codes":["ecg.cnn.afib"],"measurements":["ventricularRate"]}]}"#
        let bad = #"{"claims":[{"text":"Atrial fibrillation was flagged; QTc {QTc}.","codes":["ecg.cnn.afib"],"measurements":[]}]}"#
        let server = try ScriptedChatServer([.content(good), .content(bad)])
        defer { server.stop() }
        let first = await Explainer.explain(try Self.request(server.baseURL))
        #expect(first.backend.used == .openai, "\(first.audit.checker?.failures ?? [])")
        #expect(first.claims.first?.text == "Atrial fibrillation was flagged at probability 0.91 (threshold 0.42); ventricular rate 112 /min.")
        let second = await Explainer.explain(try Self.request(server.baseURL))
        #expect(second.backend.used == .template)
        #expect(second.audit.checker?.failures.contains { $0.rule == "unknown_reference" } == true)
    }

    @Test func numbersInApprovedSentencesAndCardsBecomeReferences() throws {
        var refs: [String: String] = [:]
        var byNumber: [String: String] = [:]
        let text = CompactPrompt.referencingNumbers("Sinus rhythm above 100 /min in V1; version 0.2.0, F1 0.7547; 100 again.",
                                                    &refs, &byNumber)
        #expect(text == "Sinus rhythm above {value_a} /min in V1; version {value_b}, F1 {value_c}; {value_a} again.")
        #expect(refs == ["value_a": "100", "value_b": "0.2.0", "value_c": "0.7547"])
        #expect(CompactPrompt.letters(25) == "z" && CompactPrompt.letters(26) == "aa")
        #expect(CompactPrompt.referenceName("maxSTElevationJ60") == "maxSTElevationJsixzero")

        // In the prompt: an approved sentence with a number ("sinus rhythm above 100 /min") is given with a
        // reference the model can write, and filling it restores the number.
        var request = try Fixtures.request("qtc", .clinician)
        request.outcomes = [.findings([
            try Fixtures.measured("ecg.sinus_tachycardia", label: "Sinus tachycardia", .positive, [
                FindingMeasurement(name: "heartRate", value: 124, unit: "/min"),
            ]),
        ])]
        let compact = CompactPrompt(context: ExplanationContext(request: request))
        let approved = try #require(compact.user.split(separator: "\n").first { $0.hasPrefix("- about ecg.sinus_tachycardia") })
        #expect(!approved.contains(where: { (c: Character) in c.isASCII && c.isNumber }), "\(approved)")
        let ref = try #require(compact.references.first { $0.value == "100" }?.key, "\(compact.references)")
        #expect(approved.contains("{\(ref)}"))
        #expect(compact.fill("Sinus rhythm above {\(ref)} /min.") == "Sinus rhythm above 100 /min.")
        #expect(compact.user.contains("measurement heartRate: {heartRate}"))
        #expect(compact.references["heartRate"] == "124 /min")
        // The facts have no digit a model could want to copy (the schema forbids digits in its text).
        for scenario in ["afib", "qtc", "mixed", "sinus"] {
            for audience in [Audience.clinician, .patient] {
                let c = CompactPrompt(context: ExplanationContext(request: try Fixtures.request(scenario, audience)))
                let withDigits = c.user.split(separator: "\n").filter { line in
                    !line.hasPrefix("  measurement ") && line.contains { $0.isASCII && $0.isNumber }
                }
                #expect(withDigits.isEmpty, "\(scenario)/\(audience): \(withDigits)")
                #expect(!c.system.contains { $0.isASCII && $0.isNumber })
            }
        }
        // A value's unit written again after its reference is not doubled.
        #expect(compact.fill("A rate of {heartRate} /min, fast.") == "A rate of 124 /min, fast.")
        #expect(compact.fill("A rate of {heartRate} beats per minute.") == "A rate of 124 /min.")
        #expect(compact.fill("{heartRate} bpmx") == "124 /min bpmx")
    }

    @Test func repeatedClaimsAreMergedAndALeftOutAbstentionIsAddedFromTheKnowledgeBase() throws {
        let request = try Fixtures.request("mixed", .clinician)
        let context = ExplanationContext(request: request)
        let claim = #"{"text":"Atrial fibrillation was flagged.","codes":["ecg.cnn.afib"],"measurements":[]}"#
        let draft = try OpenAIBackend.draft(fromAnswer: #"{"claims":[\#(claim),\#(claim)]}"#, context: context)
        #expect(draft.claims.filter { $0.text == "Atrial fibrillation was flagged." }.count == 1)
        let template = TemplateBackend().compose(context)
        let abstentionClaims = template.claims.filter { $0.codes.allSatisfy { $0.hasPrefix("abstention:") } }
        #expect(!abstentionClaims.isEmpty)
        for t in abstentionClaims { #expect(draft.claims.contains(t), "\(draft.claims)") }
        #expect(!ClaimChecker(context: context).check(draft).failures.contains { $0.rule == "dropped_abstention" })

        // One the model reports itself is not added a second time.
        let own = #"{"text":"The CT scorer could not assess the study: image quality was insufficient.","codes":["abstention:image_quality_insufficient"],"measurements":[]}"#
        let second = try OpenAIBackend.draft(fromAnswer: #"{"claims":[\#(claim),\#(own)]}"#, context: context)
        #expect(second.claims.count == 2)
    }

    @Test func theAnswerMayCopyTheSinusRhythmSentenceThatSaysNormal() throws {
        let request = try Fixtures.request("sinus", .patient, question: "What was my heart rate?")
        let context = ExplanationContext(request: request)
        let entry = try #require(context.entries.first { $0.codes.contains("ecg.sinus_rhythm") })
        let sentence = try #require(entry.voice(.patient).positive)
        #expect(sentence.lowercased().contains("normal"))
        let answer = ["claims": [["text": "The check found a normal heart rhythm.", "codes": ["ecg.sinus_rhythm"], "measurements": []]],
                      "answer": sentence] as [String: Any]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: answer), as: UTF8.self)
        let draft = try OpenAIBackend.draft(fromAnswer: json, context: context)
        let failures = ClaimChecker(context: context).check(draft).failures
        #expect(!failures.contains { $0.rule == "normal_claim" }, "\(failures)")
        // Not a licence for any "normal": the same words about the flagged AF finding still fail.
        let afib = try ClaimChecker(context: ExplanationContext(request: Fixtures.request("afib", .patient)))
            .check(OpenAIBackend.draft(fromAnswer: #"{"claims":[{"text":"Your heart rhythm looked normal.","codes":["ecg.cnn.afib"],"measurements":[]}]}"#,
                                       context: ExplanationContext(request: Fixtures.request("afib", .patient))))
        #expect(afib.failures.contains { $0.rule == "normal_claim" })
    }

    /// Failure modes seen in real Qwen2.5-Coder-1.5B answers (2026-12-08), each caught by a rule: text written in
    /// place of a digit the schema forbids, the prompt's own instructions repeated, and a negative finding
    /// reported as found with a plain "found".
    @Test(arguments: [
        ("The check found signs of atrial fibrillation with a burden of  %.", "degenerate_text"),
        ("The check found signs of atrial fibrillation at a rate of ial/min.", "degenerate_text"),
        ("Your heart rate is ******* beats a minute.", "degenerate_text"),
        ("The check found signs of atrial fibrillation at a rate of    beats.", "degenerate_text"),
        ("slower than usual. The check found signs of atrial fibrillation.", "degenerate_text"),
        ("The findings cannot answer this question; another part of Vigil says so. Do not answer it.", "prompt_echo"),
        ("The check found left bundle branch block.", "invented_condition"),
    ])
    func realFailureModesAreCaught(text: String, rule: String) throws {
        let context = ExplanationContext(request: try Fixtures.request("afib", .patient))
        let answer = ["claims": [["text": "The check found signs that may fit atrial fibrillation.", "codes": ["ecg.cnn.afib"],
                                  "measurements": []],
                                 ["text": text, "codes": ["ecg.cnn.afib"], "measurements": []]]] as [String: Any]
        let draft = try OpenAIBackend.draft(fromAnswer: String(decoding: try JSONSerialization.data(withJSONObject: answer), as: UTF8.self),
                                            context: context)
        let failures = ClaimChecker(context: context).check(draft).failures
        #expect(failures.contains { $0.rule == rule }, "\(failures)")
    }

    @Test func whenDetectorsDisagreeTheAnswerMustSaySo() throws {
        var request = try Fixtures.request("afib", .clinician)
        request.outcomes.append(.findings([try Fixtures.measured("ecg.afib", label: "Atrial fibrillation", .negative, [FindingMeasurement(name: "heartRate", value: 112, unit: "/min")])]))
        let context = ExplanationContext(request: request)
        func failures(_ text: String) throws -> [String] {
            let answer = ["claims": [["text": text, "codes": ["ecg.cnn.afib", "ecg.afib"], "measurements": []]]] as [String: Any]
            let json = String(decoding: try JSONSerialization.data(withJSONObject: answer), as: UTF8.self)
            return ClaimChecker(context: context).check(try OpenAIBackend.draft(fromAnswer: json, context: context)).failures.map(\.rule)
        }
        #expect(try failures("The check found signs of atrial fibrillation.").contains("dropped_disagreement"))
        #expect(try !failures("The detectors disagree on atrial fibrillation: the CNN flagged it, the rhythm rules did not.")
            .contains("dropped_disagreement"))
    }

    @Test func aMeasurementWithNoUsualRangeCannotBeCalledWithinOne() throws {
        var request = try Fixtures.request("qtc", .clinician)
        request.outcomes = [.findings([try Fixtures.measured("ecg.sinus_rhythm", label: "Sinus rhythm", .positive, [
            FindingMeasurement(name: "heartRate", value: 72, unit: "/min"), FindingMeasurement(name: "RRmean", value: 830, unit: "ms"),
        ])])]
        let context = ExplanationContext(request: request)
        func rules(_ text: String) throws -> [String] {
            let answer = ["claims": [["text": text, "codes": ["ecg.sinus_rhythm"], "measurements": []]]] as [String: Any]
            let json = String(decoding: try JSONSerialization.data(withJSONObject: answer), as: UTF8.self)
            return ClaimChecker(context: context).check(try OpenAIBackend.draft(fromAnswer: json, context: context)).failures.map(\.rule)
        }
        #expect(try rules("Sinus rhythm was found. The RRmean was within the usual range.").contains("ungrounded_range"))
        #expect(try !rules("Sinus rhythm was found; the heart rate was within the usual range.").contains("ungrounded_range"))
    }
}
