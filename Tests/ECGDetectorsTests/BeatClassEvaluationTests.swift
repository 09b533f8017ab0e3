import ECGFormats
import ECGSignal
import Foundation
import Testing
import VigilTestSupport
@testable import ECGDetectors

/// AAMI classes, beat labelling and the beat-class model file (hand-made inputs and the SampleData PVC record).
@Suite struct BeatClassEvaluationTests {
    @Test func mitSymbolsMapToTheAAMIClasses() {
        let expected: [String: AAMIBeatClass] = ["N": .normal, "L": .normal, "R": .normal, "e": .normal, "j": .normal,
                                                 "A": .supraventricular, "a": .supraventricular, "J": .supraventricular,
                                                 "S": .supraventricular, "V": .ventricular, "E": .ventricular, "F": .fusion,
                                                 "/": .unknown, "f": .unknown, "Q": .unknown]
        for (symbol, cls) in expected { #expect(AAMIBeatClass(mitSymbol: symbol) == cls, "\(symbol)") }
        for symbol in ["+", "~", "|", "x", "!", "[", "]", "\""] { #expect(AAMIBeatClass(mitSymbol: symbol) == nil, "\(symbol)") }
    }

    @Test func confusionRates() {
        var c = BeatClassEvaluation.Confusion()
        for _ in 0..<8 { c.add(reference: .normal, predicted: .normal) }
        c.add(reference: .normal, predicted: .ventricular)
        for _ in 0..<3 { c.add(reference: .ventricular, predicted: .ventricular) }
        c.add(reference: .ventricular, predicted: .normal)
        c.add(reference: .unknown, predicted: .normal)        // Q is not scored
        c.add(reference: .supraventricular, predicted: .normal)
        #expect(c.counts[0] == [8, 0, 1, 0] && c.counts[2] == [1, 0, 3, 0])
        #expect(c.sensitivity(.ventricular) == 0.75 && c.positivePredictivity(.ventricular) == 0.75)
        #expect(c.sensitivity(.supraventricular) == 0 && c.positivePredictivity(.supraventricular) == nil)
        #expect(c.sensitivity(.fusion) == nil)
        var total = BeatClassEvaluation.Confusion()
        total.add(c); total.add(c)
        #expect(total.counts[0][0] == 16)
    }

    /// SampleData's synthetic PVC record (12 N and 1 V annotated): every annotated beat is matched, the PVC has the
    /// features of a premature wide beat of another shape, the normal beats those of the record's own beat.
    @Test func labelledBeatsOfTheSamplePVCRecord() throws {
        let record = try ECGReader.read(url: Repository.sampleECG.appendingPathComponent("synthetic/syn000006.hea"))
        var configuration = ECGAnalysis.Configuration()
        configuration.beatFeatures = true
        let analysis = try ECGAnalysis.analyze(record, configuration: configuration)
        let beats = BeatClassEvaluation.labelled(record: record, analysis: analysis)
        #expect(beats.count == 13, "\(beats.map(\.reference))")
        let names = BeatFeatures.names
        func value(_ b: BeatClassEvaluation.LabelledBeat, _ name: String) -> Double? { b.features?[names.firstIndex(of: name)!] }
        let pvc = try #require(beats.first { $0.reference == .ventricular })
        let normal = beats.filter { $0.reference == .normal && $0.features != nil }
        #expect(normal.count >= 9)
        #expect(try #require(value(pvc, "preLocal")) < 0.8)
        #expect(try #require(value(pvc, "qrsCorrelation")) < 0.8)
        #expect(try #require(value(pvc, "extraWidthMs")) > 20)
        for b in normal {
            #expect(try #require(value(b, "qrsCorrelation")) > 0.9, "\(b.seconds)")
            #expect(abs(try #require(value(b, "localOverall")) - 1) < 0.2)
        }
        // Without the setting no features are computed (the detectors do not need them).
        #expect(try ECGAnalysis.analyze(record).beatFeatures.isEmpty)
    }

    /// A two-class model written by hand: its probabilities are softmax(W (x − mean) / scale + b).
    @Test func beatClassModelFileIsReadCheckedAndApplied() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let f = BeatFeatures.names.count
        var w0 = [Double](repeating: 0, count: f), w1 = [Double](repeating: 0, count: f)
        w1[BeatFeatures.names.firstIndex(of: "preLocal")!] = -4     // premature → V
        w0[0] = 0
        let doc: [String: Any] = ["features": BeatFeatures.names, "classes": ["N", "V"], "mean": [Double](repeating: 1, count: f),
                                  "scale": [Double](repeating: 0.5, count: f), "weights": [w0, w1], "bias": [0, -1],
                                  "trainedOn": "hand-made test model"]
        let url = folder.file("beats.json")
        try JSONSerialization.data(withJSONObject: doc).write(to: url)
        let model = try BeatClassModel.load(url)
        var x = [Double](repeating: 1, count: f)
        x[BeatFeatures.names.firstIndex(of: "preLocal")!] = 0.6       // z = -0.8 → logit V = 3.2 - 1 = 2.2
        let p = model.probabilities(x)
        #expect(abs(p[1] - 1 / (1 + exp(-2.2))) < 1e-12 && abs(p[0] + p[1] - 1) < 1e-12)
        #expect(model.classify(x) == .ventricular)
        #expect(model.classify([Double](repeating: 1, count: f)) == .normal)
        #expect(model.classify(nil) == .unknown)

        var bad = doc
        bad["features"] = Array(BeatFeatures.names.dropLast())
        try JSONSerialization.data(withJSONObject: bad).write(to: url)
        #expect(throws: BeatClassModelError.self) { try BeatClassModel.load(url) }
        do { _ = try BeatClassModel.load(url) } catch { #expect("\(error)".hasPrefix("beats.json: its features")) }
        bad = doc
        bad["scale"] = [Double](repeating: 0, count: f)
        try JSONSerialization.data(withJSONObject: bad).write(to: url)
        #expect(throws: BeatClassModelError.self) { try BeatClassModel.load(url) }
        try Data("{".utf8).write(to: url)
        #expect(throws: BeatClassModelError.self) { try BeatClassModel.load(url) }
    }
}
