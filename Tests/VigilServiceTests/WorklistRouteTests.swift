import FindingsStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import VigilService

/// `GET /v1/worklist` and `/v1/worklist/{studyId}`: the store's worklist order, pages, tag history, roles,
/// problems, and one audit entry per read that names the token and no study UID.
@Suite struct WorklistRouteTests {
    static let t0 = Date(timeIntervalSince1970: 1_764_700_000)

    /// Three studies: "1.2.3" tagged twice (last HIGH, priority 30), "1.2.4" tagged LOW (priority 10), "1.2.5"
    /// untagged, arriving in the order 1.2.5, 1.2.4, 1.2.3. The store's order: 1.2.3, 1.2.4, 1.2.5.
    static func fill(_ store: SQLiteFindingsStore) async throws -> InputID {
        let input = try await store.registerInput(NewInput(contentSHA256: String(repeating: "e", count: 64), path: "/ct/s3", kind: .ctStudy,
                                                           studyID: "1.2.3"))
        _ = try await store.addToWorklist(NewWorklistEntry(studyID: "1.2.5", arrivedAt: t0))
        _ = try await store.addToWorklist(NewWorklistEntry(studyID: "1.2.4", arrivedAt: t0.addingTimeInterval(60)))
        _ = try await store.addToWorklist(NewWorklistEntry(studyID: "1.2.3", input: input.id, arrivedAt: t0.addingTimeInterval(120)))
        _ = try await store.tagWorklistEntry(studyID: "1.2.3", tag: WorklistTag(tag: "PANCREAS-SUSPECT-LOW", priority: 10, score: 0.2, modelVersion: "0.3.0"))
        _ = try await store.tagWorklistEntry(studyID: "1.2.3", tag: WorklistTag(tag: "PANCREAS-SUSPECT-HIGH", priority: 30, score: 0.9, modelVersion: "0.3.0"))
        _ = try await store.tagWorklistEntry(studyID: "1.2.4", tag: WorklistTag(tag: "PANCREAS-SUSPECT-LOW", priority: 10, score: 0.1, modelVersion: "0.3.0"))
        return input.id
    }

    static func object(_ data: Data) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    @Test func theWorklistIsTheStoresOrderInPagesAndEachReadIsAudited() async throws {
        let h = try await Harness.make()
        defer { h.remove() }
        let input = try await Self.fill(h.store)
        let order = try await h.store.worklist().map(\.studyID)
        #expect(order == ["1.2.3", "1.2.4", "1.2.5"])
        let (firstData, secondData) = try await h.test { client in
            let a = try await client.execute(uri: "/v1/worklist?limit=2", method: .get, headers: h.headers(.reader)) { r in
                #expect(r.status == .ok)
                return Data(r.body.readableBytesView)
            }
            let b = try await client.execute(uri: "/v1/worklist?offset=2&limit=2", method: .get, headers: h.headers(.reader)) { r in
                #expect(r.status == .ok)
                return Data(r.body.readableBytesView)
            }
            return (a, b)
        }
        let first = Self.object(firstData), second = Self.object(secondData)
        let entries = try #require(first["entries"] as? [[String: Any]])
        #expect(entries.map { $0["studyId"] as? String } == ["1.2.3", "1.2.4"])
        #expect(entries.map { $0["rank"] as? Int } == [1, 2])
        #expect(entries[0]["tag"] as? String == "PANCREAS-SUSPECT-HIGH")
        #expect(entries[0]["priority"] as? Int == 30)
        #expect(entries[0]["inputId"] as? Int64 == input.rawValue)
        #expect(entries[1]["inputId"] == nil)
        #expect(first["total"] as? Int == 3)
        #expect(first["next"] as? String == "/v1/worklist?offset=2&limit=2")
        let rest = try #require(second["entries"] as? [[String: Any]])
        #expect(rest.map { $0["studyId"] as? String } == ["1.2.5"])
        #expect(rest[0]["rank"] as? Int == 3)
        #expect(rest[0]["tag"] == nil)
        #expect(second["next"] == nil)

        let audit = try await h.store.auditLog(object: "worklist").filter { $0.action == "worklist.read" }
        #expect(audit.count == 2)
        #expect(audit.allSatisfy { $0.actor == "token:\(h.tokenIDs[.reader]!)" })
        #expect(audit.map { $0.details["entries"] } == [.number(2), .number(1)])
    }

    @Test func oneStudyWithItsTagHistory() async throws {
        let h = try await Harness.make()
        defer { h.remove() }
        let input = try await Self.fill(h.store)
        let (studyData, unregisteredData) = try await h.test { client in
            let a = try await client.execute(uri: "/v1/worklist/1.2.3", method: .get, headers: h.headers(.reader)) { r in
                #expect(r.status == .ok)
                return Data(r.body.readableBytesView)
            }
            let b = try await client.execute(uri: "/v1/worklist/1.2.5", method: .get, headers: h.headers(.reader)) { r in
                #expect(r.status == .ok)
                return Data(r.body.readableBytesView)
            }
            return (a, b)
        }
        let study = Self.object(studyData), unregistered = Self.object(unregisteredData)
        let entry = try #require(study["entry"] as? [String: Any])
        #expect(entry["studyId"] as? String == "1.2.3")
        #expect(entry["rank"] as? Int == 1)
        let history = try #require(study["history"] as? [[String: Any]])
        #expect(history.map { $0["tag"] as? String } == ["PANCREAS-SUSPECT-LOW", "PANCREAS-SUSPECT-HIGH"])
        #expect(history.map { $0["priority"] as? Int } == [10, 30])
        #expect((unregistered["history"] as? [Any])?.isEmpty == true)
        #expect((unregistered["entry"] as? [String: Any])?["rank"] as? Int == 3)

        // Audited by input row id (or as unregistered), never by study UID.
        let reads = try await h.store.auditLog(object: nil).filter { $0.action == "worklist.read" }
        #expect(reads.map(\.object) == ["input:\(input.rawValue)", "worklist:unregistered"])
        #expect(!reads.contains { "\($0.object)\($0.details)".contains("1.2.") })
    }

    @Test func rolesAndProblems() async throws {
        let h = try await Harness.make()
        defer { h.remove() }
        _ = try await Self.fill(h.store)
        let long = String(repeating: "9", count: VigilAPI.maxStudyIDLength + 1)
        let cases: [(String, APIRole?, HTTPResponse.Status)] = [
            ("/v1/worklist", nil, .unauthorized),
            ("/v1/worklist", .scorer, .forbidden),
            ("/v1/worklist", .assistant, .forbidden),
            ("/v1/worklist/1.2.3", .scorer, .forbidden),
            ("/v1/worklist?limit=0", .reader, .badRequest),
            ("/v1/worklist?limit=100000", .reader, .badRequest),
            ("/v1/worklist?offset=-1", .reader, .badRequest),
            ("/v1/worklist?offset=x", .reader, .badRequest),
            ("/v1/worklist/9.9.9", .reader, .notFound),
            ("/v1/worklist/\(long)", .reader, .badRequest),
            ("/v1/worklist?offset=50", .reader, .ok),
        ]
        try await h.test { client in
            for (uri, role, status) in cases {
                try await client.execute(uri: uri, method: .get, headers: h.headers(role)) { r in
                    #expect(r.status == status, "\(uri) as \(role?.rawValue ?? "nobody")")
                    if status != .ok { #expect(r.headers[.contentType] == "application/problem+json", "\(uri)") }
                }
            }
        }
        // Past the end: an empty page, no next link.
        let beyond = Self.object(try await h.test { client in
            try await client.execute(uri: "/v1/worklist?offset=50", method: .get, headers: h.headers(.reader)) {
                Data($0.body.readableBytesView)
            }
        })
        #expect((beyond["entries"] as? [Any])?.isEmpty == true)
        #expect(beyond["total"] as? Int == 3)
        #expect(beyond["next"] == nil)
    }
}
