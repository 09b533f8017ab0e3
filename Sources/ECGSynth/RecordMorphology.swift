import Foundation

/// Territory of a generated ST elevation.
public enum STTerritory: String, Sendable, Codable, CaseIterable {
    /// II, III, aVF (reciprocal depression in I/aVL).
    case inferior
    /// V1–V4.
    case anterior
    /// I, aVL, V5, V6 (reciprocal depression in III/aVF).
    case lateral

    /// Lead indices (in `LeadProjection.leadNames` order) of the territory.
    public var leadIndices: [Int] {
        switch self {
        case .inferior: return [1, 2, 5]
        case .anterior: return [6, 7, 8, 9]
        case .lateral: return [0, 4, 10, 11]
        }
    }
}

/// The per-record heart: atrial and ventricular templates, intervals and rates drawn from the labels.
struct RecordMorphology: Sendable {
    var pDuration = 0.1
    var pRA = SIMD3<Double>(repeating: 0), pLA = SIMD3<Double>(repeating: 0)
    var hasP = true
    var prInterval = 0.16
    var qtc = 0.41
    var heartRate = 75.0
    var dominant: VentricularTemplate
    var ectopic: [VentricularTemplate] = []
    var spikeVector: SIMD3<Double>?
    var spikeWidth = 0.001
    var stTerritory: STTerritory?

    /// Draws a morphology for `labels` from `rng`.
    init(labels: Set<ECGSynthLabel>, rng: inout SeededRandom) {
        // Rate and intervals.
        if labels.contains(.sinusBradycardia) { heartRate = rng.uniform(40, 56) }
        else if labels.contains(.sinusTachycardia) { heartRate = rng.uniform(105, 145) }
        else if labels.contains(.paced) { heartRate = rng.uniform(60, 85) }
        else if labels.contains(.afib) { heartRate = rng.uniform(70, 140) }
        else { heartRate = rng.uniform(62, 96) }
        // A prolonged PR stays below 55% of the cycle, so the P wave does not fall into the previous QRS at fast rates.
        prInterval = labels.contains(.firstDegreeAVBlock)
            ? rng.uniform(0.215, min(0.32, max(0.225, 0.55 * 60 / heartRate))) : rng.uniform(0.125, 0.195)
        if labels.contains(.paced) { prInterval = rng.uniform(0.15, 0.2) }
        qtc = labels.contains(.longQT) ? rng.uniform(0.49, 0.56) : rng.uniform(0.38, 0.44)
        hasP = !labels.contains(.afib)

        // Atria: right-atrial (inferior, anterior) then left-atrial (leftward, posterior) activation.
        pDuration = rng.uniform(0.08, 0.11)
        pRA = unitVector(0.2 + 0.1 * rng.normal(), 0.9, -0.45 + 0.1 * rng.normal()) * rng.uniform(0.07, 0.13)
        pLA = unitVector(0.75 + 0.1 * rng.normal(), 0.45 + 0.1 * rng.normal(), 0.45) * rng.uniform(0.06, 0.12)

        // Ventricles.
        let alpha = rng.uniform(-5, 50) * Double.pi / 180  // VCG angle; gives frontal (I/aVF) axes of about −25° to +75°
        var mainZ = rng.uniform(0.05, 0.45)
        var mainAmp = rng.uniform(1.3, 2.1)
        if labels.contains(.lvh) { mainZ += 0.2; mainAmp *= rng.uniform(1.5, 2.0) }
        let main = unitVector(cos(alpha), sin(alpha), mainZ)
        let septal = unitVector(-0.5 + 0.1 * rng.normal(), 0.1 + 0.1 * rng.normal(), -0.8) * rng.uniform(0.1, 0.25)
        let terminal = unitVector(-0.35, -0.45 + 0.2 * rng.normal(), 0.75) * rng.uniform(0.15, 0.45)
        var tDir = normalised(main + SIMD3(0.1 * rng.normal(), 0.1 * rng.normal(), -0.4 + 0.1 * rng.normal()))
        var tAmp = rng.uniform(0.25, 0.5)
        var tFraction = rng.uniform(0.55, 0.7)
        if labels.contains(.longQT) { tFraction = rng.uniform(0.5, 0.65); tAmp *= 0.85 }
        var qrsDuration = rng.uniform(0.08, 0.104)
        if labels.contains(.lvh) { qrsDuration = min(0.112, qrsDuration + 0.008) }
        var components: [QRSComponent]
        var stVector: SIMD3<Double>?

        if labels.contains(.lbbb) {
            qrsDuration = rng.uniform(0.13, 0.17)
            let r1 = unitVector(0.75 + 0.1 * rng.normal(), 0.25 + 0.15 * rng.normal(), 0.6 + 0.1 * rng.normal())
            let r2 = unitVector(0.8 + 0.1 * rng.normal(), 0.05 + 0.15 * rng.normal(), 0.55 + 0.1 * rng.normal())
            components = [
                QRSComponent(start: 0, end: 0.3, peakAt: 0.6, vector: unitVector(0.6, 0.2, 0.75) * rng.uniform(0.2, 0.4)),
                QRSComponent(start: 0.08, end: 0.66, peakAt: 0.5, vector: r1 * rng.uniform(1.1, 1.7)),
                QRSComponent(start: 0.34, end: 1.0, peakAt: 0.5, vector: r2 * rng.uniform(1.1, 1.7)),
            ]
            let mean = normalised(r1 + r2)
            stVector = -mean * rng.uniform(0.08, 0.18)
            tDir = normalised(-mean + SIMD3(0.15 * rng.normal(), 0.15 * rng.normal(), 0.15 * rng.normal()))
            tAmp = rng.uniform(0.3, 0.55)
            tFraction = rng.uniform(0.6, 0.75)
        } else if labels.contains(.rbbb) {
            qrsDuration = rng.uniform(0.125, 0.16)
            let rv = unitVector(-0.7 + 0.1 * rng.normal(), 0.05 + 0.1 * rng.normal(), -0.7 + 0.1 * rng.normal())
            components = [
                QRSComponent(start: 0, end: 0.22, peakAt: 0.5, vector: septal),
                QRSComponent(start: 0.08, end: 0.55, peakAt: 0.5, vector: main * mainAmp * 0.6),
                QRSComponent(start: 0.45, end: 1.0, peakAt: 0.55, vector: rv * rng.uniform(0.7, 1.2)),
            ]
            tDir = normalised(tDir + SIMD3(0.4, 0, 0.6))
        } else if labels.contains(.paced) {
            qrsDuration = rng.uniform(0.14, 0.185)
            let r1 = unitVector(0.45 + 0.1 * rng.normal(), -0.75 + 0.1 * rng.normal(), 0.5 + 0.1 * rng.normal())
            let r2 = unitVector(0.6 + 0.1 * rng.normal(), -0.5 + 0.1 * rng.normal(), 0.55 + 0.1 * rng.normal())
            components = [
                QRSComponent(start: 0.03, end: 0.65, peakAt: 0.5, vector: r1 * rng.uniform(1.2, 1.8)),
                QRSComponent(start: 0.4, end: 1.0, peakAt: 0.5, vector: r2 * rng.uniform(0.8, 1.4)),
            ]
            let mean = normalised(r1 + r2)
            stVector = -mean * rng.uniform(0.06, 0.14)
            tDir = normalised(-mean + SIMD3(0.15 * rng.normal(), 0.15 * rng.normal(), 0.15 * rng.normal()))
            tAmp = rng.uniform(0.3, 0.55)
            tFraction = rng.uniform(0.6, 0.75)
            spikeVector = unitVector(rng.normal(), rng.normal(), rng.normal()) * rng.uniform(2, 5)
            spikeWidth = rng.uniform(0.0006, 0.0015)
        } else {
            components = [
                QRSComponent(start: 0, end: 0.35, peakAt: 0.5, vector: septal),
                QRSComponent(start: 0.12, end: 0.82, peakAt: 0.5, vector: main * mainAmp),
                QRSComponent(start: 0.5, end: 1.0, peakAt: 0.45, vector: terminal),
            ]
        }
        if labels.contains(.lvh), rng.chance(0.6) {
            // Strain pattern: ST depression and T inversion opposite to the dominant QRS vector.
            tDir = normalised(-main + SIMD3(0.1 * rng.normal(), 0.1 * rng.normal(), 0.1 * rng.normal()))
            stVector = -main * rng.uniform(0.05, 0.12)
        }
        dominant = VentricularTemplate(qrsDuration: qrsDuration, components: components, stVector: stVector,
                                       tVector: tDir * tAmp, tFraction: tFraction, tPeakAt: rng.uniform(0.58, 0.68))

        if labels.contains(.pvc) {
            let count = rng.chance(0.3) ? 2 : 1
            for _ in 0..<count { ectopic.append(RecordMorphology.ectopicTemplate(&rng)) }
        }
    }

    /// A premature ventricular complex: wide, bizarre, with ST-T opposite to its QRS.
    static func ectopicTemplate(_ rng: inout SeededRandom) -> VentricularTemplate {
        let sign: Double = rng.chance(0.5) ? 1 : -1
        let dir: SIMD3<Double> = rng.chance(0.5)
            ? unitVector(0.7 + 0.15 * rng.normal(), 0.5 * sign, 0.6 + 0.15 * rng.normal())    // right-ventricular origin
            : unitVector(-0.6 + 0.15 * rng.normal(), 0.4 * sign, -0.7 + 0.15 * rng.normal())  // left-ventricular origin
        let dir2 = normalised(dir + SIMD3(0.3 * rng.normal(), 0.3 * rng.normal(), 0.3 * rng.normal()))
        let comps = [
            QRSComponent(start: 0, end: 0.65, peakAt: 0.5, vector: dir * rng.uniform(2.0, 3.0)),
            QRSComponent(start: 0.35, end: 1.0, peakAt: 0.5, vector: dir2 * rng.uniform(0.6, 1.2)),
        ]
        let mean = normalised(dir * 2 + dir2)
        return VentricularTemplate(qrsDuration: rng.uniform(0.13, 0.18), components: comps,
                                   stVector: -mean * rng.uniform(0.1, 0.2), tVector: -mean * rng.uniform(0.4, 0.8),
                                   tFraction: 0.8, tPeakAt: 0.5)
    }

    /// Adds an ST elevation in a random territory, with the T wave pulled towards the injury, scaled so that
    /// it clearly meets the territory's criterion and exceeds the physiological ST elevation of
    /// `PhysiologicalST`: anterior, V2 and V3 both ≥ 0.25 mV and the largest 0.3–0.5 mV; inferior and
    /// lateral, at least two territory leads ≥ 0.13 mV and the largest 0.15–0.4 mV.
    mutating func addSTElevation(projection: LeadProjection, rng: inout SeededRandom) {
        let territory = STTerritory.allCases[rng.index(STTerritory.allCases.count)]
        let dir: SIMD3<Double>
        switch territory {
        case .inferior: dir = unitVector(0.05 + 0.1 * rng.normal(), 1, 0.1 + 0.1 * rng.normal())
        case .anterior: dir = unitVector(0.25 + 0.1 * rng.normal(), -0.6 + 0.1 * rng.normal(), -1)
        case .lateral: dir = unitVector(1, -0.35 + 0.1 * rng.normal(), 0.15)
        }
        let resp = projection.response12(dir)
        let values = territory.leadIndices.map { resp[$0] }.sorted(by: >)
        var scale: Double
        if territory == .anterior {
            scale = rng.uniform(0.3, 0.5) / max(values[0], 1e-6)
            let v2v3 = min(resp[7], resp[8])
            if v2v3 * scale < 0.25 { scale = 0.25 / max(v2v3, 1e-6) }
        } else {
            scale = rng.uniform(0.15, 0.4) / max(values[0], 1e-6)
            if values[1] * scale < 0.13 { scale = 0.13 / max(values[1], 1e-6) }
        }
        stTerritory = territory
        dominant.stVector = dir * scale
        let t = dominant.tVector
        let tAmp = (t * t).sum().squareRoot()
        dominant.tVector = normalised(normalised(t) + dir * 0.8) * tAmp * 1.2
    }
}

/// Physiological ST/J elevation of records without `st_elevation` (early repolarisation, the normal ST
/// elevation of V1–V3): a plateau from the J point into the T wave, given per lead (mV). Largest in V2–V3
/// (0–0.18 mV, skewed to small values: median about 0.06 mV, about a third of records ≥ 0.1 mV), smaller in
/// V1, V4 (≤ 0.08 mV), V5–V6 (≤ 0.05 mV) and the limb leads (I ≤ 0.03 mV, II ≤ 0.05 mV). It stays below the
/// territory criteria that `st_elevation` records exceed (V2–V3 < 0.2 mV; < 0.1 mV elsewhere).
struct PhysiologicalST: Sendable, Equatable {
    /// Offsets for I, II and V1…V6 (the independent leads; the others are derived).
    var limb: (i: Double, ii: Double)
    var precordial: [Double]

    static func == (a: PhysiologicalST, b: PhysiologicalST) -> Bool {
        a.limb.i == b.limb.i && a.limb.ii == b.limb.ii && a.precordial == b.precordial
    }

    /// Draws the offsets from their own random stream (so that the rest of the record does not change).
    init(rng: inout SeededRandom) {
        let peak = 0.18 * pow(rng.unit(), 1.6)
        let v2First = rng.chance(0.5)
        let other = rng.uniform(0.6, 1.0)
        let v2 = v2First ? peak : peak * other, v3 = v2First ? peak * other : peak
        let v1 = peak * rng.uniform(0.3, 0.7)
        let v4 = min(0.08, peak * rng.uniform(0.3, 0.6))
        let v5 = min(0.05, peak * rng.uniform(0.1, 0.3))
        let v6 = min(0.05, peak * rng.uniform(0, 0.2))
        precordial = [v1, v2, v3, v4, v5, v6]
        limb = (rng.uniform(0, 0.03), rng.uniform(0, 0.05))
    }
}
