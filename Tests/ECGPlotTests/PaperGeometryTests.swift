import ECGPlot
import Testing

@Suite struct PaperGeometryTests {
    @Test func millimetresToPixelsAndPageSize() {
        let g = PaperGeometry(pxPerMM: 10)
        #expect(g.px(5) == 50 && g.px(2.5) == 25.0)
        #expect(g.pxPerSecond == 250 && g.pxPerMillivolt == 100)  // 25 mm/s, 10 mm/mV at 10 px/mm
        // 5 mm margin + 10 mm calibration + 250 mm traces + 5 mm margin = 270 mm.
        #expect(g.pageWidth == 2700)
        #expect(g.gridLeft == 50 && g.traceLeft == 150 && g.gridTop == 170)
        // 5 + 12 + 4 × 40 + 12 + 5 = 194 mm.
        #expect(g.pageHeight(rows: 4) == 1940)
        #expect(g.baseline(0) == 420 && g.baseline(3) == 170 + 1200 + 250)
        #expect(g.pageSeconds == 10)
        #expect(PaperGeometry(pxPerMM: 10, mmPerSecond: 50).pageSeconds == 5)
    }

    @Test func standardLayoutPlacesEachLeadAndTime() {
        var o = ECGPlotOptions()
        o.pxPerMM = 10
        let layout = PlotLayout(leadNames: ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"], options: o)
        #expect(layout.kind == .standard12 && layout.rows == 4 && layout.panels.count == 13)
        let v1 = try! #require(layout.panels.first { $0.lead == "V1" })
        #expect(v1.row == 0 && v1.column == 2 && v1.leadIndex == 6)
        #expect(v1.startSeconds == 5 && v1.endSeconds == 7.5)
        // Column 2 starts half-way along the 2500-px traces area: 150 + 1250.
        #expect(v1.originX == 1400)
        #expect(v1.x(atSeconds: 6) == 1650)  // one second = 25 mm = 250 px
        #expect(v1.y(millivolts: 1) == 320 && v1.y(millivolts: -0.5) == 470)
        let aVF = try! #require(layout.panels.first { $0.lead == "aVF" })
        #expect(aVF.row == 2 && aVF.column == 1 && aVF.startSeconds == 2.5)
        let strip = try! #require(layout.panels.last)
        #expect(strip.isStrip && strip.lead == "II" && strip.row == 3 && strip.startSeconds == 0 && strip.endSeconds == 10)
        #expect(strip.x(atSeconds: 10) == 150 + 2500)
    }

    @Test func startOffsetShiftsEveryPanel() {
        var o = ECGPlotOptions()
        o.startSeconds = 20
        let layout = PlotLayout(leadNames: ["MLII", "V1"], options: o)
        #expect(layout.kind == .strips && layout.rows == 2)
        #expect(layout.panels.map(\.lead) == ["MLII", "V1"])
        #expect(layout.panels.allSatisfy { $0.startSeconds == 20 && $0.endSeconds == 30 })
        #expect(layout.panels[0].x(atSeconds: 21) == 150 + 250)
    }
}
