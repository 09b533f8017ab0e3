import DetectorKit
import FindingsStore
import Foundation

/// Writes a store's results as CSV (RFC 4180: comma-separated, `"`-quoted where needed, CRLF-free `\n`
/// line ends), one row per finding, abstention and error, streaming a page of inputs at a time.
///
/// Columns: `input_id, content_sha256, kind, patient_id, study_id, acquired_at, detector_id,
/// detector_version, model_name, model_version, status, code, label, probability, threshold, decision,
/// measurements, reason`. `status` is `finding`, `abstained` or `error`; `measurements` is
/// `name=value unit` pairs joined by `; `; `reason` is the abstention reason code and message, or the
/// error's reason. Identifiers are the pseudonymous ones the source gave.
public struct CSVExporter: Sendable {
    /// The header row's column names.
    public static let columns = ["input_id", "content_sha256", "kind", "patient_id", "study_id", "acquired_at",
                                 "detector_id", "detector_version", "model_name", "model_version", "status", "code",
                                 "label", "probability", "threshold", "decision", "measurements", "reason"]

    /// The store to export.
    public let store: any FindingsStore
    /// Only inputs of this kind, when given.
    public let kind: InputKind?
    /// Inputs read per store query.
    public let pageSize: Int

    /// Creates an exporter.
    public init(store: any FindingsStore, kind: InputKind? = nil, pageSize: Int = 200) {
        self.store = store
        self.kind = kind
        self.pageSize = pageSize
    }

    /// Writes the CSV; returns the number of data rows.
    public func write(to output: ExportOutput) async throws -> Int {
        try output.write(Self.columns.joined(separator: ",") + "\n")
        var rows = 0
        var pager = StoredResultsPager(store: store, kind: kind, pageSize: pageSize)
        try await pager.forEach { stored in
            let input = stored.input
            let base = [String(input.id.rawValue), input.contentSHA256, input.kind.rawValue, input.patientID ?? "",
                        input.studyID ?? "", input.acquiredAt.map(FHIRResources.instant) ?? ""]
            func row(_ p: DetectorProvenance, _ rest: [String]) throws {
                let fields = base + [p.id, p.version, p.modelName ?? "", p.modelVersion ?? ""] + rest
                try output.write(fields.map(Self.quote).joined(separator: ",") + "\n")
                rows += 1
            }
            for f in stored.findings.map(\.finding) {
                let measurements = f.measurements.map { "\($0.name)=\(Self.number($0.value)) \($0.unit)" }.joined(separator: "; ")
                try row(f.detector, ["finding", f.code, f.label, f.probability.map(Self.number) ?? "",
                                     f.threshold.map(Self.number) ?? "", f.decision.rawValue, measurements, ""])
            }
            for a in stored.abstentions.map(\.abstention) {
                try row(a.detector, ["abstained", "", "", "", "", "", "", "\(a.reason.rawValue): \(a.message)"])
            }
            for (e, p) in stored.errors {
                try row(p, ["error", "", "", "", "", "", "", e.reason])
            }
        }
        try output.flush()
        return rows
    }

    /// Quotes a field when it holds a comma, quote or line break (doubling quotes); a field starting with
    /// `=`, `+`, `-` or `@` that is not a number gets a leading `'` so spreadsheets do not run it as a formula.
    public static func quote(_ field: String) -> String {
        var text = field
        if let c = text.first, "=+-@".contains(c), Double(text) == nil { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}
