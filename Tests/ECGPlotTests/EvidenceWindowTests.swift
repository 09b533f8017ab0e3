import ECGPlot
import Foundation
import Testing

@Suite struct EvidenceWindowTests {
    @Test func findingsDocumentGivesThePositiveLeadSpans() throws {
        let url = PlotFixtures.fixtureURL("outcome-afib.json")
        let windows = try EvidenceWindow.fromFindingsJSON(try Data(contentsOf: url), file: "outcome-afib.json")
        #expect(windows == [EvidenceWindow(lead: "II", startSeconds: 0, endSeconds: 10,
                                           label: "Atrial fibrillation: irregularly irregular RR intervals")])
        let all = try EvidenceWindow.fromFindingsJSON(try Data(contentsOf: url), file: "outcome-afib.json", includeNegative: true)
        #expect(all.count == 2)
        #expect(all[1].lead == "V1" && all[1].startSeconds == 2.5 && all[1].label == "Right bundle branch block (negative)")
    }

    @Test func anArrayOfOutcomesAndAbstentionsIsAccepted() throws {
        let one = try String(contentsOf: PlotFixtures.fixtureURL("outcome-afib.json"), encoding: .utf8)
        let abstained = try String(contentsOf: PlotFixtures.fixtureURL("outcome-abstained.json"), encoding: .utf8)
        let windows = try EvidenceWindow.fromFindingsJSON(Data("[\(one), \(abstained)]".utf8), file: "batch.json")
        #expect(windows.count == 1)
    }

    @Test func somethingElseIsAClearError() {
        for text in ["{\"hello\": 1}", "not json", "[1, 2]"] {
            do {
                _ = try EvidenceWindow.fromFindingsJSON(Data(text.utf8), file: "x.json")
                Issue.record("accepted \(text)")
            } catch let e as ECGPlotError {
                #expect(e.description.hasPrefix("x.json: not a findings document"))
            } catch { Issue.record("unexpected \(error)") }
        }
    }
}
