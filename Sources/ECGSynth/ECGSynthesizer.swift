import Foundation

/// Generates synthetic 12-lead ECGs from a dipole (vectorcardiogram) model: every wave is a 3-D event
/// (`WaveEvent`), the dipole is projected onto the leads (`LeadProjection`), and noise is drawn per
/// electrode (`NoiseModel`). Deterministic: the same request gives the same samples.
public enum ECGSynthesizer {
    /// Generates one record.
    /// - Throws: `ECGSynthError.badParameter` for a rate outside 100…10 000 Hz, a duration outside 2…600 s
    ///   or a non-finite SNR other than +∞; `.badLabels` for an impossible label combination.
    public static func generate(_ request: ECGSynthRequest) throws -> SyntheticECG {
        let fs = request.sampleRate, duration = request.durationSeconds
        guard fs.isFinite, (100...10_000).contains(fs) else {
            throw ECGSynthError.badParameter("sampling rate \(fs) Hz (allowed 100…10000)")
        }
        guard duration.isFinite, (2...600).contains(duration) else {
            throw ECGSynthError.badParameter("duration \(duration) s (allowed 2…600)")
        }
        if let snr = request.snrDB, snr.isNaN || snr == -.infinity || (snr.isFinite && !(-20...80).contains(snr)) {
            throw ECGSynthError.badParameter("SNR \(snr) dB (allowed −20…80, or inf for no noise)")
        }
        let n = Int((duration * fs).rounded())
        switch request.kind {
        case .flatLine: return flatLine(request, n: n)
        case .noiseOnly: return noiseOnly(request, n: n)
        case .armLeadReversal:
            var e = ecg(request, labels: [.normal], n: n)
            e.leads = swapArms(e.leads)
            e.clean = swapArms(e.clean)
            // As recorded, lead I is inverted: the apparent axis mirrors about ±90°.
            e.truth.frontalAxisDeg = e.truth.frontalAxisDeg.map { 180 - $0 > 180 ? -180 - $0 : 180 - $0 }
            return e
        case .ecg(let labels):
            if let why = ECGSynthLabel.incompatibility(labels) { throw ECGSynthError.badLabels(why) }
            return ecg(request, labels: labels, n: n)
        }
    }

    // MARK: ECG records

    private static func ecg(_ request: ECGSynthRequest, labels: Set<ECGSynthLabel>, n: Int) -> SyntheticECG {
        let fs = request.sampleRate, duration = request.durationSeconds
        var rngM = SeededRandom(seed: request.seed, stream: 1)
        var rngR = SeededRandom(seed: request.seed, stream: 2)
        var rngN = SeededRandom(seed: request.seed, stream: 3)
        var rngV = SeededRandom(seed: request.seed, stream: 4)
        let projection = LeadProjection.dower.jittered(&rngM)
        var m = RecordMorphology(labels: labels, rng: &rngM)
        if labels.contains(.stElevation) { m.addSTElevation(projection: projection, rng: &rngM) }
        let plan = RhythmPlan(labels: labels, morphology: m, duration: duration, rng: &rngR)
        // Physiological ST/J elevation for records without an injury current or secondary ST changes of their own.
        var rngS = SeededRandom(seed: request.seed, stream: 7)
        let physiologicalST = labels.isDisjoint(with: [.stElevation, .lbbb, .paced]) ? PhysiologicalST(rng: &rngS) : nil
        var jPlateau = Dipole(n: physiologicalST == nil ? 0 : n)

        // QT from the realised mean RR of the beats inside the record, so that QTc is as drawn.
        let inside = plan.beats.map(\.qrsOnset).filter { $0 >= 0 && $0 < duration }
        let rrMean = inside.count >= 2 ? (inside.last! - inside.first!) / Double(inside.count - 1) : 60 / m.heartRate
        let qt = m.qtc * rrMean.squareRoot()

        var q = Dipole(n: n), o = Dipole(n: n)
        var beats: [SyntheticBeat] = []
        let dominantSymbol = labels.contains(.lbbb) ? "L" : labels.contains(.rbbb) ? "R" : labels.contains(.paced) ? "/" : "N"
        func index(_ t: Double) -> Int? {
            let i = Int((t * fs).rounded())
            return (0..<n).contains(i) ? i : nil
        }
        for (beatIndex, beat) in plan.beats.enumerated() {
            let t0 = beat.qrsOnset
            let gain = 1 + 0.04 * plan.respiration(at: t0) + 0.015 * rngV.normal()
            let template: VentricularTemplate
            let ectopic: Bool
            if case .ectopic(let k) = beat.kind { template = m.ectopic[k]; ectopic = true } else { template = m.dominant; ectopic = false }
            let qd = template.qrsDuration
            let qrsEvents = template.components.map { $0.event(onset: t0, duration: qd, gain: gain) }
            for e in qrsEvents {
                if ectopic { o.add(e, fs: fs) } else { q.add(e, fs: fs) }
            }
            if beat.kind == .paced, let spike = m.spikeVector {
                o.add(WaveEvent(onset: t0 - m.spikeWidth, offset: t0, shape: .pulse, vector: spike), fs: fs)
            }
            var pOn: Int?, pOff: Int?
            if let p = beat.pOnset, m.hasP {
                let pGain = 1 + 0.02 * rngV.normal()
                o.add(.bump(p, p + 0.7 * m.pDuration, m.pRA * pGain), fs: fs)
                o.add(.bump(p + 0.3 * m.pDuration, p + m.pDuration, m.pLA * pGain), fs: fs)
                pOn = index(p); pOff = index(p + m.pDuration)
            }
            // ST segment and T wave.
            // In AF the QT follows each preceding RR interval (cube-root rate adaptation, as Fridericia's
            // correction assumes); in sinus rhythm the RR varies by a few percent and the QT is kept fixed.
            var beatQT = ectopic ? qt + 0.04 : qt
            if labels.contains(.afib), beatIndex > 0 {
                let rrPrev = t0 - plan.beats[beatIndex - 1].qrsOnset
                beatQT *= Foundation.cbrt(min(2, max(0.4, rrPrev / rrMean)))
            }
            let tEnd = t0 + beatQT
            let tDuration = template.tFraction * (beatQT - qd)
            let tOnset = tEnd - tDuration
            o.add(.bump(tOnset, tEnd, peakAt: template.tPeakAt, template.tVector * (1 + 0.02 * rngV.normal())), fs: fs)
            if let st = template.stVector {
                let start = t0 + 0.7 * qd, end = tEnd - 0.3 * tDuration
                if end > start + 0.02 {
                    o.add(WaveEvent(onset: start, offset: end, shape: .plateau(rise: min(0.3 * qd, (end - start) / 3), fall: min(0.3 * tDuration, (end - start) / 3)), vector: st), fs: fs)
                }
            }
            if physiologicalST != nil, !ectopic {
                let start = t0 + 0.7 * qd, end = tEnd - 0.3 * tDuration
                if end > start + 0.02 {
                    jPlateau.add(WaveEvent(onset: start, offset: end, shape: .plateau(rise: min(0.3 * qd, (end - start) / 3), fall: min(0.3 * tDuration, (end - start) / 3)), vector: SIMD3(1, 0, 0)), fs: fs)
                }
            }
            // Beat truth: the R peak is where the beat's own QRS dipole is largest.
            var best = -1.0, fiducialTime = t0 + qd / 2
            var i = Int((t0 * fs).rounded(.up))
            while Double(i) / fs <= t0 + qd {
                let t = Double(i) / fs
                var v = SIMD3<Double>(repeating: 0)
                for e in qrsEvents { v += e.vector * e.envelope(t) }
                let mag = (v * v).sum()
                if mag > best { best = mag; fiducialTime = t }
                i += 1
            }
            guard let fid = index(fiducialTime) else { continue }
            let symbol = ectopic ? "V" : (beat.kind == .paced ? "/" : dominantSymbol)
            beats.append(SyntheticBeat(symbol: symbol, fiducial: fid, pOnset: pOn, pOffset: pOff,
                                       qrsOnset: index(t0), qrsOffset: index(t0 + qd),
                                       tOnset: index(tOnset), tOffset: index(tEnd)))
        }
        for p in plan.blockedP where m.hasP {
            o.add(.bump(p, p + 0.7 * m.pDuration, m.pRA), fs: fs)
            o.add(.bump(p + 0.3 * m.pDuration, p + m.pDuration, m.pLA), fs: fs)
        }
        if labels.contains(.afib) { addFibrillatoryWaves(to: &o, fs: fs, rng: &rngM) }

        // Project, then scale the dominant QRS so that the voltage labels are true (and absent ones false).
        let qLeads = projection.project(x: q.x, y: q.y, z: q.z)
        let oLeads = projection.project(x: o.x, y: o.y, z: o.z)
        let v = VoltageCriteria(qrsLeads: qLeads)
        var s = 1.0
        if labels.contains(.lvh) {
            s = rngM.uniform(3.7, 5.0) / max(v.sokolowLyon, 1e-6)
        } else if labels.contains(.lowVoltage) {
            s = rngM.uniform(0.8, 1.0) * min(0.42 / max(v.maxLimb, 1e-6), 0.85 / max(v.maxPrecordial, 1e-6))
        } else {
            let lower = max(0.6 / max(v.maxLimb, 1e-6), 1.1 / max(v.maxPrecordial, 1e-6))
            let upper = 3.2 / max(v.sokolowLyon, 1e-6)
            s = min(max(1, lower), upper)
        }
        // Low voltage shrinks every deflection (P, ectopic QRS, T), not only the dominant QRS.
        let so: Float = labels.contains(.lowVoltage) ? Float(s) : 1
        var clean = [[Float]](repeating: [], count: 12)
        for k in 0..<12 {
            let a = qLeads[k], b = oLeads[k]
            clean[k] = (0..<n).map { a[$0] * Float(s) + b[$0] * so }
        }
        if let st = physiologicalST {
            let offsets = [st.limb.i, st.limb.ii, 0, 0, 0, 0] + st.precordial
            for k in [0, 1, 6, 7, 8, 9, 10, 11] {
                let g = Float(offsets[k]) * so
                clean[k].withUnsafeMutableBufferPointer { dst in for i in 0..<n { dst[i] += g * Float(jPlateau.x[i]) } }
            }
        }
        // Exact lead relations after scaling: rebuild the derived leads from I and II.
        clean = LeadProjection.assemble(i: clean[0], ii: clean[1], precordial: Array(clean[6...]))

        var truth = SyntheticTruth()
        if inside.count >= 2 {
            truth.rrMeanMs = rrMean * 1000
            truth.heartRateBpm = 60 / rrMean
        }
        truth.prMs = (m.hasP && !labels.contains(.afib)) ? m.prInterval * 1000 : nil
        truth.qrsMs = m.dominant.qrsDuration * 1000
        truth.qtMs = qt * 1000
        truth.qtcMs = truth.rrMeanMs.map { _ in qt / rrMean.squareRoot() * 1000 }
        truth.sokolowLyonMv = v.sokolowLyon * s
        truth.maxLimbQRSMv = v.maxLimb * s
        truth.maxPrecordialQRSMv = v.maxPrecordial * s
        truth.stTerritory = m.stTerritory
        truth.frontalAxisDeg = v.axisDegrees

        let (noisy, snr) = addNoise(clean: clean, snrDB: request.snrDB, fs: fs, respirationHz: plan.respirationHz, rng: &rngN)
        truth.snrDB = snr
        return SyntheticECG(request: request, leadNames: LeadProjection.leadNames, leads: noisy, clean: clean,
                            beats: beats, truth: truth)
    }

    /// Atrial fibrillatory waves: three oscillations at 4–9 Hz with wandering frequency and amplitude,
    /// directed mostly anteriorly and inferiorly (largest in V1 and the inferior leads).
    private static func addFibrillatoryWaves(to o: inout Dipole, fs: Double, rng: inout SeededRandom) {
        let f0 = rng.uniform(4, 9)
        let twoPi = 2 * Double.pi
        for j in 0..<3 {
            let dir = unitVector(0.1 + 0.3 * rng.normal(), 0.6 + 0.3 * rng.normal(), -0.8 + 0.3 * rng.normal())
            let amp = rng.uniform(0.02, 0.06)
            let f = min(9, max(4, f0 * (1 + 0.06 * Double(j - 1))))
            let fmHz = rng.uniform(0.1, 0.4), fmPhase = rng.uniform(0, twoPi)
            let amHz = rng.uniform(0.1, 0.5), amPhase = rng.uniform(0, twoPi)
            var phase = rng.uniform(0, twoPi)
            for i in 0..<o.x.count {
                let t = Double(i) / fs
                phase += twoPi * (f + 0.4 * sin(twoPi * fmHz * t + fmPhase)) / fs
                let a = amp * (0.6 + 0.4 * sin(twoPi * amHz * t + amPhase)) * sin(phase)
                o.x[i] += dir.x * a; o.y[i] += dir.y * a; o.z[i] += dir.z * a
            }
        }
    }

    /// Adds noise at the requested (or a random realistic) SNR; returns the noisy leads and the achieved SNR.
    private static func addNoise(clean: [[Float]], snrDB: Double?, fs: Double, respirationHz: Double,
                                 rng: inout SeededRandom) -> ([[Float]], Double?) {
        let snr = snrDB ?? rng.uniform(12, 30)
        guard snr.isFinite else { return (clean, nil) }
        let signalPower = meanPower(clean)
        guard signalPower > 0 else { return (clean, nil) }
        var fractions: [NoiseComponent: Double] = [
            .baselineWander: rng.uniform(0.2, 0.6), .muscle: rng.uniform(0.15, 0.5),
        ]
        if rng.chance(0.7) { fractions[.powerLine] = rng.uniform(0.02, 0.15) }
        if rng.chance(0.35) { fractions[.electrodeMotion] = rng.uniform(0.05, 0.3) }
        let model = NoiseModel(fs: fs, n: clean[0].count, respirationHz: respirationHz)
        let noise = model.leads(power: signalPower / pow(10, snr / 10), fractions: fractions, rng: &rng)
        var out = clean
        for k in 0..<12 { for i in 0..<out[k].count { out[k][i] += noise[k][i] } }
        out = LeadProjection.assemble(i: out[0], ii: out[1], precordial: Array(out[6...]))
        var num = 0.0, den = 0.0
        for k in 0..<12 { for i in 0..<out[k].count { let d = Double(out[k][i] - clean[k][i]); den += d * d; num += Double(clean[k][i]) * Double(clean[k][i]) } }
        return (out, den > 0 ? 10 * log10(num / den) : nil)
    }

    // MARK: Records for abstention and quality tests

    /// Leads as recorded with LA and RA swapped: I' = −I, II' = III, III' = II, aVR' = aVL, aVL' = aVR.
    static func swapArms(_ l: [[Float]]) -> [[Float]] {
        LeadProjection.assemble(i: l[0].map { -$0 }, ii: l[2], precordial: Array(l[6...]))
    }

    private static func flatLine(_ request: ECGSynthRequest, n: Int) -> SyntheticECG {
        var rng = SeededRandom(seed: request.seed, stream: 5)
        var electrodes = [[Double]](repeating: [], count: 9)
        for k in 0..<9 {
            let offset = rng.uniform(-0.05, 0.05)
            electrodes[k] = (0..<n).map { _ in offset + rng.uniform(-0.0005, 0.0005) }
        }
        let leads = NoiseModel.toLeads(electrodes).map { $0.map(Float.init) }
        let exact = LeadProjection.assemble(i: leads[0], ii: leads[1], precordial: Array(leads[6...]))
        return SyntheticECG(request: request, leadNames: LeadProjection.leadNames, leads: exact,
                            clean: [[Float]](repeating: [Float](repeating: 0, count: n), count: 12), beats: [], truth: SyntheticTruth())
    }

    private static func noiseOnly(_ request: ECGSynthRequest, n: Int) -> SyntheticECG {
        var rng = SeededRandom(seed: request.seed, stream: 6)
        let model = NoiseModel(fs: request.sampleRate, n: n, respirationHz: rng.uniform(0.15, 0.3))
        var fractions: [NoiseComponent: Double] = [.muscle: rng.uniform(0.3, 0.6), .baselineWander: rng.uniform(0.2, 0.4),
                                                   .electrodeMotion: rng.uniform(0.1, 0.3)]
        if rng.chance(0.5) { fractions[.powerLine] = rng.uniform(0.02, 0.1) }
        let rms = rng.uniform(0.1, 0.25)
        let noise = model.leads(power: rms * rms, fractions: fractions, rng: &rng)
        let exact = LeadProjection.assemble(i: noise[0], ii: noise[1], precordial: Array(noise[6...]))
        return SyntheticECG(request: request, leadNames: LeadProjection.leadNames, leads: exact,
                            clean: [[Float]](repeating: [Float](repeating: 0, count: n), count: 12), beats: [], truth: SyntheticTruth())
    }

    /// Mean over leads of the mean square (mV²).
    static func meanPower(_ leads: [[Float]]) -> Double {
        var s = 0.0, c = 0
        for l in leads { for v in l { s += Double(v) * Double(v) }; c += l.count }
        return c > 0 ? s / Double(c) : 0
    }
}

/// Three sampled dipole components (mV).
struct Dipole {
    var x: [Double], y: [Double], z: [Double]
    init(n: Int) { x = [Double](repeating: 0, count: n); y = x; z = x }
    mutating func add(_ e: WaveEvent, fs: Double) { e.render(into: &x, &y, &z, fs: fs) }
}
