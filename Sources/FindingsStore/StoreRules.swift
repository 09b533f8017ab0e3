import ContentHash
import DetectorKit
import Foundation

/// The rules every findings-store engine applies before it writes (docs/store.md), in one place so that the
/// SQLite and PostgreSQL stores cannot drift apart: what a valid input, run, worklist entry or tag is, how
/// values are encoded as VigilJSON, and how a result is validated and encoded outside any transaction.
/// Package-internal: the engines share it; callers see only ``FindingsStoreError`` values.
package enum StoreRules {
    /// A SHA-256 in lowercase hex.
    /// - Throws: ``FindingsStoreError/invalidValue(field:problem:)`` unless `text` is 64 hexadecimal characters.
    package static func sha256(_ text: String, field: String) throws -> String {
        let lower = text.lowercased()
        guard lower.utf8.count == 64, lower.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw FindingsStoreError.invalidValue(field: field, problem: "must be 64 hexadecimal characters (a SHA-256)")
        }
        return lower
    }

    /// Validates an input description; returns it with its digest lowercased.
    package static func input(_ input: NewInput) throws -> NewInput {
        var checked = input
        checked.contentSHA256 = try sha256(input.contentSHA256, field: "contentSHA256")
        guard !input.path.isEmpty else { throw FindingsStoreError.invalidValue(field: "path", problem: "must not be empty") }
        guard !input.kind.rawValue.isEmpty else {
            throw FindingsStoreError.invalidValue(field: "kind", problem: "must not be empty")
        }
        for (field, value) in [("patientID", input.patientID), ("studyID", input.studyID)] {
            if let value, value.trimmingCharacters(in: .whitespaces).isEmpty {
                throw FindingsStoreError.invalidValue(field: field, problem: "must be absent or non-empty")
            }
        }
        return checked
    }

    /// Validates a run's detector provenance; returns its settings encoded as JSON.
    package static func runSettings(_ run: NewRun) throws -> String {
        let d = run.detector
        for (field, value) in [("detector.id", d.id), ("detector.version", d.version)] where value.isEmpty {
            throw FindingsStoreError.invalidValue(field: field, problem: "must not be empty")
        }
        if let sha = d.modelSHA256 { _ = try sha256(sha, field: "detector.modelSHA256") }
        return try json(run.settings, field: "settings")
    }

    /// Validates a worklist entry (a study identifier that is not blank).
    package static func worklistEntry(_ entry: NewWorklistEntry) throws {
        guard !entry.studyID.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw FindingsStoreError.invalidValue(field: "studyID", problem: "must not be empty")
        }
    }

    /// Validates a worklist tag (not blank, a finite score if any).
    package static func worklistTag(_ tag: WorklistTag) throws {
        guard !tag.tag.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw FindingsStoreError.invalidValue(field: "tag", problem: "must not be empty")
        }
        if let score = tag.score, !score.isFinite {
            throw FindingsStoreError.invalidValue(field: "score", problem: "must be a finite number")
        }
    }

    /// `value` as VigilJSON text.
    package static func json<T: Encodable>(_ value: T, field: String) throws -> String {
        do {
            return String(decoding: try VigilJSON.encode(value), as: UTF8.self)
        } catch {
            throw FindingsStoreError.invalidValue(field: field, problem: "cannot be encoded as JSON (\(error))")
        }
    }

    /// A stored JSON column decoded; a failure is a ``FindingsStoreError/corruptRow(table:id:problem:)``.
    package static func decode<T: Decodable>(_ type: T.Type, _ text: String, table: String, id: Int64) throws -> T {
        do {
            return try VigilJSON.decode(T.self, from: Data(text.utf8))
        } catch {
            throw FindingsStoreError.corruptRow(table: table, id: id, problem: String(describing: error))
        }
    }

    /// A provenance in short, for error messages (no identifiers).
    package static func describe(_ p: DetectorProvenance) -> String {
        "\(p.id) \(p.version)" + (p.modelSHA256.map { " model \($0.prefix(12))" } ?? " without model")
    }

    /// The store log's line for a result just recorded (or found recorded already), nil when none is due
    /// (a repeated error is not logged again). No patient data: ids only.
    package static func recordLine(_ result: RecordResult, _ status: OutcomeStatus, input: InputID, run: RunID) -> String? {
        switch (result, status) {
        case (.recorded, .error): "findings store: recorded error for \(input) in \(run)"
        case (.recorded, _): "findings store: recorded \(status.rawValue) for \(input) in \(run)"
        case (.alreadyRecorded, .error): nil
        case (.alreadyRecorded, _): "findings store: \(input) already has a result for this detector version; unchanged"
        }
    }

    /// A token about to be created: its checked name and site, the secret shown once, and the secret's SHA-256 (the
    /// only form stored).
    package struct NewToken: Sendable {
        package var name: String?
        package var site: String?
        package var secret: String
        package var digest: String
    }

    /// Checks a new token's name and site (``APIToken/checkedName(_:)``, ``APIToken/checkedSite(_:role:)``) and
    /// draws its secret.
    package static func newToken(role: APIRole, name: String?, site: String?) throws -> NewToken {
        let name = try APIToken.checkedName(name)
        let site = try APIToken.checkedSite(site, role: role)
        let secret = APIToken.newSecret()
        return NewToken(name: name, site: site, secret: secret, digest: SHA256Digest.hex(of: Data(secret.utf8)))
    }

    /// The `token.create` audit entry's details: role, expiry (ISO 8601) and site; never the secret.
    package static func tokenCreated(role: APIRole, expiresAt: Date?, site: String?) -> [String: JSONValue] {
        var details: [String: JSONValue] = ["role": .string(role.rawValue)]
        if let expiresAt { details["expiresAt"] = .string(ISO8601DateFormatter().string(from: expiresAt)) }
        if let site { details["site"] = .string(site) }
        return details
    }
}

/// A result validated and encoded outside any transaction, ready to be written by either engine.
package struct PreparedResult: Sendable {
    /// One finding row.
    package struct FindingRow: Sendable {
        package var code: String
        package var probability: Double?
        package var decision: String
        package var json: String
    }

    package var status: OutcomeStatus
    package var findings: [FindingRow] = []
    package var abstention: (reason: String, json: String)?
    package var errorReason: String?
    /// Every provenance the result names (each must be the run's detector).
    package var provenances: [DetectorProvenance] = []

    package init(status: OutcomeStatus) { self.status = status }

    /// Validates and encodes `result`.
    package static func prepare(_ result: InputResult) throws -> PreparedResult {
        switch result {
        case let .outcome(.findings(findings)):
            var prepared = PreparedResult(status: .scored)
            for finding in findings {
                try finding.validate()
                prepared.findings.append(FindingRow(code: finding.code, probability: finding.probability,
                                                    decision: finding.decision.rawValue,
                                                    json: try StoreRules.json(finding, field: "finding")))
                prepared.provenances.append(finding.detector)
            }
            return prepared
        case let .outcome(.abstained(abstention)):
            try abstention.validate()
            var prepared = PreparedResult(status: .abstained)
            prepared.abstention = (abstention.reason.rawValue, try StoreRules.json(abstention, field: "abstention"))
            prepared.provenances = [abstention.detector]
            return prepared
        case let .error(reason):
            guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw FindingsStoreError.invalidValue(field: "reason", problem: "must not be empty")
            }
            var prepared = PreparedResult(status: .error)
            prepared.errorReason = reason
            return prepared
        }
    }
}
