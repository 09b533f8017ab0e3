import Foundation
import Randomness

/// A synthetic multi-lead ECG from a Gaussian-sum model of P, Q, R, S and T waves, with known beat times.
struct SyntheticECG {
    let sampleRate: Double
    let leads: [[Float]]   // mV
    let beats: [Int]       // sample index of each R-wave centre
    let ventricular: [Bool] // whether each beat is a premature ventricular beat

    struct Options {
        var sampleRate = 500.0
        var seconds = 10.0
        var meanRR = 0.8          // s
        var rrJitter = 0.04       // s, SD of Gaussian RR variation
        var irregular = false     // RR uniform in [0.5, 1.5] * meanRR (AF-like)
        var leadCount = 12
        var invertedLead: Int? = 2
        var noisyLead: Int? = 5
        var noisyLeadSD = 0.4     // mV white noise plus EMG-like bursts on the noisy lead
        var whiteNoiseSD = 0.02   // mV on every lead
        var wanderMv = 0.3        // baseline wander amplitude, mV
        var mainsMv = 0.05        // 50 Hz hum amplitude, mV
        var flatLeads: Set<Int> = []
        var pvcProbability = 0.0  // chance that a beat is a premature ventricular beat (wide, no P, own axis)
        var motionArtifacts = 0   // electrode-motion-like transients on all leads (1–2 mV, ~0.1–0.3 s)
        var pWaves = true         // false: no P waves (e.g. with `irregular` for an AF-like record)
        var pWavesPerBeat = 1     // > 1: atrial waves at RR / pWavesPerBeat steps after each P (2: 2:1 AV block)
        var fibrillationMv = 0.0  // amplitude of AF-like f waves (4–9 Hz sum of drifting sinusoids), mV
        var pacingSpikeMv = 0.0   // > 0: a one-sample pacing spike of this height 60 ms before every beat
        var seed: UInt64 = 1
    }

    /// Adds `amplitude` × a Gaussian of SD `width` (s) centred at `centre` (s) to `x`, over ±5 SD.
    static func addGaussian(_ x: inout [Double], centre: Double, amplitude: Double, width: Double, sampleRate fs: Double) {
        let lo = max(0, Int((centre - 5 * width) * fs)), hi = min(x.count - 1, Int((centre + 5 * width) * fs))
        guard lo <= hi else { return }
        for s in lo...hi { let z = (Double(s) / fs - centre) / width; x[s] += amplitude * exp(-0.5 * z * z) }
    }

    init(_ o: Options) {
        var rng = SplitMix64(seed: o.seed)
        let fs = o.sampleRate
        let n = Int(o.seconds * fs)
        // Beat times.
        var times: [Double] = []
        var ventricular: [Bool] = []
        var t = 0.3 + 0.4 * rng.unit()
        var pause = 0.0
        while t < o.seconds - 0.1 {
            times.append(t)
            let rr = o.irregular ? o.meanRR * (0.5 + rng.unit()) : o.meanRR + o.rrJitter * rng.gaussian()
            let nextIsPVC = rng.unit() < o.pvcProbability && ventricular.last != true
            ventricular.append(false)
            if pause > 0 { t += pause; pause = 0; continue }
            if nextIsPVC && times.count > 1 {
                // Premature by 35% with a compensatory pause after it.
                t += max(0.3, 0.65 * rr)
                if t < o.seconds - 0.1 { times.append(t); ventricular.append(true) }
                pause = max(0.3, 1.35 * rr)
                t += pause; pause = 0
                continue
            }
            t += max(0.3, rr)
        }
        let artefacts = (0..<o.motionArtifacts).map { _ in (o.seconds * rng.unit(), 0.1 + 0.2 * rng.unit()) }
        // Wave templates: (offset s, amplitude mV, width s); T delay scales with sqrt(RR).
        let waves: [(Double, Double, Double)] = [(-0.20, 0.15, 0.025), (-0.03, -0.12, 0.010), (0.0, 1.0, 0.011),
                                                 (0.03, -0.3, 0.010), (0.30, 0.35, 0.055)]
        var leads: [[Float]] = []
        for l in 0..<o.leadCount {
            // Each lead sees the waves with its own gains (a crude projection of one heart vector).
            let qrsGain = 0.4 + 1.2 * rng.unit()
            let pGain = 0.5 + rng.unit(), tGain = 0.3 + rng.unit()
            let sign: Double = (l == o.invertedLead) ? -1 : 1
            let wanderPhase = 2 * Double.pi * rng.unit(), wanderHz = 0.15 + 0.3 * rng.unit()
            let pvcGain = (rng.unit() < 0.5 ? -1.0 : 1.0) * (0.8 + 1.2 * rng.unit())
            let artefactGain = 0.5 + rng.unit()
            var x = [Double](repeating: 0, count: n)
            for (k, bt) in times.enumerated() where ventricular[k] {
                // Wide ventricular complex (SD 35 ms) with a discordant T wave.
                for (centre, amp, width) in [(bt, pvcGain, 0.035), (bt + 0.32, -0.4 * pvcGain, 0.07)] {
                    Self.addGaussian(&x, centre: centre, amplitude: sign * amp, width: width, sampleRate: fs)
                }
            }
            for (start, tau) in artefacts {
                // Electrode motion: a fast step that relaxes, t/tau * exp(1 - t/tau), 1–2 mV peak.
                let lo = max(0, Int(start * fs)), hi = min(n - 1, Int((start + 8 * tau) * fs))
                if lo > hi { continue }
                for s in lo...hi { let u = (Double(s) / fs - start) / tau; x[s] += artefactGain * 1.5 * u * exp(1 - u) }
            }
            for (k, bt) in times.enumerated() where !ventricular[k] && o.pWaves && o.pWavesPerBeat > 1 && k + 1 < times.count {
                // Non-conducted atrial waves between this beat's P wave and the next one's, like the P wave.
                let step = (times[k + 1] - bt) / Double(o.pWavesPerBeat)
                for m in 1..<o.pWavesPerBeat {
                    Self.addGaussian(&x, centre: bt + waves[0].0 + Double(m) * step, amplitude: sign * pGain * waves[0].1,
                                     width: waves[0].2, sampleRate: fs)
                }
            }
            for (k, bt) in times.enumerated() where !ventricular[k] {
                let rr = k + 1 < times.count ? times[k + 1] - bt : o.meanRR
                for (i, w) in waves.enumerated() where i != 0 || o.pWaves {
                    let gain = i == 0 ? pGain : (i == 4 ? tGain : qrsGain)
                    let centre = bt + (i == 4 ? w.0 * (rr / 0.8).squareRoot() : w.0)
                    Self.addGaussian(&x, centre: centre, amplitude: sign * gain * w.1, width: w.2, sampleRate: fs)
                }
            }
            for s in 0..<n {
                let ts = Double(s) / fs
                x[s] += o.wanderMv * sin(2 * Double.pi * wanderHz * ts + wanderPhase)
                x[s] += o.mainsMv * sin(2 * Double.pi * 50 * ts)
                x[s] += o.whiteNoiseSD * rng.gaussian()
            }
            if o.fibrillationMv > 0 {
                let fGain = 0.3 + rng.unit()
                let comps = (0..<4).map { _ in (4 + 5 * rng.unit(), 2 * Double.pi * rng.unit()) }
                for s in 0..<n {
                    let ts = Double(s) / fs
                    var f = 0.0
                    for (hz, ph) in comps { f += sin(2 * Double.pi * hz * ts + ph + 0.8 * sin(0.5 * ts)) }
                    x[s] += o.fibrillationMv * fGain * f / 2
                }
            }
            if o.pacingSpikeMv > 0 {
                let spikeGain = (rng.unit() < 0.5 ? -1.0 : 1.0) * (0.5 + rng.unit())
                for bt in times {
                    let s = Int(((bt - 0.06) * fs).rounded())
                    if s >= 0 && s < n { x[s] += o.pacingSpikeMv * spikeGain }
                }
            }
            if l == o.noisyLead {
                for s in 0..<n {
                    let burst = sin(2 * Double.pi * 0.7 * Double(s) / fs) > 0.3 ? 2.0 : 1.0
                    x[s] += burst * o.noisyLeadSD * rng.gaussian()
                }
            }
            if o.flatLeads.contains(l) { x = [Double](repeating: 0.01, count: n) }
            leads.append(x.map(Float.init))
        }
        self.sampleRate = fs
        self.leads = leads
        self.beats = times.map { Int(($0 * fs).rounded()) }
        self.ventricular = ventricular
    }
}
