import Foundation

/// A finding the generator can put into a synthetic record. Raw values are the names used on the command
/// line and in `labels.csv`. Several labels may be combined where that is physiologically sensible
/// (`ECGSynthLabel.compatible(_:)`); `normal` stands alone (sinus rhythm at 60–100 bpm, nothing else).
public enum ECGSynthLabel: String, CaseIterable, Sendable, Codable, Comparable {
    /// Normal sinus rhythm, 60–100 bpm, normal intervals and voltages.
    case normal
    /// Sinus rhythm below 60 bpm.
    case sinusBradycardia = "sinus_bradycardia"
    /// Sinus rhythm above 100 bpm.
    case sinusTachycardia = "sinus_tachycardia"
    /// Atrial fibrillation: irregularly irregular RR, no P waves, fibrillatory waves of 4–9 Hz.
    case afib
    /// Premature ventricular contractions: early, wide beats without P, discordant T, compensatory pause.
    case pvc
    /// Left bundle branch block: QRS ≥ 120 ms, broad notched R in I/aVL/V5–V6, QS in V1, discordant ST-T.
    case lbbb
    /// Right bundle branch block: QRS ≥ 120 ms, rsR' in V1, wide S in I and V6.
    case rbbb
    /// Left ventricular hypertrophy by voltage: S V1 + max(R V5, R V6) > 3.5 mV (Sokolow–Lyon).
    case lvh
    /// ST elevation ≥ 0.1 mV in a contiguous territory (inferior, anterior or lateral) with reciprocal depression.
    case stElevation = "st_elevation"
    /// Long QT: QTc (Bazett) > 480 ms.
    case longQT = "long_qt"
    /// First-degree AV block: PR > 200 ms.
    case firstDegreeAVBlock = "first_degree_av_block"
    /// Low QRS voltage: peak-to-peak QRS < 0.5 mV in every limb lead and < 1.0 mV in every precordial lead.
    case lowVoltage = "low_voltage"
    /// Ventricular pacing: pacing spikes followed by wide QRS complexes.
    case paced

    /// Orders labels as declared (for stable `labels.csv` text).
    public static func < (a: ECGSynthLabel, b: ECGSynthLabel) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// Labels that set the rhythm / rate (at most one per record).
    static let rhythmLabels: Set<ECGSynthLabel> = [.sinusBradycardia, .sinusTachycardia, .afib]
    /// Labels that replace normal ventricular conduction (at most one per record).
    static let conductionLabels: Set<ECGSynthLabel> = [.lbbb, .rbbb, .paced]

    /// Why a combination of labels cannot be generated, or nil when it can.
    public static func incompatibility(_ labels: Set<ECGSynthLabel>) -> String? {
        if labels.isEmpty { return "no label" }
        if labels.contains(.normal) && labels.count > 1 { return "normal cannot be combined with other labels" }
        if labels.intersection(rhythmLabels).count > 1 { return "at most one of sinus_bradycardia, sinus_tachycardia, afib" }
        if labels.intersection(conductionLabels).count > 1 { return "at most one of lbbb, rbbb, paced" }
        if labels.contains(.afib) && labels.contains(.firstDegreeAVBlock) { return "first_degree_av_block needs P waves (not with afib)" }
        if labels.contains(.lvh) && labels.contains(.lowVoltage) { return "lvh and low_voltage contradict each other" }
        if labels.contains(.stElevation) && (labels.contains(.lbbb) || labels.contains(.paced)) {
            return "st_elevation is not generated on top of lbbb or paced rhythm (secondary ST changes would be ambiguous)"
        }
        if labels.contains(.longQT) && (labels.contains(.lbbb) || labels.contains(.paced)) {
            return "long_qt is not generated with lbbb or paced QRS (QT would be dominated by the wide QRS)"
        }
        if labels.contains(.stElevation) && labels.contains(.lowVoltage) {
            return "st_elevation is not generated with low_voltage (the ST shift would be scaled with the QRS)"
        }
        if labels.contains(.lvh) && (labels.contains(.paced) || labels.contains(.lbbb)) {
            return "lvh voltage criteria do not apply to paced or LBBB QRS complexes"
        }
        if labels.contains(.paced) && labels.contains(.firstDegreeAVBlock) {
            return "a paced record's AV delay is set by the pacemaker (not first_degree_av_block)"
        }
        if labels.contains(.paced) && labels.contains(.pvc) { return "pvc is not generated in paced records" }
        if labels.contains(.paced) && (labels.contains(.sinusBradycardia) || labels.contains(.sinusTachycardia)) {
            return "a paced record's rate is set by the pacemaker, not a sinus label"
        }
        return nil
    }

    /// Parses a combination written with `+` (e.g. `"lbbb+afib"`).
    /// - Throws: `ECGSynthError.badLabels` for an unknown label or an incompatible combination.
    public static func parseCombination(_ text: String) throws -> Set<ECGSynthLabel> {
        var out = Set<ECGSynthLabel>()
        for part in text.split(separator: "+") {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            guard let l = ECGSynthLabel(rawValue: name) else {
                let known = allCases.map(\.rawValue).joined(separator: ", ")
                throw ECGSynthError.badLabels("unknown label '\(name)' (known: \(known); other record kinds: flat_line, noise_only, la_ra_reversal)")
            }
            out.insert(l)
        }
        if let why = incompatibility(out) { throw ECGSynthError.badLabels("'\(text)': \(why)") }
        return out
    }
}

/// Errors of the synthetic ECG generator (bad requests; the generator never fails on valid requests).
public enum ECGSynthError: Error, CustomStringConvertible, Equatable {
    /// A label or label combination that cannot be generated.
    case badLabels(String)
    /// A parameter outside its allowed range.
    case badParameter(String)
    /// Output files could not be written.
    case cannotWrite(String)

    /// A readable message.
    public var description: String {
        switch self {
        case .badLabels(let s): return "bad labels: \(s)"
        case .badParameter(let s): return "bad parameter: \(s)"
        case .cannotWrite(let s): return "cannot write: \(s)"
        }
    }
}
