/// The coded concepts the SR export uses. Standard ones carry their source (DICOM PS3.16 DCM codes,
/// SNOMED CT, UCUM, UMLS as TID 1500 uses it, RFC 5646), checked against pydicom's `pydicom.sr.codedict`
/// (generated from PS3.16); Vigil's own are under the private coding scheme `99VIGIL`, declared in each
/// SR's Coding Scheme Identification Sequence and listed in docs/export.md.
public enum SRCodes {
    // MARK: TID 1500 structure (DCM, PS3.16)
    /// Document title (CID 7021).
    public static let imagingMeasurementReport = SRCode("126000", "DCM", "Imaging Measurement Report")
    /// TID 1204.
    public static let languageOfContent = SRCode("121049", "DCM", "Language of Content Item and Descendants")
    /// en-US (RFC 5646).
    public static let englishUS = SRCode("en-US", "RFC5646", "English (United States)")
    /// TID 1002 observer type and its value for a device observer.
    public static let observerType = SRCode("121005", "DCM", "Observer Type")
    public static let device = SRCode("121007", "DCM", "Device")
    /// TID 1004 device observer identifying attributes.
    public static let deviceObserverUID = SRCode("121012", "DCM", "Device Observer UID")
    public static let deviceObserverName = SRCode("121013", "DCM", "Device Observer Name")
    public static let deviceObserverManufacturer = SRCode("121014", "DCM", "Device Observer Manufacturer")
    public static let deviceObserverModelName = SRCode("121015", "DCM", "Device Observer Model Name")
    public static let deviceObserverSerialNumber = SRCode("121016", "DCM", "Device Observer Serial Number")
    /// TID 1500 row 4.
    public static let procedureReported = SRCode("121058", "DCM", "Procedure reported")
    /// TID 1600 image library, its group.
    public static let imageLibrary = SRCode("111028", "DCM", "Image Library")
    public static let imageLibraryGroup = SRCode("126200", "DCM", "Image Library Group")
    /// TID 1500 row 6, TID 1501/1410 groups.
    public static let imagingMeasurements = SRCode("126010", "DCM", "Imaging Measurements")
    public static let measurementGroup = SRCode("125007", "DCM", "Measurement Group")
    public static let trackingIdentifier = SRCode("112039", "DCM", "Tracking Identifier")
    public static let trackingUID = SRCode("112040", "DCM", "Tracking Unique Identifier")
    public static let finding = SRCode("121071", "DCM", "Finding")
    public static let imageRegion = SRCode("111030", "DCM", "Image Region")
    /// TID 4019 algorithm identification.
    public static let algorithmName = SRCode("111001", "DCM", "Algorithm Name")
    public static let algorithmVersion = SRCode("111003", "DCM", "Algorithm Version")
    public static let algorithmParameters = SRCode("111002", "DCM", "Algorithm Parameters")
    /// TID 1500 row 12 (UMLS concept as TID 1500 uses it).
    public static let qualitativeEvaluations = SRCode("C0034375", "UMLS", "Qualitative Evaluations")
    /// Measurements.
    public static let probability = SRCode("122157", "DCM", "Probability")
    public static let thresholdValue = SRCode("122411", "DCM", "Threshold Value")
    public static let comment = SRCode("121106", "DCM", "Comment")
    public static let presenceUndetermined = SRCode("121059", "DCM", "Presence Undetermined")

    // MARK: SNOMED CT
    public static let computedTomography = SRCode("77477000", "SCT", "Computed tomography")
    public static let findingSite = SRCode("363698007", "SCT", "Finding Site")
    public static let pancreas = SRCode("15776009", "SCT", "Pancreas")
    public static let longAxis = SRCode("103339001", "SCT", "Long axis")
    public static let present = SRCode("52101004", "SCT", "Present")
    public static let absent = SRCode("272519000", "SCT", "Absent")

    // MARK: UCUM
    public static let noUnits = SRCode("1", "UCUM", "no units")
    public static let millimetre = SRCode("mm", "UCUM", "millimeter")

    /// UCUM unit code of a measurement's unit string (Vigil stores UCUM codes: `mm`, `ms`, `1`, `/min`).
    public static func ucum(_ unit: String) -> SRCode {
        switch unit {
        case "1", "": noUnits
        case "mm": millimetre
        default: SRCode(unit, "UCUM", unit)
        }
    }

    // MARK: Vigil's private scheme
    /// Vigil's private coding scheme designator (PS3.16 §8.2: private schemes start with `99`).
    public static let vigilScheme = "99VIGIL"
    /// Name and responsible organisation written in the Coding Scheme Identification Sequence.
    public static let vigilSchemeName = "Vigil finding, abstention and measurement codes"
    public static let vigilSchemeOrganization = "Vigil project (docs/export.md)"

    /// A Vigil finding code (`ct.pancreas.lesion_suspected`) with its label.
    public static func vigilFinding(_ code: String, _ label: String) -> SRCode { SRCode(code, vigilScheme, label) }
    /// "Detector abstained" (an assessment that was not made).
    public static let abstained = SRCode("abstained", vigilScheme, "Detector abstained")
    /// Concept name of the abstention reason.
    public static let abstentionReason = SRCode("abstention-reason", vigilScheme, "Abstention reason")
    /// A Vigil abstention reason code.
    public static func vigilAbstentionReason(_ reason: String) -> SRCode {
        SRCode(reason, vigilScheme, reason.replacingOccurrences(of: "_", with: " "))
    }
    /// A Vigil measurement name (`studyScore`, `slicesScored`) without a standard code.
    public static func vigilMeasurement(_ name: String) -> SRCode { SRCode(name, vigilScheme, name) }
}
