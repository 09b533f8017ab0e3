import DetectorKit

/// The finding codes Vigil's detectors emit, and the only codes the explainer has knowledge entries for.
///
/// Codes are stable, lower-case, dot-separated tokens (`ecg.afib`, `ct.pancreas.lesion_suspected`): they
/// satisfy DetectorKit's rule for ``Finding/code`` (non-empty, no whitespace) and never change meaning once
/// shipped. The list is documented in docs/explanations.md.
public enum FindingCode: String, CaseIterable, Sendable, Codable, Hashable {
    // MARK: ECG rhythm and interval measurements (rule-based, from measured intervals)

    /// Sinus rhythm (the normal rhythm).
    case sinusRhythm = "ecg.sinus_rhythm"
    /// Sinus rhythm slower than the resting range.
    case sinusBradycardia = "ecg.sinus_bradycardia"
    /// Sinus rhythm faster than 100 /min.
    case sinusTachycardia = "ecg.sinus_tachycardia"
    /// Atrial fibrillation, from RR-interval irregularity and absent P waves.
    case atrialFibrillation = "ecg.afib"
    /// Frequent premature ventricular complexes on the recording.
    case frequentVentricularEctopy = "ecg.frequent_ventricular_ectopy"
    /// Heart-rate-corrected QT above the detector's cut-off.
    case longQTc = "ecg.long_qtc"
    /// QRS duration of 120 ms or more.
    case wideQRS = "ecg.wide_qrs"

    /// Atrial fibrillation, from the real-data AF model (`ecg-af`: 10 s windows, any lead count).
    case afAtrialFibrillation = "ecg.af.afib"

    // MARK: ECG CNN (model-backed, calibrated probabilities)

    /// Atrial fibrillation, from the ECG CNN.
    case cnnAtrialFibrillation = "ecg.cnn.afib"
    /// Left bundle branch block.
    case cnnLBBB = "ecg.cnn.lbbb"
    /// Right bundle branch block.
    case cnnRBBB = "ecg.cnn.rbbb"
    /// Left ventricular hypertrophy pattern.
    case cnnLVH = "ecg.cnn.lvh"
    /// ST-segment elevation (calls for emergency review when positive).
    case cnnSTElevation = "ecg.cnn.st_elevation"
    /// Premature ventricular complexes.
    case cnnPVC = "ecg.cnn.pvc"

    // MARK: Drop-in models

    /// Low left ventricular ejection fraction from the ECG: the example of a hospital-supplied model run
    /// through the generic model-card `io` section.
    case lowEjectionFraction = "ecg.low_ef"

    // MARK: CT

    /// A pancreatic lesion suspicious for adenocarcinoma on CT.
    case pancreaticLesionSuspected = "ct.pancreas.lesion_suspected"

    /// Whether the finding is a measurement-based rule (no probability) rather than a model output.
    public var isMeasured: Bool {
        switch self {
        case .sinusRhythm, .sinusBradycardia, .sinusTachycardia, .atrialFibrillation, .frequentVentricularEctopy,
             .longQTc, .wideQRS:
            true
        default:
            false
        }
    }

    /// Whether a positive finding calls for emergency care (ST elevation).
    public var isUrgentWhenPositive: Bool { self == .cnnSTElevation }

    /// The clinical question two detectors both answer (the rule-based rhythm detector and the CNN), so
    /// that an explanation can say when they disagree instead of stating both answers side by side; nil
    /// for codes no other shipped detector answers.
    public var sharedQuestion: String? {
        switch self {
        case .atrialFibrillation, .afAtrialFibrillation, .cnnAtrialFibrillation: "atrial_fibrillation"
        case .frequentVentricularEctopy, .cnnPVC: "ventricular_ectopy"
        default: nil
        }
    }
}

/// The abstention reasons the explainer has knowledge entries for: DetectorKit's built-in reasons. Any
/// other (detector-specific) reason is explained with a generic entry and the detector's own message.
public enum KnownAbstentionReasons {
    /// DetectorKit's built-in ``AbstentionReason``s.
    public static let all: [AbstentionReason] = [
        .signalUnreadable, .outsideIntendedUse, .pacedRhythm, .inputIncomplete, .imageQualityInsufficient,
        .unsupportedAcquisition,
    ]
}
