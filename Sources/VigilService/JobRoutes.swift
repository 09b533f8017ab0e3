import BatchScoring
import ECGBatchSources
import ECGFormats
import FindingsStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Batch jobs over HTTP (role scorer): `POST /v1/jobs` queues ECG files and folders under the server's
/// `--data-root`, or the files of a `multipart/form-data` upload, for the ``JobRunner``; `GET /v1/jobs/{id}`
/// shows progress and counts; `DELETE /v1/jobs/{id}` cancels. A job is seen only by the token that submitted it
/// (another token gets 404). Submissions and cancels are audited (`job.submit`, `job.cancel`, object `job:ID`).
extension VigilAPI {
    /// The JSON body of a job over server paths.
    struct JobRequest: Decodable {
        /// Files or folders, relative to the data root (absolute paths must lie under it).
        let paths: [String]
        /// Sampling rate of CSV files in Hz.
        let rate: Double?
        /// Units of CSV files: `mV` or `uV`.
        let units: String?
    }

    /// Most paths one job may name.
    static let maxJobPaths = 10_000
    /// Largest JSON body of a job over paths (a long list of paths).
    static let maxJobRequestBytes = 1 << 20
    /// Most files one job upload may carry.
    static let maxJobUploadParts = 1000

    func addJobRoutes(to v1: RouterGroup<VigilRequestContext>) {
        let jobs = v1.group("/jobs").add(middleware: RoleMiddleware(.scorer))
        jobs.post { request, context in try await self.submitJob(request, context) }
        jobs.get { request, context in try await self.listJobs(request, context) }
        jobs.get("/{job}") { _, context in try await self.jobStatus(context) }
        jobs.delete("/{job}") { _, context in try await self.cancelJob(context) }
    }

    /// `POST /v1/jobs`: 202 with the queued job and `Location: /v1/jobs/{id}`.
    func submitJob(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let token = try context.requireToken()
        guard scorer != nil else { throw Problem(.serviceUnavailable, "not-ready", "no ECG detector is loaded") }
        let type = request.headers[.contentType].flatMap(ECGUpload.MediaType.init)
        let source: JobSource
        switch (type?.essence, type) {
        case ("application/json", _):
            let body = try await Self.collect(request, limit: Self.maxJobRequestBytes)
            source = try jobSource(paths: Data(body.readableBytesView))
        case ("multipart/form-data", let type?):
            guard let spool = options.jobSpool else {
                throw Problem(.unsupportedMediaType, "uploads-not-enabled", "this server takes jobs over paths under its data root only")
            }
            let body = try await Self.collect(request, limit: options.maxJobUploadBytes)
            source = try jobSource(upload: body, type: type, spool: spool)
        default:
            throw Problem(.unsupportedMediaType, "unsupported-media-type",
                          "send application/json {\"paths\": [...]} or multipart/form-data with the records' files")
        }
        let status: JobStatus
        do {
            status = try await jobs.submit(source, owner: token.auditActor, scope: token.scope)
        } catch is JobRunner.Full {
            if let folder = source.cleanup { try? FileManager.default.removeItem(at: folder) }
            throw Problem(.tooManyRequests, "job-queue-full",
                          "\(jobs.maxActive) jobs are queued or running; retry after \(options.retryAfterSeconds) s",
                          headers: [.retryAfter: "\(options.retryAfterSeconds)"])
        }
        try await store.appendAudit(AuditEvent(actor: token.auditActor, action: "job.submit", object: "job:\(status.id)",
                                               details: ["source": .string(source.kind), "entries": .number(Double(source.entries.count))]))
        var response = try Self.json(status, status: .accepted)
        response.headers[.location] = "/v1/jobs/\(status.id)"
        return response
    }

    /// `GET /v1/jobs[?limit=N]`: the token's own jobs still kept (queued, running, and the last ended ones),
    /// newest first.
    func listJobs(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let token = try context.requireToken()
        struct Body: Encodable { let jobs: [JobStatus] }
        return try Self.json(Body(jobs: await jobs.jobs(owner: token.auditActor, limit: try pageLimit(request))))
    }

    /// `GET /v1/jobs/{id}`.
    func jobStatus(_ context: VigilRequestContext) async throws -> Response {
        let token = try context.requireToken()
        guard let status = await jobs.status(try Self.jobID(context), owner: token.auditActor) else { throw Problem.notFound }
        return try Self.json(status)
    }

    /// `DELETE /v1/jobs/{id}`: the job after the cancel (a running job ends `cancelled` once its items in flight
    /// are done; an ended job is unchanged).
    func cancelJob(_ context: VigilRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let id = try Self.jobID(context)
        guard let status = await jobs.cancel(id, owner: token.auditActor) else { throw Problem.notFound }
        try await store.appendAudit(AuditEvent(actor: token.auditActor, action: "job.cancel", object: "job:\(id)"))
        return try Self.json(status)
    }

    // MARK: Sources

    /// A job over server paths: each resolved (symbolic links too) under the data root and present.
    func jobSource(paths body: Data) throws -> JobSource {
        guard let root = options.dataRoot else {
            throw Problem.badRequest("no-data-root", "this server has no data root (--data-root): upload the files instead")
        }
        let ask: JobRequest
        do {
            ask = try JSONDecoder().decode(JobRequest.self, from: body)
        } catch {
            throw Problem.badRequest("malformed-body", "the body must be {\"paths\": [\"file or folder\", ...], \"rate\"?: Hz, \"units\"?: \"mV\"|\"uV\"}")
        }
        guard (1...Self.maxJobPaths).contains(ask.paths.count) else {
            throw Problem.badRequest("bad-paths", "paths must name 1 to \(Self.maxJobPaths) files or folders")
        }
        let options = try Self.readOptions(rate: ask.rate, units: ask.units, slug: "bad-job")
        let resolvedRoot = root.standardizedFileURL.resolvingSymlinksInPath().path
        var entries: [JobSource.Entry] = []
        for path in ask.paths {
            guard !path.isEmpty, path.utf8.count <= 4096, !path.contains("\0") else {
                throw Problem.badRequest("bad-paths", "a path is empty, too long or holds a NUL")
            }
            let url = (path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appendingPathComponent(path))
                .standardizedFileURL.resolvingSymlinksInPath()
            guard url.path == resolvedRoot || url.path.hasPrefix(resolvedRoot + "/") else {
                throw Problem.badRequest("path-outside-data-root", "\(path): outside the server's data root")
            }
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
                throw Problem.badRequest("no-such-path", "\(path): no such file or folder under the data root")
            }
            if isFolder.boolValue {
                entries.append(.folder(url))
            } else {
                guard ECGFolderSource.isInput(url) else {
                    throw Problem.badRequest("not-an-ecg-file", "\(path): not an ECG record file (\(ECGFolderSource.inputExtensions.sorted().joined(separator: ", ")))")
                }
                entries.append(.file(url))
            }
        }
        return JobSource(entries: entries, options: options, kind: "paths")
    }

    /// A job over uploaded files: saved flat (by file name) in a new folder of the spool, scored as a folder.
    func jobSource(upload body: ByteBuffer, type: ECGUpload.MediaType, spool: URL) throws -> JobSource {
        let files: [String: Data]
        do throws(ECGUpload.Refusal) {
            files = try ECGUpload.multipartFiles(boundary: ECGUpload.boundary(of: type), body: body, maxParts: Self.maxJobUploadParts)
        } catch {
            switch error {
            case .unsupportedType(let why): throw Problem(.unsupportedMediaType, "unsupported-media-type", why)
            case .malformed(let why): throw Problem.badRequest("malformed-body", why)
            }
        }
        guard files.keys.contains(where: { ECGFolderSource.isInput(URL(fileURLWithPath: $0)) }) else {
            throw Problem.badRequest("no-ecg-file", "no uploaded file is an ECG record (\(ECGFolderSource.inputExtensions.sorted().joined(separator: ", ")))")
        }
        let folder = spool.appendingPathComponent("job-" + UUID().uuidString.lowercased(), isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for (name, data) in files {
                guard name != ".", name != "..", !name.contains("\0") else {
                    throw Problem.badRequest("malformed-body", "a part's file name is not a file name")
                }
                try data.write(to: folder.appendingPathComponent(name), options: .withoutOverwriting)
            }
        } catch let problem as Problem {
            try? FileManager.default.removeItem(at: folder)
            throw problem
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw Problem(.serviceUnavailable, "spool-unavailable", "the upload could not be saved; retry later")
        }
        return JobSource(entries: [.folder(folder)], kind: "upload", cleanup: folder)
    }

    // MARK: Helpers

    static let rateRule = "rate must be a sampling rate in Hz (0 < rate <= 100000)"

    /// CSV read options from a sampling rate (Hz) and units (`mV`, `uV`); a bad value answers 400 `slug`.
    static func readOptions(rate: Double?, units: String?, slug: String) throws -> ECGReadOptions {
        var options = ECGReadOptions()
        if let rate {
            guard rate.isFinite, rate > 0, rate <= 100_000 else { throw Problem.badRequest(slug, rateRule) }
            options.samplingRateHz = rate
        }
        if let units {
            guard ["mV", "uV"].contains(units) else { throw Problem.badRequest(slug, "units must be mV or uV") }
            options.csvUnits = units
        }
        return options
    }

    /// The `{job}` path parameter: a job id is a lowercase UUID (anything else is no job: 404).
    static func jobID(_ context: VigilRequestContext) throws -> String {
        guard let text = context.parameters.get("job"), text.count == 36, UUID(uuidString: text) != nil,
              text == text.lowercased()
        else { throw Problem.notFound }
        return text
    }
}
