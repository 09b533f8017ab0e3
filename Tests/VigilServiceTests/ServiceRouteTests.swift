import DetectorKit
import FindingsStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Randomness
import Testing
@testable import VigilService

/// Every route through the in-memory router: auth (401/403), roles, 4xx paths, idempotency, audit entries.
@Suite struct ServiceRouteTests {
    static let protectedRoutes: [(String, HTTPRequest.Method)] = [
        ("/v1/detectors", .get), ("/v1/ecg/score", .post), ("/v1/inputs/1/findings", .get), ("/v1/inputs/1/fhir", .get),
        ("/v1/explain", .post), ("/v1/audit", .get),
    ]

    @Test func openRoutesNeedNoToken() async throws {
        let h = try await Harness.make()
        defer { h.remove() }
        try await h.test { client in
            try await client.execute(uri: "/healthz", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.object["status"] as? String == "ok")
            }
            try await client.execute(uri: "/readyz", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.object["detectors"] as? [String] == ["ecg-rhythm"])
            }
            try await client.execute(uri: "/openapi.json", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.object["openapi"] as? String == "3.1.0")
            }
            try await client.execute(uri: "/metrics", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType]?.hasPrefix("text/plain") == true)
            }
        }
    }

    @Test func readinessFailsWithoutECGDetectors() async throws {
        let h = try await Harness.make(emptyRegistry: true)
        defer { h.remove() }
        try await h.test { client in
            try await client.execute(uri: "/readyz", method: .get) { r in #expect(r.isProblem(503)) }
            try await client.execute(uri: "/healthz", method: .get) { r in #expect(r.status == .ok) }
            try await client.execute(uri: "/v1/ecg/score", method: .post,
                                     headers: h.headers(.scorer, [.contentType: "application/dicom"]),
                                     body: ByteBuffer(bytes: try Harness.sample("pydicom-3.0.2_waveform_ecg.dcm"))) { r in
                #expect(r.isProblem(503))
            }
        }
    }

    @Test func everyProtectedRouteAnswers401WithoutAValidToken() async throws {
        let h = try await Harness.make()
        defer { h.remove() }
        let revoked = try await h.store.createToken(role: .admin, name: "old")
        _ = try await h.store.revokeToken(id: revoked.token.id)
        let expired = try await h.store.createToken(role: .admin, name: "expired", expiresAt: Date().addingTimeInterval(-1))
        let badHeaders: [String?] = [nil, "Bearer", "Bearer vigil_unknown", "Basic dXNlcjpwYXNz", "Bearer \(revoked.secret)",
                                     "Bearer \(expired.secret)", "bearer  " + String(repeating: "x", count: 300)]
        try await h.test { client in
            for (uri, method) in Self.protectedRoutes {
                for header in badHeaders {
                    var fields = HTTPFields()
                    if let header { fields[.authorization] = header }
                    try await client.execute(uri: uri, method: method, headers: fields) { r in
                        #expect(r.isProblem(401), "\(method) \(uri) with \(header ?? "no header") gave \(r.status)")
                        #expect(r.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                        #expect(!r.text.contains(revoked.secret))
                    }
                }
            }
        }
    }

    @Test func rolesAreCheckedPerRoute() async throws {
        let h = try await Harness.make()
        defer { h.remove() }
        // Which roles pass the role check (they may still get 4xx for the empty request; never 403).
        let allowed: [String: Set<APIRole>] = [
            "/v1/detectors": Set(APIRole.allCases), "/v1/ecg/score": [.scorer], "/v1/inputs/1/findings": [.reader],
            "/v1/inputs/1/fhir": [.reader], "/v1/explain": [.assistant, .reader], "/v1/audit": [.admin],
        ]
        try await h.test { client in
            for (uri, method) in Self.protectedRoutes {
                for role in APIRole.allCases {
                    try await client.execute(uri: uri, method: method, headers: h.headers(role)) { r in
                        if allowed[uri]!.contains(role) {
                            #expect(r.status != .forbidden && r.status != .unauthorized, "\(role) \(uri): \(r.status)")
                            #expect(r.status.code < 500, "\(role) \(uri): \(r.status)")
                        } else {
                            #expect(r.isProblem(403), "\(role) on \(uri) gave \(r.status)")
                        }
                    }
                }
            }
        }
    }

    @Test func detectorsListTheRegistryWithModelCards() async throws {
        let h = try await Harness.make()
        defer { h.remove() }
        try await h.test { client in
            try await client.execute(uri: "/v1/detectors", method: .get, headers: h.headers(.assistant)) { r in
                #expect(r.status == .ok)
                let detectors = r.object["detectors"] as? [[String: Any]] ?? []
                #expect(detectors.map { $0["id"] as? String } == ["ecg-rhythm"])
                #expect(detectors.first?["inputKind"] as? String == "ecg")
            }
        }
    }

    @Test func unknownRoutesAndIdsAreProblems() async throws {
        let h = try await Harness.make()
        defer { h.remove() }
        try await h.test { client in
            try await client.execute(uri: "/nope", method: .get) { r in #expect(r.isProblem(404)) }
            // A method the path does not take: 405 with Allow (before any token check).
            try await client.execute(uri: "/v1/ecg/score", method: .get) { r in
                #expect(r.isProblem(405))
                #expect(r.headers[.allow] == "POST")
            }
            try await client.execute(uri: "/v1/inputs/7/findings", method: .delete) { r in
                #expect(r.isProblem(405))
                #expect(r.headers[.allow] == "GET")
            }
            try await client.execute(uri: "/v1/inputs/abc/findings", method: .get, headers: h.headers(.reader)) { r in
                #expect(r.isProblem(400))
            }
            try await client.execute(uri: "/v1/inputs/0/fhir", method: .get, headers: h.headers(.reader)) { r in
                #expect(r.isProblem(400))
            }
            try await client.execute(uri: "/v1/inputs/99999/findings", method: .get, headers: h.headers(.reader)) { r in
                #expect(r.isProblem(404))
            }
            try await client.execute(uri: "/v1/inputs/99999/fhir", method: .get, headers: h.headers(.reader)) { r in
                #expect(r.isProblem(404))
            }
        }
        // Nothing was read, so nothing was audited as read.
        #expect(try await h.store.auditLog(object: nil).allSatisfy { $0.action == "token.create" })
    }

    @Test func aDICOMBodyIsScoredStoredReadAndAudited() async throws {
        let h = try await Harness.make()
        defer { h.remove() }
        let dcm = try Harness.sample("pydicom-3.0.2_waveform_ecg.dcm")
        let scorer = h.tokenIDs[.scorer]!, reader = h.tokenIDs[.reader]!
        try await h.test { client in
            // Unstored: the document without inputId, nothing registered.
            try await client.execute(uri: "/v1/ecg/score", method: .post,
                                     headers: h.headers(.scorer, [.contentType: "application/dicom"]),
                                     body: ByteBuffer(bytes: dcm)) { r in
                #expect(r.status == .ok)
                #expect(r.object["input"] as? String == "upload.dcm")
                #expect((r.object["outcomes"] as? [Any])?.count == 1)
                #expect(r.object["inputId"] == nil)
            }
            #expect(try await h.store.inputs(kind: nil, after: nil, limit: 10).isEmpty)
            // Stored.
            let id: Int = try await client.execute(uri: "/v1/ecg/score?store=true", method: .post,
                                                   headers: h.headers(.scorer, [.contentType: "application/dicom"]),
                                                   body: ByteBuffer(bytes: dcm)) { r in
                #expect(r.status == .ok)
                return r.object["inputId"] as? Int ?? -1
            }
            #expect(id > 0)
            try await client.execute(uri: "/v1/inputs/\(id)/findings", method: .get, headers: h.headers(.reader)) { r in
                #expect(r.status == .ok)
                #expect(r.object["inputId"] as? Int == id)
                #expect(r.object["kind"] as? String == "ecg")
                #expect((r.object["outcomes"] as? [Any])?.count == 1)
            }
            try await client.execute(uri: "/v1/inputs/\(id)/fhir", method: .get, headers: h.headers(.reader)) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "application/fhir+json")
                #expect(r.object["resourceType"] as? String == "Bundle")
                let entries = r.object["entry"] as? [[String: Any]] ?? []
                let types = entries.compactMap { ($0["resource"] as? [String: Any])?["resourceType"] as? String }
                #expect(types.contains("DiagnosticReport"))
            }
        }
        // The store's own entries (input.register, outcome.record) name its actor; the service's name the token.
        let audit = try await h.store.auditLog(object: "input:\(id(of: h))").filter { $0.actor.hasPrefix("token:") }
        #expect(audit.map(\.action) == ["ecg.score", "findings.read", "fhir.read"])
        #expect(audit.map(\.actor) == ["token:\(scorer)", "token:\(reader)", "token:\(reader)"])
    }

    private func id(of h: Harness) async throws -> Int64 {
        try await h.store.inputs(kind: nil, after: nil, limit: 1).first!.id.rawValue
    }

    @Test func aWFDBRecordIsScoredFromMultipartFormData() async throws {
        let h = try await Harness.make()
        defer { h.remove() }
        let (body, type) = multipart([("mitdb208_excerpt.hea", try Harness.sample("mitdb208_excerpt.hea")),
                                      ("mitdb208_excerpt.dat", try Harness.sample("mitdb208_excerpt.dat"))])
        try await h.test { client in
            try await client.execute(uri: "/v1/ecg/score", method: .post, headers: h.headers(.scorer, [.contentType: type]),
                                     body: body) { r in
                #expect(r.status == .ok, "\(r.text)")
                #expect(r.object["input"] as? String == "mitdb208_excerpt.hea")
            }
            // A header without its signal file: the reader's error, as a 400 naming the file.
            let (half, halfType) = multipart([("mitdb208_excerpt.hea", try Harness.sample("mitdb208_excerpt.hea"))])
            try await client.execute(uri: "/v1/ecg/score", method: .post, headers: h.headers(.scorer, [.contentType: halfType]),
                                     body: half) { r in
                #expect(r.isProblem(400))
                #expect(r.text.contains("mitdb208_excerpt"))
            }
        }
    }

    @Test func aCSVNeedsItsRateFromTheFileOrTheQuery() async throws {
        let h = try await Harness.make()
        defer { h.remove() }
        let csv = try Harness.sample("synthetic_3lead.csv")
        try await h.test { client in
            try await client.execute(uri: "/v1/ecg/score", method: .post,
                                     headers: h.headers(.scorer, [.contentType: "text/csv; charset=utf-8"]),
                                     body: ByteBuffer(bytes: csv)) { r in
                #expect(r.status == .ok, "\(r.text)")
            }
            try await client.execute(uri: "/v1/ecg/score?rate=-3", method: .post,
                                     headers: h.headers(.scorer, [.contentType: "text/csv"]), body: ByteBuffer(bytes: csv)) { r in
                #expect(r.isProblem(400))
            }
            try await client.execute(uri: "/v1/ecg/score?units=V", method: .post,
                                     headers: h.headers(.scorer, [.contentType: "text/csv"]), body: ByteBuffer(bytes: csv)) { r in
                #expect(r.isProblem(400))
            }
        }
    }

    @Test func unsupportedTypesAnswer415() async throws {
        let h = try await Harness.make()
        defer { h.remove() }
        let dcm = try Harness.sample("pydicom-3.0.2_waveform_ecg.dcm")
        try await h.test { client in
            for type in [nil, "application/json", "image/png", "application/octet-stream", "multipart/related; boundary=x", "nonsense"] {
                var headers = h.headers(.scorer)
                if let type { headers[.contentType] = type }
                try await client.execute(uri: "/v1/ecg/score", method: .post, headers: headers, body: ByteBuffer(bytes: dcm)) { r in
                    #expect(r.isProblem(415), "\(type ?? "none"): \(r.status)")
                }
            }
            try await client.execute(uri: "/v1/explain", method: .post,
                                     headers: h.headers(.reader, [.contentType: "text/plain"]),
                                     body: ByteBuffer(string: "{}")) { r in #expect(r.isProblem(415)) }
        }
    }

    @Test func aBodyOverTheLimitAnswers413BeforeScoring() async throws {
        var options = VigilServiceOptions()
        options.maxECGBodyBytes = 100_000
        let h = try await Harness.make(options: options)
        defer { h.remove() }
        let dcm = try Harness.sample("pydicom-3.0.2_waveform_ecg.dcm")   // 291 kB
        try await h.test { client in
            // Without Content-Length (the body is cut off while read) and with it (refused before reading).
            try await client.execute(uri: "/v1/ecg/score?store=true", method: .post,
                                     headers: h.headers(.scorer, [.contentType: "application/dicom"]),
                                     body: ByteBuffer(bytes: dcm)) { r in #expect(r.isProblem(413)) }
            try await client.execute(uri: "/v1/ecg/score?store=true", method: .post,
                                     headers: h.headers(.scorer, [.contentType: "application/dicom", .contentLength: "\(dcm.count)"]),
                                     body: ByteBuffer(bytes: dcm)) { r in #expect(r.isProblem(413)) }
            let big = ByteBuffer(string: "{\"inputId\": 1, \"audience\": \"patient\", \"question\": \"" + String(repeating: "a", count: 70_000) + "\"}")
            try await client.execute(uri: "/v1/explain", method: .post,
                                     headers: h.headers(.reader, [.contentType: "application/json"]), body: big) { r in
                #expect(r.isProblem(413))
            }
        }
        #expect(try await h.store.inputs(kind: nil, after: nil, limit: 10).isEmpty)
        #expect(h.api.metrics.text().contains("vigil_inferences_total") == false)
    }

    @Test func malformedUploadsAnswer400NeverA500() async throws {
        let h = try await Harness.make()
        defer { h.remove() }
        let hea = try Harness.sample("mitdb208_excerpt.hea")
        var bodies: [(String, Data)] = [
            ("application/dicom", Data("not a dicom file".utf8)),
            ("application/dicom", Data()),
            ("application/xml", Data("<root><unclosed>".utf8)),
            ("text/csv", Data("a,b\n1,2\n".utf8)),
            ("multipart/form-data", Data("--x\r\n".utf8)),
            ("multipart/form-data; boundary=x", Data("garbage without parts".utf8)),
            ("multipart/form-data; boundary=x", Data("--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nnofilename\r\n--x--\r\n".utf8)),
            ("multipart/form-data; boundary=x", Data("--x\r\nContent-Disposition: form-data; name=\"f\"; filename=\"../../etc/passwd.hea\"\r\n\r\n".utf8) + hea + Data("\r\n--x--\r\n".utf8)),
        ]
        var generator = SplitMix64(seed: 21)
        for type in ["application/dicom", "application/xml", "text/csv"] {
            for n in [1, 7, 128, 4096] {
                bodies.append((type, Data((0..<n).map { _ in UInt8.random(in: 0...255, using: &generator) })))
            }
        }
        let dcm = try Harness.sample("pydicom-3.0.2_waveform_ecg.dcm")
        for cut in [10, 132, 500, dcm.count / 2] { bodies.append(("application/dicom", dcm.prefix(cut))) }
        let cases = bodies
        try await h.test { client in
            for (type, body) in cases {
                try await client.execute(uri: "/v1/ecg/score?store=true", method: .post,
                                         headers: h.headers(.scorer, [.contentType: type]), body: ByteBuffer(bytes: body)) { r in
                    #expect(r.status.code >= 400 && r.status.code < 500, "\(type) \(body.count) bytes: \(r.status) \(r.text)")
                    #expect(r.isProblem(r.status.code))
                }
            }
            try await client.execute(uri: "/v1/ecg/score?store=maybe", method: .post,
                                     headers: h.headers(.scorer, [.contentType: "application/dicom"]), body: ByteBuffer(bytes: dcm)) { r in
                #expect(r.isProblem(400))
            }
        }
        // The path in the part's file name never reaches the disk outside the scorer's folder: the name is cut
        // to its last component, the record then lacks its signal file.
        #expect(try await h.store.inputs(kind: nil, after: nil, limit: 10).isEmpty)
    }

    /// A service clock the test moves forward.
    final class ShiftedClock: @unchecked Sendable {
        private let lock = NSLock()
        private var shift: TimeInterval = 0
        var now: Date { lock.withLock { Date().addingTimeInterval(shift) } }
        func advance(_ seconds: TimeInterval) { lock.withLock { shift += seconds } }
    }

    @Test func anIdempotencyKeyPastItsLifetimeCountsAsNew() async throws {
        let clock = ShiftedClock()
        var options = VigilServiceOptions()
        options.now = { clock.now }
        let h = try await Harness.make(options: options)
        defer { h.remove() }
        let dcm = try Harness.sample("pydicom-3.0.2_waveform_ecg.dcm")
        let (wfdb, wfdbType) = multipart([("mitdb208_excerpt.hea", try Harness.sample("mitdb208_excerpt.hea")),
                                          ("mitdb208_excerpt.dat", try Harness.sample("mitdb208_excerpt.dat"))])
        let key = HTTPField.Name.idempotencyKeyTest
        let statuses = try await h.test { client in
            var out: [(Int, String?)] = []
            out.append(try await client.execute(uri: "/v1/ecg/score?store=true", method: .post,
                                                headers: h.headers(.scorer, [.contentType: "application/dicom", key: "k-life"]),
                                                body: ByteBuffer(bytes: dcm)) { r in (r.status.code, r.headers[.idempotentReplayed]) })
            // Within the lifetime another request under the key is refused.
            clock.advance(h.api.options.idempotencyKeyLifetime - 60)
            out.append(try await client.execute(uri: "/v1/ecg/score?store=true", method: .post,
                                                headers: h.headers(.scorer, [.contentType: wfdbType, key: "k-life"]), body: wfdb) { r in
                (r.status.code, r.headers[.idempotentReplayed])
            })
            // Past it, the key is new: the other record is scored and stored.
            clock.advance(120)
            out.append(try await client.execute(uri: "/v1/ecg/score?store=true", method: .post,
                                                headers: h.headers(.scorer, [.contentType: wfdbType, key: "k-life"]), body: wfdb) { r in
                (r.status.code, r.headers[.idempotentReplayed])
            })
            return out
        }
        #expect(statuses.map(\.0) == [200, 422, 200])
        #expect(statuses.map(\.1) == [nil, nil, nil])
        #expect(try await h.store.inputs(kind: nil, after: nil, limit: 10).count == 2)
    }

    @Test func theSameIdempotencyKeyAndBodyGiveTheSameAnswerAndOneRecord() async throws {
        let h = try await Harness.make()
        defer { h.remove() }
        let dcm = try Harness.sample("pydicom-3.0.2_waveform_ecg.dcm")
        let (wfdb, wfdbType) = multipart([("mitdb208_excerpt.hea", try Harness.sample("mitdb208_excerpt.hea")),
                                          ("mitdb208_excerpt.dat", try Harness.sample("mitdb208_excerpt.dat"))])
        let key = HTTPField.Name.idempotencyKeyTest
        try await h.test { client in
            let first: String = try await client.execute(uri: "/v1/ecg/score?store=true", method: .post,
                                                         headers: h.headers(.scorer, [.contentType: "application/dicom", key: "k-1"]),
                                                         body: ByteBuffer(bytes: dcm)) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.idempotentReplayed] == nil)
                return r.text
            }
            try await client.execute(uri: "/v1/ecg/score?store=true", method: .post,
                                     headers: h.headers(.scorer, [.contentType: "application/dicom", key: "k-1"]),
                                     body: ByteBuffer(bytes: dcm)) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.idempotentReplayed] == "true")
                #expect(r.text == first)   // byte for byte, creation times included
            }
            // Same key, another body (or the same body unstored): 422, nothing scored.
            try await client.execute(uri: "/v1/ecg/score?store=true", method: .post,
                                     headers: h.headers(.scorer, [.contentType: wfdbType, key: "k-1"]), body: wfdb) { r in
                #expect(r.isProblem(422))
            }
            try await client.execute(uri: "/v1/ecg/score", method: .post,
                                     headers: h.headers(.scorer, [.contentType: "application/dicom", key: "k-1"]),
                                     body: ByteBuffer(bytes: dcm)) { r in #expect(r.isProblem(422)) }
            try await client.execute(uri: "/v1/ecg/score?store=true", method: .post,
                                     headers: h.headers(.scorer, [.contentType: "application/dicom", key: "bad key with spaces"]),
                                     body: ByteBuffer(bytes: dcm)) { r in #expect(r.isProblem(400)) }
        }
        #expect(try await h.store.inputs(kind: nil, after: nil, limit: 10).count == 1)
        #expect(try await h.store.auditLog(object: nil).filter { $0.action == "ecg.score" }.count == 1)
        // Another token's key space is its own.
        let other = try await h.store.createToken(role: .scorer, name: "second system")
        try await h.test { client in
            var headers = HTTPFields()
            headers[.authorization] = "Bearer \(other.secret)"
            headers[.contentType] = wfdbType
            headers[key] = "k-1"
            try await client.execute(uri: "/v1/ecg/score?store=true", method: .post, headers: headers, body: wfdb) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.idempotentReplayed] == nil)
            }
        }
        #expect(try await h.store.inputs(kind: nil, after: nil, limit: 10).count == 2)
    }

    @Test func aFullScoringQueueAnswers429WithRetryAfter() async throws {
        var options = VigilServiceOptions()
        options.scoringSlots = 1
        options.scoringQueue = 0
        options.retryAfterSeconds = 3
        let h = try await Harness.make(options: options)
        defer { h.remove() }
        let release = Latch()
        let holder = Task { try await h.api.gate.run { await release.wait() } }
        while await h.api.gate.counts.running < 1 { try await Task.sleep(for: .milliseconds(5)) }
        let dcm = try Harness.sample("pydicom-3.0.2_waveform_ecg.dcm")
        try await h.test { client in
            try await client.execute(uri: "/v1/ecg/score?store=true", method: .post,
                                     headers: h.headers(.scorer, [.contentType: "application/dicom"]), body: ByteBuffer(bytes: dcm)) { r in
                #expect(r.isProblem(429))
                #expect(r.headers[.retryAfter] == "3")
            }
            #expect(h.api.metrics.text().contains("vigil_scoring_in_flight 1.0"))
            await release.open()
            try await holder.value
            try await client.execute(uri: "/v1/ecg/score?store=true", method: .post,
                                     headers: h.headers(.scorer, [.contentType: "application/dicom"]), body: ByteBuffer(bytes: dcm)) { r in
                #expect(r.status == .ok)
            }
        }
        #expect(try await h.store.inputs(kind: nil, after: nil, limit: 10).count == 1)
    }

    @Test func explanationsForReadersAndPatientSafeOnesForAssistants() async throws {
        let h = try await Harness.make()
        defer { h.remove() }
        let dcm = try Harness.sample("pydicom-3.0.2_waveform_ecg.dcm")
        try await h.test { client in
            let id: Int = try await client.execute(uri: "/v1/ecg/score?store=true", method: .post,
                                                   headers: h.headers(.scorer, [.contentType: "application/dicom"]),
                                                   body: ByteBuffer(bytes: dcm)) { r in r.object["inputId"] as? Int ?? -1 }
            let ask = ByteBuffer(string: "{\"inputId\": \(id), \"audience\": \"patient\", \"question\": \"Is my heart rhythm normal?\"}")
            try await client.execute(uri: "/v1/explain", method: .post,
                                     headers: h.headers(.reader, [.contentType: "application/json"]), body: ask) { r in
                #expect(r.status == .ok, "\(r.text)")
                #expect(r.object["audit"] != nil)
                #expect((r.object["text"] as? String)?.isEmpty == false)
            }
            try await client.execute(uri: "/v1/explain", method: .post,
                                     headers: h.headers(.assistant, [.contentType: "application/json"]), body: ask) { r in
                #expect(r.status == .ok)
                #expect(r.object["audit"] == nil)
                // The same patient-safe view as MCP's explain_findings (AssistantView.ExplanationView).
                #expect((r.object["backend"] as? [String: Any])?["used"] as? String == "template")
                #expect(r.object["inputId"] as? Int == id)
                #expect((r.object["findingsSHA256"] as? String)?.count == 64)
                #expect((r.object["text"] as? String)?.isEmpty == false)
                #expect(r.object["question"] != nil)
            }
            for bad in ["", "[]", "{", "{\"inputId\": \(id)}", "{\"inputId\": \"1\", \"audience\": \"patient\"}",
                        "{\"inputId\": 1.5, \"audience\": \"patient\"}", "{\"inputId\": \(id), \"audience\": \"doctor\"}",
                        "{\"inputId\": \(id), \"audience\": \"patient\", \"extra\": 1}",
                        "{\"inputId\": \(id), \"audience\": \"patient\", \"question\": 7}", "{\"inputId\": 1e300, \"audience\": \"patient\"}"]
            {
                try await client.execute(uri: "/v1/explain", method: .post,
                                         headers: h.headers(.assistant, [.contentType: "application/json"]),
                                         body: ByteBuffer(string: bad)) { r in #expect(r.isProblem(400), "\(bad): \(r.status)") }
            }
            try await client.execute(uri: "/v1/explain", method: .post,
                                     headers: h.headers(.assistant, [.contentType: "application/json"]),
                                     body: ByteBuffer(string: "{\"inputId\": 4242, \"audience\": \"clinician\"}")) { r in
                #expect(r.isProblem(404))
            }
        }
        let explained = try await h.store.auditLog(object: nil).filter { $0.action == "explanation.request" }
        #expect(explained.map(\.actor) == ["token:\(h.tokenIDs[.reader]!)", "token:\(h.tokenIDs[.assistant]!)"])
    }

    @Test func theAuditLogIsPagedForAdmins() async throws {
        let h = try await Harness.make()
        defer { h.remove() }
        for i in 0..<5 { try await h.store.appendAudit(AuditEvent(actor: "t", action: "findings.read", object: "input:\(i)")) }
        let total = try await h.store.auditLog(object: nil).count   // 4 token.create + 5
        try await h.test { client in
            var uri: String? = "/v1/audit?limit=4"
            var seen: [Int] = []
            while let next = uri {
                uri = try await client.execute(uri: next, method: .get, headers: h.headers(.admin)) { r in
                    #expect(r.status == .ok)
                    let entries = r.object["entries"] as? [[String: Any]] ?? []
                    #expect(entries.count <= 4)
                    seen += entries.compactMap { $0["id"] as? Int }
                    return r.object["next"] as? String
                }
            }
            // Every entry once, in order (the pages' own audit.read entries come after the first `total`).
            #expect(Array(seen.prefix(total)) == Array(1...total))
            for bad in ["/v1/audit?limit=0", "/v1/audit?limit=100000", "/v1/audit?after=-1", "/v1/audit?after=x"] {
                try await client.execute(uri: bad, method: .get, headers: h.headers(.admin)) { r in #expect(r.isProblem(400)) }
            }
        }
        #expect(try await h.store.auditLog(object: "audit").allSatisfy { $0.actor == "token:\(h.tokenIDs[.admin]!)" })
    }

    @Test func metricsCountRequestsByRoutePatternAndInferencesByDetector() async throws {
        let h = try await Harness.make()
        defer { h.remove() }
        let dcm = try Harness.sample("pydicom-3.0.2_waveform_ecg.dcm")
        try await h.test { client in
            try await client.execute(uri: "/v1/ecg/score", method: .post,
                                     headers: h.headers(.scorer, [.contentType: "application/dicom"]), body: ByteBuffer(bytes: dcm)) { _ in }
            try await client.execute(uri: "/v1/inputs/12345/findings", method: .get, headers: h.headers(.reader)) { _ in }
            try await client.execute(uri: "/no/such/path", method: .get) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { r in
                let text = r.text
                #expect(text.contains(#"vigil_http_requests_total{route="/v1/ecg/score",method="POST",status="200"} 1"#))
                #expect(text.contains(#"route="/v1/inputs/{id}/findings",method="GET",status="404""#))
                #expect(text.contains(#"route="unmatched",method="GET",status="404""#))
                #expect(!text.contains("12345") && !text.contains("/no/such/path"))
                #expect(text.contains(#"vigil_inferences_total{detector="ecg-rhythm"} 1"#))
                #expect(text.contains("vigil_http_request_duration_seconds_bucket"))
                #expect(text.contains("vigil_scoring_queue_depth"))
            }
        }
    }

    @Test func aMountedGroupGetsTokenAndRoleChecks() async throws {
        let mount = VigilServiceMount(path: "/mcp", roles: [.assistant]) { group in
            group.post { _, context in "token \(context.token?.id ?? -1)" }
        }
        let h = try await Harness.make(mounts: [mount])
        defer { h.remove() }
        try await h.test { client in
            try await client.execute(uri: "/mcp", method: .post) { r in #expect(r.isProblem(401)) }
            try await client.execute(uri: "/mcp", method: .post, headers: h.headers(.reader)) { r in #expect(r.isProblem(403)) }
            try await client.execute(uri: "/mcp", method: .post, headers: h.headers(.assistant)) { r in
                #expect(r.status == .ok)
                #expect(r.text == "token \(h.tokenIDs[.assistant]!)")
            }
        }
    }
}

