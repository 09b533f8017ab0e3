import DetectorKit
import Foundation
import Testing

@testable import ECGDetectors

@Suite("CNN ECG detector: card keys and occlusion grid")
struct CNNModelSpecTests {
    private func card(_ preprocessing: [String: JSONValue], leads: Int = 2) throws -> ModelCard {
        try ModelCard(
            name: "spec test", version: "0", weightsFile: "model.onnx", weightsSHA256: String(repeating: "0", count: 64),
            intendedUse: "tests", notForUse: ["anything"],
            trainingData: TrainingData(description: "none", synthetic: true, source: "test"),
            evaluation: [EvaluationResult(dataset: DatasetDescription(name: "none", size: 1, synthetic: true, source: "test"),
                                          metrics: [Metric(name: "none", value: 0)])],
            limitations: ["test"],
            io: ModelIO(inputs: [ModelInputSpec(name: "x", shape: [-1, leads, 500], layout: "b × l × t", preprocessing: preprocessing)],
                        outputs: [ModelOutputSpec(name: "y", kind: .logits, labels: [OutputLabel(code: "a", label: "A", operatingThreshold: 0.5)])]))
    }

    private let minimal: [String: JSONValue] = [
        "leads": .array([.string("ii"), .string("V1")]), "sampleRateHz": .number(100),
        "lengthSamples": .number(500), "scaling": .string("mV"),
    ]

    @Test("absent optional keys take the documented defaults; lead names are normalised")
    func defaults() throws {
        let spec = try CNNModelSpec(card: try card(minimal), cardPath: "c")
        #expect(spec.leads == ["II", "V1"])
        #expect(spec.bandPassHz == nil && spec.mainsNotchHz == nil && spec.bandPassOrder == 2)
        #expect(spec.standardization == .none && spec.pacedPolicy == .outsideIntendedUse)
        #expect(spec.saliencyWindowSeconds == 1 && spec.lengthSeconds == 5)
    }

    @Test("keys the detector cannot honour are refused, naming the key",
          arguments: [
            ("bandPassHz", JSONValue.array([.number(0.5), .number(60)])),  // above Nyquist (50 Hz)
            ("sampleRateHz", .number(99.5)),
            ("lengthSamples", .number(0)),
            ("standardize", .string("global")),
            ("pacedRhythm", .string("maybe")),
            ("leads", .array([.string("I"), .string("lead I")])),  // the same lead twice
          ])
    func refusals(key: String, value: JSONValue) throws {
        var p = minimal
        p[key] = value
        #expect {
            _ = try CNNModelSpec(card: try card(p), cardPath: "c")
        } throws: { error in
            guard case let .unsupportedCard(_, problem)? = error as? CNNDetectorError else { return false }
            return problem.contains(key)
        }
    }

    private func input(leads: [String], length: Int, rate: Int, cropStart: Double) -> CNNPreparedInput {
        CNNPreparedInput(leads: leads, samples: (0..<(leads.count * length)).map { Float($0 % 7) }, lengthSamples: length,
                         sampleRateHz: rate, cropStartSeconds: cropStart, rawLeads: [], rawSampleRateHz: Double(rate))
    }

    @Test("the occlusion batch zeroes exactly one lead × window per copy; spans are in record time")
    func grid() throws {
        let prepared = input(leads: ["I", "II"], length: 40, rate: 10, cropStart: 1.5)
        let grid = CNNOcclusionGrid(input: prepared, windowSeconds: 1)
        #expect(grid.windows == [0..<10, 10..<20, 20..<30, 30..<40])
        let batch = grid.batch()
        #expect(batch.count == 80 * 9)
        #expect(Array(batch[0..<80]) == prepared.samples)
        // Copy 6 = lead II (index 1), window 1 (samples 10..<20).
        let copy = Array(batch[(6 * 80)..<(7 * 80)])
        for i in 0..<80 {
            let zeroed = i >= 40 + 10 && i < 40 + 20
            #expect(copy[i] == (zeroed ? 0 : prepared.samples[i]))
        }
        // `occluded` omits the unoccluded row: cell k is batch row k + 1, so lead II window 1 is cell 5.
        var drops = [Double](repeating: 0, count: 8)
        drops[5] = 0.7
        drops[1] = 0.2
        let ranked = grid.ranked(base: 1.0, occluded: drops.map { 1.0 - $0 })
        #expect(ranked.first == CNNSaliencyCell(lead: "II", startSeconds: 2.5, endSeconds: 3.5, drop: 0.7))
        let evidence = CNNOcclusionGrid.evidence(from: ranked, top: 3)
        let spans = evidence.compactMap { item -> String? in
            if case let .leadSpan(lead, _, _, _) = item { return lead }
            return nil
        }
        #expect(spans == ["II", "I"])  // only cells whose occlusion lowered the score
    }

    @Test("when no cell lowers the score, the evidence says so instead of inventing spans")
    func noSupportingCells() throws {
        let grid = CNNOcclusionGrid(input: input(leads: ["I"], length: 20, rate: 10, cropStart: 0), windowSeconds: 1)
        let ranked = grid.ranked(base: 0, occluded: [0.5, 0.1])
        let evidence = CNNOcclusionGrid.evidence(from: ranked)
        #expect(evidence.count == 1)
        if case let .text(text)? = evidence.first { #expect(text.contains("hiding no single")) } else { Issue.record("expected text evidence") }
    }
}
