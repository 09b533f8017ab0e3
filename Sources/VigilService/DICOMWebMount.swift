import DICOMWebIngest
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension VigilServiceMount {
    /// `POST /dicomweb/studies` and `POST /dicomweb/studies/{study}` (role `scorer`): DICOMweb STOW-RS
    /// (`multipart/related; type="application/dicom"`, PS3.18 §10.5) through ``DICOMWebIngest/STOWService``.
    /// The body streams into the service's multipart reader, which enforces its own part and body limits
    /// (413), so no upload is collected whole first. The answer is the PS3.18 response
    /// (`application/dicom+json`: ReferencedSOPSequence, FailedSOPSequence): 200 when every instance was
    /// stored, 202 when some failed, 409 when none was. Stored instances wait in the spool until their series
    /// is quiet (``DICOMWebIngest/SeriesAssembler``), then go on the worklist and are tagged.
    public static func dicomweb(_ stow: STOWService) -> VigilServiceMount {
        VigilServiceMount(path: "dicomweb", roles: [.scorer]) { group in
            let answer: @Sendable (Request, VigilRequestContext) async throws -> Response = { request, context in
                let token = try context.requireToken()
                guard let contentType = request.headers[.contentType] else {
                    throw Problem(.unsupportedMediaType, "unsupported-media-type",
                                  "Content-Type must be multipart/related; type=\"application/dicom\"")
                }
                let result: STOWResult
                do {
                    result = try await stow.store(contentType: contentType, body: request.body,
                                                  study: context.parameters.get("study"), site: token.site)
                } catch let e as STOWRequestError {
                    let slug = e.status == 415 ? "unsupported-media-type" : e.status == 413 ? "payload-too-large" : "malformed-body"
                    throw Problem(.init(code: e.status), slug, e.reason)
                }
                return Response(status: .init(code: result.httpStatus), headers: [.contentType: STOWResult.contentType],
                                body: .init(byteBuffer: ByteBuffer(data: result.json)))
            }
            group.post("studies", use: answer)
            group.post("studies/{study}", use: answer)
        }
    }
}
