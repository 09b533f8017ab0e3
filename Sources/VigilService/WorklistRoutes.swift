import FindingsStore
import Foundation
import Hummingbird

/// The radiology worklist over HTTP (role reader): the studies that `vigil worklist add`, `vigil batch`/`worklist
/// tag` and DICOMweb STOW-RS arrivals put there, in the store's order (highest tag priority first, untagged last,
/// then by arrival), the same list as `vigil worklist list`. Each read appends a `worklist.read` audit entry
/// naming the token; audit entries name input row ids, never study UIDs.
extension VigilAPI {
    /// One worklist study as the HTTP API shows it to a reader (study UID included; MCP's assistant view leaves it out).
    struct WorklistItem: Encodable {
        /// 1-based position on the worklist as the token sees it (its site's studies only, for a site token).
        let rank: Int
        let studyId: String
        let inputId: Int64?
        let tag: String?
        let priority: Int?
        let score: Double?
        let modelVersion: String?
        let arrivedAt: Date
        let taggedAt: Date?

        init(_ entry: WorklistEntry, rank: Int) {
            self.rank = rank
            studyId = entry.studyID
            inputId = entry.input?.rawValue
            tag = entry.current?.tag
            priority = entry.current?.priority
            score = entry.current?.score
            modelVersion = entry.current?.modelVersion
            arrivedAt = entry.arrivedAt
            taggedAt = entry.taggedAt
        }
    }

    /// The longest study identifier a path may carry (a DICOM UID has at most 64 characters).
    static let maxStudyIDLength = 128

    /// `GET /v1/worklist[?offset=N][&limit=N]`: a page of the worklist (`limit` 1 to `auditPage.max`, default
    /// `auditPage.default`) with `total` and `next`, the link to the following page, or null on the last one.
    /// The order can change between pages when studies are tagged meanwhile; `rank` says where each study stood
    /// at the time of the read.
    func worklist(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let query = request.uri.queryParameters
        var offset = 0
        if let text = query.get("offset") {
            guard let n = Int(text), n >= 0 else { throw Problem.badRequest("bad-query", "offset must be an integer >= 0") }
            offset = n
        }
        let limit = try pageLimit(request)
        let all = try await visibleWorklist(to: token)
        let page = all.indices.dropFirst(offset).prefix(limit).map { WorklistItem(all[$0], rank: $0 + 1) }
        try await store.appendAudit(AuditEvent(actor: token.auditActor, action: "worklist.read", object: "worklist",
                                               details: ["entries": .number(Double(page.count)), "offset": .number(Double(offset))]))
        struct Page: Encodable { let entries: [WorklistItem]; let total: Int; let next: String? }
        let end = offset + page.count
        let next = end < all.count && !page.isEmpty ? "/v1/worklist?offset=\(end)&limit=\(limit)" : nil
        return try Self.json(Page(entries: page, total: all.count, next: next))
    }

    /// `GET /v1/worklist/{studyId}`: one study with its current tag and its tag history, oldest first.
    /// 404 when the study is not on the worklist. Appends `worklist.read` for the study's input (or
    /// `worklist:unregistered` when the study has no stored input).
    func worklistStudy(_ context: VigilRequestContext) async throws -> Response {
        let token = try context.requireToken()
        guard let study = context.parameters.get("studyId"), !study.isEmpty,
              study.utf8.count <= Self.maxStudyIDLength
        else {
            throw Problem.badRequest("bad-path", "studyId must be 1 to \(Self.maxStudyIDLength) characters")
        }
        let all = try await visibleWorklist(to: token)
        guard let rank = all.firstIndex(where: { $0.studyID == study }) else {
            throw Problem(.notFound, "not-found", "the study is not on the worklist")
        }
        let entry = all[rank]
        let history = try await store.worklistHistory(studyID: study)
        try await store.appendAudit(AuditEvent(actor: token.auditActor, action: "worklist.read",
                                               object: entry.input.map { "input:\($0.rawValue)" } ?? "worklist:unregistered",
                                               details: ["history": .number(Double(history.count))]))
        struct Tag: Encodable { let tag: String; let priority: Int; let score: Double?; let modelVersion: String?; let taggedAt: Date }
        struct Study: Encodable { let entry: WorklistItem; let history: [Tag] }
        return try Self.json(Study(entry: WorklistItem(entry, rank: rank + 1), history: history.map {
            Tag(tag: $0.tag.tag, priority: $0.tag.priority, score: $0.tag.score, modelVersion: $0.tag.modelVersion,
                taggedAt: $0.taggedAt)
        }))
    }

    /// The worklist as `token` may see it: all of it hospital-wide; for a site, the studies whose input is granted
    /// to the site (ranks and totals count only those, so nothing is said about other sites' studies).
    func visibleWorklist(to token: APIToken) async throws -> [WorklistEntry] {
        try await store.visible(try await store.worklist(), in: token.scope)
    }

    /// Adds `GET /v1/worklist` and `GET /v1/worklist/{studyId}` (role reader) to `v1`.
    func addWorklistRoutes(to v1: RouterGroup<VigilRequestContext>) {
        let group = v1.group("/worklist").add(middleware: RoleMiddleware(.reader))
        group.get { request, context in try await self.worklist(request, context) }
        group.get("/{studyId}") { _, context in try await self.worklistStudy(context) }
    }
}
