import Foundation
import Testing
@testable import ECGSignal

@Suite struct DelineationTests {
    /// A piecewise-linear QRS (onset R−40 ms, offset R+40 ms) and a raised-cosine T wave from R+200 ms to
    /// R+400 ms, at 500 Hz, R at sample 125; a second lead is the first inverted and scaled by 0.7.
    func beat() -> [[Float]] {
        let fs = 500.0, r = 125, n = 450
        var x = [Float](repeating: 0, count: n)
        for k in 0..<n {
            let t = Double(k - r) / fs * 1000  // ms from R
            var v = 0.0
            if t >= -40 && t <= 0 { v = (t + 40) / 40 }
            else if t > 0 && t <= 25 { v = 1 - 1.3 * t / 25 }
            else if t > 25 && t <= 40 { v = -0.3 + 0.3 * (t - 25) / 15 }
            else if t >= 200 && t <= 400 { v = 0.3 * (1 - cos(2 * Double.pi * (t - 200) / 200)) / 2 }
            x[k] = Float(v)
        }
        return [x, x.map { -0.7 * $0 }]
    }

    @Test func piecewiseBeatHasKnownIntervals() throws {
        let iv = try #require(Delineation.measure(medianBeats: beat(), fiducial: 125, sampleRate: 500, rrMs: 1000))
        // Exact boundaries are at samples 105 and 145; the central-difference slope smears them by a sample.
        #expect(abs(iv.qrsOnset - 105) <= 1 && abs(iv.qrsOffset - 145) <= 1, "\(iv)")
        #expect(abs(iv.qrsDurationMs - 80) <= 4)
        // Tangent method on a raised cosine of width W starting at t0 ends at t0 + W (3/4 + 1/(2 pi)):
        // 200 + 200 * 0.909 = 381.8 ms after R, so QT = 40 + 381.8 = 421.8 ms.
        #expect(abs(iv.qtMs - 421.8) <= 4, "\(iv)")
    }

    @Test func abstainsWithoutAQRSOrTWave() {
        let flat = [[Float]](repeating: [Float](repeating: 0, count: 450), count: 2)
        #expect(Delineation.measure(medianBeats: flat, fiducial: 125, sampleRate: 500, rrMs: 1000) == nil)
        let noT = beat().map { lead in lead.enumerated().map { $0.offset > 200 ? 0 : $0.element } }
        #expect(Delineation.measure(medianBeats: noT, fiducial: 125, sampleRate: 500, rrMs: 1000) == nil)
    }

    @Test func syntheticRecordGivesPlausibleIntervals() throws {
        var o = SyntheticECG.Options(); o.seed = 77; o.rrJitter = 0.01
        let rec = SyntheticECG(o)
        let beats = try QRSDetector().detect(leads: rec.leads, sampleRate: rec.sampleRate).rPeaks
        let usable = try rec.leads.filter { try SignalQuality.assess(lead: $0, sampleRate: rec.sampleRate).usable }
        let iv = try #require(try Delineation.measure(leads: usable, beats: beats, sampleRate: rec.sampleRate))
        print("ECGSignal synthetic intervals: QRS \(iv.qrsDurationMs) ms, QT \(iv.qtMs) ms")
        // Gaussian model: Q at −30 ms and S at +30 ms (SD 10 ms), T peak at +300 ms (SD 55 ms).
        #expect(iv.qrsDurationMs >= 60 && iv.qrsDurationMs <= 130)
        #expect(iv.qtMs >= 330 && iv.qtMs <= 500)
    }
}
