import ECGSignal
import Foundation
import Testing
@testable import ECGSynth

@Suite("NoiseModel")
struct NoiseModelTests {
    /// SNR recomputed here from the leads: 10·log10(Σ clean² / Σ (noisy − clean)²) over the 12 leads.
    private func measuredSNR(_ e: SyntheticECG) -> Double {
        var s = 0.0, nn = 0.0
        for k in 0..<12 { for i in 0..<e.sampleCount {
            let c = Double(e.clean[k][i]), d = Double(e.leads[k][i]) - c
            s += c * c; nn += d * d
        } }
        return 10 * log10(s / nn)
    }

    @Test("the requested SNR is achieved within 0.05 dB", arguments: [0.0, 6, 12, 20, 30, 40])
    func snr(db: Double) throws {
        for label in [ECGSynthLabel.normal, .afib, .paced, .lowVoltage] {
            let e = try Synth.make([label], seed: 17, snr: db)
            #expect(abs(measuredSNR(e) - db) < 0.05, "\(label.rawValue) at \(db) dB: \(measuredSNR(e))")
            #expect(abs((e.truth.snrDB ?? .nan) - db) < 0.05)
        }
    }

    @Test("without --snr-db, records draw a realistic 12–30 dB; inf means noise-free")
    func defaultSNR() throws {
        for seed: UInt64 in 1...5 {
            let e = try Synth.make([.normal], seed: seed, snr: nil)
            let snr = measuredSNR(e)
            #expect(snr >= 11.9 && snr <= 30.1)
        }
        let clean = try Synth.make([.normal], seed: 1, snr: .infinity)
        #expect(clean.leads == clean.clean)
        #expect(clean.truth.snrDB == nil)
    }

    @Test("noise components have their spectral signatures")
    func components() {
        let fs = 500.0, n = 5000
        let model = NoiseModel(fs: fs, n: n, respirationHz: 0.25)
        func power(_ x: [Double], _ f: Double) -> Double {   // single-bin DFT power
            var re = 0.0, im = 0.0
            for i in 0..<x.count { let a = 2 * Double.pi * f * Double(i) / fs; re += x[i] * cos(a); im -= x[i] * sin(a) }
            return (re * re + im * im) / Double(x.count * x.count)
        }
        var rng = SeededRandom(seed: 2)
        let wander = NoiseModel.toLeads(model.electrodeNoise(.baselineWander, rng: &rng))[1]
        #expect(power(wander, 0.25) > 100 * power(wander, 20))
        let line = NoiseModel.toLeads(model.electrodeNoise(.powerLine, rng: &rng))[1]
        let p50 = max(power(line, 50), power(line, 60))
        #expect(p50 > 1000 * power(line, 30))
        let emg = NoiseModel.toLeads(model.electrodeNoise(.muscle, rng: &rng))[1]
        let hi = (40...60).map { power(emg, Double($0)) }.reduce(0, +), lo = (1...5).map { power(emg, Double($0)) }.reduce(0, +)
        #expect(hi > 10 * lo)
        let motion = NoiseModel.toLeads(model.electrodeNoise(.electrodeMotion, rng: &rng))
        #expect(motion.contains { l in l.contains { $0 != 0 } })
    }

    @Test("flat-line records are flagged flat in every lead and have no beats")
    func flatLine() throws {
        let e = try ECGSynthesizer.generate(ECGSynthRequest(kind: .flatLine, seed: 4))
        #expect(e.beats.isEmpty)
        for lead in e.leads {
            let q = try SignalQuality.assess(lead: lead, sampleRate: e.sampleRate)
            #expect(q.problems.contains(.flatLine))
        }
        let rq = try SignalQuality.assess(leads: e.leads, sampleRate: e.sampleRate)
        if case .assessable = rq.verdict { Issue.record("flat line judged assessable") }
    }

    @Test("noise-only records have no beats and are not assessable")
    func noiseOnly() throws {
        for seed: UInt64 in 1...4 {
            let e = try ECGSynthesizer.generate(ECGSynthRequest(kind: .noiseOnly, seed: seed))
            #expect(e.beats.isEmpty)
            #expect(e.leads.allSatisfy { l in l.contains { abs($0) > 0.05 } })
            let rq = try SignalQuality.assess(leads: e.leads, sampleRate: e.sampleRate)
            if case .assessable = rq.verdict { Issue.record("noise-only seed \(seed) judged assessable") }
        }
    }
}
