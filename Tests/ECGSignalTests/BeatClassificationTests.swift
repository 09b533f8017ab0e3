import Foundation
import Testing
@testable import ECGSignal

@Suite struct BeatClassificationTests {
    private func filtered(_ rec: SyntheticECG) throws -> [[Float]] {
        let bp = try IIRFilter.butterworthBandPass(order: 2, lowHz: 0.5, highHz: 40, sampleRate: rec.sampleRate)
        return try rec.leads.filter { try SignalQuality.assess(lead: $0, sampleRate: rec.sampleRate).usable }.map { try bp.filtfilt($0) }
    }

    /// SyntheticECG's ventricular beats are single wide Gaussians (SD 35 ms) with their own axis; normal
    /// beats are narrow Q–R–S complexes. Every known beat is classified (true beat positions given).
    @Test func separatesKnownVentricularBeats() throws {
        var total = 0, wrong = 0, ventricular = 0
        for seed in [2, 4, 8, 16] as [UInt64] {
            var o = SyntheticECG.Options(); o.seed = seed; o.seconds = 30; o.pvcProbability = 0.15
            let rec = SyntheticECG(o)
            let (classes, morph) = BeatClassifier().classify(leads: try filtered(rec), beats: rec.beats, sampleRate: rec.sampleRate)
            for (i, c) in classes.enumerated() where c != .unclassified {
                total += 1
                if rec.ventricular[i] { ventricular += 1 }
                if (c == .ventricular) != rec.ventricular[i] {
                    wrong += 1
                    print("BeatClassifier seed \(seed) beat \(i): truth V=\(rec.ventricular[i]) got \(c) \(String(describing: morph[i]))")
                }
            }
        }
        print("BeatClassifier: \(wrong) of \(total) beats misclassified (\(ventricular) ventricular)")
        #expect(ventricular >= 10)
        #expect(wrong == 0)
    }

    @Test func allNormalRecordHasNoVentricularBeats() throws {
        var o = SyntheticECG.Options(); o.seed = 41; o.seconds = 20
        let rec = SyntheticECG(o)
        let (classes, _) = BeatClassifier().classify(leads: try filtered(rec), beats: rec.beats, sampleRate: rec.sampleRate)
        #expect(!classes.contains(.ventricular))
        #expect(classes.filter { $0 == .normal }.count >= rec.beats.count - 2)
    }

    @Test func edgeBeatsAndTooFewBeatsAreUnclassified() {
        let lead = [Float](repeating: 0, count: 1000)
        let (c1, _) = BeatClassifier().classify(leads: [lead], beats: [10, 500, 990], sampleRate: 500)
        #expect(c1 == [.unclassified, .unclassified, .unclassified])
        let (c2, m2) = BeatClassifier().classify(leads: [], beats: [100], sampleRate: 500)
        #expect(c2 == [.unclassified] && m2 == [nil])
    }
}
