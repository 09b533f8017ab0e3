import Foundation
import Testing
@testable import DetectorKit

/// A temporary folder holding `model.card.json` and (optionally) `model.onnx`; removed by `cleanUp()`.
struct ModelFolder {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-card-\(UUID().uuidString)")
    var cardURL: URL { url.appendingPathComponent("model.card.json") }
    var weightsURL: URL { url.appendingPathComponent("model.onnx") }

    init(card: Data, weights: Data?) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try card.write(to: cardURL)
        if let weights { try weights.write(to: weightsURL) }
    }

    func cleanUp() { try? FileManager.default.removeItem(at: url) }
}

@Suite struct ModelCardTests {
    static let weights = Data("vigil example weights\n".utf8)

    static func cardJSON(_ mutate: (inout [String: Any]) -> Void = { _ in }) throws -> Data {
        var object = try JSONSerialization.jsonObject(with: VigilJSON.encode(try Fixtures.modelCard())) as! [String: Any]
        mutate(&object)
        return try JSONSerialization.data(withJSONObject: object)
    }

    /// The wrapped error of a `.modelCard(path:error:)`, after checking the path.
    static func inner(_ error: DetectorKitError?, path: URL, sourceLocation: SourceLocation = #_sourceLocation) -> DetectorKitError? {
        guard case let .modelCard(errorPath, inner)? = error else {
            Issue.record("expected .modelCard, got \(String(describing: error))", sourceLocation: sourceLocation)
            return nil
        }
        #expect(errorPath == path.path, sourceLocation: sourceLocation)
        #expect(error?.description.hasPrefix("model card '\(path.path)': ") == true, sourceLocation: sourceLocation)
        return inner
    }

    @Test func roundTripAndGolden() throws {
        let card = try Fixtures.modelCard()
        #expect(try VigilJSON.decode(ModelCard.self, from: VigilJSON.encode(card)) == card)
        try Golden.check(card, against: "model.card.json")
    }

    @Test func loadAndVerifyWeights() throws {
        let folder = try ModelFolder(card: try Self.cardJSON(), weights: Self.weights)
        defer { folder.cleanUp() }
        let card = try ModelCard.load(from: folder.cardURL)
        #expect(card == (try Fixtures.modelCard()))
        #expect(card.weightsURL(cardURL: folder.cardURL).path == folder.weightsURL.path)
        try card.verifyWeights(cardURL: folder.cardURL)
        #expect(card.io.inputs[0].preprocessing["sampleRateHz"]?.intValue == 500)
        #expect(card.io.inputs[0].preprocessing["leads"]?.arrayValue?.count == 12)
    }

    @Test func changedWeightsAreDetectedNamingFileAndBothHashes() throws {
        let tampered = Data("vigil example weights, retrained\n".utf8)
        let folder = try ModelFolder(card: try Self.cardJSON(), weights: tampered)
        defer { folder.cleanUp() }
        let card = try ModelCard.load(from: folder.cardURL)
        let error = detectorKitError { try card.verifyWeights(cardURL: folder.cardURL) }
        guard case let .weightsHashMismatch(path, expected, found)? = error else {
            Issue.record("expected .weightsHashMismatch, got \(String(describing: error))")
            return
        }
        #expect(path == folder.weightsURL.path)
        #expect(expected == Fixtures.sha)
        // printf 'vigil example weights, retrained\n' | sha256sum
        #expect(found == "9db69716eadc4ece1a33e421f9a54c613272cbee435c47bd001caa94710dec0c")
        let message = error!.description
        #expect(message.contains(folder.weightsURL.path) && message.contains(expected) && message.contains(found))
    }

    @Test func missingWeightsFileIsNamed() throws {
        let folder = try ModelFolder(card: try Self.cardJSON(), weights: nil)
        defer { folder.cleanUp() }
        let card = try ModelCard.load(from: folder.cardURL)
        let error = detectorKitError { try card.verifyWeights(cardURL: folder.cardURL) }
        guard case let .fileUnreadable(path, _)? = error else {
            Issue.record("expected .fileUnreadable, got \(String(describing: error))")
            return
        }
        #expect(path == folder.weightsURL.path)
    }

    @Test func missingCardFileIsNamed() {
        let url = URL(fileURLWithPath: "/nonexistent-vigil/model.card.json")
        let inner = Self.inner(detectorKitError { _ = try ModelCard.load(from: url) }, path: url)
        guard case let .fileUnreadable(path, _)? = inner else {
            Issue.record("expected .fileUnreadable, got \(String(describing: inner))")
            return
        }
        #expect(path == url.path)
    }

    @Test func missingNestedFieldIsNamedByPath() throws {
        let data = try Self.cardJSON { card in
            var io = card["io"] as! [String: Any]
            var outputs = io["outputs"] as! [[String: Any]]
            var labels = outputs[0]["labels"] as! [[String: Any]]
            labels[1].removeValue(forKey: "operatingThreshold")
            outputs[0]["labels"] = labels
            io["outputs"] = outputs
            card["io"] = io
        }
        let folder = try ModelFolder(card: data, weights: nil)
        defer { folder.cleanUp() }
        let inner = Self.inner(detectorKitError { _ = try ModelCard.load(from: folder.cardURL) }, path: folder.cardURL)
        #expect(inner == .decoding(type: "ModelCard", problem: "missing field 'io.outputs[0].labels[1].operatingThreshold'"))
    }

    @Test(arguments: ["intendedUse", "notForUse", "trainingData", "evaluation", "limitations", "io", "weightsSHA256"])
    func everyRequiredTopLevelFieldIsNamed(field: String) throws {
        let data = try Self.cardJSON { $0.removeValue(forKey: field) }
        let error = detectorKitError { _ = try VigilJSON.decode(ModelCard.self, from: data) }
        #expect(error == .decoding(type: "ModelCard", problem: "missing field '\(field)'"))
    }

    @Test func metricsRequireTheirDataset() throws {
        let data = try Self.cardJSON { card in
            var evaluation = card["evaluation"] as! [[String: Any]]
            evaluation[0].removeValue(forKey: "dataset")
            card["evaluation"] = evaluation
        }
        let error = detectorKitError { _ = try VigilJSON.decode(ModelCard.self, from: data) }
        #expect(error == .decoding(type: "ModelCard", problem: "missing field 'evaluation[0].dataset'"))
    }

    @Test func referencesMayBeOmittedAndTemperatureDefaultsToOne() throws {
        let data = try Self.cardJSON { card in
            card.removeValue(forKey: "references")
            var io = card["io"] as! [String: Any]
            var outputs = io["outputs"] as! [[String: Any]]
            var labels = outputs[0]["labels"] as! [[String: Any]]
            labels[0].removeValue(forKey: "temperature")
            outputs[0]["labels"] = labels
            io["outputs"] = outputs
            card["io"] = io
        }
        let card = try VigilJSON.decode(ModelCard.self, from: data)
        #expect(card.references.isEmpty)
        #expect(card.io.outputs[0].labels[0].temperature == 1)
        #expect(card.io.outputs[0].labels[0].code == "afib")
    }

    @Test func newerSchemaVersionIsReportedAsSuch() throws {
        // A v2 card may lack v1 fields; the version, not a missing field, must be reported.
        let data = Data(#"{"schemaVersion": 2, "name": "future"}"#.utf8)
        let folder = try ModelFolder(card: data, weights: nil)
        defer { folder.cleanUp() }
        let inner = Self.inner(detectorKitError { _ = try ModelCard.load(from: folder.cardURL) }, path: folder.cardURL)
        #expect(inner == .unsupportedSchemaVersion(type: "ModelCard", found: 2, supported: [1]))
    }

    @Test func invalidValueInFileIsNamed() throws {
        let data = try Self.cardJSON { card in
            var evaluation = card["evaluation"] as! [[String: Any]]
            var metrics = evaluation[0]["metrics"] as! [[String: Any]]
            metrics[0]["ci95"] = ["lower": 0.96, "upper": 0.99]
            evaluation[0]["metrics"] = metrics
            card["evaluation"] = evaluation
        }
        let folder = try ModelFolder(card: data, weights: nil)
        defer { folder.cleanUp() }
        let inner = Self.inner(detectorKitError { _ = try ModelCard.load(from: folder.cardURL) }, path: folder.cardURL)
        #expect(invalidField(inner) == "evaluation[0].metrics[0].ci95")
    }

    @Test func malformedCardFileIsReported() throws {
        let folder = try ModelFolder(card: Data("{\"schemaVersion\": 1,".utf8), weights: nil)
        defer { folder.cleanUp() }
        let inner = Self.inner(detectorKitError { _ = try ModelCard.load(from: folder.cardURL) }, path: folder.cardURL)
        guard case let .decoding(_, problem)? = inner else {
            Issue.record("expected .decoding, got \(String(describing: inner))")
            return
        }
        #expect(problem.hasPrefix("not valid JSON"))
    }

    /// Builds the fixture card with one part replaced, returning the field named by the error.
    static func fieldRejected(_ build: (ModelCard) throws -> ModelCard) -> String? {
        invalidField(detectorKitError { _ = try build(try Fixtures.modelCard()) })
    }

    static func rebuild(_ c: ModelCard, weightsFile: String? = nil, weightsSHA256: String? = nil, notForUse: [String]? = nil,
                        evaluation: [EvaluationResult]? = nil, limitations: [String]? = nil, io: ModelIO? = nil) throws -> ModelCard
    {
        try ModelCard(name: c.name, version: c.version, weightsFile: weightsFile ?? c.weightsFile,
                      weightsSHA256: weightsSHA256 ?? c.weightsSHA256, intendedUse: c.intendedUse,
                      notForUse: notForUse ?? c.notForUse, trainingData: c.trainingData,
                      evaluation: evaluation ?? c.evaluation, limitations: limitations ?? c.limitations,
                      references: c.references, io: io ?? c.io)
    }

    @Test func cardInvariantsNameTheField() {
        let dataset = DatasetDescription(name: "d", size: 10, synthetic: true, source: "s")
        let input = ModelInputSpec(name: "x", shape: [-1, 3], layout: "batch × feature")
        let output = { (labels: [OutputLabel]) in ModelOutputSpec(name: "y", kind: .logits, labels: labels) }
        let label = OutputLabel(code: "a", label: "A", operatingThreshold: 0.5)
        #expect(Self.fieldRejected { try Self.rebuild($0, weightsFile: "../other/model.onnx") } == "weightsFile")
        #expect(Self.fieldRejected { try Self.rebuild($0, weightsFile: "/abs/model.onnx") } == "weightsFile")
        #expect(Self.fieldRejected { try Self.rebuild($0, weightsSHA256: "1234") } == "weightsSHA256")
        #expect(Self.fieldRejected { try Self.rebuild($0, notForUse: []) } == "notForUse")
        #expect(Self.fieldRejected { try Self.rebuild($0, limitations: ["ok", ""]) } == "limitations[1]")
        #expect(Self.fieldRejected { try Self.rebuild($0, evaluation: []) } == "evaluation")
        #expect(Self.fieldRejected {
            try Self.rebuild($0, evaluation: [EvaluationResult(dataset: dataset, metrics: [])])
        } == "evaluation[0].metrics")
        #expect(Self.fieldRejected {
            try Self.rebuild($0, evaluation: [EvaluationResult(dataset: DatasetDescription(name: "d", size: 0, synthetic: true, source: "s"),
                                                               metrics: [Metric(name: "AUROC", value: 0.9)])])
        } == "evaluation[0].dataset.size")
        #expect(Self.fieldRejected {
            try Self.rebuild($0, evaluation: [EvaluationResult(dataset: dataset, metrics: [Metric(name: "AUROC", value: .nan)])])
        } == "evaluation[0].metrics[0].value")
        #expect(Self.fieldRejected {
            try Self.rebuild($0, io: ModelIO(inputs: [ModelInputSpec(name: "x", shape: [-1, 0], layout: "l")], outputs: [output([label])]))
        } == "io.inputs[0].shape[1]")
        #expect(Self.fieldRejected {
            try Self.rebuild($0, io: ModelIO(inputs: [ModelInputSpec(name: "x", shape: [1], layout: "l", preprocessing: ["scale": .number(.infinity)])],
                                             outputs: [output([label])]))
        } == "io.inputs[0].preprocessing.scale")
        #expect(Self.fieldRejected { try Self.rebuild($0, io: ModelIO(inputs: [], outputs: [output([label])])) } == "io.inputs")
        #expect(Self.fieldRejected { try Self.rebuild($0, io: ModelIO(inputs: [input], outputs: [output([])])) } == "io.outputs[0].labels")
        #expect(Self.fieldRejected { try Self.rebuild($0, io: ModelIO(inputs: [input], outputs: [output([label, label])])) }
            == "io.outputs[0].labels[1].code")
        #expect(Self.fieldRejected {
            try Self.rebuild($0, io: ModelIO(inputs: [input], outputs: [output([OutputLabel(code: "a", label: "A", temperature: 0, operatingThreshold: 0.5)])]))
        } == "io.outputs[0].labels[0].temperature")
        #expect(Self.fieldRejected {
            try Self.rebuild($0, io: ModelIO(inputs: [input], outputs: [output([OutputLabel(code: "a", label: "A", operatingThreshold: 1.2)])]))
        } == "io.outputs[0].labels[0].operatingThreshold")
        #expect(Self.fieldRejected {
            try Self.rebuild($0, io: ModelIO(inputs: [input], outputs: [output([OutputLabel(
                code: "a", label: "A", operatingThreshold: 0.5, predictiveValues: PredictiveValues(ppv: 0.5, npv: 0.9, prevalence: 0))])]))
        } == "io.outputs[0].labels[0].predictiveValues.prevalence")
    }

    @Test func hashIsLowercased() throws {
        let card = try Self.rebuild(try Fixtures.modelCard(), weightsSHA256: Fixtures.sha.uppercased())
        #expect(card.weightsSHA256 == Fixtures.sha)
    }

    @Test func calibration() {
        let plain = OutputLabel(code: "a", label: "A", operatingThreshold: 0.5)
        let hot = OutputLabel(code: "a", label: "A", temperature: 2, operatingThreshold: 0.5)
        let sigmoid1 = 1 / (1 + exp(-1.0))
        let sigmoid2 = 1 / (1 + exp(-2.0))
        #expect(plain.calibratedProbability(raw: 0, kind: .logits) == 0.5)
        #expect(abs(plain.calibratedProbability(raw: 2, kind: .logits) - sigmoid2) < 1e-12)
        #expect(abs(hot.calibratedProbability(raw: 2, kind: .logits) - sigmoid1) < 1e-12)
        #expect(abs(hot.calibratedProbability(raw: -2, kind: .logits) - (1 - sigmoid1)) < 1e-12)
        #expect(plain.calibratedProbability(raw: 0.8, kind: .probabilities) == 0.8)
        #expect(abs(hot.calibratedProbability(raw: sigmoid2, kind: .probabilities) - sigmoid1) < 1e-12)
        #expect(hot.calibratedProbability(raw: 1, kind: .probabilities) == 1)
        #expect(plain.calibratedProbability(raw: -800, kind: .logits) >= 0)
        #expect(plain.calibratedProbability(raw: .nan, kind: .logits).isNaN)
        #expect(plain.decision(probability: 0.5) == .positive)
        #expect(plain.decision(probability: 0.49) == .negative)
    }
}
