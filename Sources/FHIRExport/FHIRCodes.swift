/// The code systems and fixed codes the FHIR export uses. Standard ones are named with their source;
/// Vigil's own live under `urn:vigil:…` and are documented in docs/export.md.
public enum FHIRCodes {
    /// UCUM, for quantities (FHIR R4 Quantity.system for UCUM units).
    public static let ucum = "http://unitsofmeasure.org"
    /// HL7 v3 ObservationInterpretation (POS, NEG, IND), bound to Observation.interpretation in R4.
    public static let interpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
    /// HL7 v2 table 0074 (diagnostic service section: EC electrocardiac, CT CAT scan), for
    /// DiagnosticReport.category.
    public static let serviceSection = "http://terminology.hl7.org/CodeSystem/v2-0074"
    /// FHIR DataAbsentReason codes (`error`), for Observation.dataAbsentReason.
    public static let dataAbsentReason = "http://terminology.hl7.org/CodeSystem/data-absent-reason"

    /// Vigil's finding codes (`afib`, `ecg.long_qtc`): every finding carries one.
    public static let vigilFinding = "urn:vigil:finding-code"
    /// Vigil's measurement names (`QTc`, `ventricularRate`), for Observation.component.code.
    public static let vigilMeasurement = "urn:vigil:measurement"
    /// Vigil's abstention reasons (`signal_unreadable`).
    public static let vigilAbstention = "urn:vigil:abstention-reason"
    /// Vigil's report and observation kinds (`ecg`, `ct_study`, `abstention`, `error`, `operating-threshold`).
    public static let vigilKind = "urn:vigil:kind"
    /// Identifier system of inputs: the content SHA-256.
    public static let inputIdentifier = "urn:vigil:input-sha256"
    /// Identifier system of pseudonymous patient identifiers as the source gave them.
    public static let patientIdentifier = "urn:vigil:patient-id"
    /// Identifier system of study identifiers as the source gave them.
    public static let studyIdentifier = "urn:vigil:study-id"

    // AI Transparency on FHIR (HL7 IG, canonical http://hl7.org/fhir/uv/aitransparency, STU1 ballot).
    /// HL7 v3 ObservationValue: `AIAST` (Artificial Intelligence asserted), the security label and Provenance reason.
    public static let observationValue = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"
    /// HL7 v3 DataOperation (`CREATE`), for Provenance.activity.
    public static let dataOperation = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"
    /// Provenance participant type (`author`), for Provenance.agent.type.
    public static let provenanceParticipantType = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
    /// The IG's Device type code system (`Artificial-Intelligence`, `Deep-Learning-Models`).
    public static let aiDeviceType = "http://hl7.org/fhir/uv/aitransparency/CodeSystem/AIdeviceTypeCS"
    /// The IG's AI Device profile.
    public static let aiDeviceProfile = "http://hl7.org/fhir/uv/aitransparency/StructureDefinition/AI-Device"
    /// The IG's AI Provenance profile.
    public static let aiProvenanceProfile = "http://hl7.org/fhir/uv/aitransparency/StructureDefinition/AI-Provenance"
    /// The IG's AIKind extension (the kind of AI technology).
    public static let aiKindExtension = "http://hl7.org/fhir/uv/aitransparency/StructureDefinition/aitransparency.AIKind"
}
