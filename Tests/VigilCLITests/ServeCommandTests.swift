import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `vigil token create` + `vigil serve` as a user runs them: the real binary on a free loopback port, a
/// health check and a scored upload over HTTP, then SIGTERM and a clean exit. Every wait is bounded.
@Suite struct ServeCommandTests {
    /// Collects a pipe's bytes as they come.
    final class Collector: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
        func append(_ d: Data) { lock.withLock { data.append(d) } }
    }

    static func request(_ url: URL, method: String = "GET", headers: [String: String] = [:], body: Data? = nil)
        async throws -> (Int, Data)
    {
        var r = URLRequest(url: url, timeoutInterval: 60)
        r.httpMethod = method
        for (k, v) in headers { r.setValue(v, forHTTPHeaderField: k) }
        r.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: r)
        return ((response as? HTTPURLResponse)?.statusCode ?? -1, data)
    }

    @Test func serveAnswersAndDrainsOnSIGTERM() async throws {
        let vigil = try #require(VigilBinary.locate(), "build vigil first (swift build)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("vigil.sqlite").path

        let created = try VigilBinary.run(vigil, ["token", "create", "--db", db, "--role", "scorer", "--name", "e2e"], in: folder)
        #expect(created.status == 0, "\(created.error)")
        let token = created.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("vigil_") && !token.contains("\n"), "stdout must be the token alone: \(created.output)")
        let listed = try VigilBinary.run(vigil, ["token", "list", "--db", db], in: folder)
        #expect(listed.status == 0 && listed.output.contains("scorer") && !listed.output.contains(token))
        // A site token; an admin cannot have one (refused before anything is stored).
        let site = try VigilBinary.run(vigil, ["token", "create", "--db", db, "--role", "reader", "--site", "cardiology-north"], in: folder)
        #expect(site.status == 0 && site.error.contains("site cardiology-north"), "\(site.error)")
        let admin = try VigilBinary.run(vigil, ["token", "create", "--db", db, "--role", "admin", "--site", "north"], in: folder)
        #expect(admin.status != 0 && admin.error.contains("admin tokens are hospital-wide"), "\(admin.error)")
        let sites = try VigilBinary.run(vigil, ["token", "list", "--db", db], in: folder)
        #expect(sites.output.split(separator: "\n").dropFirst().map { $0.split(separator: "\t")[2] } == ["*", "cardiology-north"])

        let process = Process()
        process.executableURL = vigil
        process.arguments = ["serve", "--db", db, "--port", "0", "--models", folder.appendingPathComponent("no-models").path]
        process.currentDirectoryURL = folder
        let err = Pipe(), out = Pipe()
        process.standardError = err
        process.standardOutput = out
        let log = Collector()
        err.fileHandleForReading.readabilityHandler = { h in log.append(h.availableData) }
        out.fileHandleForReading.readabilityHandler = { h in _ = h.availableData }
        try process.run()
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            err.fileHandleForReading.readabilityHandler = nil
            out.fileHandleForReading.readabilityHandler = nil
        }

        // The bound port, from "listening on http://127.0.0.1:PORT" (up to 1,200 polls of 100 ms).
        var port: Int?
        // Counted polls, not a wall-clock deadline: with the whole suite running in parallel this task can wait
        // minutes for a thread, and a deadline then expires before the log is looked at once more.
        for _ in 0..<1200 {
            if let m = log.text.firstMatch(of: /listening on http:\/\/127\.0\.0\.1:(\d+)/) { port = Int(m.1); break }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let bound = try #require(port, "the server did not start: \(log.text)")
        let base = URL(string: "http://127.0.0.1:\(bound)")!

        let (healthStatus, _) = try await Self.request(base.appendingPathComponent("healthz"))
        #expect(healthStatus == 200)
        let dcm = try Data(contentsOf: VigilBinary.root.appendingPathComponent("SampleData/ecg/pydicom-3.0.2_waveform_ecg.dcm"))
        let (scoreStatus, scoreBody) = try await Self.request(
            URL(string: "http://127.0.0.1:\(bound)/v1/ecg/score?store=true")!, method: "POST",
            headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/dicom"], body: dcm)
        #expect(scoreStatus == 200, "\(String(decoding: scoreBody, as: UTF8.self))")
        let doc = try JSONSerialization.jsonObject(with: scoreBody) as? [String: Any]
        #expect(doc?["inputId"] as? Int == 1)
        let (unauthorized, _) = try await Self.request(base.appendingPathComponent("v1/detectors"))
        #expect(unauthorized == 401)

        // SIGTERM: a clean exit within 30 s.
        kill(process.processIdentifier, SIGTERM)
        for _ in 0..<600 where process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning, "still running 30 s after SIGTERM")
        if !process.isRunning {
            #expect(process.terminationReason == .exit && process.terminationStatus == 0, "exit \(process.terminationStatus)")
        }
        try await Task.sleep(for: .milliseconds(200))
        let text = log.text
        #expect(text.contains("POST /v1/ecg/score 200"), "\(text)")
        #expect(text.contains("GET /healthz 200"))
        #expect(text.contains("vigil serve: stopped"))
        #expect(!text.contains(token), "the token must not be logged")
        #expect(!text.contains("input:1") && !text.contains("store=true"), "no ids or query strings in the log")
    }
}
