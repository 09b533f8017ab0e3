import FindingsStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import VigilService

/// `POST /v1/jobs`, `GET` and `DELETE /v1/jobs/{id}`: jobs over paths under the data root and over uploads,
/// run by the batch engine into the store; paths outside the root refused; a job seen only by its own token;
/// cancel; the queue bound.
@Suite struct JobRouteTests {
    /// A data root holding two SampleData records (a DICOM ECG, and a WFDB record in a sub-folder) and a file
    /// outside it.
    static func dataRoot(in folder: URL) throws -> URL {
        let root = folder.appendingPathComponent("data", isDirectory: true)
        let sub = root.appendingPathComponent("wfdb", isDirectory: true)
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        try Harness.sample("pydicom-3.0.2_waveform_ecg.dcm").write(to: root.appendingPathComponent("rest.dcm"))
        try Harness.sample("mitdb208_excerpt.hea").write(to: sub.appendingPathComponent("mitdb208_excerpt.hea"))
        try Harness.sample("mitdb208_excerpt.dat").write(to: sub.appendingPathComponent("mitdb208_excerpt.dat"))
        try Harness.sample("synthetic_muse.xml").write(to: folder.appendingPathComponent("outside.xml"))
        return root
    }

    static func object(_ data: Data) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    /// Takes every slot of `gate` until the returned task is cancelled (then awaited).
    static func holdEverySlot(_ gate: ScoringGate) async throws -> Task<Void, Never> {
        let holders = Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<gate.slots {
                    group.addTask { await gate.withSlot { while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(10)) } } }
                }
            }
        }
        while await gate.counts.running < gate.slots { try await Task.sleep(for: .milliseconds(10)) }
        return holders
    }

    static func harness(maxActive: Int = 16, uploads: Bool = true) async throws -> (Harness, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("JobRouteTests-\(UUID().uuidString)")
        let root = try dataRoot(in: folder)
        var options = VigilServiceOptions()
        options.dataRoot = root
        options.jobSpool = uploads ? folder.appendingPathComponent("spool", isDirectory: true) : nil
        options.maxActiveJobs = maxActive
        return (try await Harness.make(options: options), folder)
    }

    @Test func aJobOverPathsScoresEveryRecordIntoTheStore() async throws {
        let (h, folder) = try await Self.harness()
        defer { h.remove(); try? FileManager.default.removeItem(at: folder) }
        let body = ByteBuffer(string: #"{"paths": ["rest.dcm", "wfdb"]}"#)
        let (submitted, location) = try await h.test { client in
            try await client.execute(uri: "/v1/jobs", method: .post, headers: h.headers(.scorer, [.contentType: "application/json"]),
                                     body: body) { r in
                #expect(r.status == .accepted)
                return (Data(r.body.readableBytesView), r.headers[.location])
            }
        }
        let job = Self.object(submitted)
        let id = try #require(job["id"] as? String)
        #expect(location == "/v1/jobs/\(id)")
        #expect(job["source"] as? String == "paths")
        await h.api.jobs.drain()

        let (statusData, code) = try await h.test { client in
            try await client.execute(uri: "/v1/jobs/\(id)", method: .get, headers: h.headers(.scorer)) { r in
                (Data(r.body.readableBytesView), r.status.code)
            }
        }
        #expect(code == 200)
        let status = Self.object(statusData)
        #expect(status["state"] as? String == "succeeded")
        #expect(status["total"] as? Int == 2)
        #expect(status["done"] as? Int == 2)
        #expect(status["recorded"] as? Int == 2)
        #expect(status["errors"] as? Int == 0)
        let ids = try #require(status["inputIds"] as? [Int64])
        #expect(ids.count == 2)
        // The listed inputs are the stored inputs of the two records, each with the rule detector's outcome.
        for raw in ids {
            let input = try #require(try await h.store.input(id: InputID(rawValue: raw)))
            #expect(input.kind == .ecg)
            let findings = try await h.store.findings(input: input.id).count
            let abstentions = try await h.store.abstentions(input: input.id).count
            #expect(findings + abstentions > 0)
        }
        let detectors = try #require(status["detectors"] as? [[String: Any]])
        #expect(detectors.count == h.api.registry.detectors(for: .ecg).count)
        #expect(detectors.allSatisfy { ($0["scored"] as? Int ?? 0) + ($0["abstained"] as? Int ?? 0) == 2 })
        let audit = try await h.store.auditLog(object: "job:\(id)")
        #expect(audit.map(\.action) == ["job.submit"])
        #expect(audit.first?.actor == "token:\(h.tokenIDs[.scorer]!)")

        // The same paths again: nothing new is recorded, the same inputs are listed.
        let again = try await h.test { client in
            try await client.execute(uri: "/v1/jobs", method: .post, headers: h.headers(.scorer, [.contentType: "application/json"]),
                                     body: body) { r in Data(r.body.readableBytesView) }
        }
        let secondID = try #require(Self.object(again)["id"] as? String)
        await h.api.jobs.drain()
        let second = try #require(await h.api.jobs.status(secondID, owner: "token:\(h.tokenIDs[.scorer]!)"))
        #expect(second.state == .succeeded)
        #expect(second.recorded == 0)
        #expect(second.skipped == 2)
        #expect(Set(second.inputIds) == Set(ids))
    }

    @Test func anUploadedJobIsScoredAndItsFilesRemoved() async throws {
        let (h, folder) = try await Self.harness()
        defer { h.remove(); try? FileManager.default.removeItem(at: folder) }
        let (body, type) = multipart([
            ("mitdb208_excerpt.hea", try Harness.sample("mitdb208_excerpt.hea")),
            ("mitdb208_excerpt.dat", try Harness.sample("mitdb208_excerpt.dat")),
            ("muse.xml", try Harness.sample("synthetic_muse.xml")),
        ])
        let data = try await h.test { client in
            try await client.execute(uri: "/v1/jobs", method: .post, headers: h.headers(.scorer, [.contentType: type]), body: body) { r in
                #expect(r.status == .accepted)
                return Data(r.body.readableBytesView)
            }
        }
        let id = try #require(Self.object(data)["id"] as? String)
        await h.api.jobs.drain()
        let status = try #require(await h.api.jobs.status(id, owner: "token:\(h.tokenIDs[.scorer]!)"))
        #expect(status.source == "upload")
        #expect(status.state == .succeeded)
        #expect(status.total == 2)
        #expect(status.recorded == 2)
        #expect(status.inputIds.count == 2)
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("spool").path)
        #expect(left.isEmpty)
    }

    @Test func badJobsAreRefusedWithAReason() async throws {
        let (h, folder) = try await Self.harness(uploads: false)
        defer { h.remove(); try? FileManager.default.removeItem(at: folder) }
        let outside = folder.appendingPathComponent("outside.xml").path
        let cases: [(String, Int, String)] = [
            (#"{"paths": ["../outside.xml"]}"#, 400, "path-outside-data-root"),
            (#"{"paths": ["\#(outside)"]}"#, 400, "path-outside-data-root"),
            (#"{"paths": ["wfdb/../../outside.xml"]}"#, 400, "path-outside-data-root"),
            (#"{"paths": ["missing.hea"]}"#, 400, "no-such-path"),
            (#"{"paths": ["wfdb/mitdb208_excerpt.dat"]}"#, 400, "not-an-ecg-file"),
            (#"{"paths": []}"#, 400, "bad-paths"),
            (#"{"paths": ["rest.dcm"], "rate": -1}"#, 400, "bad-job"),
            (#"{"paths": ["rest.dcm"], "units": "V"}"#, 400, "bad-job"),
            (#"{"path": "rest.dcm"}"#, 400, "malformed-body"),
            (#"not json"#, 400, "malformed-body"),
        ]
        let results = try await h.test { client in
            var out: [(Int, String, Bool)] = []
            for (body, _, _) in cases {
                out.append(try await client.execute(uri: "/v1/jobs", method: .post,
                                                    headers: h.headers(.scorer, [.contentType: "application/json"]),
                                                    body: ByteBuffer(string: body)) { r in
                    (Int(r.status.code), (r.object["type"] as? String) ?? "", r.isProblem(Int(r.status.code)))
                })
            }
            let (upload, type) = multipart([("r.xml", Data("<x/>".utf8))])
            out.append(try await client.execute(uri: "/v1/jobs", method: .post, headers: h.headers(.scorer, [.contentType: type]),
                                                body: upload) { r in (Int(r.status.code), (r.object["type"] as? String) ?? "", r.isProblem(415)) })
            out.append(try await client.execute(uri: "/v1/jobs", method: .post, headers: h.headers(.reader, [.contentType: "application/json"]),
                                                body: ByteBuffer(string: #"{"paths": ["rest.dcm"]}"#)) { r in
                (Int(r.status.code), (r.object["type"] as? String) ?? "", r.isProblem(403))
            })
            return out
        }
        for (index, expected) in cases.enumerated() {
            #expect(results[index].0 == expected.1, "\(expected.0)")
            #expect(results[index].1 == "urn:vigil:problem:\(expected.2)", "\(expected.0)")
            #expect(results[index].2, "\(expected.0)")
        }
        #expect(results[cases.count].0 == 415)
        #expect(results[cases.count].1 == "urn:vigil:problem:uploads-not-enabled")
        #expect(results[cases.count + 1].0 == 403)
        // Nothing was queued or scored.
        #expect(try await h.store.inputs(kind: nil, after: nil, limit: 10).isEmpty)
    }

    @Test func aJobIsSeenAndCancelledOnlyByItsOwnToken() async throws {
        let (h, folder) = try await Self.harness()
        defer { h.remove(); try? FileManager.default.removeItem(at: folder) }
        let (secret, other) = try await h.store.createToken(role: .scorer, name: "another scorer")
        let id = try #require(try await h.test { client in
            try await client.execute(uri: "/v1/jobs", method: .post, headers: h.headers(.scorer, [.contentType: "application/json"]),
                                     body: ByteBuffer(string: #"{"paths": ["rest.dcm"]}"#)) { r in r.object["id"] as? String }
        })
        await h.api.jobs.drain()
        let codes = try await h.test { client in
            var otherHeaders = HTTPFields()
            otherHeaders[.authorization] = "Bearer \(secret)"
            let get = try await client.execute(uri: "/v1/jobs/\(id)", method: .get, headers: otherHeaders) { r in (r.status.code, r.isProblem(404)) }
            let delete = try await client.execute(uri: "/v1/jobs/\(id)", method: .delete, headers: otherHeaders) { r in (r.status.code, r.isProblem(404)) }
            let bad = try await client.execute(uri: "/v1/jobs/not-a-job", method: .get, headers: h.headers(.scorer)) { r in r.status.code }
            let own = try await client.execute(uri: "/v1/jobs/\(id)", method: .get, headers: h.headers(.scorer)) { r in r.status.code }
            return (get, delete, bad, own)
        }
        #expect(codes.0 == (404, true))
        #expect(codes.1 == (404, true))
        #expect(codes.2 == 404)
        #expect(codes.3 == 200)
        // The job list holds only the caller's own jobs.
        let lists = try await h.test { client in
            var otherHeaders = HTTPFields()
            otherHeaders[.authorization] = "Bearer \(secret)"
            let mine = try await client.execute(uri: "/v1/jobs", method: .get, headers: h.headers(.scorer)) { r in
                ((r.object["jobs"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, r.status.code)
            }
            let theirs = try await client.execute(uri: "/v1/jobs", method: .get, headers: otherHeaders) { r in
                ((r.object["jobs"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, r.status.code)
            }
            let bad = try await client.execute(uri: "/v1/jobs?limit=0", method: .get, headers: h.headers(.scorer)) { r in r.isProblem(400) }
            return (mine, theirs, bad)
        }
        #expect(lists.0.0 == [id] && lists.0.1 == 200)
        #expect(lists.1.0 == [] && lists.1.1 == 200)
        #expect(lists.2)
        #expect(try await h.store.auditLog(object: "job:\(id)").allSatisfy { $0.actor != "token:\(other.id)" })
    }

    @Test func queuedJobsCanBeCancelledAndTheQueueIsBounded() async throws {
        let (h, folder) = try await Self.harness(maxActive: 2)
        defer { h.remove(); try? FileManager.default.removeItem(at: folder) }
        // Hold every scoring slot, so the first job waits inside the engine and the second one in the queue.
        let gate = h.api.gate
        let holders = try await Self.holdEverySlot(gate)
        let answers = try await h.test { client in
            var out: [(Int, String?, String?)] = []
            for _ in 0..<3 {
                out.append(try await client.execute(uri: "/v1/jobs", method: .post,
                                                    headers: h.headers(.scorer, [.contentType: "application/json"]),
                                                    body: ByteBuffer(string: #"{"paths": ["rest.dcm"]}"#)) { r in
                    (Int(r.status.code), r.object["id"] as? String, r.headers[.retryAfter])
                })
            }
            return out
        }
        #expect(answers.map(\.0) == [202, 202, 429])
        #expect(answers[2].2 == "\(h.api.options.retryAfterSeconds)")
        let second = try #require(answers[1].1)
        let cancelled = try await h.test { client in
            try await client.execute(uri: "/v1/jobs/\(second)", method: .delete, headers: h.headers(.scorer)) { r in
                (r.status.code, r.object["state"] as? String)
            }
        }
        #expect(cancelled.0 == 200)
        #expect(cancelled.1 == "cancelled")
        holders.cancel()
        await holders.value
        await h.api.jobs.drain()
        let owner = "token:\(h.tokenIDs[.scorer]!)"
        #expect(await h.api.jobs.status(try #require(answers[0].1), owner: owner)?.state == .succeeded)
        let never = try #require(await h.api.jobs.status(second, owner: owner))
        #expect(never.state == .cancelled)
        #expect(never.startedAt == nil)
        #expect(never.done == 0)
        #expect(try await h.store.auditLog(object: "job:\(second)").map(\.action) == ["job.submit", "job.cancel"])
    }

    @Test func aRunningJobStopsAfterTheRecordsInFlightAndKeepsTheirResults() async throws {
        let (h, folder) = try await Self.harness()
        defer { h.remove(); try? FileManager.default.removeItem(at: folder) }
        try Harness.sample("synthetic_muse.xml").write(to: folder.appendingPathComponent("data/extra.xml"))
        // Hold every slot, so the job's first records (one per slot) wait inside the engine while the cancel comes.
        let gate = h.api.gate
        let holders = try await Self.holdEverySlot(gate)
        let owner = "token:\(h.tokenIDs[.scorer]!)"
        let id = try #require(try await h.test { client in
            try await client.execute(uri: "/v1/jobs", method: .post, headers: h.headers(.scorer, [.contentType: "application/json"]),
                                     body: ByteBuffer(string: #"{"paths": ["rest.dcm", "wfdb", "extra.xml"]}"#)) { r in r.object["id"] as? String }
        })
        while await gate.counts.waiting < gate.slots { try await Task.sleep(for: .milliseconds(10)) }
        #expect(await h.api.jobs.status(id, owner: owner)?.state == .running)
        let answer = try await h.test { client in
            try await client.execute(uri: "/v1/jobs/\(id)", method: .delete, headers: h.headers(.scorer)) { r in
                (r.status.code, r.object["state"] as? String, r.object["cancelRequested"] as? Bool)
            }
        }
        #expect(answer.0 == 200 && answer.1 == "running" && answer.2 == true)
        holders.cancel()
        await holders.value
        await h.api.jobs.drain()
        let status = try #require(await h.api.jobs.status(id, owner: owner))
        #expect(status.state == .cancelled)
        #expect(status.reason == nil)
        #expect(status.total == 3)
        #expect(status.done == gate.slots)  // the records in flight, and no further one
        #expect(status.recorded == gate.slots)
        #expect(status.inputIds.count == gate.slots)
        for raw in status.inputIds { #expect(try await h.store.input(id: InputID(rawValue: raw)) != nil) }
    }
}
