import Foundation
import Testing
@testable import ECGSignal

@Suite struct PWaveBeatsTests {
    private func filtered(_ rec: SyntheticECG) throws -> [[Float]] {
        let bp = try IIRFilter.butterworthBandPass(order: 2, lowHz: 0.5, highHz: 40, sampleRate: rec.sampleRate)
        return try rec.leads.filter { try SignalQuality.assess(lead: $0, sampleRate: rec.sampleRate).usable }.map { try bp.filtfilt($0) }
    }

    /// SyntheticECG draws each beat's P wave centred 200 ms before R: every beat that has room for a P wave
    /// (not the first) gets one within 10 ms of there, and nothing else is called.
    @Test func findsEveryDrawnPWave() throws {
        for seed in [3, 11, 29] as [UInt64] {
            var o = SyntheticECG.Options(); o.seed = seed; o.seconds = 30
            let rec = SyntheticECG(o)
            let p = PWaveBeats.detect(leads: try filtered(rec), beats: rec.beats, sampleRate: rec.sampleRate)
            let truth = rec.beats.map { $0 - Int(0.2 * rec.sampleRate) }.filter { $0 > Int(0.1 * rec.sampleRate) }
            let tol = Int(0.01 * rec.sampleRate)
            let hits = truth.filter { t in p.contains { abs($0.peak - t) <= tol } }.count
            let extra = p.filter { d in !truth.contains { abs(d.peak - $0) <= tol } }.count
            print("PWaveBeats seed \(seed): \(hits)/\(truth.count) found, \(extra) extra")
            #expect(hits >= truth.count - 2, "seed \(seed): \(hits) of \(truth.count)")
            #expect(extra == 0, "seed \(seed)")
        }
    }

    /// An AF-like record (irregular RR, no P waves, f waves 0.1 mV): no P wave is called.
    @Test func callsNoPWaveInFibrillation() throws {
        for seed in [5, 6] as [UInt64] {
            var o = SyntheticECG.Options(); o.seed = seed; o.seconds = 30
            o.irregular = true; o.pWaves = false; o.fibrillationMv = 0.1
            let rec = SyntheticECG(o)
            let p = PWaveBeats.detect(leads: try filtered(rec), beats: rec.beats, sampleRate: rec.sampleRate)
            #expect(p.isEmpty, "seed \(seed): \(p.count) P waves called")
        }
    }

    /// 2:1 AV block (SyntheticECG draws a second P wave midway between each two conducted ones; ventricular rate
    /// 33/min): the non-conducted P waves recur at a steady atrial cycle and are found, marked not conducted.
    @Test func findsTheBlockedPWavesOfA2To1Block() throws {
        for seed in [7, 19] as [UInt64] {
            var o = SyntheticECG.Options(); o.seed = seed; o.seconds = 40; o.meanRR = 1.8; o.rrJitter = 0.02; o.pWavesPerBeat = 2
            let rec = SyntheticECG(o)
            let p = PWaveBeats.detect(leads: try filtered(rec), beats: rec.beats, sampleRate: rec.sampleRate)
            let tol = Int(0.01 * rec.sampleRate), fid = Int(0.2 * rec.sampleRate)
            let blocked = zip(rec.beats, rec.beats.dropFirst()).map { ($0 + $1) / 2 - fid }
            let found = blocked.filter { t in p.contains { !$0.conducted && abs($0.peak - t) <= tol } }.count
            let conducted = rec.beats.map { $0 - fid }.filter { $0 > Int(0.1 * rec.sampleRate) }
            let extra = p.filter { d in !(blocked + conducted).contains { abs(d.peak - $0) <= tol } }.count
            print("PWaveBeats 2:1 block seed \(seed): \(found)/\(blocked.count) blocked P waves found, \(extra) extra")
            #expect(found >= blocked.count - 2, "seed \(seed): \(found) of \(blocked.count)")
            #expect(extra == 0, "seed \(seed)")
        }
    }

    /// Atrial waves every 240 ms (250/min, flutter-like: five per ventricular beat at RR 1.2 s, two of them in the
    /// T–P segment): no P wave is called. The same record with waves every 400 ms (3:1 block) keeps its P waves.
    @Test func callsNoPWaveAtAFlutterRate() throws {
        for seed in [8, 21] as [UInt64] {
            var o = SyntheticECG.Options(); o.seed = seed; o.seconds = 40; o.meanRR = 1.2; o.rrJitter = 0.01; o.pWavesPerBeat = 5
            let flutter = SyntheticECG(o)
            let p = PWaveBeats.detect(leads: try filtered(flutter), beats: flutter.beats, sampleRate: flutter.sampleRate)
            #expect(p.isEmpty, "seed \(seed): \(p.count) P waves called")
            o.pWavesPerBeat = 3
            let block = SyntheticECG(o)
            let q = PWaveBeats.detect(leads: try filtered(block), beats: block.beats, sampleRate: block.sampleRate)
            #expect(q.filter(\.conducted).count >= block.beats.count - 3, "seed \(seed): \(q.filter(\.conducted).count) conducted")
            #expect(q.filter { !$0.conducted }.count >= block.beats.count - 3, "seed \(seed): \(q.filter { !$0.conducted }.count) blocked")
        }
    }

    @Test func tooFewBeatsGiveNothing() {
        #expect(PWaveBeats.detect(leads: [[Float](repeating: 0, count: 5000)], beats: [1000, 2000], sampleRate: 500).isEmpty)
        #expect(PWaveBeats.detect(leads: [], beats: [1000, 2000, 3000, 4000], sampleRate: 500).isEmpty)
    }
}
