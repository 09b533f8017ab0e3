import Foundation
import Randomness
import Testing
@testable import ECGSignal

/// The windowed quality gate: per-lead, per-10 s SQIs; the record is refused only when too little is readable.
@Suite struct SignalQualityWindowTests {
    /// A 2-lead, 60 s synthetic record (no noisy lead), with `noisy` 10 s windows replaced by band-limited
    /// (< 30 Hz) Gaussian noise of 0.3 mV SD in both leads: noise the HF check cannot see.
    func record(noisyWindows noisy: Set<Int>, flatLead1Windows flat: Set<Int> = [], seed: UInt64 = 5) throws -> (SyntheticECG, [[Float]]) {
        var o = SyntheticECG.Options(); o.seed = seed; o.seconds = 60; o.leadCount = 2; o.noisyLead = nil; o.invertedLead = nil
        let rec = SyntheticECG(o)
        let fs = rec.sampleRate, w = Int(10 * fs)
        var rng = SplitMix64(seed: seed + 100)
        let lp = try IIRFilter.butterworthLowPass(order: 4, cutoffHz: 30, sampleRate: fs)
        var leads = rec.leads
        for l in leads.indices {
            let noise = try lp.filtfilt((0..<leads[l].count).map { _ in Float(0.3 * rng.gaussian()) })
            for wi in noisy { for i in (wi * w)..<min(leads[l].count, (wi + 1) * w) { leads[l][i] = noise[i] } }
        }
        for wi in flat { for i in (wi * w)..<((wi + 1) * w) { leads[1][i] = 0.05 } }
        return (rec, leads)
    }

    @Test func cleanWindowsAreReadableAndNoiseWindowsAreNot() throws {
        let (rec, leads) = try record(noisyWindows: [2, 4])
        let q = try SignalQuality.assess(leads: leads, sampleRate: rec.sampleRate)
        #expect(q.windows.count == 6)
        #expect(q.windows.map(\.readable) == [true, true, false, true, false, true], "\(q.windows)")
        #expect(abs(q.readableSeconds - 40) < 1e-9 && abs(q.readableFraction - 2.0 / 3) < 1e-9)
        #expect(q.verdict == .assessable)
        // The clean windows' SQIs look like ECG, the noise windows' like Gaussian noise.
        for wq in q.windows where wq.readable { #expect(wq.leads.allSatisfy { ($0.bSQI ?? 0) >= 0.8 && $0.kurtosis > 5 }) }
        for wq in q.windows where !wq.readable { #expect(wq.leads.allSatisfy { $0.kurtosis < 4 }, "\(wq)") }
        #expect(q.isReadable(sample: Int(5 * rec.sampleRate)) && !q.isReadable(sample: Int(25 * rec.sampleRate)))
    }

    @Test func tooLittleReadableSignalIsRefusedAndSaysHowMuchWasReadable() throws {
        let (rec, leads) = try record(noisyWindows: [0, 1, 2, 4])
        let q = try SignalQuality.assess(leads: leads, sampleRate: rec.sampleRate)
        guard case .notAssessable(let reason) = q.verdict else { Issue.record("20 s of 60 s readable was assessable"); return }
        #expect(reason.contains("only 20 s of 60 s (33 %) is readable"), "\(reason)")
    }

    @Test func aFlatLeadInOneWindowLeavesTheWindowReadableThroughTheOtherLead() throws {
        let (rec, leads) = try record(noisyWindows: [], flatLead1Windows: [3])
        let q = try SignalQuality.assess(leads: leads, sampleRate: rec.sampleRate)
        #expect(q.windows[3].leads[1].flat && !q.windows[3].leads[1].readable)
        #expect(q.windows[3].leads[0].readable && q.windows.allSatisfy(\.readable))
        #expect(q.verdict == .assessable && q.readableFraction == 1)
    }

    @Test func saturatedWindowIsUnreadable() throws {
        var (rec, leads) = try record(noisyWindows: [])
        leads = [leads[0]]
        let fs = rec.sampleRate
        for i in Int(30 * fs)..<Int(40 * fs) { leads[0][i] = leads[0][i] > 0 ? 4 : -4 }   // rail to rail
        let q = try SignalQuality.assess(leads: leads, sampleRate: fs)
        #expect(q.windows[3].leads[0].clipped && !q.windows[3].readable)
        // The windows before the saturated stretch stay readable, and the record is assessable.
        #expect(q.windows[0].readable && q.windows[1].readable && q.verdict == .assessable, "\(q.windows.map(\.readable))")
    }

    /// The real MIT-BIH 208 excerpt in SampleData (via its fixture): a record with frequent PVCs and some noise
    /// is read as readable throughout.
    @Test func realMITDBExcerptIsReadable() throws {
        let fx = try Fixtures.load("mitdb208.json", as: MITDBFixture.self)
        let q = try SignalQuality.assess(leads: [fx.millivolts], leadNames: ["MLII"], sampleRate: fx.fs)
        print("ECGSignal mitdb208 windows: " + q.windows.map { w in
            w.leads.map { String(format: "b%.2f k%.1f p%.2f", $0.bSQI ?? -1, $0.kurtosis, $0.spectralRatio) }.joined() }.joined(separator: " | "))
        #expect(q.verdict == .assessable)
        #expect(q.readableFraction >= 0.9, "\(q.readableFraction)")
    }
}
