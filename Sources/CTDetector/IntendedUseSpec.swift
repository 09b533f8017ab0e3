import DetectorKit
/// The intended-use checks a lesion model's card asks for, under
/// `io.inputs[0].preprocessing.intendedUseChecks` (keys listed in docs/ct-models.md):
///
/// ```json
/// "intendedUseChecks": {
///   "modalities": ["CT"], "bodyParts": ["ABDOMEN", "PANCREAS"],
///   "sliceThicknessMM": {"min": 0.5, "max": 5.0}, "contrastRequired": true,
///   "abdomen": {"minBodyAreaCM2": 150, "maxInternalAirFraction": 0.25, "minSoftTissueFraction": 0.45,
///               "maxBoneFraction": 0.2, "minFatFraction": 0.02}
/// }
/// ```
///
/// A missing `intendedUseChecks` object means the defaults below (CT, abdominal body parts, 0.5–5 mm,
/// contrast required, the abdomen heuristic's defaults).
public struct IntendedUseSpec: Sendable, Hashable {
    /// Accepted DICOM modalities (upper case).
    public let modalities: [String]
    /// Accepted Body Part Examined values (upper case, compared without spaces, `_` or `-`).
    public let bodyParts: [String]
    /// Accepted slice thickness, mm (inclusive).
    public let sliceThicknessMM: ClosedRange<Double>
    /// Whether a series recorded as non-contrast is refused.
    public let contrastRequired: Bool
    /// Thresholds of the abdomen-in-field-of-view pixel heuristic.
    public let abdomen: AbdomenCriteria

    /// The defaults used when a card has no `intendedUseChecks`.
    public static let defaultBodyParts = ["ABDOMEN", "PANCREAS", "ABDOMENPELVIS", "CHESTABDOMENPELVIS", "CHESTABDOMEN",
                                          "TRUNK", "WHOLEBODY"]

    /// Creates a spec directly (tests, code that builds cards).
    public init(modalities: [String] = ["CT"], bodyParts: [String] = IntendedUseSpec.defaultBodyParts,
                sliceThicknessMM: ClosedRange<Double> = 0.5...5.0, contrastRequired: Bool = true,
                abdomen: AbdomenCriteria = AbdomenCriteria()) {
        self.modalities = modalities.map { $0.uppercased() }
        self.bodyParts = bodyParts.map(IntendedUseSpec.canonicalBodyPart)
        self.sliceThicknessMM = sliceThicknessMM
        self.contrastRequired = contrastRequired
        self.abdomen = abdomen
    }

    init(keys: ModelCardKeys?, path: String) throws {
        guard let keys else {
            self.init()
            return
        }
        var range = 0.5...5.0
        if let r = try keys.object("sliceThicknessMM") {
            let lo = try r.number("min"), hi = try r.number("max")
            if !(lo >= 0 && lo <= hi) { throw r.fail("min", "must be ≥ 0 and ≤ max, got \(lo)…\(hi)") }
            range = lo...hi
        }
        let a = try keys.object("abdomen")
        let d = AbdomenCriteria()
        let abdomen = AbdomenCriteria(
            minBodyAreaCM2: try a?.number("minBodyAreaCM2", default: d.minBodyAreaCM2) ?? d.minBodyAreaCM2,
            maxInternalAirFraction: try a?.number("maxInternalAirFraction", default: d.maxInternalAirFraction) ?? d.maxInternalAirFraction,
            minSoftTissueFraction: try a?.number("minSoftTissueFraction", default: d.minSoftTissueFraction) ?? d.minSoftTissueFraction,
            maxBoneFraction: try a?.number("maxBoneFraction", default: d.maxBoneFraction) ?? d.maxBoneFraction,
            minFatFraction: try a?.number("minFatFraction", default: d.minFatFraction) ?? d.minFatFraction)
        self.init(modalities: try keys.strings("modalities") ?? ["CT"],
                  bodyParts: try keys.strings("bodyParts") ?? IntendedUseSpec.defaultBodyParts,
                  sliceThicknessMM: range, contrastRequired: try keys.bool("contrastRequired", default: true),
                  abdomen: abdomen)
    }

    /// Upper case without spaces, `_` or `-` (`"Chest_Abdomen-Pelvis"` → `"CHESTABDOMENPELVIS"`).
    public static func canonicalBodyPart(_ raw: String) -> String {
        String(raw.uppercased().filter { !" _-".contains($0) })
    }
}

/// Thresholds of the abdomen-in-field-of-view heuristic (see ``AbdomenHeuristic``). Fractions are of the
/// body's pixels on the sampled slices (medians over slices).
public struct AbdomenCriteria: Sendable, Hashable {
    /// Smallest body cross-section, cm² (an adult abdomen is roughly 400–900 cm²).
    public let minBodyAreaCM2: Double
    /// Largest fraction of air enclosed by the body (lungs look like 30–60 % on chest slices).
    public let maxInternalAirFraction: Double
    /// Smallest fraction of soft tissue and fat (−200…250 HU).
    public let minSoftTissueFraction: Double
    /// Largest fraction of bone (> 300 HU; a skull ring makes head slices 20–40 %).
    public let maxBoneFraction: Double
    /// Smallest fraction of fat (−200…−30 HU); heads have almost none.
    public let minFatFraction: Double

    /// The defaults.
    public init(minBodyAreaCM2: Double = 150, maxInternalAirFraction: Double = 0.25, minSoftTissueFraction: Double = 0.45,
                maxBoneFraction: Double = 0.2, minFatFraction: Double = 0.02) {
        self.minBodyAreaCM2 = minBodyAreaCM2
        self.maxInternalAirFraction = maxInternalAirFraction
        self.minSoftTissueFraction = minSoftTissueFraction
        self.maxBoneFraction = maxBoneFraction
        self.minFatFraction = minFatFraction
    }
}
