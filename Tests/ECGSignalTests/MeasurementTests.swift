import Foundation
import Testing
@testable import ECGSignal

// Tolerance: RR statistics against numpy float64 (hrv.json) within 1e-9 relative.

@Suite struct MeasurementTests {
    @Test func rrStatisticsMatchNumpy() throws {
        let fx = try Fixtures.load("hrv.json", as: HRVFixture.self)
        #expect(fx.cases.count == 3)
        for c in fx.cases {
            let s = try #require(RRStatistics(rrIntervalsMs: c.rrMs))
            #expect(s.count == c.rrMs.count)
            #expect(abs(s.meanMs - c.meanMs) <= 1e-9 * c.meanMs)
            #expect(abs(s.sdMs - c.sdMs) <= 1e-9 * c.sdMs)
            #expect(abs(s.sdnnMs - c.sdMs) <= 1e-9 * c.sdMs)
            #expect(abs(s.rmssdMs - c.rmssdMs) <= 1e-9 * c.rmssdMs)
            #expect(abs(s.heartRateBpm - c.heartRateBpm) <= 1e-9 * c.heartRateBpm)
        }
    }

    @Test func rrStatisticsFromBeatsAndAbstention() throws {
        // 500 Hz, beats every 400 samples = 800 ms = 75 bpm, no variability.
        let s = try #require(RRStatistics(beats: [100, 500, 900, 1300], sampleRate: 500))
        #expect(s.meanMs == 800 && s.heartRateBpm == 75 && s.sdMs == 0 && s.rmssdMs == 0)
        #expect(RRStatistics(beats: [100, 500, 900], sampleRate: 500) == nil)
        #expect(RRStatistics(rrIntervalsMs: [800, -1, 800]) == nil)
    }

    @Test func qtCorrections() throws {
        // Hand values: RR 1000 ms leaves QT unchanged; sqrt(0.64) = 0.8; cbrt(0.512) = 0.8.
        #expect(QTCorrection.bazett(qtMs: 400, rrMs: 1000) == 400)
        #expect(abs(QTCorrection.bazett(qtMs: 400, rrMs: 640)! - 500) < 1e-9)
        #expect(abs(QTCorrection.fridericia(qtMs: 400, rrMs: 512)! - 500) < 1e-9)
        #expect(abs(QTCorrection.fridericia(qtMs: 360, rrMs: 1000)! - 360) < 1e-9)
        #expect(QTCorrection.bazett(qtMs: 400, rrMs: 0) == nil)
        #expect(QTCorrection.fridericia(qtMs: 0, rrMs: 800) == nil)
    }

    @Test func frontalAxis() throws {
        #expect(abs(FrontalAxis.degrees(leadINet: 1, aVFNet: 1)! - 45) < 1e-12)
        #expect(abs(FrontalAxis.degrees(leadINet: 1, aVFNet: 0)! - 0) < 1e-12)
        #expect(abs(FrontalAxis.degrees(leadINet: -1, aVFNet: 0)! - 180) < 1e-12)
        #expect(abs(FrontalAxis.degrees(leadINet: 0, aVFNet: -0.5)! + 90) < 1e-12)
        #expect(abs(FrontalAxis.degrees(leadINet: 0.5, aVFNet: 0.5 * 3.0.squareRoot())! - 60) < 1e-9)
        #expect(FrontalAxis.degrees(leadINet: 0, aVFNet: 0) == nil)
        // R of 1.2 mV and S of -0.4 mV give a net of 0.8 mV.
        let beat: [Float] = [0, 0.2, 1.2, 0.3, -0.4, 0, 0.3]
        #expect(abs(FrontalAxis.netAmplitude(beat: beat, window: 0..<6)! - 0.8) < 1e-6)
    }

    @Test func medianBeatIgnoresAnOutlierBeat() throws {
        // Identical triangle beats, one with a large artefact: the median keeps the shape.
        var lead = [Float](repeating: 0, count: 1000)
        let beats = [150, 350, 550, 750]
        for b in beats { for k in -5...5 { lead[b + k] = Float(5 - abs(k)) } }
        for k in 300...340 { lead[k] = 9 }  // artefact in the window of the second beat only
        let m = try #require(MedianBeat.compute(lead: lead, beats: beats, sampleRate: 100, before: 0.5, after: 0.5))
        #expect(m.count == 100)
        #expect(m[50] == 5 && m[45] == 0 && m[10] == 0)
        #expect(MedianBeat.compute(lead: lead, beats: [150, 350], sampleRate: 100) == nil)
    }
}
