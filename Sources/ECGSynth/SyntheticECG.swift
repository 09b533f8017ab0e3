import ECGFormats
import Foundation

/// What kind of record to generate.
public enum ECGSynthKind: Sendable, Equatable, Hashable {
    /// A 12-lead ECG with the given findings.
    case ecg(Set<ECGSynthLabel>)
    /// Leads off: every lead flat (a constant offset plus at most ±2 µV of noise). No beats.
    case flatLine
    /// Noise only (muscle, baseline wander, electrode motion, power line), no cardiac activity.
    case noiseOnly
    /// A normal sinus ECG recorded with the left- and right-arm electrodes swapped (a technical error):
    /// lead I inverted, II and III exchanged, aVR and aVL exchanged, aVF and V1–V6 unchanged.
    case armLeadReversal

    /// The `labels.csv` text: labels joined by ';', or `flat_line` / `noise_only`.
    public var labelText: String {
        switch self {
        case .ecg(let labels): return labels.sorted().map(\.rawValue).joined(separator: ";")
        case .flatLine: return "flat_line"
        case .noiseOnly: return "noise_only"
        case .armLeadReversal: return "la_ra_reversal"
        }
    }
}

/// A generation request. Everything random is drawn from `seed`, so equal requests give equal records.
public struct ECGSynthRequest: Sendable, Equatable {
    /// Record kind and findings.
    public var kind: ECGSynthKind
    /// Seed of this record.
    public var seed: UInt64
    /// Sampling rate (Hz), 100…10 000.
    public var sampleRate: Double
    /// Duration (s), 2…600.
    public var durationSeconds: Double
    /// Signal-to-noise ratio in dB (mean ECG power over noise power across the 12 leads); nil draws a
    /// realistic level uniformly in 12…30 dB; `.infinity` generates a noise-free record.
    public var snrDB: Double?

    /// Creates a request (defaults: 500 Hz, 10 s, random realistic noise).
    public init(kind: ECGSynthKind, seed: UInt64, sampleRate: Double = 500, durationSeconds: Double = 10, snrDB: Double? = nil) {
        self.kind = kind; self.seed = seed; self.sampleRate = sampleRate
        self.durationSeconds = durationSeconds; self.snrDB = snrDB
    }
}

/// The truth of one generated beat. Sample indices are 0-based at the record's rate; a boundary outside
/// the record is nil.
public struct SyntheticBeat: Sendable, Equatable, Codable {
    /// MIT beat symbol: `N` normal, `L` left / `R` right bundle branch block beat, `V` premature
    /// ventricular contraction, `/` paced.
    public var symbol: String
    /// The R peak: the sample of largest spatial QRS magnitude (the beat annotation's sample).
    public var fiducial: Int
    /// P-wave onset and offset (nil for beats without a conducted P wave).
    public var pOnset: Int?, pOffset: Int?
    /// QRS onset and offset.
    public var qrsOnset: Int?, qrsOffset: Int?
    /// T-wave onset and offset (T offset is the end of the QT interval).
    public var tOnset: Int?, tOffset: Int?
}

/// The global true measurements of a record.
public struct SyntheticTruth: Sendable, Equatable, Codable {
    /// Mean heart rate over the beats inside the record (bpm); nil without beats.
    public var heartRateBpm: Double?
    /// Mean RR interval (ms) of the beats inside the record.
    public var rrMeanMs: Double?
    /// PR interval (P onset to QRS onset, ms) of conducted beats; nil without P waves.
    public var prMs: Double?
    /// QRS duration (ms) of the dominant beats.
    public var qrsMs: Double?
    /// QT interval (QRS onset to T end, ms) of the dominant beats at the mean RR (in AF each beat's QT scales
    /// with the cube root of its preceding RR over the mean RR; `beats.csv` has every beat's T end).
    public var qtMs: Double?
    /// QTc by Bazett from `qtMs` and `rrMeanMs` (ms).
    public var qtcMs: Double?
    /// Sokolow–Lyon voltage S V1 + max(R V5, R V6) of the dominant beats, noise-free (mV).
    public var sokolowLyonMv: Double?
    /// Largest peak-to-peak QRS amplitude among the limb leads and among the precordial leads (mV), noise-free.
    public var maxLimbQRSMv: Double?, maxPrecordialQRSMv: Double?
    /// Territory of the ST elevation, when generated.
    public var stTerritory: STTerritory?
    /// Frontal QRS axis (degrees) from the net noise-free QRS areas of I and aVF of the dominant beats.
    public var frontalAxisDeg: Double?
    /// The achieved signal-to-noise ratio (dB); nil for noise-free, flat-line and noise-only records.
    public var snrDB: Double?
}

/// A generated 12-lead record and everything known about it.
public struct SyntheticECG: Sendable {
    /// The request that produced it.
    public var request: ECGSynthRequest
    /// Lead names (`LeadProjection.leadNames`).
    public var leadNames: [String]
    /// Samples in mV, one array per lead, noise included.
    public var leads: [[Float]]
    /// The same record without noise (for SNR checks and measurement tests).
    public var clean: [[Float]]
    /// The beats whose fiducial lies inside the record, in time order.
    public var beats: [SyntheticBeat]
    /// True global measurements.
    public var truth: SyntheticTruth

    /// Sampling rate (Hz).
    public var sampleRate: Double { request.sampleRate }
    /// Samples per lead.
    public var sampleCount: Int { leads.first?.count ?? 0 }

    /// The MIT rhythm annotation text at the start of the record (`(N`, `(SBR`, `(AFIB`, `(P`), nil for
    /// flat-line and noise-only records.
    public var rhythmAuxText: String? {
        if request.kind == .armLeadReversal { return "(N" }
        guard case .ecg(let labels) = request.kind else { return nil }
        if labels.contains(.afib) { return "(AFIB" }
        if labels.contains(.paced) { return "(P" }
        if labels.contains(.sinusBradycardia) { return "(SBR" }
        return "(N"
    }

    /// The record as Vigil's shared `ECGRecord` (WFDB source format), with beat annotations and a rhythm
    /// annotation at sample 0. The record id is `name`; no patient identifier is set.
    public func ecgRecord(name: String) throws -> ECGRecord {
        let ecgLeads = zip(leadNames, leads).map { ECGLead(name: $0.0, originalLabel: $0.0, samples: $0.1) }
        let waveform = try ECGWaveform(kind: .rhythm, samplingRateHz: sampleRate, leads: ecgLeads, file: name)
        var annotations: [ECGAnnotation] = []
        if let aux = rhythmAuxText {
            annotations.append(ECGAnnotation(sample: 0, timeSeconds: 0, code: 28, symbol: "+", meaning: "Rhythm change", auxText: aux))
        }
        for b in beats {
            let code = MITAnnotationCode.code(for: b.symbol)
            annotations.append(ECGAnnotation(sample: b.fiducial, timeSeconds: Double(b.fiducial) / sampleRate, code: code,
                                             symbol: b.symbol, meaning: code.map { MITAnnotationCode.symbol(for: $0).meaning } ?? nil))
        }
        return ECGRecord(sourceFormat: .wfdb, sourceFile: name + ".hea", rhythm: waveform,
                         acquisition: ECGAcquisitionInfo(recordID: name, device: "Vigil ECGSynth \(ECGSynth.version)"),
                         annotations: annotations, notes: ["synthetic record (not patient data)"])
    }
}

/// The synthetic ECG generator's namespace.
///
/// What a record is made of (all ranges are uniform draws from the record's seed; see `RecordMorphology`,
/// `RhythmPlan`, `NoiseModel`):
///
/// | label | rate (bpm) | PR (ms) | QRS (ms) | QTc Bazett (ms) | other |
/// |---|---|---|---|---|---|
/// | normal and labels without a rate | 62–96 | 125–195 | 80–104 | 380–440 | VCG QRS angle −5…50° (frontal axis ≈ −25…75°) |
/// | sinus_bradycardia / _tachycardia | 40–56 / 105–145 | as normal | | | RSA 2–5 % at the breathing rate, LF 1–3 % |
/// | afib | 70–140 (mean) | — | | | log-normal RR (σ 0.15–0.28), no P, f-waves 4–9 Hz, 0.02–0.06 mV per component |
/// | pvc | | | 130–180 | | 1–3 beats, coupling 0.5–0.68 RR, no P, discordant ST-T, blocked sinus P |
/// | lbbb | | | 130–170 | | no septal q, notched R I/aVL/V5–V6, QS V1, discordant ST-T |
/// | rbbb | | | 125–160 | | terminal rightward-anterior force: rsR' V1, wide S I/V6 |
/// | lvh | | | ≤ 112 | | Sokolow–Lyon 3.7–5.0 mV; strain (ST-T opposite QRS) in 60 % |
/// | st_elevation | | | | | injury vector: anterior V2 and V3 ≥ 0.25 mV (max 0.3–0.5); inferior/lateral ≥ 0.13 mV in ≥ 2 territory leads (max 0.15–0.4) |
/// | long_qt | | | | 490–560 | |
/// | first_degree_av_block | | 215–320 | | | |
/// | low_voltage | | | | | QRS p-p < 0.42 mV (limb), < 0.85 mV (precordial); every wave scaled |
/// | paced | 60–85 | AV delay 150–200 | 140–185 | | spike 0.6–1.5 ms, superior axis (RV apex), discordant ST-T |
///
/// Records without `st_elevation`, `lbbb` or `paced` have physiological ST/J elevation (`PhysiologicalST`):
/// V2–V3 0–0.18 mV (median about 0.06), V1 and V4 smaller, V5–V6 ≤ 0.05 mV, limb leads ≤ 0.05 mV.
/// Records without `lvh` have Sokolow–Lyon ≤ 3.2 mV; records without `low_voltage` have their dominant QRS
/// scaled up, where needed and as far as that cap allows, to ≥ 0.6 mV peak-to-peak in some limb lead and
/// ≥ 1.1 mV in some precordial lead. Noise (default SNR 12–30 dB) mixes components with relative power weights:
/// baseline wander 0.2–0.6, muscle 0.15–0.5, power line 0.02–0.15 (70 % of records), electrode motion
/// 0.05–0.3 (35 % of records).
public enum ECGSynth {
    /// Generator version, written into `labels.csv` so that data sets can be traced to the code.
    public static let version = "1.1"
}
