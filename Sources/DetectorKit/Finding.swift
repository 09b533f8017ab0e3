import Foundation

/// One result of a detector about one condition: what it is, how likely, the decision at the model's
/// operating threshold, what it rests on, and which detector and weights produced it.
///
/// Findings are validated when created (and when decoded): probability and threshold within 0…1,
/// finite numbers, a decision consistent with probability and threshold, measurement references that
/// resolve. A finding that exists is well formed.
///
/// ```swift
/// let finding = try Finding(
///     code: "afib", label: "Atrial fibrillation",
///     codings: [StandardCoding(system: "http://snomed.info/sct", code: "49436004",
///                              display: "Atrial fibrillation")],
///     probability: 0.91, threshold: 0.42,
///     decision: Decision(probability: 0.91, threshold: 0.42),      // .positive
///     evidence: [.leadSpan(lead: "II", startSeconds: 0, endSeconds: 10, note: "irregularly irregular RR")],
///     measurements: [FindingMeasurement(name: "ventricularRate", value: 112, unit: "/min")],
///     detector: DetectorProvenance(descriptor: descriptor, modelCard: card))
/// let json = try VigilJSON.encode(finding, pretty: true)
/// ```
///
/// Field by field JSON: see docs/findings-schema.md.
public struct Finding: Sendable, Hashable, Codable {
    /// The detector's stable code for the condition (`"afib"`, `"long_qtc"`, `"pdac"`); no whitespace.
    public let code: String
    /// Standard codings of the same condition (SNOMED CT, ICD-10, or the detector's own namespace).
    public let codings: [StandardCoding]
    /// Human label (`"Atrial fibrillation"`).
    public let label: String
    /// Calibrated probability of the condition, 0…1; nil for purely measured findings (a long QTc
    /// computed from intervals), which must then carry at least one measurement.
    public let probability: Double?
    /// The operating threshold on ``probability`` the decision was taken at, 0…1; present exactly when
    /// ``probability`` is.
    public let threshold: Double?
    /// The decision: `positive` requires probability ≥ threshold, `negative` probability < threshold;
    /// `indeterminate` is allowed at any probability.
    public let decision: Decision
    /// What the finding rests on.
    public let evidence: [Evidence]
    /// Measurements with units; names are unique within the finding.
    public let measurements: [FindingMeasurement]
    /// The detector and model weights that produced the finding.
    public let detector: DetectorProvenance
    /// When the finding was made (UTC, kept to the millisecond).
    public let createdAt: Date

    /// Creates a finding, checking every invariant.
    /// - Throws: ``DetectorKitError/invalidValue(type:field:problem:)`` naming the offending field.
    public init(
        code: String, codings: [StandardCoding] = [], label: String,
        probability: Double?, threshold: Double?, decision: Decision,
        evidence: [Evidence] = [], measurements: [FindingMeasurement] = [],
        detector: DetectorProvenance, createdAt: Date = Date()
    ) throws {
        self.code = code
        self.codings = codings
        self.label = label
        self.probability = probability
        self.threshold = threshold
        self.decision = decision
        self.evidence = evidence
        self.measurements = measurements
        self.detector = detector
        self.createdAt = VigilTimestamp.normalized(createdAt)
        try validate()
    }

    /// Checks the invariants listed on the type; ``init(code:codings:label:probability:threshold:decision:evidence:measurements:detector:createdAt:)``
    /// and decoding call it.
    public func validate() throws {
        let check = FieldCheck(type: "Finding")
        try check.token(code, "code")
        try check.nonEmpty(label, "label")
        for (i, coding) in codings.enumerated() { try coding.validate(check, at: "codings[\(i)]") }
        switch (probability, threshold) {
        case let (p?, t?):
            try check.unitInterval(p, "probability")
            try check.unitInterval(t, "threshold")
            if decision == .positive, p < t {
                throw check.fail("decision", "is positive but probability \(p) < threshold \(t)")
            }
            if decision == .negative, p >= t {
                throw check.fail("decision", "is negative but probability \(p) ≥ threshold \(t)")
            }
        case (_?, nil):
            throw check.fail("threshold", "is required when probability is given")
        case (nil, _?):
            throw check.fail("probability", "is required when threshold is given")
        case (nil, nil):
            if measurements.isEmpty {
                throw check.fail("measurements",
                                 "must not be empty when there is no probability (a measured finding)")
            }
        }
        var names = Set<String>()
        for (i, measurement) in measurements.enumerated() {
            try measurement.validate(check, at: "measurements[\(i)]")
            if !names.insert(measurement.name).inserted {
                throw check.fail("measurements[\(i)].name", "'\(measurement.name)' appears more than once")
            }
        }
        for (i, item) in evidence.enumerated() {
            try item.validate(check, at: "evidence[\(i)]", measurementNames: names)
        }
        try detector.validate(check, at: "detector")
    }

    private enum CodingKeys: String, CodingKey {
        case code, codings, label, probability, threshold, decision, evidence, measurements, detector, createdAt
    }

    /// Decodes and validates; every field except `probability` and `threshold` is required.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let code = try c.decode(String.self, forKey: .code)
        let codings = try c.decode([StandardCoding].self, forKey: .codings)
        let label = try c.decode(String.self, forKey: .label)
        let probability = try c.decodeIfPresent(Double.self, forKey: .probability)
        let threshold = try c.decodeIfPresent(Double.self, forKey: .threshold)
        let decision = try c.decode(Decision.self, forKey: .decision)
        let evidence = try c.decode([Evidence].self, forKey: .evidence)
        let measurements = try c.decode([FindingMeasurement].self, forKey: .measurements)
        let detector = try c.decode(DetectorProvenance.self, forKey: .detector)
        let createdAt = try c.decode(Date.self, forKey: .createdAt)
        self = try decoder.validating {
            try Finding(code: code, codings: codings, label: label, probability: probability,
                        threshold: threshold, decision: decision, evidence: evidence,
                        measurements: measurements, detector: detector, createdAt: createdAt)
        }
    }
}

/// A detector's decision about a condition.
public enum Decision: String, Sendable, Hashable, Codable, CaseIterable {
    /// The condition is reported present (probability ≥ threshold, or a measured criterion is met).
    case positive
    /// The condition is reported absent (probability < threshold, or the criterion is not met).
    case negative
    /// The detector ran but cannot call it either way (e.g. probability inside an uncertainty band).
    case indeterminate

    /// `positive` when `probability ≥ threshold`, else `negative`.
    public init(probability: Double, threshold: Double) {
        self = probability >= threshold ? .positive : .negative
    }
}

/// A code in a standard terminology, mirroring FHIR's `Coding`.
///
/// ```swift
/// StandardCoding(system: "http://snomed.info/sct", code: "164947007", display: "Prolonged QT interval")
/// ```
public struct StandardCoding: Sendable, Hashable, Codable {
    /// The terminology, as a URI (`http://snomed.info/sct`, `http://hl7.org/fhir/sid/icd-10`, or the
    /// detector's own namespace such as `urn:vigil:ecg`).
    public let system: String
    /// The code within `system`.
    public let code: String
    /// The terminology's display text, when known.
    public let display: String?

    /// Creates a coding; checked when the finding that holds it is created.
    public init(system: String, code: String, display: String? = nil) {
        self.system = system
        self.code = code
        self.display = display
    }

    func validate(_ check: FieldCheck, at field: String) throws {
        try check.token(system, "\(field).system")
        try check.token(code, "\(field).code")
        if let display { try check.nonEmpty(display, "\(field).display") }
    }
}

/// A measured quantity with its unit, optionally next to the value the acquiring machine reported.
/// (Named `FindingMeasurement`, not `Measurement`, so it does not clash with Foundation's `Measurement`
/// in files that import both.)
///
/// ```swift
/// FindingMeasurement(name: "QTc", value: 492, unit: "ms",
///                    reference: ReferenceValue(value: 488, source: "acquiring device (12SL)"))
/// ```
public struct FindingMeasurement: Sendable, Hashable, Codable {
    /// Name, unique within a finding (`"QTc"`, `"ventricularRate"`, `"lesionDiameter"`).
    public let name: String
    /// The value, finite.
    public let value: Double
    /// UCUM unit code (case-sensitive, no spaces): `"ms"`, `"/min"`, `"mm"`, `"deg"`, `"mV"`,
    /// `"[hnsf'U]"` (Hounsfield units), `"1"` for dimensionless ratios.
    public let unit: String
    /// The same quantity as reported by another source (in the same unit), for side-by-side review.
    public let reference: ReferenceValue?

    /// Creates a measurement; checked when the finding that holds it is created.
    public init(name: String, value: Double, unit: String, reference: ReferenceValue? = nil) {
        self.name = name
        self.value = value
        self.unit = unit
        self.reference = reference
    }

    func validate(_ check: FieldCheck, at field: String) throws {
        try check.nonEmpty(name, "\(field).name")
        try check.finite(value, "\(field).value")
        try check.token(unit, "\(field).unit")
        if let reference {
            try check.finite(reference.value, "\(field).reference.value")
            try check.nonEmpty(reference.source, "\(field).reference.source")
        }
    }
}

/// A value for the same quantity from another source (typically the acquiring machine's own
/// measurement), in the unit of the ``FindingMeasurement`` that holds it.
public struct ReferenceValue: Sendable, Hashable, Codable {
    /// The value, finite, in the measurement's unit.
    public let value: Double
    /// Where it comes from (`"acquiring device (GE MUSE 12SL)"`).
    public let source: String

    /// Creates a reference value.
    public init(value: Double, source: String) {
        self.value = value
        self.source = source
    }
}

/// Which detector, and which model weights, produced a finding or an abstention.
///
/// The three model fields are all present (a model-backed detector) or all absent (a rule-based
/// detector without weights).
///
/// ```swift
/// let provenance = DetectorProvenance(descriptor: detector.descriptor, modelCard: detector.modelCard)
/// ```
public struct DetectorProvenance: Sendable, Hashable, Codable {
    /// The detector's id (``DetectorDescriptor/id``).
    public let id: String
    /// The detector's version (``DetectorDescriptor/version``).
    public let version: String
    /// The model's name (``ModelCard/name``).
    public let modelName: String?
    /// The model's version (``ModelCard/version``).
    public let modelVersion: String?
    /// SHA-256 of the weights file, lowercase hex (``ModelCard/weightsSHA256``).
    public let modelSHA256: String?

    /// Creates a provenance record from its parts.
    public init(id: String, version: String, modelName: String? = nil, modelVersion: String? = nil,
                modelSHA256: String? = nil)
    {
        self.id = id
        self.version = version
        self.modelName = modelName
        self.modelVersion = modelVersion
        self.modelSHA256 = modelSHA256?.lowercased()
    }

    /// The provenance of `descriptor`'s detector running the model of `modelCard` (nil: no model).
    public init(descriptor: DetectorDescriptor, modelCard: ModelCard?) {
        self.init(id: descriptor.id, version: descriptor.version, modelName: modelCard?.name,
                  modelVersion: modelCard?.version, modelSHA256: modelCard?.weightsSHA256)
    }

    func validate(_ check: FieldCheck, at field: String) throws {
        try check.token(id, "\(field).id")
        try check.token(version, "\(field).version")
        switch (modelName, modelVersion, modelSHA256) {
        case let (name?, version?, sha?):
            try check.nonEmpty(name, "\(field).modelName")
            try check.token(version, "\(field).modelVersion")
            try check.sha256(sha, "\(field).modelSHA256")
        case (nil, nil, nil):
            break
        default:
            throw check.fail(field, "modelName, modelVersion and modelSHA256 must be given together or not at all")
        }
    }
}
