import Foundation
import Testing
@testable import ECGSignal

/// Median beats of a synthetic record (usable leads, 0.5–40 Hz) plus its QRS delineation.
private func medianBeats(_ rec: SyntheticECG) throws -> (beats: [[Float]], fiducial: Int, intervals: BeatIntervals, rrMs: Double, filtered: [[Float]]) {
    let fs = rec.sampleRate
    let bp = try IIRFilter.butterworthBandPass(order: 2, lowHz: 0.5, highHz: 40, sampleRate: fs)
    let usable = try rec.leads.filter { try SignalQuality.assess(lead: $0, sampleRate: fs).usable }
    let filtered = try usable.map { try bp.filtfilt($0) }
    let medians = try filtered.map { try #require(MedianBeat.compute(lead: $0, beats: rec.beats, sampleRate: fs, before: 0.3, after: 0.65)) }
    let rr = try #require(RRStatistics(beats: rec.beats, sampleRate: fs))
    let fid = Int((0.3 * fs).rounded())
    let iv = try #require(Delineation.measure(medianBeats: medians, fiducial: fid, sampleRate: fs, rrMs: rr.meanMs))
    return (medians, fid, iv, rr.meanMs, filtered)
}

@Suite struct PWaveTests {
    /// SyntheticECG draws the P wave as a Gaussian centred 200 ms before R with SD 25 ms. Its across-lead
    /// projection onto the leads' direction is that Gaussian too, and the tangent at its inflection point
    /// (1 SD before the centre) meets the baseline 2 SD = 50 ms before the centre: P onset at R − 250 ms,
    /// P peak at R − 200 ms, P offset at R − 150 ms.
    @Test func findsTheSyntheticPWaveWhereItWasDrawn() throws {
        for seed in [3, 11, 29] as [UInt64] {
            var o = SyntheticECG.Options(); o.seed = seed; o.rrJitter = 0.01
            let rec = SyntheticECG(o)
            let (m, fid, iv, rr, filtered) = try medianBeats(rec)
            let p = PWave.delineate(medianBeats: m, fiducial: fid, qrsOnset: iv.qrsOnset, sampleRate: rec.sampleRate, rrMs: rr,
                                    leads: filtered, beats: rec.beats)
            let msPerSample = 1000 / rec.sampleRate
            let peakMs = Double(try #require(p.peak) - fid) * msPerSample
            let onsetMs = Double(try #require(p.onset) - fid) * msPerSample
            let truePR = Double(iv.qrsOnset - fid) * msPerSample + 250
            #expect(try #require(p.consistency) >= 0.9)
            print("PWave seed \(seed): peak \(peakMs) ms, onset \(onsetMs) ms, PR \(p.prMs ?? -1) (truth \(truePR)), amp \(p.amplitudeMv) mV vs QRS \(p.qrsAmplitudeMv)")
            #expect(p.present)
            #expect(abs(peakMs + 200) <= 6, "peak \(peakMs)")
            #expect(abs(onsetMs + 250) <= 8, "onset \(onsetMs)")
            let offsetMs = Double(try #require(p.offset) - fid) * msPerSample
            #expect(abs(offsetMs + 150) <= 8, "offset \(offsetMs)")
            #expect(abs(try #require(p.prMs) - truePR) <= 10)
        }
    }

    /// Without P waves (f waves of 0, 0.08 and 0.15 mV instead): the coarse f waves leave a P-like residue
    /// in the median beat (checked: present without the consistency step), which the consistency step rejects.
    @Test func reportsNoPWaveWhenNoneWasDrawn() throws {
        for (seed, fMv) in [(5, 0.0), (6, 0.08), (7, 0.15)] as [(UInt64, Double)] {
            var o = SyntheticECG.Options(); o.seed = seed; o.pWaves = false; o.irregular = true; o.fibrillationMv = fMv
            let rec = SyntheticECG(o)
            let (m, fid, iv, rr, filtered) = try medianBeats(rec)
            let p = PWave.delineate(medianBeats: m, fiducial: fid, qrsOnset: iv.qrsOnset, sampleRate: rec.sampleRate, rrMs: rr,
                                   leads: filtered, beats: rec.beats)
            print("PWave absent seed \(seed) f \(fMv): present \(p.present), amp \(p.amplitudeMv) mV vs QRS \(p.qrsAmplitudeMv)")
            #expect(!p.present)
            #expect(p.prMs == nil)
            if fMv == 0.15 {
                let medianOnly = PWave.delineate(medianBeats: m, fiducial: fid, qrsOnset: iv.qrsOnset, sampleRate: rec.sampleRate, rrMs: rr)
                #expect(medianOnly.present, "the consistency step is what rejects this residue")
                #expect(try #require(p.consistency) < 0.6)
            }
        }
    }

    @Test func abstainsOnMalformedInput() {
        let none = PWave.delineate(medianBeats: [], fiducial: 10, qrsOnset: 5, sampleRate: 500, rrMs: 800)
        #expect(!none.present && none.onset == nil)
        let short = PWave.delineate(medianBeats: [[Float](repeating: 0, count: 40)], fiducial: 20, qrsOnset: 15, sampleRate: 500, rrMs: 800)
        #expect(!short.present)
        let flat = PWave.delineate(medianBeats: [[Float](repeating: 0, count: 450)], fiducial: 150, qrsOnset: 130, sampleRate: 500, rrMs: 800)
        #expect(!flat.present && flat.amplitudeMv == 0)
    }
}
