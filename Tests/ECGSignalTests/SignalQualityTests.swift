import Foundation
import Randomness
import Testing
@testable import ECGSignal

@Suite struct SignalQualityTests {
    func record(_ configure: (inout SyntheticECG.Options) -> Void = { _ in }) -> SyntheticECG {
        var o = SyntheticECG.Options(); o.seed = 42; o.noisyLead = nil; o.invertedLead = nil
        configure(&o)
        return SyntheticECG(o)
    }

    @Test func cleanLeadHasNoProblems() throws {
        let rec = record()
        let q = try SignalQuality.assess(lead: rec.leads[0], sampleRate: rec.sampleRate)
        #expect(q.problems.isEmpty, "\(q)")
        #expect(q.flatFraction < 0.01 && q.clippedFraction == 0)
        // The synthetic leads carry 0.05 mV of 50 Hz hum and 0.02 mV white noise, which count as HF content.
        #expect(q.highFrequencyNoiseRatio! < 0.35)
    }

    @Test func detectsEachProblem() throws {
        let rec = record { $0.noisyLead = 1; $0.noisyLeadSD = 0.5; $0.flatLeads = [2] }
        let fs = rec.sampleRate
        #expect(try SignalQuality.assess(lead: rec.leads[1], sampleRate: fs).problems == [.highFrequencyNoise])
        #expect(try SignalQuality.assess(lead: rec.leads[2], sampleRate: fs).problems == [.flatLine])
        let clipped = rec.leads[3].map { min($0, 0.3) }
        #expect(try SignalQuality.assess(lead: clipped, sampleRate: fs).problems.contains(.clipping))
        let wander = rec.leads[4].enumerated().map { $0.element + Float(1.5 * sin(2 * Double.pi * 0.2 * Double($0.offset) / fs)) }
        let w = try SignalQuality.assess(lead: wander, sampleRate: fs)
        #expect(w.problems == [.baselineWander] && w.usable && w.baselineWanderMv > 2.5)
    }

    @Test func goodRecordIsAssessable() throws {
        var o = SyntheticECG.Options(); o.seed = 43
        let rec = SyntheticECG(o)   // one inverted and one noisy lead
        let r = try SignalQuality.assess(leads: rec.leads, sampleRate: rec.sampleRate)
        #expect(r.verdict == .assessable)
        #expect(!r.leads[5].usable)
        #expect(r.detectorAgreement! >= 0.99)
        let m = BeatMatch.compare(reference: rec.beats, detected: r.beats, sampleRate: rec.sampleRate)
        #expect(m.falseNegatives == 0 && m.falsePositives == 0)
        let c = BeatMatch.compare(reference: rec.beats, detected: r.checkBeats, sampleRate: rec.sampleRate)
        #expect(c.falseNegatives == 0 && c.falsePositives == 0, "voting detector: \(c)")
    }

    @Test func flatRecordIsNotAssessable() throws {
        let flat = [[Float]](repeating: [Float](repeating: 0.05, count: 5000), count: 12)
        let r = try SignalQuality.assess(leads: flat, sampleRate: 500)
        guard case .notAssessable(let reason) = r.verdict else { Issue.record("flat record was assessable"); return }
        #expect(reason.contains("no usable lead") && reason.contains("flat line"))
        #expect(r.beats.isEmpty)
    }

    @Test func noiseOnlyRecordsAreNotAssessable() throws {
        var rng = SplitMix64(seed: 9)
        let white = (0..<12).map { _ in (0..<5000).map { _ in Float(0.5 * rng.gaussian()) } }
        let r1 = try SignalQuality.assess(leads: white, sampleRate: 500)
        #expect(r1.verdict != .assessable)
        // Band-limited (< 40 Hz) noise passes the HF check, so the detectors must refuse it.
        let lp = try IIRFilter.butterworthLowPass(order: 4, cutoffHz: 30, sampleRate: 500)
        let banded = try white.map { try lp.filtfilt($0) }
        let r2 = try SignalQuality.assess(leads: banded, sampleRate: 500)
        guard case .notAssessable(let reason) = r2.verdict else {
            Issue.record("band-limited noise was assessable with \(r2.beats.count) beats"); return
        }
        print("ECGSignal noise-only record: \(reason)")
    }

    @Test func shortOrBrokenRecordsAreNotAssessable() throws {
        let short = try SignalQuality.assess(leads: [[Float](repeating: 0, count: 1000)], sampleRate: 500)
        #expect(short.verdict == .notAssessable(reason: "record is 2.0 s long; at least 5.0 s is needed"))
        var lead = [Float](repeating: 0, count: 5000); lead[10] = .nan
        let broken = try SignalQuality.assess(leads: [lead], sampleRate: 500)
        #expect(broken.verdict == .notAssessable(reason: "record contains missing or non-finite samples"))
    }
}
