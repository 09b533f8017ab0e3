import Foundation
import Randomness
import Testing
@testable import ECGSignal

/// The beat-template SQI (`BeatTemplateQuality`) and its veto in the window rule.
@Suite struct SignalQualityTemplateTests {
    func synthetic(_ configure: (inout SyntheticECG.Options) -> Void = { _ in }) -> SyntheticECG {
        var o = SyntheticECG.Options(); o.seconds = 10; o.leadCount = 1; o.noisyLead = nil; o.invertedLead = nil; o.seed = 7
        configure(&o)
        return SyntheticECG(o)
    }

    func band(_ x: [Float], _ fs: Double) throws -> [Double] {
        try IIRFilter.butterworthBandPass(order: 2, lowHz: 0.5, highHz: 40, sampleRate: fs).filtfilt(x.map(Double.init))
    }

    @Test func beatsOfCleanECGMatchTheirTemplate() throws {
        let rec = synthetic()
        let q = BeatTemplateQuality.measure(band: try band(rec.leads[0], rec.sampleRate), beats: rec.beats,
                                            start: 0, end: rec.leads[0].count, sampleRate: rec.sampleRate)
        #expect((q.correlation ?? 0) > 0.9 && (q.qrsCorrelation ?? 0) > 0.9, "\(q)")
        #expect(q.beatCount == rec.beats.count)
    }

    /// One beat in five premature ventricular (wide, own axis): the median keeps the template and the score.
    @Test func afewEctopicBeatsDoNotSpoilTheTemplate() throws {
        let rec = synthetic { $0.pvcProbability = 0.2; $0.seconds = 20 }
        #expect(rec.ventricular.contains(true))
        let q = BeatTemplateQuality.measure(band: try band(rec.leads[0], rec.sampleRate), beats: rec.beats,
                                            start: 0, end: rec.leads[0].count, sampleRate: rec.sampleRate)
        #expect((q.correlation ?? 0) > 0.8, "\(q)")
    }

    /// Band-limited Gaussian noise cut at regular "beats": nothing alike, so the correlation is low.
    @Test func noiseCutAtRegularBeatsDoesNotMatch() throws {
        let fs = 300.0, n = Int(10 * fs)
        var rng = SplitMix64(seed: 11)
        let noise = try IIRFilter.butterworthLowPass(order: 4, cutoffHz: 30, sampleRate: fs)
            .filtfilt((0..<n).map { _ in Float(0.3 * rng.gaussian()) })
        let beats = Array(stride(from: Int(0.5 * fs), to: n, by: Int(0.8 * fs)))
        let q = BeatTemplateQuality.measure(band: try band(noise, fs), beats: beats, start: 0, end: n, sampleRate: fs)
        let t = QualityThresholds()
        #expect((q.correlation ?? 1) < t.minimumTemplateCorrelation && (q.qrsCorrelation ?? 1) < t.minimumQRSTemplateCorrelation, "\(q)")
        // Fewer than 3 whole beats: no score, and so no veto.
        let few = BeatTemplateQuality.measure(band: try band(noise, fs), beats: Array(beats.prefix(2)), start: 0, end: n, sampleRate: fs)
        #expect(few.correlation == nil && few.beatCount == 2)
    }

    /// The noise window of the windowed synthetic record is unreadable, its clean windows score high. With every
    /// bSQI made doubtful (`goodBSQI` above 1) and kurtosis and spectral ratio let through, the clean windows stay
    /// readable at the default veto (their beats repeat) and become unreadable when the veto is set above their
    /// scores: the rule uses the SQI.
    @Test func templateVetoActsOnTheWindows() throws {
        var o = SyntheticECG.Options(); o.seed = 5; o.seconds = 60; o.leadCount = 2; o.noisyLead = nil; o.invertedLead = nil
        let rec = SyntheticECG(o)
        let fs = rec.sampleRate, w = Int(10 * fs)
        var rng = SplitMix64(seed: 105)
        let lp = try IIRFilter.butterworthLowPass(order: 4, cutoffHz: 30, sampleRate: fs)
        var leads = rec.leads
        for l in leads.indices {
            let noise = try lp.filtfilt((0..<leads[l].count).map { _ in Float(0.3 * rng.gaussian()) })
            for i in (2 * w)..<(3 * w) { leads[l][i] = noise[i] }
        }
        let q = try SignalQuality.assess(leads: leads, sampleRate: fs)
        for (wi, wq) in q.windows.enumerated() where wi != 2 {
            // Good bSQI: readable, and the template SQI is not computed (it would not change the verdict).
            #expect(wq.readable && wq.leads.allSatisfy { $0.template == nil && ($0.bSQI ?? 0) >= QualityThresholds().goodBSQI }, "\(wi): \(wq)")
        }
        #expect(!q.windows[2].readable)
        var doubtful = QualityThresholds(); doubtful.goodBSQI = 1.01; doubtful.minimumKurtosis = 0; doubtful.spectralRatioRange = 0...1
        let kept = try SignalQuality.assess(leads: leads, sampleRate: fs, thresholds: doubtful)
        #expect(kept.windows.enumerated().allSatisfy { $0.offset == 2 || $0.element.readable }, "\(kept.windows.map(\.readable))")
        for (wi, wq) in kept.windows.enumerated() where wi != 2 {
            #expect(wq.leads.allSatisfy { ($0.template?.correlation ?? 0) > 0.9 }, "\(wi): \(wq)")
        }
        var strict = doubtful; strict.minimumTemplateCorrelation = 1.01; strict.minimumQRSTemplateCorrelation = 1.01
        let vetoed = try SignalQuality.assess(leads: leads, sampleRate: fs, thresholds: strict)
        #expect(vetoed.windows.enumerated().allSatisfy { $0.offset == 2 || !$0.element.readable }, "\(vetoed.windows.map(\.readable))")
        guard case .notAssessable = vetoed.verdict else { Issue.record("all windows vetoed but assessable"); return }
    }

    /// The real MIT-BIH 208 excerpt (frequent PVCs, some noise): its beats still match their window templates well
    /// enough that no window would be vetoed.
    @Test func realMITDBExcerptPassesTheTemplateVeto() throws {
        let fx = try Fixtures.load("mitdb208.json", as: MITDBFixture.self)
        let q = try SignalQuality.assess(leads: [fx.millivolts], leadNames: ["MLII"], sampleRate: fx.fs)
        #expect(q.verdict == .assessable)
        // Every window's template SQI, measured by making every bSQI doubtful (otherwise it is computed only there).
        let t = QualityThresholds()
        var doubtful = t; doubtful.goodBSQI = 1.01
        let all = try SignalQuality.assess(leads: [fx.millivolts], leadNames: ["MLII"], sampleRate: fx.fs, thresholds: doubtful)
        print("ECGSignal mitdb208 template correlation: " + all.windows.map { w in
            w.leads.map { String(format: "%.2f", $0.template?.correlation ?? -1) }.joined() }.joined(separator: " "))
        #expect(all.windows.allSatisfy { $0.leads.allSatisfy { $0.template != nil } })
        #expect(all.windows.allSatisfy { $0.leads.allSatisfy { ($0.template?.correlation ?? 1) >= t.minimumTemplateCorrelation
            || ($0.template?.qrsCorrelation ?? 1) >= t.minimumQRSTemplateCorrelation } })
    }
}
