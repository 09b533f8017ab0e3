import DetectorKit
import ECGFormats
import Foundation
import Testing
@testable import ECGDetectors

@Suite struct ECGScoreTableTests {
    @Test func tableShowsMachineValuesSideBySideAndNoIdentifiers() async throws {
        let record = try SampleECG.read("pydicom-3.0.2_waveform_ecg.dcm")
        let a = try ECGAnalysis.analyze(record)
        let outcome = try RhythmDetector().outcome(for: a)
        let text = ECGScoreTable.render(record: record, analysis: a, outcomes: [(AnyDetector(RhythmDetector()), outcome)])
        let qrsRow = try #require(text.split(separator: "\n").first { $0.contains("QRS duration") })
        #expect(qrsRow.contains("75"), "machine QRS 75 ms beside ours: \(qrsRow)")
        #expect(text.contains("ecg.sinus_rhythm") && text.contains("positive"))
        for id in [record.acquisition.patientID, record.acquisition.recordID].compactMap({ $0 }) where !id.isEmpty {
            #expect(!text.contains(id), "identifier printed")
        }
        let rows = ECGScoreTable.rows(a)
        #expect(rows.first { $0.name == "QT" }?.machine == 368)
        #expect(rows.first { $0.name == "heart rate" }?.vigil.map { abs($0 - 61.1) < 1 } == true)
    }

    @Test func abstentionIsPrintedWithItsReason() async throws {
        let (record, _) = try synthetic(.flatLine, seed: 3)
        let a = try ECGAnalysis.analyze(record)
        let outcome = try RhythmDetector().outcome(for: a)
        let text = ECGScoreTable.render(record: record, analysis: a, outcomes: [(AnyDetector(RhythmDetector()), outcome)])
        #expect(text.contains("NOT ASSESSABLE [signal_unreadable]"))
        #expect(!text.contains("ecg.sinus_rhythm"))
    }
}
