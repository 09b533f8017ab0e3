import ECGPlot
import Foundation
import Testing

@Suite struct DisplayFilterTests {
    @Test func removesABaselineOffsetAndKeepsGaps() throws {
        // 1 mV offset plus a slow 0.1 Hz drift: both lie below the 0.5 Hz edge and must vanish mid-record.
        let n = 2500
        var x = (0..<n).map { Float(1 + 0.3 * sin(2 * Double.pi * 0.1 * Double($0) / 250)) }
        for i in 1000..<1010 { x[i] = .nan }
        let (out, text) = try DisplayFilter().apply(to: [x], rateHz: 250, file: "f.csv")
        #expect(text == "0.5–40 Hz, notch 50 Hz")
        #expect(out[0].count == n)
        #expect((1000..<1010).allSatisfy { out[0][$0].isNaN })
        #expect(out[0].enumerated().filter { !$0.element.isNaN }.count == n - 10)
        let middle = out[0][600..<900] + out[0][1200..<1900]
        #expect(middle.allSatisfy { abs($0) < 0.05 }, "max residual \(middle.map { abs($0) }.max() ?? 0) mV")
    }

    @Test func keepsATenHertzSineAndLowersTheEdgeForSlowRecords() throws {
        let x = (0..<2500).map { Float(sin(2 * Double.pi * 10 * Double($0) / 250)) }
        let (out, _) = try DisplayFilter(mainsHz: nil).apply(to: [x], rateHz: 250, file: "f.csv")
        let peak = out[0][500..<2000].map { abs($0) }.max() ?? 0
        #expect(abs(peak - 1) < 0.05, "10 Hz amplitude \(peak)")  // in the pass band
        let (_, text) = try DisplayFilter().apply(to: [Array(x.prefix(1000))], rateHz: 80, file: "f.csv")
        #expect(text == "0.5–36 Hz")  // 0.45 × 80; the 50 Hz notch is above Nyquist and skipped
    }

    @Test func recordsShorterThanTheHighPassPeriodAreRefused() {
        let x = [Float](repeating: 0.1, count: 50)  // 0.2 s at 250 Hz
        do {
            _ = try DisplayFilter().apply(to: [x], rateHz: 250, file: "tiny.csv")
            Issue.record("a 0.2 s record was filtered")
        } catch let e as ECGPlotError {
            #expect(e == .filterFailed(file: "tiny.csv", detail: "the record is 0.2 s, shorter than the 2 s a 0.5 Hz high-pass needs"))
            #expect(e.description.contains("--raw"))
        } catch { Issue.record("unexpected \(error)") }
        #expect(throws: Never.self) { try DisplayFilter().apply(to: [[Float](repeating: 0, count: 500)], rateHz: 250, file: "two.csv") }
    }

    @Test func impossibleFilteringIsAClearError() {
        #expect(throws: ECGPlotError.self) { try DisplayFilter().apply(to: [[0, 1, 2]], rateHz: 250.5, file: "odd.hea") }
        do {
            _ = try DisplayFilter().apply(to: [[0, 1, 2]], rateHz: 250, file: "short.hea")
            Issue.record("a 3-sample record was filtered")
        } catch let e as ECGPlotError {
            #expect(e.description.hasPrefix("short.hea: cannot filter"))
        } catch { Issue.record("unexpected \(error)") }
    }
}
