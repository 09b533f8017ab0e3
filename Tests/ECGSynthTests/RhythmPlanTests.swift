import ECGSignal
import Testing
@testable import ECGSynth

@Suite("RhythmPlan")
struct RhythmPlanTests {
    @Test("the QRS detector finds every known beat of clean and 20 dB records", arguments: ECGSynthLabel.allCases)
    func detectorFindsEveryBeat(label: ECGSynthLabel) throws {
        for seed: UInt64 in [1, 2, 3] {
            for snr in [Double.infinity, 20] {
                let e = try Synth.make([label], seed: seed, snr: snr)
                let det = try QRSDetector().detect(leads: e.leads, sampleRate: e.sampleRate)
                let match = BeatMatch.compare(reference: e.beats.map(\.fiducial), detected: det.rPeaks, sampleRate: e.sampleRate)
                #expect(match.falseNegatives == 0 && match.falsePositives == 0,
                        "\(label.rawValue) seed \(seed) snr \(snr): \(match)")
            }
        }
    }

    @Test("heart rate from detected beats matches the truth within 2 bpm and the label's range", arguments: ECGSynthLabel.allCases)
    func heartRate(label: ECGSynthLabel) throws {
        for seed: UInt64 in [4, 5] {
            let e = try Synth.make([label], seed: seed, snr: 25)
            let det = try QRSDetector().detect(leads: e.leads, sampleRate: e.sampleRate)
            let rr = try #require(RRStatistics(beats: det.rPeaks, sampleRate: e.sampleRate))
            let truth = try #require(e.truth.heartRateBpm)
            #expect(abs(rr.heartRateBpm - truth) < 2, "\(label.rawValue): measured \(rr.heartRateBpm), truth \(truth)")
            switch label {
            case .sinusBradycardia: #expect(truth < 60)
            case .sinusTachycardia: #expect(truth > 100)
            case .afib: #expect(truth > 60 && truth < 150)
            default: #expect(truth >= 60 && truth <= 100)
            }
        }
    }

    @Test("AF RR intervals are far more irregular than sinus RR intervals")
    func afibIrregularity() throws {
        var afibRatio: [Double] = [], sinusRatio: [Double] = []
        for seed: UInt64 in 1...6 {
            for (label, into) in [(ECGSynthLabel.afib, 0), (.normal, 1)] {
                let e = try Synth.make([label], seed: seed, snr: 25)
                let rr = try #require(RRStatistics(beats: e.beats.map(\.fiducial), sampleRate: e.sampleRate))
                if into == 0 { afibRatio.append(rr.rmssdMs / rr.meanMs) } else { sinusRatio.append(rr.rmssdMs / rr.meanMs) }
            }
        }
        // Sinus RSA: successive differences of a few percent at most; AF: typically 15–40%.
        #expect(sinusRatio.allSatisfy { $0 < 0.06 }, "\(sinusRatio)")
        #expect(afibRatio.allSatisfy { $0 > 0.1 }, "\(afibRatio)")
    }

    @Test("PVCs are premature, labelled V, without P, followed by a compensatory pause")
    func pvc() throws {
        var checked = 0
        for seed: UInt64 in 1...5 {
            let e = try Synth.make([.pvc], seed: seed)
            let beats = e.beats
            let vIdx = beats.indices.filter { beats[$0].symbol == "V" }
            #expect(!vIdx.isEmpty)
            for k in vIdx where k > 1 && k + 2 < beats.count && beats[k - 2].symbol == "N" && beats[k - 1].symbol == "N"
                && beats[k + 1].symbol == "N" && beats[k + 2].symbol == "N" {
                #expect(beats[k].pOnset == nil)
                // Local sinus cycle: mean of the sinus intervals just before and just after.
                let localRR = Double(beats[k - 1].qrsOnset! - beats[k - 2].qrsOnset! + beats[k + 2].qrsOnset! - beats[k + 1].qrsOnset!) / 2
                let coupling = Double(beats[k].qrsOnset! - beats[k - 1].qrsOnset!)
                let around = Double(beats[k + 1].qrsOnset! - beats[k - 1].qrsOnset!)
                #expect(coupling < 0.75 * localRR)
                // Full compensation: the two intervals around the PVC add up to two sinus cycles (RSA: ±8%).
                #expect(abs(around - 2 * localRR) < 0.08 * localRR, "seed \(seed): \(around) vs \(2 * localRR)")
                checked += 1
            }
        }
        #expect(checked >= 3)
    }

    @Test("PVCs also occur in AF records")
    func pvcInAF() throws {
        for seed: UInt64 in 1...3 {
            let e = try Synth.make([.afib, .pvc], seed: seed)
            #expect(e.beats.contains { $0.symbol == "V" } && e.beats.contains { $0.symbol == "N" })
            #expect(e.beats.allSatisfy { $0.pOnset == nil })
        }
    }

    @Test("paced AF: regular paced beats with spikes, no P waves")
    func pacedAF() throws {
        let e = try Synth.make([.afib, .paced], seed: 4)
        #expect(e.beats.allSatisfy { $0.symbol == "/" && $0.pOnset == nil })
        let rr = try #require(RRStatistics(beats: e.beats.map(\.fiducial), sampleRate: e.sampleRate))
        #expect(rr.sdMs < 10)
        let hr = try #require(e.truth.heartRateBpm)
        #expect(hr >= 59 && hr <= 86)
    }

    @Test("beat symbols follow the conduction label")
    func symbols() throws {
        let cases: [(ECGSynthLabel, String)] = [(.normal, "N"), (.lbbb, "L"), (.rbbb, "R"), (.paced, "/"), (.afib, "N")]
        for (label, symbol) in cases {
            let e = try Synth.make([label], seed: 8)
            #expect(!e.beats.isEmpty && e.beats.allSatisfy { $0.symbol == symbol }, "\(label.rawValue)")
        }
    }
}
