import DICOM
import Foundation
import ImagingFormats
import NIOCore

/// DICOMweb STOW-RS (PS3.18 §10.5) as a library call: a `multipart/related; type="application/dicom"` body
/// in, the Store Instances Response out. Each part is read with Vigil's DICOM reader (and, for images, its
/// pixel decoder, so an instance Vigil cannot use is refused at once rather than at scoring), written to the
/// ``InstanceSpool`` and reported to the ``SeriesAssembler``; a bad part fails alone, never the request.
///
/// The HTTP route is a thin shell (see the README's wiring note): it passes the `Content-Type` header, the
/// body chunks and the optional `{study}` path parameter, then answers `httpStatus` with `json` as
/// `application/dicom+json`; a thrown ``STOWRequestError`` becomes an RFC 7807 problem with its status.
public struct STOWService: Sendable {
    /// Where instances are written.
    public let spool: InstanceSpool
    /// Tracks series completion.
    public let assembler: SeriesAssembler
    /// Request bounds.
    public let limits: STOWLimits
    /// Base of the Retrieve URLs in responses (e.g. `https://vigil.example/dicomweb`); nil leaves them empty.
    public let retrieveBaseURL: String?

    /// Creates a service.
    public init(spool: InstanceSpool, assembler: SeriesAssembler, limits: STOWLimits = STOWLimits(), retrieveBaseURL: String? = nil) {
        self.spool = spool
        self.assembler = assembler
        self.limits = limits
        self.retrieveBaseURL = retrieveBaseURL
    }

    /// Stores the instances of a request body that arrives in chunks (an HTTP server's request body).
    /// - Parameters:
    ///   - contentType: the request's `Content-Type` header.
    ///   - body: the body's chunks.
    ///   - study: the `{study}` of `POST /studies/{study}`: instances of another study then fail (A900).
    ///   - site: the sender's site (its token's, see `APIToken.site`): the studies it stores are granted to it
    ///     when listed; nil: no site.
    /// - Throws: `STOWRequestError` (400/413/415) when the request as a whole cannot be read.
    public func store<Body: AsyncSequence>(contentType: String, body: Body, study: String? = nil, site: String? = nil)
        async throws -> STOWResult
    where Body.Element == ByteBuffer {
        let reader = try STOWMultipartReader(contentType: contentType, limits: limits)
        for try await chunk in body { try reader.feed(chunk) }
        return await store(parts: try reader.finish(), study: study, site: site)
    }

    /// Stores the instances of a body held in memory.
    public func store(contentType: String, body: [UInt8], study: String? = nil, site: String? = nil) async throws -> STOWResult {
        let parts = try STOWMultipartReader.parts(contentType: contentType, body: body, limits: limits)
        return await store(parts: parts, study: study, site: site)
    }

    /// Stores parsed parts: each is stored or fails on its own.
    public func store(parts: [STOWPart], study: String? = nil, site: String? = nil) async -> STOWResult {
        if let study, !InstanceSpool.isValidUID(study) {
            let failed = parts.map { STOWFailedInstance(part: $0.index, sopClassUID: nil, sopInstanceUID: nil, reason: .dataSetDoesNotMatchSOPClass,
                                                        message: "the study in the request path is not a valid UID") }
            return STOWResult(stored: [], failed: failed, studyRetrieveURL: nil, retrieveBaseURL: retrieveBaseURL)
        }
        var stored: [STOWStoredInstance] = []
        var failed: [STOWFailedInstance] = []
        var sited: Set<String> = []  // studies whose sender site is already recorded by this request
        for part in parts {
            switch await store(part, study: study, site: site, sited: &sited) {
            case let .success(s): stored.append(s)
            case let .failure(f): failed.append(f)
            }
        }
        let studies = Set(stored.map(\.studyInstanceUID))
        var studyURL: String? = nil
        if let base = retrieveBaseURL, studies.count == 1, let s = studies.first {
            studyURL = "\(STOWResult.trim(base))/studies/\(s)"
        }
        return STOWResult(stored: stored, failed: failed, studyRetrieveURL: studyURL, retrieveBaseURL: retrieveBaseURL)
    }

    private enum PartResult { case success(STOWStoredInstance), failure(STOWFailedInstance) }

    private func store(_ part: STOWPart, study expected: String?, site: String?, sited: inout Set<String>) async -> PartResult {
        let name = "part \(part.index)"
        func fail(_ reason: STOWFailureReason, _ message: String, _ cls: String? = nil, _ uid: String? = nil) -> PartResult {
            .failure(STOWFailedInstance(part: part.index, sopClassUID: cls, sopInstanceUID: uid, reason: reason, message: "\(name): \(message)"))
        }
        var warnings: [String] = []
        switch part.mediaType {
        case "application/dicom": break
        case nil: warnings.append("\(name) has no Content-Type: read as application/dicom")
        case let other?:
            return fail(.cannotUnderstand, "Content-Type \(STOWContentType.short(other)), not application/dicom")
        }
        guard !part.body.isEmpty else { return fail(.cannotUnderstand, "empty body") }
        let file: DICOMFile
        do { file = try DICOMFile.parse(part.body, name: name) } catch let e as DICOMError {
            return fail(Self.reason(e.kind), e.detail)
        } catch {
            return fail(.cannotUnderstand, "not readable as DICOM")
        }
        let ds = file.dataSet
        func uid(_ tag: DICOMTag) -> String? {
            guard let s = try? ds.string(tag) else { return nil }
            let t = s.trimmingCharacters(in: CharacterSet(charactersIn: " \0"))
            return t.isEmpty ? nil : t
        }
        let cls = uid(.sopClassUID), sop = uid(.sopInstanceUID)
        guard let cls, let sop, InstanceSpool.isValidUID(cls), InstanceSpool.isValidUID(sop) else {
            return fail(.dataSetDoesNotMatchSOPClass, "SOP Class UID (0008,0016) or SOP Instance UID (0008,0018) missing or not a UID", cls, sop)
        }
        guard let studyUID = uid(.studyInstanceUID), InstanceSpool.isValidUID(studyUID),
              let seriesUID = uid(.seriesInstanceUID), InstanceSpool.isValidUID(seriesUID)
        else {
            return fail(.dataSetDoesNotMatchSOPClass, "Study Instance UID (0020,000D) or Series Instance UID (0020,000E) missing or not a UID", cls, sop)
        }
        if let expected, studyUID != expected {
            return fail(.dataSetDoesNotMatchSOPClass, "the instance belongs to another study than the request path names", cls, sop)
        }
        if ds.contains(.pixelData) {
            do { _ = try ImageVolumeReader.decodePlanes(file) } catch let e as DICOMError {
                let reason: STOWFailureReason = e.kind == .unsupportedTransferSyntax ? .transferSyntaxNotSupported
                    : e.kind == .unsupportedImage ? .sopClassNotSupported : Self.reason(e.kind)
                return fail(reason, "pixel data cannot be used: \(e.detail)", cls, sop)
            } catch let e as ImagingError {
                return fail(.dataSetDoesNotMatchSOPClass, "image cannot be used: \(e.detail)", cls, sop)
            } catch {
                return fail(.processingFailure, "image cannot be decoded", cls, sop)
            }
        } else {
            warnings.append("\(name) holds no pixel data: stored with its study, not scored")
        }
        if let modality = uid(.modality), modality != "CT" {
            warnings.append("\(name) has modality \(modality.prefix(16)): stored, the CT detector will not score it")
        }
        do {
            // The site first: once an instance is in the spool its study may complete (after the quiet time).
            if let site, !sited.contains(studyUID) {
                try spool.addSite(site, study: studyUID)
                sited.insert(studyUID)
            }
            try spool.write(part.body, study: studyUID, series: seriesUID, sop: sop)
        } catch {
            return fail(.outOfResources, "could not be written to the spool", cls, sop)
        }
        await assembler.received(study: studyUID, series: seriesUID, sop: sop)
        return .success(STOWStoredInstance(part: part.index, sopClassUID: cls, sopInstanceUID: sop, studyInstanceUID: studyUID,
                                           seriesInstanceUID: seriesUID, warnings: warnings))
    }

    static func reason(_ kind: DICOMError.Kind) -> STOWFailureReason {
        switch kind {
        case .unsupportedTransferSyntax: return .transferSyntaxNotSupported
        case .missingAttribute, .invalidValue: return .dataSetDoesNotMatchSOPClass
        case .limitExceeded: return .outOfResources
        case .unsupportedImage, .unsupportedCharacterSet: return .sopClassNotSupported
        case .io: return .processingFailure
        case .notDICOM, .truncated, .lengthPastEnd, .malformed, .decodeFailed: return .cannotUnderstand
        }
    }
}
