import ECGFormats
import ECGSignal
import Foundation
import Testing
@testable import ECGDetectors

/// EC57Evaluation on hand-made annotation lists (no MIT-BIH file is needed or embedded).
@Suite struct EC57EvaluationTests {
    let fs = 360.0

    func ann(_ s: Int, _ code: Int, _ sym: String, aux: String? = nil) -> ECGAnnotation {
        ECGAnnotation(sample: s, timeSeconds: Double(s) / 360, code: code, symbol: sym, auxText: aux)
    }

    @Test func vfEpisodesFromBracketsAndRhythmText() {
        let a = [ann(1000, 28, "+", aux: "(N"), ann(2000, 32, "["), ann(2500, 31, "!"), ann(3000, 33, "]"),
                 ann(5000, 28, "+", aux: "(VFL"), ann(6000, 28, "+", aux: "(N"), ann(9000, 32, "[")]
        let vf = EC57Evaluation.vfEpisodes(annotations: a, sampleCount: 10_000)
        #expect(vf == [2000..<3001, 5000..<6000, 9000..<10_000])
    }

    @Test func overlappingEpisodesMerge() {
        let a = [ann(2000, 28, "+", aux: "(VFL"), ann(2100, 32, "["), ann(2900, 33, "]"), ann(3000, 28, "+", aux: "(N")]
        #expect(EC57Evaluation.vfEpisodes(annotations: a, sampleCount: 10_000) == [2000..<3000])
    }

    /// One beat per second for 20 min; detections miss 3 beats at 100 s (learning period), 2 at 400 s, add one
    /// extra at 500.5 s, are 140 ms late everywhere (within 150 ms) and fire on every flutter wave in a VF episode.
    @Test func variantsCountWhatEC57Says() {
        let n = Int(1200 * fs)
        let ref = stride(from: Int(fs), to: n - Int(fs), by: Int(fs)).map { $0 }
        let vf = [Int(700 * fs)..<Int(760 * fs)]
        let refOutsideVF = ref.filter { !vf[0].contains($0) }
        var det = refOutsideVF.map { $0 + Int(0.14 * fs) }
        let drop = Set([100, 101, 102, 400, 401].map { Int(Double($0) * fs) + Int(0.14 * fs) })
        det.removeAll { drop.contains($0) }
        det.append(Int(500.5 * fs))
        det += stride(from: Int(700 * fs) + 10, to: Int(760 * fs), by: Int(0.2 * fs)).map { $0 }   // 300 flutter detections
        let score = { (v: EC57Evaluation.Variant) in
            EC57Evaluation.score(reference: ref, detected: det, sampleRate: self.fs, sampleCount: n, vf: vf, variant: v).match
        }
        let std = score(.standard)
        // Scored: beats at 300…1198 s (899) minus the 60 in VF [700, 760).
        #expect(std.truePositives + std.falseNegatives == 899 - 60)
        #expect(std.falseNegatives == 2 && std.falsePositives == 1)
        let whole = score(EC57Evaluation.Variant(excludesVF: true, skipsLearning: false))
        #expect(whole.falseNegatives == 5 && whole.falsePositives == 1)
        #expect(whole.truePositives + whole.falseNegatives == 1198 - 60)
        let vfScored = score(EC57Evaluation.Variant(excludesVF: false, skipsLearning: true))
        // In VF the 60 reference beats each take one of the 300 flutter detections; 240 are extra.
        #expect(vfScored.falseNegatives == 2 && vfScored.falsePositives == 1 + 240)
    }

    @Test func toleranceIs150ms() {
        let ref = [1000, 2000]
        let det = [1000 + Int(0.150 * fs), 2000 + Int(0.150 * fs) + 1]
        let m = EC57Evaluation.score(reference: ref, detected: det, sampleRate: fs, sampleCount: 10_000, vf: [],
                                     variant: .init(excludesVF: true, skipsLearning: false)).match
        #expect(m == BeatMatch(truePositives: 1, falseNegatives: 1, falsePositives: 1))
    }

    @Test func averageIsTheMeanOfRecords() {
        func result(_ tp: Int, _ fn: Int, _ fp: Int) -> EC57Evaluation.RecordResult {
            let m = BeatMatch(truePositives: tp, falseNegatives: fn, falsePositives: fp)
            return .init(name: "r", durationSeconds: 1, referenceSource: .wfdbAnnotations, mergedReferencePoints: 0, vfEpisodes: [],
                         matches: Dictionary(uniqueKeysWithValues: EC57Evaluation.Variant.all.map { ($0, m) }), refusal: nil,
                         missed: [], extra: [], sampleRate: 360)
        }
        let s = EC57Evaluation.summarize([result(90, 10, 0), result(10, 0, 10)], variant: .standard)
        #expect(s.gross == BeatMatch(truePositives: 100, falseNegatives: 10, falsePositives: 10))
        #expect(abs(s.averageSensitivity! - 0.95) < 1e-12)
        #expect(abs(s.averagePositivePredictivity! - 0.75) < 1e-12)
    }
}
