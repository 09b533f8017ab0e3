import ECGFormats
import ECGSignal
import Foundation
import Testing
@testable import ECGDetectors

/// Episodes and burden from per-window rhythms, and their scoring against rhythm annotations (hand-made inputs).
@Suite struct RhythmEpisodesTests {
    func windows(_ pattern: String) -> [RhythmWindow] {
        pattern.enumerated().map { i, ch in
            // A: AF, n: other, -: unreadable, v: readable but not judged (too few NN intervals).
            let r: RhythmWindow.Rhythm = ch == "A" ? .atrialFibrillation : (ch == "n" ? .other : .notJudged)
            return RhythmWindow(startSeconds: Double(10 * i), endSeconds: Double(10 * i + 10), rhythm: r,
                                normalisedRMSSD: r == .notJudged ? nil : 0.2, pWavePresent: nil, rrCount: 10, readable: ch != "-")
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
        #expect(RhythmEpisodes.afBurden(windows("vv-"), episodes: []) == nil)
        // Readable windows that were not judged (ventricular bigeminy) are monitored time: 30 s of AF over 50 s.
        let v = windows("AAAvv-")
        let ve = RhythmEpisodes.afEpisodes(v, minimumSeconds: 30)
        #expect(ve.map { [$0.startSeconds, $0.endSeconds] } == [[0, 30]])
        #expect(abs(try! #require(RhythmEpisodes.afBurden(v, episodes: ve)) - 30.0 / 50) < 1e-12)
    }

    /// 120 s, two leads, 360 Hz: a regular rhythm without P waves (junctional-like, NN 800 ms) where every fourth beat
    /// is a wide premature ventricular beat (coupling 500 ms, compensatory pause): RR 800, 800, 500, 1100, ... The RR
    /// sequence is irregular and no P wave is seen, yet this is not AF: the normal-to-normal intervals are regular.
    /// With all RR intervals (as the windows were judged before) the same record was called AF in every window.
    static func quadrigeminyWithoutPWaves() throws -> ECGRecord {
        let fs = 360.0, n = Int(120 * fs)
        var beats: [(t: Double, ventricular: Bool)] = []
        var t = 0.5, k = 0
        while t < 119.5 {
            let ventricular = k % 4 == 3
            beats.append((t, ventricular))
            t += k % 4 == 2 ? 0.5 : (ventricular ? 1.1 : 0.8)
            k += 1
        }
        func lead(_ gain: Double) -> [Float] {
            var x = [Double](repeating: 0, count: n)
            func add(_ centre: Double, _ amplitude: Double, _ sd: Double) {
                let lo = max(0, Int((centre - 5 * sd) * fs)), hi = min(n - 1, Int((centre + 5 * sd) * fs))
                for i in lo...hi { let z = (Double(i) / fs - centre) / sd; x[i] += gain * amplitude * exp(-0.5 * z * z) }
            }
            for b in beats {
                if b.ventricular {
                    add(b.t, -1.6, 0.040); add(b.t + 0.32, 0.4, 0.06)   // wide QRS, discordant T
                } else {
                    add(b.t, 1.2, 0.012); add(b.t - 0.02, -0.15, 0.008); add(b.t + 0.02, -0.2, 0.008)
                    add(b.t + 0.28, 0.3, 0.045)
                }
            }
            return x.map { Float($0) }
        }
        let leads = [ECGLead(name: "II", originalLabel: "II", samples: lead(1)),
                     ECGLead(name: "V5", originalLabel: "V5", samples: lead(0.8))]
        return ECGRecord(sourceFormat: .csv, sourceFile: "quadrigeminy.csv",
                         rhythm: try ECGWaveform(kind: .rhythm, samplingRateHz: fs, leads: leads))
    }

    @Test func ventricularEctopyWithoutPWavesIsNotAF() throws {
        let a = try ECGAnalysis.analyze(try Self.quadrigeminyWithoutPWaves())
        #expect(a.problem == nil)
        #expect(a.beatClasses.filter { $0 == .ventricular }.count >= 30, "\(a.beatClasses.filter { $0 == .ventricular }.count) ventricular")
        #expect(!a.rhythmWindows.isEmpty)
        #expect(a.rhythmWindows.allSatisfy { $0.rhythm != .atrialFibrillation }, "\(a.rhythmWindows.map(\.rhythm))")
        #expect(a.afEpisodes.isEmpty)
        #expect(a.afBurden == 0)
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
