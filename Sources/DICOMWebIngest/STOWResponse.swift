import Foundation

/// PS3.18 Failure Reason (0008,1197) values a STOW-RS origin server answers per instance
/// (PS3.18 §10.5.3 / PS3.4 Annex GG, Table GG.4-1).
public enum STOWFailureReason: UInt16, Sendable, Hashable {
    /// 0110: Processing failure (the instance could not be kept).
    case processingFailure = 0x0110
    /// 0122: Referenced SOP Class not supported (an object this server cannot use, e.g. pixels it cannot decode).
    case sopClassNotSupported = 0x0122
    /// A700: Out of resources (too large, disk full).
    case outOfResources = 0xA700
    /// A900: Data set does not match SOP Class (required attributes missing or invalid, or a different study).
    case dataSetDoesNotMatchSOPClass = 0xA900
    /// C000: Cannot understand (not a DICOM Part 10 instance, or a corrupt one).
    case cannotUnderstand = 0xC000
    /// C122: Referenced Transfer Syntax not supported.
    case transferSyntaxNotSupported = 0xC122
}

/// One instance the request stored.
public struct STOWStoredInstance: Sendable, Hashable {
    /// 1-based part number in the request.
    public let part: Int
    /// SOP Class UID (0008,0016).
    public let sopClassUID: String
    /// SOP Instance UID (0008,0018).
    public let sopInstanceUID: String
    /// Study Instance UID (0020,000D).
    public let studyInstanceUID: String
    /// Series Instance UID (0020,000E).
    public let seriesInstanceUID: String
    /// Warnings about the instance (kept, but e.g. not a CT image), for logs. No patient data.
    public let warnings: [String]
}

/// One part the request could not store.
public struct STOWFailedInstance: Sendable, Hashable {
    /// 1-based part number in the request.
    public let part: Int
    /// SOP Class UID, when the part could be read far enough.
    public let sopClassUID: String?
    /// SOP Instance UID, when the part could be read far enough.
    public let sopInstanceUID: String?
    /// Failure Reason (0008,1197).
    public let reason: STOWFailureReason
    /// What was wrong, in words (names the part and the defect; no patient data), for logs.
    public let message: String
}

/// The outcome of one STOW-RS request: the HTTP status and the Store Instances Response
/// (PS3.18 §10.5.3) as `application/dicom+json`.
public struct STOWResult: Sendable {
    /// The media type of `body`.
    public static let contentType = "application/dicom+json"
    /// Instances stored.
    public let stored: [STOWStoredInstance]
    /// Parts refused.
    public let failed: [STOWFailedInstance]
    /// The Retrieve URL (0008,1190) of the study, when every stored instance belongs to one study and a
    /// base URL was configured.
    public let studyRetrieveURL: String?
    /// The base URL instance Retrieve URLs are built on (`…/studies/{study}/series/{series}/instances/{sop}`).
    public let retrieveBaseURL: String?

    /// 200 when every part was stored, 202 when some were, 409 when none was (PS3.18 §10.5.3.1).
    public var httpStatus: Int {
        if failed.isEmpty { return 200 }
        return stored.isEmpty ? 409 : 202
    }

    /// The response body: the DICOM JSON model (PS3.18 Annex F) of the Store Instances Response Module,
    /// with Retrieve URL (0008,1190), Failed SOP Sequence (0008,1198) and Referenced SOP Sequence
    /// (0008,1199); each sequence appears only when it has items. A failed part that could not be read
    /// far enough to know its UIDs is listed with the Failure Reason alone.
    public var json: Data {
        var top: [String: Any] = [:]
        if let url = studyRetrieveURL { top["00081190"] = ["vr": "UR", "Value": [url]] }
        else if retrieveBaseURL != nil || !stored.isEmpty { top["00081190"] = ["vr": "UR"] }
        if !failed.isEmpty {
            top["00081198"] = ["vr": "SQ", "Value": failed.map { f -> [String: Any] in
                var item: [String: Any] = ["00081197": ["vr": "US", "Value": [Int(f.reason.rawValue)]]]
                if let c = f.sopClassUID { item["00081150"] = ["vr": "UI", "Value": [c]] }
                if let i = f.sopInstanceUID { item["00081155"] = ["vr": "UI", "Value": [i]] }
                return item
            }]
        }
        if !stored.isEmpty {
            top["00081199"] = ["vr": "SQ", "Value": stored.map { s -> [String: Any] in
                var item: [String: Any] = ["00081150": ["vr": "UI", "Value": [s.sopClassUID]],
                                           "00081155": ["vr": "UI", "Value": [s.sopInstanceUID]]]
                if let base = retrieveBaseURL {
                    item["00081190"] = ["vr": "UR", "Value": [Self.instanceURL(base: base, s)]]
                }
                return item
            }]
        }
        return (try? JSONSerialization.data(withJSONObject: top, options: [.sortedKeys])) ?? Data("{}".utf8)
    }

    /// `base/studies/{study}/series/{series}/instances/{sop}`.
    static func instanceURL(base: String, _ s: STOWStoredInstance) -> String {
        "\(trim(base))/studies/\(s.studyInstanceUID)/series/\(s.seriesInstanceUID)/instances/\(s.sopInstanceUID)"
    }

    static func trim(_ base: String) -> String {
        var b = base
        while b.hasSuffix("/") { b.removeLast() }
        return b
    }
}
