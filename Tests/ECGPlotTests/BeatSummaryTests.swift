import ECGPlot
import Testing

@Suite struct BeatSummaryTests {
    @Test func medianRRAndRateFromBeats() {
        // Beats every 250 samples at 250 Hz: RR 1000 ms, 60/min; the beat at 12 s is outside 0–10 s.
        let s = BeatSummary(beats: [0, 250, 500, 750, 3000], rateHz: 250, startSeconds: 0, endSeconds: 10)
        #expect(s.count == 4 && s.medianRRms == 1000 && s.ratePerMinute == 60)
        // RRs 400, 600, 800, 1000 ms (unsorted input): median 700 ms.
        let t = BeatSummary(beats: [700, 0, 100, 250, 450], rateHz: 250, startSeconds: 0, endSeconds: 10)
        #expect(t.medianRRms == 700)
        #expect(BeatSummary(beats: [10], rateHz: 250, startSeconds: 0, endSeconds: 10).ratePerMinute == nil)
    }
}
