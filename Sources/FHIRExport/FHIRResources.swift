import ContentHash
import DetectorKit
import FindingsStore
import Foundation

/// Builds the FHIR R4 resources of one stored input: a DiagnosticReport (status `final`) with one
/// Observation per finding, abstention and error, and a Device per detector/model that produced them.
///
/// Resource ids are UUIDs derived from the SHA-256 of what they describe (input digest, finding row id,
/// provenance), so exporting the same store twice gives the same ids. docs/export.md maps every field.
public enum FHIRResources {
    /// The resources of one input, in bundle order: devices first (new ones only), then observations,
    /// then the report.
    public struct InputResources: Sendable {
        /// `(fullUrl, resource)` pairs.
        public var entries: [(fullUrl: String, resource: JSONValue)]
    }

    /// The resources for `input`; each error comes with its run's detector (and model). `knownDevices` holds the Device fullUrls already written; new ones are
    /// added to it and to the result.
    ///
    /// AI transparency (HL7 AI Transparency on FHIR IG): every Observation and the DiagnosticReport carry
    /// `meta.security` `AIAST` (v3-ObservationValue, "Artificial Intelligence asserted"); each Device is an
    /// AI Device (type `Artificial-Intelligence`, the model card as Markdown in `note` when `modelCards`
    /// holds it); one Provenance per input names the report and its Observations as targets, each Device
    /// as author agent, reason `AIAST`, activity `CREATE`.
    public static func resources(input: StoredInput, findings: [StoredFinding], abstentions: [StoredAbstention],
                                 errors: [(error: StoredError, detector: DetectorProvenance)],
                                 knownDevices: inout Set<String>, modelCards: [ModelCard] = []) -> InputResources
    {
        var usedDevices: [String] = []
        var entries: [(String, JSONValue)] = []
        var results: [JSONValue] = []
        let subject = subject(input)
        let effective: JSONValue? = input.acquiredAt.map { .string(dateTime($0)) }

        func device(_ p: DetectorProvenance) -> String {
            let url = uuidURL("device|\(p.id)|\(p.version)|\(p.modelName ?? "")|\(p.modelVersion ?? "")|\(p.modelSHA256 ?? "")")
            if knownDevices.insert(url).inserted {
                let card = modelCards.first { $0.name == p.modelName && $0.version == p.modelVersion }
                entries.append((url, deviceResource(p, id: uuid(of: url), card: card)))
            }
            if !usedDevices.contains(url) { usedDevices.append(url) }
            return url
        }
        func observation(_ url: String, _ fields: [String: JSONValue], _ p: DetectorProvenance) {
            var o = fields
            o["resourceType"] = "Observation"
            o["id"] = .string(uuid(of: url))
            o["meta"] = aiAssertedMeta
            if let subject { o["subject"] = subject }
            if let effective { o["effectiveDateTime"] = effective }
            o["device"] = ["reference": .string(device(p))]
            o["method"] = ["text": .string(methodText(p))]
            entries.append((url, .object(o)))
            results.append(["reference": .string(url)])
        }

        for stored in findings {
            let f = stored.finding
            observation(uuidURL("finding|\(stored.id)"), findingFields(f), f.detector)
        }
        for (i, stored) in abstentions.enumerated() {
            let a = stored.abstention
            observation(uuidURL("abstention|\(input.contentSHA256)|\(a.detector.id)|\(a.detector.version)|\(i)"), [
                "status": "final",
                "code": ["coding": [coding(FHIRCodes.vigilKind, "abstention", "Detector abstained")],
                         "text": .string("\(a.detector.id) abstained")],
                "valueCodeableConcept": ["coding": [coding(FHIRCodes.vigilAbstention, a.reason.rawValue, nil)],
                                         "text": .string(a.message)],
                "issued": .string(instant(a.createdAt)),
            ], a.detector)
        }
        for (i, (e, p)) in errors.enumerated() {
            observation(uuidURL("error|\(input.contentSHA256)|\(e.detectorID)|\(e.detectorVersion)|\(i)"), [
                "status": "cancelled",
                "code": ["coding": [coding(FHIRCodes.vigilKind, "error", "Input could not be processed")],
                         "text": .string("\(e.detectorID) could not process the input")],
                "dataAbsentReason": ["coding": [coding(FHIRCodes.dataAbsentReason, "error", "Error")]],
                "note": [["text": .string(e.reason)]],
                "issued": .string(instant(e.recordedAt)),
            ], p)
        }

        let reportURL = uuidURL("report|\(input.contentSHA256)")
        var report: [String: JSONValue] = [
            "resourceType": "DiagnosticReport",
            "id": .string(uuid(of: reportURL)),
            "meta": aiAssertedMeta,
            "status": "final",
            "identifier": [["system": .string(FHIRCodes.inputIdentifier), "value": .string(input.contentSHA256)]],
            "code": reportCode(input.kind),
            "issued": .string(instant(input.registeredAt)),
            "result": .array(results),
            "conclusion": .string(conclusion(findings: findings.map(\.finding), abstentions: abstentions.count, errors: errors.count)),
        ]
        if let category = category(input.kind) { report["category"] = [category] }
        if let subject { report["subject"] = subject }
        if let effective { report["effectiveDateTime"] = effective }
        entries.append((reportURL, .object(report)))
        let provenanceURL = uuidURL("provenance|\(input.contentSHA256)")
        let made = (findings.map(\.finding.createdAt) + abstentions.map(\.abstention.createdAt) + errors.map(\.error.recordedAt)).max()
        let provenance: [String: JSONValue] = [
            "resourceType": "Provenance",
            "id": .string(uuid(of: provenanceURL)),
            "meta": ["profile": [.string(FHIRCodes.aiProvenanceProfile)]],
            "target": .array(([reportURL] + results.compactMap { $0["reference"]?.stringValue }).map { ["reference": .string($0)] }),
            "recorded": .string(instant(made ?? input.registeredAt)),
            "reason": [["coding": [coding(FHIRCodes.observationValue, "AIAST", "Artificial Intelligence asserted")]]],
            "activity": ["coding": [coding(FHIRCodes.dataOperation, "CREATE", "create")]],
            "agent": .array(usedDevices.map { url in
                ["type": ["coding": [coding(FHIRCodes.provenanceParticipantType, "author", "Author")]],
                 "who": ["reference": .string(url)]]
            }),
        ]
        entries.append((provenanceURL, .object(provenance)))
        return InputResources(entries: entries)
    }

    /// `meta` of AI-asserted resources: the security label AIAST.
    static let aiAssertedMeta: JSONValue = ["security": [coding(FHIRCodes.observationValue, "AIAST", "Artificial Intelligence asserted")]]

    // MARK: Pieces

    static func findingFields(_ f: Finding) -> [String: JSONValue] {
        var codings: [JSONValue] = f.codings.map { coding($0.system, $0.code, $0.display) }
        codings.append(coding(FHIRCodes.vigilFinding, f.code, f.label))
        var o: [String: JSONValue] = [
            "status": "final",
            "code": ["coding": .array(codings), "text": .string(f.label)],
            "interpretation": [interpretation(f.decision)],
            "issued": .string(instant(f.createdAt)),
        ]
        var components: [JSONValue] = []
        if let p = f.probability {
            o["valueQuantity"] = quantity(p, unit: "1", display: "probability")
        }
        if let t = f.threshold {
            components.append([
                "code": ["coding": [coding(FHIRCodes.vigilKind, "operating-threshold", "Operating threshold")]],
                "valueQuantity": quantity(t, unit: "1", display: "probability"),
            ])
        }
        var notes: [JSONValue] = []
        for m in f.measurements {
            components.append([
                "code": ["coding": [coding(FHIRCodes.vigilMeasurement, m.name, nil)], "text": .string(m.name)],
                "valueQuantity": quantity(m.value, unit: m.unit, display: m.unit),
            ])
            if let r = m.reference {
                notes.append(["text": .string("\(m.name) from \(r.source): \(r.value) \(m.unit)")])
            }
        }
        if !components.isEmpty { o["component"] = .array(components) }
        if !notes.isEmpty { o["note"] = .array(notes) }
        return o
    }

    static func interpretation(_ d: Decision) -> JSONValue {
        switch d {
        case .positive: ["coding": [coding(FHIRCodes.interpretation, "POS", "Positive")]]
        case .negative: ["coding": [coding(FHIRCodes.interpretation, "NEG", "Negative")]]
        case .indeterminate: ["coding": [coding(FHIRCodes.interpretation, "IND", "Indeterminate")]]
        }
    }

    static func deviceResource(_ p: DetectorProvenance, id: String, card: ModelCard? = nil) -> JSONValue {
        var names: [JSONValue] = [["name": .string(p.id), "type": "user-friendly-name"]]
        var versions: [JSONValue] = [["value": .string(p.version)]]
        if let name = p.modelName { names.append(["name": .string(name), "type": "model-name"]) }
        if let v = p.modelVersion { versions.append(["value": .string(v), "type": ["text": "model version"]]) }
        var device: [String: JSONValue] = [
            "resourceType": "Device", "id": .string(id), "status": "active",
            "deviceName": .array(names), "version": .array(versions),
        ]
        if let sha = p.modelSHA256 {
            device["identifier"] = [["system": "urn:vigil:model-sha256", "value": .string(sha)]]
        }
        device["meta"] = ["profile": [.string(FHIRCodes.aiDeviceProfile)]]
        device["manufacturer"] = "Vigil"
        device["type"] = ["coding": [coding(FHIRCodes.aiDeviceType, "Artificial-Intelligence", "All kinds of Artificial Intelligence")]]
        if p.modelName != nil {
            device["extension"] = [["url": .string(FHIRCodes.aiKindExtension),
                                    "valueCodeableConcept": ["coding": [coding(FHIRCodes.aiDeviceType, "Deep-Learning-Models", "Deep Learning Models")]]]]
        }
        if let card { device["note"] = [["text": .string(modelCardMarkdown(card))]] }
        return .object(device)
    }

    /// The model card as Markdown (the AI Transparency IG's Device-with-Model-Card-in-note form): name,
    /// version, weights digest, intended use, uses it is not for, training data, evaluations with their
    /// data and 95 % CIs, limitations.
    public static func modelCardMarkdown(_ c: ModelCard) -> String {
        var lines = ["# Model card: \(c.name) \(c.version)", "", "Weights SHA-256: \(c.weightsSHA256)", "",
                     "## Intended use", c.intendedUse]
        if !c.notForUse.isEmpty { lines += ["", "## Not for"] + c.notForUse.map { "- \($0)" } }
        lines += ["", "## Training data", c.trainingData.description + (c.trainingData.synthetic ? " (synthetic data only)" : "")]
        if !c.evaluation.isEmpty {
            lines += ["", "## Evaluation"]
            for e in c.evaluation {
                let metrics = e.metrics.map { m in
                    "\(m.name) \(m.value)" + (m.ci95.map { " (95 % CI \($0.lower)–\($0.upper))" } ?? "") + (m.subgroup.map { " [\($0)]" } ?? "")
                }.joined(separator: "; ")
                lines.append("- \(e.dataset.name) (n = \(e.dataset.size)\(e.dataset.synthetic ? ", synthetic" : "")): \(metrics)")
            }
        }
        if !c.limitations.isEmpty { lines += ["", "## Limitations"] + c.limitations.map { "- \($0)" } }
        return lines.joined(separator: "\n")
    }

    static func methodText(_ p: DetectorProvenance) -> String {
        "Vigil detector \(p.id) \(p.version)" + (p.modelName.map { ", model \($0) \(p.modelVersion ?? "")" } ?? ", rule-based (no model)")
            + (p.modelSHA256.map { ", weights sha256 \($0)" } ?? "")
    }

    static func subject(_ input: StoredInput) -> JSONValue? {
        input.patientID.map { ["identifier": ["system": .string(FHIRCodes.patientIdentifier), "value": .string($0)]] }
    }

    static func reportCode(_ kind: InputKind) -> JSONValue {
        let display = kind == .ecg ? "Vigil ECG analysis" : kind == .ctStudy ? "Vigil CT study analysis" : "Vigil analysis"
        return ["coding": [coding(FHIRCodes.vigilKind, kind.rawValue, display)], "text": .string(display)]
    }

    static func category(_ kind: InputKind) -> JSONValue? {
        switch kind {
        case .ecg: ["coding": [coding(FHIRCodes.serviceSection, "EC", "Electrocardiac")]]
        case .ctStudy: ["coding": [coding(FHIRCodes.serviceSection, "CT", "CAT Scan")]]
        default: nil
        }
    }

    static func conclusion(findings: [Finding], abstentions: Int, errors: Int) -> String {
        let positive = findings.filter { $0.decision == .positive }.map(\.label)
        var parts: [String] = []
        parts.append(positive.isEmpty ? "No finding flagged" : "Flagged: " + positive.joined(separator: ", "))
        if abstentions > 0 { parts.append("\(abstentions) detector(s) abstained") }
        if errors > 0 { parts.append("\(errors) detector(s) could not process the input") }
        return parts.joined(separator: "; ") + ". Research software output, not a diagnosis."
    }

    static func coding(_ system: String, _ code: String, _ display: String?) -> JSONValue {
        var c: [String: JSONValue] = ["system": .string(system), "code": .string(code)]
        if let display { c["display"] = .string(display) }
        return .object(c)
    }

    static func quantity(_ value: Double, unit code: String, display: String) -> JSONValue {
        ["value": .number(value), "unit": .string(display), "system": .string(FHIRCodes.ucum), "code": .string(code)]
    }

    /// FHIR dateTime / instant: `2024-03-01T09:30:00.000Z`.
    static func instant(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }

    static func dateTime(_ date: Date) -> String { instant(date) }

    /// `urn:uuid:` + a UUID (version 8, RFC 9562 custom) from the SHA-256 of `key`.
    static func uuidURL(_ key: String) -> String {
        var bytes = Array(SHA256Digest.hex(of: Data(key.utf8)).prefix(32))
        bytes[12] = "8"
        let variant = Int(String(bytes[16]), radix: 16) ?? 0
        bytes[16] = Character(String((variant & 0x3) | 0x8, radix: 16))
        let s = String(bytes)
        let parts = [s.prefix(8), s.dropFirst(8).prefix(4), s.dropFirst(12).prefix(4), s.dropFirst(16).prefix(4), s.dropFirst(20)]
        return "urn:uuid:" + parts.joined(separator: "-")
    }

    static func uuid(of url: String) -> String { String(url.dropFirst("urn:uuid:".count)) }
}
