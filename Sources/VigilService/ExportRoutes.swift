import DICOMSR
import FHIRExport
import FindingsStore
import Foundation
import HL7v2
import HTTPTypes
import Hummingbird
import NIOCore

/// The per-input standard documents: the DICOM SR (TID 1500) of a CT study and the HL7 v2.5.1 ORU^R01 of any
/// input, built by the same library calls as `vigil export --format dicom-sr|hl7v2` (docs/export.md,
/// docs/service.md). Role reader; each read appends an audit entry naming the token.
extension VigilAPI {
    /// The media type of `GET /v1/inputs/{id}/hl7v2`: ER7 ("vertical bar") encoding as the HL7 over HTTP
    /// specification (HAPI, §2.4) names it. IANA registers only the XML encoding (`application/hl7v2+xml`).
    static let hl7v2MediaType = "x-application/hl7-v2+er7; charset=utf-8"

    /// `GET /v1/inputs/{id}/dicom-sr[?detector=ID]`: the input's Comprehensive 3D SR (`application/dicom`),
    /// byte for byte the file `vigil export --format dicom-sr` writes for it. 404 when there is no such input;
    /// 409 `not-a-ct-study` for an input of another kind, 409 `no-dicom-sr` when nothing was assessed yet (no
    /// finding or abstention; errors only), 409 `several-dicom-srs` when several CT detectors reported and
    /// `detector` does not pick one, 404 when `detector` names none of them. Appends `dicom-sr.read`.
    func dicomSR(_ request: Request, _ context: VigilRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let id = try Self.inputID(context)
        try await requireVisible(id, to: token)
        let wanted = request.uri.queryParameters.get("detector")
        if let wanted, wanted.isEmpty || wanted.utf8.count > 128 {
            throw Problem.badRequest("bad-query", "detector must be a detector id of 1 to 128 characters")
        }
        guard let stored = try await StoredInputResults.load(input: id, from: store) else { throw Problem.notFound }
        guard stored.input.kind == .ctStudy else {
            throw Problem(.conflict, "not-a-ct-study",
                          "input \(id.rawValue) is not a CT study; DICOM SRs are made for CT studies (use /fhir or /hl7v2)")
        }
        let documents = try DICOMSRExporter.documents(for: stored)
        if documents.reports.isEmpty {
            throw Problem(.conflict, "no-dicom-sr",
                          documents.onlyErrors ? "the CT study could not be processed; no SR is made for it"
                                               : "the CT study has no findings or abstentions yet")
        }
        let report: DICOMSRExporter.Document
        if let wanted {
            guard let r = documents.reports.first(where: { $0.detector.id == wanted }) else {
                throw Problem(.notFound, "not-found", "no SR of detector \(wanted.prefix(128)) for this input")
            }
            report = r
        } else {
            guard documents.reports.count == 1 else {
                throw Problem(.conflict, "several-dicom-srs",
                              "several detectors reported on this study; choose one with ?detector= (\(documents.reports.map(\.detector.id).joined(separator: ", ")))")
            }
            report = documents.reports[0]
        }
        try await store.appendAudit(AuditEvent(actor: token.auditActor, action: "dicom-sr.read", object: "input:\(id.rawValue)",
                                               details: ["detector": .string(report.detector.id)]))
        var response = Self.json(data: report.data, contentType: "application/dicom")
        response.headers[.contentDisposition] = "attachment; filename=\"\(report.name)\""
        return response
    }

    /// `GET /v1/inputs/{id}/hl7v2`: the input's ORU^R01 message (segments ended by CR, no MLLP framing), the
    /// message `vigil export --format hl7v2` writes for it (MSH-7 and the control id from the time of the
    /// request). 404 when there is no such input, 409 `no-results` when nothing is recorded for it. Appends
    /// `hl7v2.read`.
    func hl7v2(_ context: VigilRequestContext) async throws -> Response {
        let token = try context.requireToken()
        let id = try Self.inputID(context)
        try await requireVisible(id, to: token)
        let builder = ORUBuilder(modelCards: registry.detectors.compactMap(\.modelCard), timestamp: options.now())
        switch try await HL7v2Exporter.message(input: id, store: store, builder: builder) {
        case .noInput:
            throw Problem.notFound
        case .nothingRecorded:
            throw Problem(.conflict, "no-results", "nothing is recorded for input \(id.rawValue) yet")
        case .message(let message):
            try await store.appendAudit(AuditEvent(actor: token.auditActor, action: "hl7v2.read", object: "input:\(id.rawValue)",
                                                   details: ["controlId": .string(message.controlID)]))
            return Self.json(data: Data(message.text.utf8), contentType: Self.hl7v2MediaType)
        }
    }

    /// Adds the export routes to the reader group `/v1/inputs`.
    func addExportRoutes(to reads: RouterGroup<VigilRequestContext>) {
        reads.get("/{id}/dicom-sr") { request, context in try await self.dicomSR(request, context) }
        reads.get("/{id}/hl7v2") { _, context in try await self.hl7v2(context) }
    }
}
