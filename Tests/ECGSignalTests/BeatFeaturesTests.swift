import Foundation
import Testing
@testable import ECGSignal

/// `BeatFeatures` on synthetic records with known beats and known premature ventricular beats.
@Suite struct BeatFeaturesTests {
    func bandPassed(_ rec: SyntheticECG) throws -> [[Float]] {
        let bp = try IIRFilter.butterworthBandPass(order: 2, lowHz: 0.5, highHz: 40, sampleRate: rec.sampleRate)
        return try rec.leads.map { try bp.filtfilt($0) }
    }

    /// 60 s, 3 leads, 10 % PVCs (35 % premature, compensatory pause, wide, own axis): the PVCs stand out in the RR and
    /// morphology features, the normal beats look like the record's own beat.
    @Test func prematureVentricularBeatsStandOut() throws {
        var o = SyntheticECG.Options(); o.seed = 61; o.seconds = 60; o.leadCount = 3; o.invertedLead = nil; o.noisyLead = nil
        o.pvcProbability = 0.1; o.rrJitter = 0.02
        let rec = SyntheticECG(o)
        let rows = BeatFeatures.compute(leads: try bandPassed(rec), beats: rec.beats, sampleRate: rec.sampleRate)
        #expect(rows.count == rec.beats.count)
        #expect(rows.first! == nil && rows.last! == nil, "the first and last beats lack a neighbour")
        func column(_ name: String, ventricular: Bool) -> [Double] {
            let k = BeatFeatures.names.firstIndex(of: name)!
            return rows.indices.filter { rec.ventricular[$0] == ventricular }.compactMap { rows[$0]?[k] }
        }
        let pvcs = column("preLocal", ventricular: true).count
        #expect(pvcs >= 3, "\(pvcs) PVCs with features")
        #expect(column("preLocal", ventricular: true).allSatisfy { $0 < 0.8 })
        #expect(column("prePost", ventricular: true).allSatisfy { $0 < 0.6 })
        #expect(column("qrsCorrelation", ventricular: true).allSatisfy { $0 < 0.8 })
        #expect(column("extraWidthMs", ventricular: true).allSatisfy { $0 > 20 })
        let normalCorrelation = column("qrsCorrelation", ventricular: false)
        #expect(normalCorrelation.count >= 50)
        #expect(median(normalCorrelation) > 0.97)
        #expect(abs(median(column("qrsAmplitude", ventricular: false)) - 1) < 0.1)
        #expect(abs(median(column("preLocal", ventricular: false)) - 1) < 0.1)
        let pre = column("preRR", ventricular: false), k = BeatFeatures.names.firstIndex(of: "preRR")!
        #expect(pre.allSatisfy { $0 > 0.3 && $0 < 1.5 } && k == 0)
    }

    @Test func tooFewBeatsGiveNoFeatures() {
        let lead = [Float](repeating: 0, count: 5000)
        #expect(BeatFeatures.compute(leads: [lead], beats: [1000, 1400], sampleRate: 500) == [nil, nil])
        #expect(BeatFeatures.compute(leads: [], beats: [1000], sampleRate: 500) == [nil])
    }
}
