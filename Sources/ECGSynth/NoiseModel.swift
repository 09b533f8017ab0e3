import Foundation

/// The kinds of noise mixed into a record (each drawn per electrode, then mapped to the leads, so that
/// noise obeys the same lead relations as the ECG).
public enum NoiseComponent: String, Sendable, CaseIterable, Codable {
    /// Respiration (the record's breathing frequency, 0.15–0.3 Hz) plus slow drift (0.01–0.1 Hz).
    case baselineWander = "baseline_wander"
    /// Muscle (EMG-like) noise: broadband, above about 20 Hz, with a slowly varying intensity.
    case muscle
    /// Power-line interference at 50 or 60 Hz (with a weak third harmonic).
    case powerLine = "power_line"
    /// Electrode-motion bursts: low-frequency (about 1–10 Hz) excursions lasting 0.3–1.5 s on one electrode.
    case electrodeMotion = "electrode_motion"
}

/// Generates electrode noise and maps it to the 12 leads.
///
/// Electrodes: RA, LA, LL, V1…V6. Leads: I = LA − RA, II = LL − RA, V_k = E_k − (RA + LA + LL)/3, the
/// other limb leads derived from I and II.
struct NoiseModel {
    let fs: Double
    let n: Int
    let respirationHz: Double

    /// Noise for the 12 leads made of `components` with the given power fractions, scaled so that its mean
    /// power over the 12 leads is `power` (mV²).
    func leads(power: Double, fractions: [NoiseComponent: Double], rng: inout SeededRandom) -> [[Float]] {
        var total = [[Double]](repeating: [Double](repeating: 0, count: n), count: 12)
        for c in NoiseComponent.allCases {
            guard let f = fractions[c], f > 0 else { continue }
            let l = NoiseModel.toLeads(electrodeNoise(c, rng: &rng))
            let p = NoiseModel.meanPower(l)
            guard p > 0 else { continue }
            let g = (f / p).squareRoot()
            for k in 0..<12 {
                l[k].withUnsafeBufferPointer { src in
                    total[k].withUnsafeMutableBufferPointer { dst in for i in 0..<n { dst[i] += g * src[i] } }
                }
            }
        }
        let p = NoiseModel.meanPower(total)
        let g = p > 0 ? (power / p).squareRoot() : 0
        return total.map { $0.map { Float($0 * g) } }
    }

    /// Maps 9 electrode signals (RA, LA, LL, V1…V6) to the 12 leads.
    static func toLeads(_ e: [[Double]]) -> [[Double]] {
        let n = e[0].count
        let ra = e[0], la = e[1], ll = e[2]
        let lI = (0..<n).map { la[$0] - ra[$0] }, lII = (0..<n).map { ll[$0] - ra[$0] }
        let wct = (0..<n).map { (ra[$0] + la[$0] + ll[$0]) / 3 }
        var out = [lI, lII,
                   (0..<n).map { lII[$0] - lI[$0] }, (0..<n).map { -(lI[$0] + lII[$0]) / 2 },
                   (0..<n).map { lI[$0] - lII[$0] / 2 }, (0..<n).map { lII[$0] - lI[$0] / 2 }]
        for k in 0..<6 { let v = e[3 + k]; out.append((0..<n).map { v[$0] - wct[$0] }) }
        return out
    }

    /// Mean over leads of the mean square.
    static func meanPower(_ leads: [[Double]]) -> Double {
        var s = 0.0, c = 0
        for l in leads { for v in l { s += v * v }; c += l.count }
        return c > 0 ? s / Double(c) : 0
    }

    /// Adds `amplitude · sin(2π f t + phase)` to `x` (t = i / fs), by a rotation recurrence instead of one
    /// `sin` call per sample (error below 1e-9 over 10⁶ samples).
    func addSine(_ x: inout [Double], hz f: Double, amplitude: Double, phase: Double) {
        let d = 2 * Double.pi * f / fs
        let cd = cos(d), sd = sin(d)
        var s = sin(phase), c = cos(phase)
        x.withUnsafeMutableBufferPointer { out in
            for i in 0..<out.count {
                out[i] += amplitude * s
                let s2 = s * cd + c * sd
                c = c * cd - s * sd
                s = s2
                if i & 1023 == 1023 { let r = 1 / (s * s + c * c).squareRoot(); s *= r; c *= r }
            }
        }
    }

    /// One noise kind on the 9 electrodes.
    func electrodeNoise(_ c: NoiseComponent, rng: inout SeededRandom) -> [[Double]] {
        var e = [[Double]](repeating: [Double](repeating: 0, count: n), count: 9)
        let twoPi = 2 * Double.pi
        switch c {
        case .baselineWander:
            let fd1 = rng.uniform(0.01, 0.05), fd2 = rng.uniform(0.05, 0.1)
            for k in 0..<9 {
                let a = rng.uniform(0.5, 1.5), ph = rng.uniform(0, twoPi)
                let b = rng.uniform(0.3, 1.2), pb = rng.uniform(0, twoPi)
                let d = rng.uniform(0.2, 0.8), pd = rng.uniform(0, twoPi)
                addSine(&e[k], hz: respirationHz, amplitude: a, phase: ph)
                addSine(&e[k], hz: fd1, amplitude: b, phase: pb)
                addSine(&e[k], hz: fd2, amplitude: d, phase: pd)
            }
        case .muscle:
            // White noise, high-passed (one pole at 20 Hz) and low-passed (one pole at min(150, 0.4 fs) Hz),
            // with a slowly varying intensity; limb electrodes get more (arm/leg muscles).
            let aHP = Foundation.exp(-twoPi * 20 / fs)
            let aLP = Foundation.exp(-twoPi * min(150, 0.4 * fs) / fs)
            for k in 0..<9 {
                let w = k < 3 ? 1.5 : 1.0
                let fEnv = rng.uniform(0.1, 0.5), pEnv = rng.uniform(0, twoPi)
                var env = [Double](repeating: 0.6, count: n)
                addSine(&env, hz: fEnv, amplitude: 0.4, phase: pEnv)
                var prevX = 0.0, hp = 0.0, lp = 0.0
                for i in 0..<n {
                    let x = rng.normal()
                    hp = aHP * (hp + x - prevX); prevX = x
                    lp = aLP * lp + (1 - aLP) * hp
                    e[k][i] = w * env[i] * lp
                }
            }
        case .powerLine:
            let f0 = (rng.chance(0.5) ? 50.0 : 60.0) + rng.uniform(-0.05, 0.05)
            let harmonic = 3 * f0 < 0.5 * fs
            guard f0 < 0.45 * fs else { return e }
            let phase = rng.uniform(0, twoPi)
            for k in 0..<9 {
                let a = rng.uniform(0.3, 1.0), ph = phase + rng.uniform(-0.3, 0.3)
                addSine(&e[k], hz: f0, amplitude: a, phase: ph)
                if harmonic { addSine(&e[k], hz: 3 * f0, amplitude: 0.1 * a, phase: 3 * ph) }
            }
        case .electrodeMotion:
            let bursts = 1 + rng.index(2)
            let a = Foundation.exp(-twoPi * 8 / fs)
            for _ in 0..<bursts {
                let k = rng.index(9)
                let len = Int(rng.uniform(0.3, 1.5) * fs)
                guard len > 2, n > len else { continue }
                let start = rng.index(n - len)
                var s1 = 0.0, s2 = 0.0
                let step = rng.uniform(-1, 1)
                for j in 0..<len {
                    s1 = a * s1 + (1 - a) * rng.normal() * 6
                    s2 = a * s2 + (1 - a) * s1
                    let env = 0.5 - 0.5 * cos(twoPi * Double(j) / Double(len - 1))
                    e[k][start + j] += env * (s2 + step)
                }
            }
        }
        return e
    }
}
