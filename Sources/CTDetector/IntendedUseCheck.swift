import DetectorKit
import Foundation
import ImagingFormats

/// Why a series is outside the detector's intended use.
public struct IntendedUseFailure: Sendable, Hashable {
    /// The abstention reason.
    public let reason: AbstentionReason
    /// What was found and what the model card asks for.
    public let message: String
    /// Supporting values.
    public let details: [String: JSONValue]
}

/// The intended-use checks run before scoring: header facts against the lesion model card's
/// ``IntendedUseSpec``, then the pixels (``AbdomenHeuristic``).
public enum IntendedUseCheck {
    /// Checks `volume`. Returns the first failure, or nil with notes about facts that could not be
    /// checked (shown with the finding).
    public static func check(_ volume: ImageVolume, spec: IntendedUseSpec) -> (failure: IntendedUseFailure?, notes: [String]) {
        var notes: [String] = []
        let m = volume.metadata
        func fail(_ reason: AbstentionReason, _ message: String, _ details: [String: JSONValue] = [:]) -> (IntendedUseFailure?, [String]) {
            (IntendedUseFailure(reason: reason, message: message, details: details), notes)
        }
        // Modality.
        guard let modality = m.modality?.trimmingCharacters(in: .whitespaces).uppercased(), !modality.isEmpty else {
            return fail(.inputIncomplete, "The series does not record its modality; this detector reads \(spec.modalities.joined(separator: "/")) only.")
        }
        if !spec.modalities.contains(modality) {
            return fail(.outsideIntendedUse, "Modality is \(modality); this detector reads \(spec.modalities.joined(separator: "/")) only.",
                        ["modality": .string(modality)])
        }
        // Without Pixel Spacing nothing can be measured or resampled to the model's grid.
        if !volume.pixelSpacingKnown {
            return fail(.unsupportedAcquisition,
                        "The images do not record Pixel Spacing (0028,0030) (a secondary capture, for instance): their size in mm is unknown, so the detector cannot read them.",
                        ["pixelSpacing": .string("unknown")])
        }
        // Geometry and pixels that cannot be resampled.
        let spacings = [volume.rowSpacingMM, volume.columnSpacingMM]
        if spacings.contains(where: { !$0.isFinite || $0 <= 0 || $0 > 10 }) || volume.rows < 16 || volume.columns < 16 {
            return fail(.imageQualityInsufficient,
                        "The slices are \(volume.rows)×\(volume.columns) pixels at \(fmt(volume.rowSpacingMM))×\(fmt(volume.columnSpacingMM)) mm; "
                            + "the detector needs at least 16×16 pixels with spacing in (0, 10] mm.")
        }
        if let bad = volume.voxels.firstIndex(where: { !$0.isFinite }) {
            return fail(.imageQualityInsufficient, "Voxel \(bad) of the volume is not a finite number.")
        }
        // Body part: a hint, never a veto. Scanners write PARTIALBODY, WHOLEBODY, the protocol name or a
        // wrong region (IHE notes the tag is unreliable); the pixels decide whether an abdomen is in view.
        var bodyPartHint: String? = nil
        if let part = m.bodyPart?.trimmingCharacters(in: .whitespaces), !part.isEmpty {
            let canonical = IntendedUseSpec.canonicalBodyPart(part)
            if !spec.bodyParts.contains(canonical) {
                bodyPartHint = part
                notes.append("Body Part Examined is \(part), not one of \(spec.bodyParts.joined(separator: ", ")); the tag is a hint only, the abdomen was checked on the pixels.")
            }
        } else {
            notes.append("Body Part Examined is not recorded; the abdomen was checked on the pixels only.")
        }
        // Slice thickness.
        let thickness = m.sliceThicknessMM ?? volume.sliceSpacingMM
        if let t = thickness {
            if !spec.sliceThicknessMM.contains(t) {
                return fail(.unsupportedAcquisition,
                            "Slice thickness is \(fmt(t)) mm; the model is validated for \(fmt(spec.sliceThicknessMM.lowerBound))–\(fmt(spec.sliceThicknessMM.upperBound)) mm.",
                            ["sliceThicknessMM": .number(t)])
            }
            if m.sliceThicknessMM == nil { notes.append("Slice thickness is not recorded; the slice spacing (\(fmt(t)) mm) was checked instead.") }
        } else {
            notes.append("Slice thickness is not recorded and the series has one slice; thickness was not checked.")
        }
        // Contrast.
        if spec.contrastRequired {
            if let agent = m.contrastAgent?.trimmingCharacters(in: .whitespaces), !agent.isEmpty {
                if isNoContrast(agent) {
                    return fail(.unsupportedAcquisition,
                                "The series is recorded as non-contrast (Contrast/Bolus Agent '\(agent)'); the model is validated on contrast-enhanced CT only.",
                                ["contrastAgent": .string(agent)])
                }
            } else {
                notes.append("Contrast is not recorded in the header; the model expects contrast-enhanced CT.")
            }
        }
        // Pixels: is an abdomen in the field of view?
        let heuristic = AbdomenHeuristic(volume: volume)
        if let why = heuristic.failure(spec.abdomen) {
            var details = heuristic.details
            var message = "Abdomen not in the field of view: \(why)."
            if let hint = bodyPartHint {
                details["bodyPart"] = .string(hint)
                message += " Body Part Examined (\(hint)) does not name the abdomen either."
            }
            return fail(.outsideIntendedUse, message, details)
        }
        return (nil, notes)
    }

    /// Whether a Contrast/Bolus Agent value says that no contrast was given.
    static func isNoContrast(_ agent: String) -> Bool {
        let a = agent.uppercased()
        return ["NONE", "NO", "N", "NO CONTRAST", "NON-CONTRAST", "NONCONTRAST", "NON CONTRAST", "UNENHANCED", "NATIVE", "PLAIN"]
            .contains(a)
    }
}

extension AbdomenHeuristic {
    /// The features as abstention details.
    public var details: [String: JSONValue] {
        ["bodyAreaCM2": .number((bodyAreaCM2 * 10).rounded() / 10),
         "internalAirFraction": .number((internalAirFraction * 1000).rounded() / 1000),
         "softTissueFraction": .number((softTissueFraction * 1000).rounded() / 1000),
         "fatFraction": .number((fatFraction * 1000).rounded() / 1000),
         "boneFraction": .number((boneFraction * 1000).rounded() / 1000)]
    }
}

/// A number with up to 2 decimals, trailing zeros dropped.
func fmt(_ x: Double) -> String {
    var s = String(format: "%.2f", x)
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    return s
}
