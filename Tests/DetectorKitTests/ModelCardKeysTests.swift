import Foundation
import Testing
@testable import DetectorKit

/// The one card-key reader every detector uses, and the calibration math beside ``OutputLabel``.
@Suite struct ModelCardKeysTests {
    let keys = ModelCardKeys(path: "m/model.card.json", values: [
        "rate": .number(500), "half": .number(0.5), "name": .string("x"), "flag": .bool(true), "none": .null,
        "list": .array([.string("I"), .string("II")]), "nums": .array([.number(1), .number(2.5)]),
        "nested": .object(["depth": .number(2)]), "mode": .string("per_lead"),
    ], prefix: "io.inputs[0].preprocessing.")

    enum Mode: String, CaseIterable { case none, perLead = "per_lead" }

    @Test func valuesAreReadWithTheirDefaults() throws {
        #expect(try keys.number("rate") == 500)
        #expect(try keys.integer("rate", in: 50...10_000) == 500)
        #expect(try keys.has("rate") && !keys.has("none") && !keys.has("missing"))
        #expect(try keys.number("missing", default: 3) == 3)
        #expect(try keys.number("none", default: 3) == 3)  // null counts as absent
        #expect(try keys.positive("half") == 0.5)
        #expect(try keys.string("name") == "x")
        #expect(try keys.bool("flag", default: false))
        #expect(try keys.strings("list") == ["I", "II"])
        #expect(try keys.numbers("nums") == [1, 2.5])
        #expect(try keys.choice("mode", default: Mode.none) == .perLead)
        #expect(try keys.choice("missing", default: Mode.none) == Mode.none)
        #expect(try keys.object("nested")?.integer("depth", in: 0...3) == 2)
        #expect(try keys.object("missing") == nil)
    }

    @Test func refusalsNameTheCardAndTheFullKey() {
        func refusal(_ body: () throws -> Void) -> ModelCardKeyError? {
            do { try body(); return nil } catch { return error as? ModelCardKeyError }
        }
        let missing = refusal { _ = try keys.number("absent") }
        #expect(missing == ModelCardKeyError(path: "m/model.card.json", key: "io.inputs[0].preprocessing.absent", problem: "is missing"))
        #expect(missing?.description == "m/model.card.json: io.inputs[0].preprocessing.absent is missing")
        #expect(refusal { _ = try keys.integer("half", in: 1...8) }?.problem.contains("must be an integer from 1 to 8") == true)
        #expect(refusal { _ = try keys.number("name") }?.problem == "must be a number, got \"x\"")
        #expect(refusal { _ = try keys.choice("name", default: Mode.none) }?.problem.contains("\"none\" or \"per_lead\"") == true)
        #expect(refusal { _ = try keys.object("nested")?.integer("depth", in: 5...6) }?.key == "io.inputs[0].preprocessing.nested.depth")
        #expect(refusal { _ = try keys.strings("nums") }?.key == "io.inputs[0].preprocessing.nums")
    }

    @Test func calibratedLogOddsAndTheLogitThresholdAgreeWithTheCalibratedProbability() throws {
        let label = OutputLabel(code: "x", label: "X", temperature: 1.7, operatingThreshold: 0.3)
        for raw in [-4.0, -0.5, 0, 0.8, 3.2] {
            let p = label.calibratedProbability(raw: raw, kind: .logits)
            #expect(abs(1 / (1 + exp(-label.calibratedLogOdds(raw: raw, kind: .logits))) - p) < 1e-12)
            // At or above the logit threshold exactly when the calibrated probability reaches the operating point.
            #expect((raw >= label.logitThreshold) == (p >= label.operatingThreshold))
        }
        for prob in [0.01, 0.3, 0.7, 0.99] {
            let p = label.calibratedProbability(raw: prob, kind: .probabilities)
            #expect(abs(1 / (1 + exp(-label.calibratedLogOdds(raw: prob, kind: .probabilities))) - p) < 1e-9)
        }
        #expect(OutputLabel(code: "x", label: "X", operatingThreshold: 0).logitThreshold == -.infinity)
        #expect(OutputLabel(code: "x", label: "X", operatingThreshold: 1).logitThreshold == .infinity)
    }
}
