import ECGFormats
import Foundation
import Testing
@testable import ECGDetectors

/// Episodes and burden from per-window rhythms, and their scoring against rhythm annotations (hand-made inputs).
@Suite struct RhythmEpisodesTests {
    func windows(_ pattern: String) -> [RhythmWindow] {
        pattern.enumerated().map { i, ch in
            let r: RhythmWindow.Rhythm = ch == "A" ? .atrialFibrillation : (ch == "n" ? .other : .notJudged)
            return RhythmWindow(startSeconds: Double(10 * i), endSeconds: Double(10 * i + 10), rhythm: r,
                                normalisedRMSSD: r == .notJudged ? nil : 0.2, pWavePresent: nil, rrCount: 10)
        }
    }

    @Test func runsOfAFWindowsBecomeEpisodesBridgingOneUnjudgedWindow() {
        let w = windows("nnAAA-AAnnAA--AAAnA")
        let e = RhythmEpisodes.afEpisodes(w, minimumSeconds: 30)
        // 20–80 s (one gap bridged), 100–120 s is too short, 140–170 s; 190 s alone is too short.
        #expect(e.map { [$0.startSeconds, $0.endSeconds] } == [[20, 80], [140, 170]])
        // Burden: AF windows inside episodes (5 + 3 = 80 s) over judged windows (16 → 160 s).
        let b = try! #require(RhythmEpisodes.afBurden(w, episodes: e))
        #expect(abs(b - 80.0 / 160) < 1e-12)
        #expect(RhythmEpisodes.afBurden(windows("---"), episodes: []) == nil)
    }

    @Test func episodeScoreAgainstRhythmAnnotations() {
        func ann(_ t: Double, _ aux: String) -> ECGAnnotation {
            ECGAnnotation(sample: Int(t * 360), timeSeconds: t, code: 28, symbol: "+", auxText: aux)
        }
        let a = [ann(0, "(N"), ann(100, "(AFIB"), ann(400, "(N"), ann(1000, "(AFIB")]
        let ref = AFEpisodeScore.referenceEpisodes(annotations: a, sampleRate: 360, durationSeconds: 1800)
        #expect(ref == [100...400, 1000...1800])
        let s = AFEpisodeScore(reference: ref, detected: [120...380, 500...560], recordSeconds: 1800, detectedBurden: nil)
        #expect(s.episodeSensitivity == 0.5 && s.episodePositivePredictivity == 0.5)
        #expect(abs(s.durationSensitivity! - 260.0 / 1100) < 1e-12 && abs(s.durationPositivePredictivity! - 260.0 / 320) < 1e-12)
        #expect(abs(s.referenceBurden - 1100.0 / 1800) < 1e-12)
    }
}
