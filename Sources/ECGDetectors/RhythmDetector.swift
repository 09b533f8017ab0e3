import DetectorKit
import DetectorInputs
import ECGFormats
import ECGSignal
import Foundation

/// Rule-based rhythm and interval detector on the measurements of `ECGAnalysis`: sinus rhythm, sinus
/// bradycardia and tachycardia, atrial fibrillation (RR irregularity and no P wave), frequent
/// ventricular ectopy, prolonged QTc and wide QRS (`RhythmCriteria` holds the cut-offs).
///
/// No learned model: findings are measured (probability nil) with a decision, the measurements they
/// rest on (the machine's values alongside) and lead/time evidence. It abstains, never scores, when
/// the record cannot be measured (`signal_unreadable`, `input_incomplete`, `unsupported_acquisition`,
/// with the reason) and when pacing spikes are found (`paced_rhythm`: these rules do not apply to
/// paced rhythms).
///
/// ```swift
/// let outcome = try await RhythmDetector().analyze(record)
/// ```
public struct RhythmDetector: Detector {
    /// The record type it reads.
    public typealias Input = ECGRecord

    /// Id `ecg-rhythm`.
    public let descriptor = DetectorDescriptor(id: "ecg-rhythm", version: "1.0.0", name: "ECG rhythm and interval rules",
                                               inputKind: .ecg)
    /// Rule-based: no model card.
    public var modelCard: ModelCard? { nil }
    /// The codes of its rules (``RhythmFindings/codes``).
    public var findingCodes: Set<String>? { Set(RhythmFindings.codes) }
    /// The cut-offs.
    public let criteria: RhythmCriteria
    /// The analysis settings.
    public let configuration: ECGAnalysis.Configuration

    /// Creates the detector.
    public init(criteria: RhythmCriteria = RhythmCriteria(), configuration: ECGAnalysis.Configuration = ECGAnalysis.Configuration()) {
        self.criteria = criteria
        self.configuration = configuration
    }

    /// Analyses one record.
    public func analyze(_ record: ECGRecord) async throws -> DetectorOutcome {
        try await analyze(record, request: DetectionRequest())
    }

    /// Analyses one record, reusing the request's shared ``ECGAnalysis`` of it when another detector made it.
    public func analyze(_ record: ECGRecord, request: DetectionRequest) async throws -> DetectorOutcome {
        try outcome(for: try ECGAnalysis.shared(record, configuration: analysisConfiguration, request: request))
    }

    /// The analysis settings with this detector's rhythm criteria (what ``analyze(_:request:)`` shares).
    public var analysisConfiguration: ECGAnalysis.Configuration {
        var c = configuration
        c.rhythm = criteria
        return c
    }

    /// The outcome for an analysis already made (so callers that need the analysis too run it once).
    public func outcome(for a: ECGAnalysis) throws -> DetectorOutcome {
        let provenance = DetectorProvenance(descriptor: descriptor, modelCard: nil)
        if let pacing = a.pacing, pacing.paced {
            return .abstained(try Abstention(
                reason: .pacedRhythm,
                message: "\(a.file): pacing spikes before \(pacing.pacedBeats) of \(a.beats.count) beats; rhythm and interval rules do not apply to paced rhythms.",
                detector: provenance,
                details: ["pacingSpikes": .number(Double(pacing.spikes.count)), "pacedBeats": .number(Double(pacing.pacedBeats))]))
        }
        if let problem = a.problem {
            var details: [String: JSONValue] = [:]
            if let q = a.quality, q.leads.count == a.leadNames.count {
                for (name, lq) in zip(a.leadNames, q.leads) where !lq.problems.isEmpty {
                    details[name] = .string(lq.problems.map(\.rawValue).joined(separator: ", "))
                }
            }
            for ex in a.excludedLeads { details[ex.lead] = .string(ex.reason) }
            if let q = a.quality, !q.windows.isEmpty {
                details["readableSeconds"] = .number((q.readableSeconds * 10).rounded() / 10)
                details["recordSeconds"] = .number((a.durationSeconds * 10).rounded() / 10)
            }
            return .abstained(try Abstention(reason: problem.reason, message: problem.message, detector: provenance, details: details))
        }
        guard let m = a.measurements else {
            return .abstained(try Abstention(reason: .signalUnreadable, message: "\(a.file): no measurements could be made.",
                                             detector: provenance))
        }
        return .findings(try RhythmFindings(analysis: a, measurements: m, criteria: criteria, provenance: provenance).all())
    }
}
