import FindingsStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import VigilService

/// The per-object check (OWASP API1:2023): a token limited to a site sees only the inputs stored for that site
/// (by its scorers' uploads and jobs); another site's input answers 404 exactly like one that does not exist,
/// on every route that reads a stored input, and the attempt is audited. Hospital-wide tokens see everything.
@Suite struct SiteScopeTests {
    /// A site-limited token's secret.
    static func token(_ h: Harness, _ role: APIRole, site: String) async throws -> (secret: String, id: Int64) {
        let (secret, token) = try await h.store.createToken(role: role, name: "\(site) \(role.rawValue)", expiresAt: nil, site: site)
        return (secret, token.id)
    }

    static func headers(_ secret: String, json: Bool = false) -> HTTPFields {
        var h = HTTPFields()
        h[.authorization] = "Bearer \(secret)"
        if json { h[.contentType] = "application/json" }
        return h
    }

    @Test func aSitesReadersSeeItsInputsAndNoOneElses() async throws {
        let h = try await Harness.make()
        defer { h.remove() }
        let northScorer = try await Self.token(h, .scorer, site: "north")
        let northReader = try await Self.token(h, .reader, site: "north")
        let southReader = try await Self.token(h, .reader, site: "south")
        let southAssistant = try await Self.token(h, .assistant, site: "south")
        let dcm = try Harness.sample("pydicom-3.0.2_waveform_ecg.dcm")
        let (hea, dat) = (try Harness.sample("mitdb208_excerpt.hea"), try Harness.sample("mitdb208_excerpt.dat"))
        let (north, wide): (Int, Int) = try await h.test { client in
            var scoreHeaders = Self.headers(northScorer.secret)
            scoreHeaders[.contentType] = "application/dicom"
            let north = try await client.execute(uri: "/v1/ecg/score?store=true", method: .post, headers: scoreHeaders,
                                                 body: ByteBuffer(bytes: dcm)) { r in r.object["inputId"] as? Int ?? -1 }
            // A hospital-wide scorer's input belongs to no site.
            let (body, type) = multipart([("mitdb208_excerpt.hea", hea), ("mitdb208_excerpt.dat", dat)])
            let wide = try await client.execute(uri: "/v1/ecg/score?store=true", method: .post,
                                                headers: h.headers(.scorer, [.contentType: type]), body: body) { r in
                r.object["inputId"] as? Int ?? -1
            }
            return (north, wide)
        }
        #expect(north > 0 && wide > 0 && north != wide)
        let reads = ["findings", "fhir", "hl7v2"]

        try await h.test { client in
            for read in reads {
                // The site's reader and a hospital-wide reader see the site's input.
                try await client.execute(uri: "/v1/inputs/\(north)/\(read)", method: .get, headers: Self.headers(northReader.secret)) { r in
                    #expect(r.status == .ok, "north reader, \(read)")
                }
                try await client.execute(uri: "/v1/inputs/\(north)/\(read)", method: .get, headers: h.headers(.reader)) { r in
                    #expect(r.status == .ok, "hospital-wide reader, \(read)")
                }
                // Another site's reader: the same 404 as for an input that does not exist.
                let other = try await client.execute(uri: "/v1/inputs/\(north)/\(read)", method: .get,
                                                     headers: Self.headers(southReader.secret)) { r in
                    #expect(r.status == .notFound, "south reader, \(read)")
                    return r.text
                }
                let missing = try await client.execute(uri: "/v1/inputs/99999/\(read)", method: .get,
                                                       headers: Self.headers(southReader.secret)) { r in r.text }
                #expect(other == missing, "\(read): another site's input reads like a missing one")
                // The site's reader does not see the hospital-wide input.
                try await client.execute(uri: "/v1/inputs/\(wide)/\(read)", method: .get, headers: Self.headers(northReader.secret)) { r in
                    #expect(r.status == .notFound, "north reader, hospital-wide input, \(read)")
                }
            }
            let ask = ByteBuffer(string: "{\"inputId\": \(north), \"audience\": \"patient\"}")
            try await client.execute(uri: "/v1/explain", method: .post, headers: Self.headers(northReader.secret, json: true), body: ask) { r in
                #expect(r.status == .ok, "\(r.text)")
            }
            for secret in [southReader.secret, southAssistant.secret] {
                try await client.execute(uri: "/v1/explain", method: .post, headers: Self.headers(secret, json: true), body: ask) { r in
                    #expect(r.status == .notFound)
                }
            }
        }
        // Refusals are audited for the admin (token and input row id, nothing else); no read was recorded for them.
        let entries = try await h.store.auditLog(object: "input:\(north)")
        let denied = entries.filter { $0.action == "access.denied" }
        #expect(Set(denied.map(\.actor)) == ["token:\(southReader.id)", "token:\(southAssistant.id)"])
        #expect(denied.count == reads.count + 2)
        #expect(denied.allSatisfy { $0.details["site"] == .string("south") })
        #expect(!entries.contains { $0.action.hasSuffix(".read") && $0.actor == "token:\(southReader.id)" })
        // The unknown input (99999) is not audited as a refusal: there was nothing to refuse.
        #expect(try await h.store.auditLog(object: "input:99999").isEmpty)
    }

    @Test func theWorklistOfASiteHoldsOnlyItsStudies() async throws {
        let h = try await Harness.make()
        defer { h.remove() }
        let input = try await WorklistRouteTests.fill(h.store)  // 1.2.3 (with an input), 1.2.4, 1.2.5 (without)
        let other = try await h.store.registerInput(NewInput(contentSHA256: String(repeating: "f", count: 64), path: "/ct/s6",
                                                             kind: .ctStudy, studyID: "1.2.6"))
        _ = try await h.store.addToWorklist(NewWorklistEntry(studyID: "1.2.6", input: other.id, arrivedAt: WorklistRouteTests.t0))
        try await h.store.grant(site: "north", input: input)
        try await h.store.grant(site: "south", input: other.id)
        let north = try await Self.token(h, .reader, site: "north")
        let (pageData, one, hidden) = try await h.test { client in
            let page = try await client.execute(uri: "/v1/worklist", method: .get, headers: Self.headers(north.secret)) { r in
                #expect(r.status == .ok)
                return Data(r.body.readableBytesView)
            }
            let one = try await client.execute(uri: "/v1/worklist/1.2.3", method: .get, headers: Self.headers(north.secret)) { r in
                r.status
            }
            let hidden = try await client.execute(uri: "/v1/worklist/1.2.6", method: .get, headers: Self.headers(north.secret)) { r in
                r.status
            }
            return (page, one, hidden)
        }
        let page = WorklistRouteTests.object(pageData)
        let entries = try #require(page["entries"] as? [[String: Any]])
        #expect(entries.map { $0["studyId"] as? String } == ["1.2.3"])
        #expect(entries.first?["rank"] as? Int == 1)
        #expect(page["total"] as? Int == 1)  // the count says nothing of other sites' studies
        #expect(one == .ok && hidden == .notFound)
        // Hospital-wide, all four.
        let all = try await h.test { client in
            try await client.execute(uri: "/v1/worklist", method: .get, headers: h.headers(.reader)) { r in r.object["total"] as? Int }
        }
        #expect(all == 4)
    }

    @Test func aSitesJobStoresItsInputsForThatSite() async throws {
        let (h, folder) = try await JobRouteTests.harness()
        defer { h.remove(); try? FileManager.default.removeItem(at: folder) }
        let scorer = try await Self.token(h, .scorer, site: "north")
        let code = try await h.test { client in
            try await client.execute(uri: "/v1/jobs", method: .post, headers: Self.headers(scorer.secret, json: true),
                                     body: ByteBuffer(string: #"{"paths": ["rest.dcm", "wfdb"]}"#)) { r in r.status }
        }
        #expect(code == .accepted)
        await h.api.jobs.drain()
        let inputs = try await h.store.inputs(kind: nil, after: nil, limit: 10).map(\.id)
        #expect(inputs.count == 2)
        #expect(try await h.store.inputs(inputs, grantedTo: "north") == Set(inputs))
        #expect(try await h.store.inputs(inputs, grantedTo: "south").isEmpty)
    }

    @Test func anAdminTokenCannotBeLimitedToASite() async throws {
        let h = try await Harness.make()
        defer { h.remove() }
        await #expect(throws: APITokenError.siteNotAllowed(.admin)) {
            try await h.store.createToken(role: .admin, name: nil, expiresAt: nil, site: "north")
        }
    }
}
