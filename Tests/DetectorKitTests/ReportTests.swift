import Foundation
import Testing
@testable import DetectorKit

@Suite struct ReportTests {
    @Test func emptyRegistrySaysSo() {
        #expect(DetectorRegistry().report() == "Registered detectors: none.")
    }

    @Test func listsDetectorsWithCardsAndDataSets() throws {
        var registry = DetectorRegistry()
        try registry.register(ThresholdDetector(modelCard: try Fixtures.modelCard()))
        try registry.register(OtherDetector())
        let text = registry.report()
        #expect(text.hasPrefix("Registered detectors: 2"))
        #expect(text.contains("toy-threshold 1.0.0"))
        #expect(text.contains("other-detector 2.0"))
        #expect(text.contains("model card: none"))
        let card = try Fixtures.modelCard()
        #expect(text.contains("intended use: \(card.intendedUse)"))
        // Every metric line names its data set.
        for e in card.evaluation {
            #expect(text.contains("evaluated on \(e.dataset.name) (n=\(e.dataset.size)"))
        }
        if card.trainingData.synthetic { #expect(text.contains("[SYNTHETIC]")) }
    }
}
