import DetectorCatalog
import DetectorKit
import ECGScoring
import FindingsStore
import Foundation
import MCP
import Testing
import VigilTestSupport

@testable import VigilMCP

/// A store with two scored SampleData records (synthetic AF, synthetic flat line), two worklist studies, and
/// the endpoint over it with the shipped registry (Models/ of the checkout). Built once for the suite; each
/// test uses its own caller id, so audit assertions do not see other tests' entries.
struct Fixture: Sendable {
    let endpoint: VigilMCPEndpoint
    let store: SQLiteFindingsStore
    let registry: DetectorRegistry
    /// The AF record's input id (findings), the flat line's (abstentions).
    let afInput: Int64
    let flatInput: Int64
    let afFileName = "syn000002.hea"

    static let repo = Repository.root
    static let synthetic = repo.appendingPathComponent("SampleData/ecg/synthetic")

    static func make() async throws -> Fixture {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-mcp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try SQLiteFindingsStore(path: dir.appendingPathComponent("findings.sqlite").path, actor: "test")
        let registry = try DetectorCatalog.registry(modelsDirectory: repo.appendingPathComponent("Models"), warn: { _ in })
        let scorer = try ECGScorer(registry: registry)
        func score(_ record: String) async throws -> Int64 {
            let files = try [".hea", ".dat"].reduce(into: [String: Data]()) { out, ext in
                out[record + ext] = try Data(contentsOf: synthetic.appendingPathComponent(record + ext))
            }
            let doc = try await scorer.store(try await scorer.score(files: files),
                                             contentSHA256: ECGScorer.contentSHA256(files: files), in: store)
            return try #require(doc.inputId)
        }
        let af = try await score("syn000002")
        let flat = try await score("syn000007")
        let t0 = Date(timeIntervalSince1970: 1_764_000_000)
        _ = try await store.addToWorklist(NewWorklistEntry(studyID: "STUDY-SECRET-1", input: InputID(rawValue: af), arrivedAt: t0))
        _ = try await store.addToWorklist(NewWorklistEntry(studyID: "STUDY-SECRET-2", input: InputID(rawValue: flat),
                                                           arrivedAt: t0.addingTimeInterval(60)))
        _ = try await store.tagWorklistEntry(studyID: "STUDY-SECRET-2",
                                             tag: WorklistTag(tag: "PANCREAS-SUSPECT-HIGH", priority: 3, score: 0.91,
                                                              modelVersion: "test-1"))
        let endpoint = VigilMCPEndpoint(context: VigilMCPContext(registry: registry, store: store))
        return Fixture(endpoint: endpoint, store: store, registry: registry, afInput: af, flatInput: flat)
    }

    private static let cache = FixtureCache()
    static func shared() async throws -> Fixture { try await cache.get() }

    /// A caller id of its own for each test.
    static func caller() -> String { "token:test-\(UUID().uuidString.prefix(8))" }

    /// Posts one JSON-RPC message as the Python SDK client does; returns the HTTP status, headers and parsed body.
    func post(_ message: [String: Any], caller: String, scope: InputScope = .all, headers extra: [String: String] = [:]) async throws
        -> (status: Int, headers: [String: String], json: [String: Any]?)
    {
        var headers = ["Content-Type": "application/json", "Accept": "application/json, text/event-stream",
                       "Host": "127.0.0.1:8080"]
        if message["method"] as? String != "initialize" { headers["mcp-protocol-version"] = "2025-06-18" }
        headers.merge(extra) { _, new in new }
        let body = try JSONSerialization.data(withJSONObject: message)
        let r = await endpoint.handle(method: "POST", headers: headers, body: body, caller: caller, scope: scope)
        let json = r.body.isEmpty ? nil : try JSONSerialization.jsonObject(with: r.body) as? [String: Any]
        return (r.status, r.headers, json)
    }

    /// `tools/call` of `name`: the JSON-RPC `result` object.
    func call(_ name: String, _ arguments: [String: Any] = [:], caller: String, scope: InputScope = .all, id: Int = 7) async throws
        -> [String: Any]
    {
        let r = try await post(["jsonrpc": "2.0", "id": id, "method": "tools/call",
                                "params": ["name": name, "arguments": arguments]], caller: caller, scope: scope)
        #expect(r.status == 200)
        return try #require(r.json?["result"] as? [String: Any], "no result in \(String(describing: r.json))")
    }

    /// The audit entries that `caller` caused.
    func audit(of caller: String) async throws -> [AuditEntry] {
        try await store.auditLog(object: nil).filter { $0.actor == caller }
    }
}

actor FixtureCache {
    private var task: Task<Fixture, any Error>?
    func get() async throws -> Fixture {
        if let task { return try await task.value }
        let t = Task { try await Fixture.make() }
        task = t
        return try await t.value
    }
}

/// Structured content and its text copy must be the same JSON.
func structured(_ result: [String: Any]) throws -> [String: Any] {
    let s = try #require(result["structuredContent"] as? [String: Any])
    let content = try #require(result["content"] as? [[String: Any]])
    let text = try #require(content.first?["text"] as? String)
    let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(NSDictionary(dictionary: parsed).isEqual(to: s), "text content differs from structuredContent")
    return s
}

func text(_ result: [String: Any]) -> String {
    ((result["content"] as? [[String: Any]])?.first?["text"] as? String) ?? ""
}

@Suite struct VigilMCPProtocolTests {
    @Test func initializeNegotiatesTheClientsVersionWithoutASession() async throws {
        let f = try await Fixture.shared()
        let r = try await f.post(["jsonrpc": "2.0", "id": 1, "method": "initialize", "params": [
            "protocolVersion": "2025-06-18", "capabilities": [:] as [String: Any],
            "clientInfo": ["name": "test", "version": "1"]]], caller: Fixture.caller())
        #expect(r.status == 200)
        #expect(r.headers.keys.allSatisfy { $0.lowercased() != "mcp-session-id" })
        let result = try #require(r.json?["result"] as? [String: Any])
        #expect(result["protocolVersion"] as? String == "2025-06-18")
        #expect((result["serverInfo"] as? [String: Any])?["name"] as? String == "vigil")
        let caps = try #require(result["capabilities"] as? [String: Any])
        #expect(caps["tools"] != nil && caps["resources"] != nil)
    }

    @Test func toolsListHasTheFourReadOnlyToolsWithSchemas() async throws {
        let f = try await Fixture.shared()
        let r = try await f.post(["jsonrpc": "2.0", "id": 2, "method": "tools/list"], caller: Fixture.caller())
        let tools = try #require((r.json?["result"] as? [String: Any])?["tools"] as? [[String: Any]])
        #expect(tools.compactMap { $0["name"] as? String }.sorted()
            == ["explain_findings", "get_findings", "get_worklist", "list_detectors"])
        for tool in tools {
            let name = tool["name"] as? String ?? "?"
            let input = try #require(tool["inputSchema"] as? [String: Any], "\(name): no inputSchema")
            let output = try #require(tool["outputSchema"] as? [String: Any], "\(name): no outputSchema")
            #expect(input["type"] as? String == "object")
            #expect(output["type"] as? String == "object")
            #expect(!((output["required"] as? [String]) ?? []).isEmpty, "\(name): output requires nothing")
            let annotations = try #require(tool["annotations"] as? [String: Any])
            #expect(annotations["readOnlyHint"] as? Bool == true, "\(name)")
            #expect(annotations["destructiveHint"] as? Bool == false, "\(name)")
        }
        let explain = try #require(tools.first { $0["name"] as? String == "explain_findings" })
        let props = try #require((explain["inputSchema"] as? [String: Any])?["properties"] as? [String: Any])
        #expect(Set(props.keys) == ["inputId", "audience", "question"])
        #expect(((props["audience"] as? [String: Any])?["enum"] as? [String]) == ["patient", "clinician"])
    }

    @Test func theHTTPLayerRefusesWhatTheTransportDoesNotServe() async throws {
        let f = try await Fixture.shared()
        let caller = Fixture.caller()
        let get = await f.endpoint.handle(method: "GET", headers: ["Accept": "text/event-stream"], body: Data(), caller: caller, scope: .all)
        #expect(get.status == 405)
        #expect(get.headers["Allow"] == "POST")
        let list: [String: Any] = ["jsonrpc": "2.0", "id": 3, "method": "tools/list"]
        #expect(try await f.post(list, caller: caller, headers: ["Content-Type": "text/plain"]).status == 415)
        #expect(try await f.post(list, caller: caller, headers: ["Accept": "text/html"]).status == 406)
        #expect(try await f.post(list, caller: caller, headers: ["Host": "evil.example:8080"]).status == 421)
        #expect(try await f.post(list, caller: caller, headers: ["Origin": "https://evil.example"]).status == 403)
        #expect(try await f.post(list, caller: caller, headers: ["mcp-protocol-version": "1999-01-01"]).status == 400)
        #expect(try await f.post(list, caller: "  ").status == 401)
        let junk = await f.endpoint.handle(method: "POST", headers: ["Content-Type": "application/json",
                                                                      "Accept": "application/json"],
                                           body: Data("{not json".utf8), caller: caller, scope: .all)
        #expect(junk.status == 400)
        let big = await f.endpoint.handle(method: "POST", headers: ["Content-Type": "application/json", "Accept": "application/json"],
                                          body: Data(count: VigilMCPEndpoint.maxBodyBytes + 1), caller: caller, scope: .all)
        #expect(big.status == 413)
        let note = try await f.post(["jsonrpc": "2.0", "method": "notifications/initialized"], caller: caller)
        #expect(note.status == 202)
        #expect(note.json == nil)
        #expect(try await f.audit(of: caller).isEmpty, "refused requests read nothing")
    }

    @Test func concurrentRequestsWithTheSameJSONRPCIdEachGetTheirOwnAnswer() async throws {
        let f = try await Fixture.shared()
        let caller = Fixture.caller()
        async let a = f.call("get_findings", ["inputId": f.afInput], caller: caller, id: 1)
        async let b = f.call("get_findings", ["inputId": f.flatInput], caller: caller, id: 1)
        async let c = f.call("list_detectors", caller: caller, id: 1)
        let (ra, rb, rc) = try await (a, b, c)
        #expect(try structured(ra)["inputId"] as? Int == Int(f.afInput))
        #expect(try structured(rb)["inputId"] as? Int == Int(f.flatInput))
        #expect(try structured(rc)["detectors"] != nil)
    }

    @Test func anUnknownToolIsAProtocolError() async throws {
        let f = try await Fixture.shared()
        let r = try await f.post(["jsonrpc": "2.0", "id": 9, "method": "tools/call",
                                  "params": ["name": "delete_everything", "arguments": [:] as [String: Any]]],
                                 caller: Fixture.caller())
        let error = try #require(r.json?["error"] as? [String: Any])
        #expect(error["code"] as? Int == -32602)
    }
}

@Suite struct VigilMCPToolTests {
    @Test func listDetectorsIsTheRegistryWithModelCardsAndIsAudited() async throws {
        let f = try await Fixture.shared()
        let caller = Fixture.caller()
        let result = try await f.call("list_detectors", caller: caller)
        #expect(result["isError"] as? Bool == false)
        let detectors = try #require(try structured(result)["detectors"] as? [[String: Any]])
        #expect(detectors.compactMap { $0["id"] as? String } == f.registry.detectors.map(\.id))
        for (view, detector) in zip(detectors, f.registry.detectors) {
            let model = view["model"] as? [String: Any]
            #expect((model != nil) == (detector.modelCard != nil), "\(detector.id)")
            if let card = detector.modelCard {
                #expect(model?["weightsSHA256"] as? String == card.weightsSHA256)
                #expect(model?["syntheticTrainingData"] as? Bool == card.trainingData.synthetic)
                #expect(model?["cardUri"] as? String == "vigil://model-cards/\(detector.id)")
            }
        }
        let audit = try await f.audit(of: caller)
        #expect(audit.map(\.action) == ["detectors.list"])
        #expect(audit.first?.details["via"] == .string("mcp"))
    }

    @Test func getFindingsAnswersTheStoredFindingsWithoutPatientFields() async throws {
        let f = try await Fixture.shared()
        let caller = Fixture.caller()
        let result = try await f.call("get_findings", ["inputId": f.afInput], caller: caller)
        #expect(result["isError"] as? Bool == false)
        let view = try structured(result)
        let stored = try await f.store.findings(input: InputID(rawValue: f.afInput))
        #expect(!stored.isEmpty)
        let findings = try #require(view["findings"] as? [[String: Any]])
        #expect(findings.compactMap { $0["code"] as? String } == stored.map(\.finding.code))
        #expect(findings.compactMap { $0["decision"] as? String } == stored.map(\.finding.decision.rawValue))
        for (v, s) in zip(findings, stored) where s.finding.probability != nil {
            #expect(abs((v["probability"] as? Double ?? -1) - s.finding.probability!) < 1e-12)
        }
        #expect(view["kind"] as? String == "ecg")
        let json = text(result)
        #expect(!json.contains(f.afFileName) && !json.contains("syn000002"), "the file name is not shared")
        for key in ["path", "patientID", "studyID", "sourceMetadata", "acquiredAt"] { #expect(!json.contains("\"\(key)\"")) }

        let audit = try await f.audit(of: caller)
        #expect(audit.count == 1)
        #expect(audit.first?.action == "findings.read")
        #expect(audit.first?.object == "input:\(f.afInput)")
    }

    @Test func abstentionsAreReportedWithTheirReasons() async throws {
        let f = try await Fixture.shared()
        let view = try structured(try await f.call("get_findings", ["inputId": f.flatInput], caller: Fixture.caller()))
        let abstentions = try #require(view["abstentions"] as? [[String: Any]])
        let stored = try await f.store.abstentions(input: InputID(rawValue: f.flatInput))
        #expect(!stored.isEmpty)
        #expect(abstentions.compactMap { $0["reason"] as? String } == stored.map(\.abstention.reason.rawValue))
        #expect(view["errorCount"] as? Int == 0)
    }

    @Test func explainFindingsForAPatientIsTheCheckedExplanationWithoutItsAuditRecord() async throws {
        let f = try await Fixture.shared()
        let caller = Fixture.caller()
        let result = try await f.call("explain_findings", ["inputId": f.afInput, "audience": "patient",
                                                           "question": "What should I do next?"], caller: caller)
        #expect(result["isError"] as? Bool == false)
        let view = try structured(result)
        #expect(view["audience"] as? String == "patient")
        #expect(!((view["text"] as? String) ?? "").isEmpty)
        #expect(!((view["claims"] as? [Any]) ?? []).isEmpty)
        #expect((view["question"] as? [String: Any])?["question"] as? String == "What should I do next?")
        #expect(view["readingGrade"] is Double || view["readingGrade"] is Int)
        let sha = try #require(view["findingsSHA256"] as? String)
        #expect(sha.count == 64)
        let json = text(result)
        for key in ["audit", "prompt", "rawAnswer", "checker", "errors"] { #expect(!json.contains("\"\(key)\"")) }
        #expect(!json.contains("syn000002"))

        // One audit entry, by StoredExplainer, naming the caller and the findings hash the answer was made from.
        let audit = try await f.audit(of: caller)
        #expect(audit.map(\.action) == ["explanation.request"])
        #expect(audit.first?.object == "input:\(f.afInput)")
        #expect(audit.first?.details["findingsSHA256"] == .string(sha))
        #expect(audit.first?.details["audience"] == .string("patient"))
    }

    @Test func explainFindingsForAClinicianDefaultsAndDiffers() async throws {
        let f = try await Fixture.shared()
        let patient = try structured(try await f.call("explain_findings", ["inputId": f.afInput], caller: Fixture.caller()))
        let clinician = try structured(try await f.call("explain_findings", ["inputId": f.afInput, "audience": "clinician"],
                                                        caller: Fixture.caller()))
        #expect(patient["audience"] as? String == "patient", "audience defaults to patient")
        #expect(clinician["audience"] as? String == "clinician")
        #expect(clinician["readingGrade"] == nil)
        #expect(patient["text"] as? String != clinician["text"] as? String)
        #expect(patient["findingsSHA256"] as? String == clinician["findingsSHA256"] as? String)
    }

    @Test func getWorklistIsInPriorityOrderWithoutStudyIdentifiers() async throws {
        let f = try await Fixture.shared()
        let caller = Fixture.caller()
        let result = try await f.call("get_worklist", ["limit": 1], caller: caller)
        let view = try structured(result)
        let entries = try #require(view["entries"] as? [[String: Any]])
        #expect(view["total"] as? Int == 2)
        #expect(entries.count == 1)
        #expect(entries.first?["rank"] as? Int == 1)
        #expect(entries.first?["tag"] as? String == "PANCREAS-SUSPECT-HIGH")
        #expect(entries.first?["inputId"] as? Int == Int(f.flatInput))
        let all = try structured(try await f.call("get_worklist", caller: caller))
        #expect((all["entries"] as? [[String: Any]])?.count == 2)
        #expect(!text(result).contains("STUDY-SECRET"))
        let audit = try await f.audit(of: caller)
        #expect(audit.map(\.action) == ["worklist.read", "worklist.read"])
        #expect(audit.first?.object == "worklist")
    }

    @Test func anUnknownInputIsAToolErrorAndTheAttemptIsAudited() async throws {
        let f = try await Fixture.shared()
        let caller = Fixture.caller()
        for tool in ["get_findings", "explain_findings"] {
            let result = try await f.call(tool, ["inputId": 987_654], caller: caller)
            #expect(result["isError"] as? Bool == true, "\(tool)")
            #expect(result["structuredContent"] == nil)
            #expect(text(result) == "No input 987654 in the findings store.")
        }
        let audit = try await f.audit(of: caller)
        #expect(audit.map(\.action) == ["findings.read", "explanation.request"])
        #expect(audit.allSatisfy { $0.object == "input:987654" && $0.details["outcome"] == .string("unknown_input") })
    }

    @Test func aSiteCallerSeesOnlyItsSitesInputsAndWorklist() async throws {
        let f = try await Fixture.shared()
        let caller = Fixture.caller()
        try await f.store.grant(site: "mcp-north", input: InputID(rawValue: f.afInput))
        let north = InputScope.site("mcp-north")
        let seen = try await f.call("get_findings", ["inputId": f.afInput], caller: caller, scope: north)
        #expect(seen["isError"] as? Bool != true)
        for tool in ["get_findings", "explain_findings"] {
            // Another site's input is answered exactly like an unknown one.
            let hidden = try await f.call(tool, ["inputId": f.flatInput], caller: caller, scope: north)
            #expect(hidden["isError"] as? Bool == true, "\(tool)")
            #expect(text(hidden) == "No input \(f.flatInput) in the findings store.")
        }
        let list = try structured(try await f.call("get_worklist", caller: caller, scope: north))
        #expect(list["total"] as? Int == 1)
        #expect((list["entries"] as? [[String: Any]])?.map { $0["inputId"] as? Int } == [Int(f.afInput)])
        let none = try structured(try await f.call("get_worklist", caller: caller, scope: .site("mcp-south")))
        #expect(none["total"] as? Int == 0)
        let audit = try await f.audit(of: caller)
        #expect(audit.filter { $0.action == "access.denied" }.map(\.object) == ["input:\(f.flatInput)", "input:\(f.flatInput)"])
    }

    @Test func badArgumentsAreToolErrorsNamingTheArgument() async throws {
        let f = try await Fixture.shared()
        let caller = Fixture.caller()
        let cases: [(String, [String: Any], String)] = [
            ("get_findings", [:], "inputId is required"),
            ("get_findings", ["inputId": "12"], "inputId must be an integer"),
            ("get_findings", ["inputId": 0], "inputId must be an integer"),
            ("get_findings", ["inputId": 1, "patient": "x"], "Unknown argument(s): patient"),
            ("explain_findings", ["inputId": f.afInput, "audience": "family"], "audience must be"),
            ("explain_findings", ["inputId": f.afInput, "question": String(repeating: "why ", count: 300)], "question is longer"),
            ("get_worklist", ["limit": 0], "limit must be"),
            ("get_worklist", ["limit": 10_000], "limit must be"),
        ]
        for (tool, args, message) in cases {
            let result = try await f.call(tool, args, caller: caller)
            #expect(result["isError"] as? Bool == true, "\(tool) \(args)")
            #expect(text(result).contains(message), "\(tool) \(args): \(text(result))")
        }
        #expect(try await f.audit(of: caller).isEmpty, "nothing was read")
    }

    @Test func modelCardsAreResourcesAndReadingOneIsAudited() async throws {
        let f = try await Fixture.shared()
        let caller = Fixture.caller()
        let list = try await f.post(["jsonrpc": "2.0", "id": 4, "method": "resources/list"], caller: caller)
        let resources = try #require((list.json?["result"] as? [String: Any])?["resources"] as? [[String: Any]])
        let withCards = f.registry.detectors.filter { $0.modelCard != nil }
        #expect(!withCards.isEmpty, "the checkout's Models/ has model-backed detectors")
        #expect(resources.compactMap { $0["uri"] as? String } == withCards.map { "vigil://model-cards/\($0.id)" })
        let first = try #require(withCards.first)
        let read = try await f.post(["jsonrpc": "2.0", "id": 5, "method": "resources/read",
                                     "params": ["uri": "vigil://model-cards/\(first.id)"]], caller: caller)
        let contents = try #require((read.json?["result"] as? [String: Any])?["contents"] as? [[String: Any]])
        #expect(contents.first?["mimeType"] as? String == "application/json")
        let card = try VigilJSON.decode(ModelCard.self, from: Data(((contents.first?["text"] as? String) ?? "").utf8))
        #expect(card == first.modelCard)
        let missing = try await f.post(["jsonrpc": "2.0", "id": 6, "method": "resources/read",
                                        "params": ["uri": "vigil://model-cards/nope"]], caller: caller)
        #expect((missing.json?["error"] as? [String: Any])?["code"] as? Int == -32602)
        let audit = try await f.audit(of: caller)
        #expect(audit.map(\.action) == ["model_card.read"])
        #expect(audit.first?.object == "detector:\(first.id)")
    }
}
