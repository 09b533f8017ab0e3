import Foundation

/// The timing of every beat of a record, before any waveform is drawn.
struct RhythmPlan: Sendable {
    /// What drives a planned ventricular complex.
    enum Kind: Sendable, Equatable {
        /// Conducted from the atria (sinus or fibrillating), dominant template.
        case conducted
        /// Premature ventricular contraction using `ectopic[template]`.
        case ectopic(template: Int)
        /// Ventricular pacing (spike at QRS onset).
        case paced
    }

    /// One planned ventricular complex.
    struct Beat: Sendable, Equatable {
        var kind: Kind
        /// QRS onset (s from record start, may be negative).
        var qrsOnset: Double
        /// P-wave onset of the P wave that conducted this beat, nil when none (AF, PVC).
        var pOnset: Double?
    }

    /// Ventricular complexes in time order.
    var beats: [Beat] = []
    /// Onsets of sinus P waves that did not conduct (hidden in a PVC's ST-T).
    var blockedP: [Double] = []
    /// Respiratory frequency (Hz) shared with the respiratory sinus arrhythmia and the baseline wander.
    var respirationHz: Double
    /// Phase of respiration at t = 0 (radians).
    var respirationPhase: Double

    /// Plans beats covering [−1.5 s, duration + 1 s] so that the record starts and ends mid-cycle.
    init(labels: Set<ECGSynthLabel>, morphology m: RecordMorphology, duration: Double, rng: inout SeededRandom) {
        respirationHz = rng.uniform(0.15, 0.3)
        respirationPhase = rng.uniform(0, 2 * Double.pi)
        let rrMean = 60 / m.heartRate
        var onsets: [Double] = []
        var t = -rng.uniform(0.5, 1.5) * rrMean
        if labels.contains(.afib) && labels.contains(.paced) {
            // Ventricular pacing in AF (VVI): regular paced beats, fibrillating atria, no P waves.
            while t < duration + 1 {
                onsets.append(t)
                t += rrMean * (1 + 0.002 * rng.normal())
            }
            beats = onsets.map { Beat(kind: .paced, qrsOnset: $0, pOnset: nil) }
        } else if labels.contains(.afib) {
            // Irregularly irregular: independent log-normal RR intervals, no periodic structure.
            let sigma = rng.uniform(0.15, 0.28)
            while t < duration + 1 {
                onsets.append(t)
                let rr = rrMean * Foundation.exp(sigma * rng.normal() - sigma * sigma / 2)
                t += min(2.0, max(0.3, rr))
            }
            beats = onsets.map { Beat(kind: .conducted, qrsOnset: $0, pOnset: nil) }
        } else {
            planSinus(labels: labels, m: m, start: t, duration: duration, rrMean: rrMean, rng: &rng)
        }
        if labels.contains(.pvc), !m.ectopic.isEmpty { insertPVCs(m: m, duration: duration, rng: &rng) }
    }

    /// Sinus (or sinus-tracked paced) beats from `start`.
    private mutating func planSinus(labels: Set<ECGSynthLabel>, m: RecordMorphology, start: Double, duration: Double,
                                    rrMean: Double, rng: inout SeededRandom) {
        var onsets: [Double] = []
        var t = start
        // Sinus: respiratory sinus arrhythmia (HF) plus a slower (LF, 0.04–0.15 Hz) oscillation and jitter,
        // less variability at high rates.
        let hfDepth = rng.uniform(0.02, 0.05) * min(1, 75 / m.heartRate)
        let lfDepth = rng.uniform(0.01, 0.03)
        let lfHz = rng.uniform(0.04, 0.15), lfPhase = rng.uniform(0, 2 * Double.pi)
        while t < duration + 1 {
            onsets.append(t)
            let rr = rrMean * (1 + hfDepth * sin(2 * Double.pi * respirationHz * t + respirationPhase)
                               + lfDepth * sin(2 * Double.pi * lfHz * t + lfPhase) + 0.005 * rng.normal())
            t += rr
        }
        let kind: Kind = labels.contains(.paced) ? .paced : .conducted
        beats = onsets.map { Beat(kind: kind, qrsOnset: $0, pOnset: $0 - m.prInterval) }
    }

    /// Replaces 1–3 beats inside the record by premature ventricular beats.
    private mutating func insertPVCs(m: RecordMorphology, duration: Double, rng: inout SeededRandom) {
        // The sinus beat a PVC replaces is not conducted (its P wave is drawn but blocked), so in sinus rhythm
        // the pause after the PVC is fully compensatory.
        let inside = beats.indices.filter { beats[$0].qrsOnset > 0.6 && beats[$0].qrsOnset < duration - 0.9 && $0 > 0 }
        let wanted = min(inside.count / 2, 1 + rng.index(3))
        var chosen: [Int] = []
        var candidates = inside
        while chosen.count < wanted, !candidates.isEmpty {
            let k = candidates.remove(at: rng.index(candidates.count))
            if chosen.contains(where: { abs($0 - k) < 2 }) { continue }
            chosen.append(k)
        }
        if chosen.isEmpty, let k = inside.first { chosen = [k] }
        for k in chosen {
            let prev = beats[k - 1].qrsOnset
            let rr = beats[k].qrsOnset - prev
            if let p = beats[k].pOnset { blockedP.append(p) }
            beats[k] = Beat(kind: .ectopic(template: rng.index(m.ectopic.count)),
                            qrsOnset: prev + rr * rng.uniform(0.5, 0.68), pOnset: nil)
        }
    }

    /// The respiratory modulation (−1…1) at time `t`.
    func respiration(at t: Double) -> Double { sin(2 * Double.pi * respirationHz * t + respirationPhase) }
}
