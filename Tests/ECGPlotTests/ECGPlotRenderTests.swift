import ECGFormats
import ECGPlot
import Foundation
import Rendering
import Testing

@Suite struct ECGPlotRenderTests {
    static let twelve = ECGLeadName.standard12

    @Test func calibrationPulseIsExactlyOneMillivoltTall() throws {
        for (gain, px) in [(10.0, 50), (20.0, 100)] {
            var o = PlotFixtures.options()
            o.mmPerMillivolt = gain
            let r = try ECGPlot.render(try PlotFixtures.record(leads: Self.twelve), options: o)
            let g = r.layout.geometry
            for row in 0..<4 {
                let base = g.baseline(row)
                // Mid-plateau column (6 mm into the grid): the only ink is the plateau.
                let plateau = PlotFixtures.rows(in: r.canvas, x: g.gridLeft + g.px(6), equalTo: .black, within: g.rowTop(row)..<base + 10)
                #expect(plateau == [base - px], "row \(row) gain \(gain): \(plateau)")
                // Before the step (3 mm): the only ink is the baseline.
                let lead = PlotFixtures.rows(in: r.canvas, x: g.gridLeft + g.px(3), equalTo: .black, within: g.rowTop(row)..<base + 10)
                #expect(lead == [base])
            }
        }
    }

    @Test func aSampleLandsAtItsTimeAndAmplitude() throws {
        // Lead II: 1 mV from 1.000 s to 1.048 s (samples 250…262 at 250 Hz), 0 elsewhere.
        let rec = try PlotFixtures.record(leads: Self.twelve) { name, i in name == "II" && (250...262).contains(i) ? 1 : 0 }
        let r = try ECGPlot.render(rec, options: PlotFixtures.options())
        // Rhythm strip, 5 px/mm: x(1.0 s) = 75 + 125 = 200; baseline row 3 = 85 + 3 × 200 + 125 = 810.
        let base = 810, top = 810 - 50
        #expect(r.layout.geometry.baseline(3) == base)
        #expect(r.canvas.pixel(x: 203, y: top) == .black)       // plateau at 1 mV
        #expect(r.canvas.pixel(x: 203, y: base) != .black)      // no baseline under the pulse
        #expect(r.canvas.pixel(x: 198, y: base) == .black)      // baseline before it
        #expect(r.canvas.pixel(x: 198, y: top) != .black)
        // The rising edge (sample 249 at x 199.5 → sample 250 at x 200) inks every row between, at least half.
        #expect((top...base).allSatisfy { (r.canvas.pixel(x: 200, y: $0)?.luminance ?? 255) < 150 })
        #expect(r.canvas.pixel(x: 200, y: top - 2) == PaperStyle.majorLine)  // nothing above 1 mV (x 200 is the 35 mm line)
        // Column-0 panel of lead II (row 1) shows the same second.
        let b1 = r.layout.geometry.baseline(1)
        #expect(r.canvas.pixel(x: 203, y: b1 - 50) == .black)
    }

    @Test func gridColoursAtKnownCoordinates() throws {
        let r = try ECGPlot.render(try PlotFixtures.record(leads: Self.twelve), options: PlotFixtures.options())
        let g = r.layout.geometry
        let y = g.gridTop + g.px(7) + 2  // 7.4 mm: between horizontal lines, above the baseline, below the labels
        #expect(r.canvas.pixel(x: g.gridLeft + g.px(20), y: y) == PaperStyle.majorLine)
        #expect(r.canvas.pixel(x: g.gridLeft + g.px(21), y: y) == PaperStyle.minorLine)
        #expect(r.canvas.pixel(x: g.gridLeft + g.px(21) + 2, y: y) == PaperStyle.paper)
        #expect(r.canvas.pixel(x: g.gridLeft + g.px(21) + 2, y: g.gridTop + g.px(10)) == PaperStyle.majorLine)
        #expect(r.canvas.pixel(x: g.gridLeft + g.px(21) + 2, y: g.gridTop + g.px(11)) == PaperStyle.minorLine)
        #expect(r.canvas.pixel(x: 2, y: 2) == PaperStyle.page)  // margin
        // At 10 px/mm the 5 mm lines are 2 px wide, the 1 mm lines 1 px.
        let hi = try ECGPlot.render(try PlotFixtures.record(leads: ["I"], seconds: 2), options: PlotFixtures.options(pxPerMM: 10))
        let h = hi.layout.geometry, yy = h.gridTop + h.px(7) + 5
        #expect(hi.canvas.pixel(x: h.gridLeft + h.px(20) + 1, y: yy) == PaperStyle.majorLine)
        #expect(hi.canvas.pixel(x: h.gridLeft + h.px(20) + 2, y: yy) == PaperStyle.paper)
        #expect(hi.canvas.pixel(x: h.gridLeft + h.px(21) + 1, y: yy) == PaperStyle.paper)
    }

    @Test func evidenceShadesOnlyTheMatchingPanel() throws {
        let rec = try PlotFixtures.record(leads: Self.twelve)
        let windows = [EvidenceWindow(lead: "V1", startSeconds: 5.5, endSeconds: 6.5, label: nil),
                       EvidenceWindow(lead: "V1", startSeconds: 3, endSeconds: 4, label: nil),
                       EvidenceWindow(lead: "V9", startSeconds: 0, endSeconds: 1, label: nil)]
        let r = try ECGPlot.render(rec, evidence: windows, options: PlotFixtures.options())
        let g = r.layout.geometry
        let v1 = try #require(r.layout.panels.first { $0.lead == "V1" })
        let x = Int(v1.x(atSeconds: 6)) + 2  // 827: on paper, between grid lines
        let shaded = PaperStyle.evidence.over(PaperStyle.paper, alpha: PaperStyle.evidenceAlpha)
        #expect(r.canvas.pixel(x: x, y: g.rowTop(0) + 37) == shaded)
        #expect(r.canvas.pixel(x: x, y: g.rowTop(1) + 37) == PaperStyle.paper)  // V2 below: untouched
        #expect(r.canvas.pixel(x: Int(v1.x(atSeconds: 5.2)) + 2, y: g.rowTop(0) + 37) == PaperStyle.paper)  // before the span
        #expect(r.canvas.pixel(x: Int(v1.x(atSeconds: 7)) + 2, y: g.rowTop(0) + 37) == PaperStyle.paper)  // after it
        #expect(r.notes.contains { $0.contains("V1 3.0–4.0 s") && $0.contains("outside the seconds shown") })
        #expect(r.notes.contains { $0.contains("lead V9 is not on the plot") })
    }

    @Test func evidenceForLeadIIAlsoShadesTheRhythmStripAndNilMeansAllLeads() throws {
        let rec = try PlotFixtures.record(leads: Self.twelve)
        let shaded = PaperStyle.evidence.over(PaperStyle.paper, alpha: PaperStyle.evidenceAlpha)
        let r = try ECGPlot.render(rec, evidence: [EvidenceWindow(lead: "lead ii", startSeconds: 1, endSeconds: 2)],
                                   options: PlotFixtures.options())
        let g = r.layout.geometry
        let x = Int(r.layout.panels[0].x(atSeconds: 1.5)) + 2
        #expect(r.canvas.pixel(x: x, y: g.rowTop(1) + 37) == shaded)   // II, column 0
        #expect(r.canvas.pixel(x: x, y: g.rowTop(3) + 37) == shaded)   // rhythm strip II
        #expect(r.canvas.pixel(x: x, y: g.rowTop(0) + 37) == PaperStyle.paper)  // lead I
        let all = try ECGPlot.render(rec, evidence: [EvidenceWindow(lead: nil, startSeconds: 1, endSeconds: 2)],
                                     options: PlotFixtures.options())
        for row in 0..<4 { #expect(all.canvas.pixel(x: x, y: g.rowTop(row) + 37) == shaded) }
    }

    @Test func evidenceLabelIsWrittenInsideItsPanelOnly() throws {
        let rec = try PlotFixtures.record(leads: Self.twelve)
        let r = try ECGPlot.render(rec, evidence: [EvidenceWindow(lead: "V1", startSeconds: 5.5, endSeconds: 6.5, label: "QS")],
                                   options: PlotFixtures.options())
        var inked: [(Int, Int)] = []
        let g = r.layout.geometry
        // The grid (the footer's legend uses the same colour on purpose).
        for y in g.gridTop..<(g.gridTop + g.px(g.gridHeightMM(rows: 4))) { for x in 0..<r.canvas.width where r.canvas.pixel(x: x, y: y) == PaperStyle.evidenceText { inked.append((x, y)) } }
        let v1 = try #require(r.layout.panels.first { $0.lead == "V1" })
        #expect(!inked.isEmpty)
        #expect(inked.allSatisfy { v1.area.contains(x: $0.0, y: $0.1) })
    }

    @Test func fewerLeadRecordsGetOneStripPerLead() throws {
        let rec = try PlotFixtures.record(leads: ["I", "II", "V1"]) { _, i in i == 500 ? 1 : 0 }
        let r = try ECGPlot.render(rec, options: PlotFixtures.options())
        #expect(r.layout.kind == .strips && r.layout.rows == 3)
        #expect(r.layout.panels.map(\.lead) == ["I", "II", "V1"])
        #expect(r.canvas.height == r.layout.geometry.pageHeight(rows: 3))
        #expect(r.canvas.width == 1350)
        // The sample at 2.0 s peaks at 1 mV in every strip: x = 75 + 250 = 325.
        for row in 0..<3 { #expect(r.canvas.pixel(x: 325, y: r.layout.geometry.baseline(row) - 50) == .black) }
        let mit = try ECGPlot.render(try PlotFixtures.record(leads: ["MLII"], seconds: 30), options: PlotFixtures.options())
        #expect(mit.layout.kind == .strips && mit.layout.rows == 1)
        #expect(mit.notes.isEmpty)
    }

    @Test func missingStandardLeadsAreNamedNotInvented() throws {
        let rec = try PlotFixtures.record(leads: ["I", "II", "V1", "V2", "V3", "V4", "V5", "V6"])
        let r = try ECGPlot.render(rec, options: PlotFixtures.options())
        #expect(r.layout.kind == .standard12)
        #expect(Set(r.layout.panels.filter { $0.leadIndex == nil }.map(\.lead)) == ["III", "aVR", "aVL", "aVF"])
        #expect(r.notes.contains("lead aVR is not in the record (drawn as n/a)"))
        // No trace in the aVR panel: its baseline stays grid/paper.
        let aVR = try #require(r.layout.panels.first { $0.lead == "aVR" })
        let y = Int(aVR.baselineY)
        let inked = (aVR.area.x + 20..<aVR.area.maxX - 5).filter { r.canvas.pixel(x: $0, y: y) == .black }
        #expect(inked.isEmpty)
    }

    @Test func beatTicksMarkTheStrips() throws {
        let rec = try PlotFixtures.record(leads: ["MLII"])
        let r = try ECGPlot.render(rec, beats: [500, 750, 1000], options: PlotFixtures.options())
        let p = r.layout.panels[0]
        let y = p.area.maxY - r.layout.geometry.px(1)
        #expect(r.canvas.pixel(x: Int(p.x(atSeconds: 2)), y: y) == PaperStyle.beat)
        #expect(r.canvas.pixel(x: Int(p.x(atSeconds: 3)), y: y) == PaperStyle.beat)
        #expect(r.canvas.pixel(x: Int(p.x(atSeconds: 2.5)) + 3, y: y) != PaperStyle.beat)
    }

    @Test func identifiersNeverReachThePicture() throws {
        var withPHI = try PlotFixtures.record(leads: Self.twelve) { _, i in Float(i % 50) / 50 }
        let plain = withPHI
        withPHI.acquisition = ECGAcquisitionInfo(recordID: "MRN-0042", patientID: "DOE^JANE", startTimeText: "12/03/1980",
                                                 device: "CardioX", comments: ["Jane Doe, 54 y"])
        let a = try ECGPlot.render(withPHI, options: PlotFixtures.options()).canvas
        let b = try ECGPlot.render(plain, options: PlotFixtures.options()).canvas
        #expect(a == b)
    }

    @Test func badRecordsAreClearErrorsNamingTheFile() throws {
        let empty = try PlotFixtures.record(leads: ["I", "II"], seconds: 0, file: "empty.csv")
        #expect(throws: ECGPlotError.emptyRecord(file: "empty.csv")) { try ECGPlot.render(empty) }
        let nan = try PlotFixtures.record(leads: ["I", "II"], file: "nan.csv") { _, _ in .nan }
        #expect(throws: ECGPlotError.noValidSamples(file: "nan.csv")) { try ECGPlot.render(nan) }
        #expect(ECGPlotError.noValidSamples(file: "nan.csv").description.hasPrefix("nan.csv: "))
        var late = PlotFixtures.options()
        late.startSeconds = 12
        #expect(throws: ECGPlotError.startOutOfRange(file: "test.hea", startSeconds: 12, durationSeconds: 10)) {
            try ECGPlot.render(try PlotFixtures.record(leads: ["I"]), options: late)
        }
        var bad = PlotFixtures.options()
        bad.pxPerMM = 2
        #expect(throws: ECGPlotError.self) { try ECGPlot.render(try PlotFixtures.record(leads: ["I"]), options: bad) }
    }

    @Test func invalidSamplesBecomeGapsAndAreReported() throws {
        let rec = try PlotFixtures.record(leads: ["I"]) { _, i in (400..<600).contains(i) ? .nan : 0 }
        var o = PlotFixtures.options()
        o.filter = DisplayFilter()
        let r = try ECGPlot.render(rec, options: o)
        let p = r.layout.panels[0], y = Int(p.baselineY)
        #expect(r.canvas.pixel(x: Int(p.x(atSeconds: 2)), y: y) != .black)   // inside the gap
        #expect(r.canvas.pixel(x: Int(p.x(atSeconds: 1)), y: y) == .black)
        #expect(r.notes.contains("lead I: 200 invalid samples drawn as gaps"))
    }

    @Test func writesAPNG() throws {
        let r = try ECGPlot.render(try PlotFixtures.record(leads: ["I", "II"], seconds: 3), options: PlotFixtures.options(pxPerMM: 4))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-ecgplot-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        try r.canvas.writePNG(to: url)
        let bytes = [UInt8](try Data(contentsOf: url))
        func be32(_ i: Int) -> Int { bytes[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
        #expect(be32(16) == 4 * 270 && be32(20) == 4 * (34 + 2 * 40))
    }
}

@Suite struct ECGPlotRobustnessTests {
    @Test func absurdAmplitudesAreClippedNotFatal() throws {
        let rec = try PlotFixtures.record(leads: ["I", "II"]) { _, i in i == 300 ? 1e30 : (i == 301 ? -1e30 : 0) }
        let r = try ECGPlot.render(rec, options: PlotFixtures.options())
        let p = r.layout.panels[0]
        // The spike runs off the grid; the grid's edge rows under it are inked, the margin above is not.
        let x = Int(p.x(atSeconds: 1.2))
        #expect((x - 1...x + 1).contains { (r.canvas.pixel(x: $0, y: r.layout.geometry.gridTop + 1)?.luminance ?? 255) < 100 })
        #expect(r.canvas.pixel(x: x, y: r.layout.geometry.gridTop - 3) == PaperStyle.page)
    }

    @Test func fiftyMillimetresPerSecondShowsFiveSeconds() throws {
        var o = PlotFixtures.options()
        o.mmPerSecond = 50
        let r = try ECGPlot.render(try PlotFixtures.record(leads: ECGPlotRenderTests.twelve), options: o)
        #expect(r.layout.panels.last?.endSeconds == 5)
        #expect(r.layout.panels.first { $0.lead == "V4" }?.startSeconds == 3.75)
        #expect(r.canvas.width == 5 * 270)
    }
}
