import Foundation
import Testing
@testable import ECGSignal

@Suite struct PacingTests {
    /// One-sample spikes (the worst case at 500 Hz) of 1.5 mV × a lead gain of 0.5–1.5, 60 ms before each beat.
    @Test func findsOneSampleSpikesBeforeEveryBeat() throws {
        for seed in [1, 2, 3] as [UInt64] {
            var o = SyntheticECG.Options(); o.seed = seed; o.pacingSpikeMv = 1.5
            let rec = SyntheticECG(o)
            let p = PacingDetector().detect(leads: rec.leads, sampleRate: rec.sampleRate, beats: rec.beats)
            let expected = rec.beats.map { $0 - 30 }
            let m = BeatMatch.compare(reference: expected, detected: p.spikes, sampleRate: rec.sampleRate, tolerance: 0.002)
            print("Pacing seed \(seed): \(p.spikes.count) spikes, \(m), paced beats \(p.pacedBeats)/\(rec.beats.count)")
            #expect(p.assessed && p.paced)
            #expect(m.falseNegatives == 0 && m.falsePositives == 0)
            #expect(p.limitation != nil)   // 500 Hz: the limitation is stated
        }
    }

    /// No spikes on clean records, on records with a muscle-noise lead, ventricular beats, motion artefacts
    /// and baseline wander (the things a spike detector can confuse with a spike).
    @Test func noSpikesWithoutPacing() throws {
        for seed in [1, 2, 3, 4] as [UInt64] {
            var o = SyntheticECG.Options(); o.seed = seed; o.pvcProbability = 0.2; o.motionArtifacts = 3; o.wanderMv = 1
            let rec = SyntheticECG(o)
            let p = PacingDetector().detect(leads: rec.leads, sampleRate: rec.sampleRate, beats: rec.beats)
            #expect(p.assessed && !p.paced && p.spikes.isEmpty, "seed \(seed): \(p.spikes)")
        }
    }

    @Test func stepIsNotASpike() {
        var lead = [Float](repeating: 0, count: 5000)
        for i in 2500..<5000 { lead[i] = 2 }
        let p = PacingDetector().detect(leads: [lead, lead], sampleRate: 500, beats: [])
        #expect(p.spikes.isEmpty)
    }

    @Test func notAssessedAtLowRates() {
        let p = PacingDetector().detect(leads: [[Float](repeating: 0, count: 2000)], sampleRate: 200, beats: [])
        #expect(!p.assessed && !p.paced && p.limitation != nil)
    }
}
