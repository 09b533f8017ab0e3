import Foundation
import Testing
@testable import DetectorKit

@Suite struct RegistryTests {
    static func registry() throws -> DetectorRegistry {
        var registry = DetectorRegistry()
        try registry.register(ThresholdDetector())
        try registry.register(OtherDetector())
        return registry
    }

    @Test func registrationAndListing() throws {
        let registry = try Self.registry()
        #expect(registry.count == 2)
        #expect(registry.ids == ["other-detector", "toy-threshold"])
        #expect(registry.descriptors.map(\.name) == ["Other", "Toy threshold"])
        #expect(registry.detectors(for: "toy_reading").map(\.id) == ["toy-threshold"])
        #expect(registry.detectors(for: "other").map(\.id) == ["other-detector"])
        #expect(registry.detectors(for: .ecg).isEmpty)
        #expect(registry.detector(id: "toy-threshold")?.inputTypeKind == "toy_reading")
        #expect(registry.detector(id: "toy-threshold")?.inputTypeName.hasSuffix("ToyReading") == true)
        #expect(registry.detector(id: "missing") == nil)
    }

    @Test func positiveAndNegativeFindings() async throws {
        let registry = try Self.registry()
        let high = try await registry.analyze(id: "toy-threshold", input: ToyReading(value: 0.8))
        let finding = try #require(high.findings?.first)
        #expect(finding.decision == .positive)
        #expect(finding.probability == 0.8)
        #expect(finding.detector == DetectorProvenance(id: "toy-threshold", version: "1.0.0"))
        let low = try await registry.analyze(id: "toy-threshold", input: ToyReading(value: 0.2))
        #expect(low.findings?.first?.decision == .negative)
        #expect(try await registry.analyze(id: "other-detector", input: OtherInput()) == .findings([]))
    }

    @Test func abstentionIsAResultNotAScore() async throws {
        let registry = try Self.registry()
        let outcome = try await registry.analyze(id: "toy-threshold", input: ToyReading(value: .nan))
        let abstention = try #require(outcome.abstention)
        #expect(outcome.findings == nil)
        #expect(abstention.reason == .signalUnreadable)
        #expect(abstention.detector.id == "toy-threshold")
        #expect(abstention.details["raw"] == "NaN")
        let outside = try await registry.analyze(id: "toy-threshold", input: ToyReading(value: 3))
        #expect(outside.abstention?.reason == .outsideIntendedUse)
        #expect(outside.abstention?.details["value"]?.doubleValue == 3)
    }

    @Test func duplicateIDIsAnError() throws {
        var registry = try Self.registry()
        #expect(throws: DetectorKitError.duplicateDetector(id: "toy-threshold")) {
            try registry.register(ThresholdDetector(threshold: 0.7))
        }
        #expect(registry.count == 2)
        #expect(throws: DetectorKitError.duplicateDetector(id: "toy-threshold")) {
            _ = try DetectorRegistry([AnyDetector(ThresholdDetector()), AnyDetector(ThresholdDetector())])
        }
    }

    @Test func unknownIDListsTheKnownOnes() async throws {
        let registry = try Self.registry()
        await #expect(throws: DetectorKitError.unknownDetector(id: "ecg-rhythm", known: ["other-detector", "toy-threshold"])) {
            _ = try await registry.analyze(id: "ecg-rhythm", input: ToyReading(value: 0.5))
        }
    }

    @Test func inputKindMismatchIsAClearError() async throws {
        let registry = try Self.registry()
        let expected = DetectorKitError.inputKindMismatch(detectorID: "toy-threshold", expected: "toy_reading",
                                                          received: "other", input: "other input")
        await #expect(throws: expected) {
            _ = try await registry.analyze(id: "toy-threshold", input: OtherInput())
        }
        #expect(expected.description == "detector 'toy-threshold' reads 'toy_reading' inputs, not 'other' (other input)")
    }

    @Test func sameKindOtherTypeIsAnError() async throws {
        let registry = try Self.registry()
        let error = await #expect(throws: DetectorKitError.self) {
            _ = try await registry.analyze(id: "toy-threshold", input: ImpostorReading())
        }
        guard case let .inputTypeMismatch(id, expected, received)? = error else {
            Issue.record("expected .inputTypeMismatch, got \(String(describing: error))")
            return
        }
        #expect(id == "toy-threshold")
        #expect(expected.hasSuffix("ToyReading"))
        #expect(received.hasSuffix("ImpostorReading"))
    }

    @Test func descriptorKindMustMatchInputType() {
        var registry = DetectorRegistry()
        let error = #expect(throws: DetectorKitError.self) { try registry.register(MislabelledDetector()) }
        guard case let .invalidDescriptor(id, problem)? = error else {
            Issue.record("expected .invalidDescriptor, got \(String(describing: error))")
            return
        }
        #expect(id == "mislabelled")
        #expect(problem.contains("'ecg'") && problem.contains("'toy_reading'"))
        #expect(registry.count == 0)
    }

    @Test(arguments: ["", "Toy", "toy threshold", "-toy", "toy/threshold", "tóy"])
    func badIDsAreRefused(id: String) {
        var registry = DetectorRegistry()
        var detector = ThresholdDetector()
        detector.descriptor = DetectorDescriptor(id: id, version: "1.0.0", name: "Toy", inputKind: "toy_reading")
        #expect(throws: DetectorKitError.self) { try registry.register(detector) }
        #expect(registry.count == 0)
    }

    @Test func goodIDsAreAccepted() throws {
        var registry = DetectorRegistry()
        for id in ["ecg-rhythm", "ct.pancreas_v2", "0abc"] {
            var detector = ThresholdDetector()
            detector.descriptor = DetectorDescriptor(id: id, version: "1.0.0", name: "Toy", inputKind: "toy_reading")
            try registry.register(detector)
        }
        #expect(registry.ids == ["0abc", "ct.pancreas_v2", "ecg-rhythm"])
    }

    @Test func outcomeNamingAnotherDetectorIsRefused() async throws {
        var registry = DetectorRegistry()
        try registry.register(ForgingDetector(modelCard: nil, stamp: DetectorProvenance(id: "toy-threshold", version: "1.0.0")))
        let error = await #expect(throws: DetectorKitError.self) {
            _ = try await registry.analyze(id: "forging", input: ToyReading(value: 0.5))
        }
        guard case let .invalidOutcome(id, problem)? = error else {
            Issue.record("expected .invalidOutcome, got \(String(describing: error))")
            return
        }
        #expect(id == "forging")
        #expect(problem.contains("'toy-threshold'"))
    }

    @Test func outcomeNamingAnotherModelIsRefused() async throws {
        let card = try Fixtures.modelCard()
        let other = String(repeating: "0", count: 64)
        var registry = DetectorRegistry()
        try registry.register(ForgingDetector(
            modelCard: card,
            stamp: DetectorProvenance(id: "forging", version: "1.0.0", modelName: card.name,
                                      modelVersion: card.version, modelSHA256: other)))
        let error = await #expect(throws: DetectorKitError.self) {
            _ = try await registry.analyze(id: "forging", input: ToyReading(value: 0.5))
        }
        guard case let .invalidOutcome(_, problem)? = error else {
            Issue.record("expected .invalidOutcome, got \(String(describing: error))")
            return
        }
        #expect(problem.contains(other) && problem.contains(card.weightsSHA256))

        // With the card's own provenance the same detector passes.
        var honest = DetectorRegistry()
        try honest.register(ForgingDetector(
            modelCard: card,
            stamp: DetectorProvenance(descriptor: DetectorDescriptor(id: "forging", version: "1.0.0", name: "Forging",
                                                                     inputKind: "toy_reading"), modelCard: card)))
        let outcome = try await honest.analyze(id: "forging", input: ToyReading(value: 0.5))
        #expect(outcome.findings?.first?.detector.modelSHA256 == card.weightsSHA256)
    }

    @Test func concurrentCallsShareOneRegistry() async throws {
        let registry = try Self.registry()
        let positives = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<200 {
                group.addTask {
                    let outcome = try await registry.analyze(id: "toy-threshold", input: ToyReading(value: Double(i % 10) / 10))
                    return outcome.findings?.first?.decision == .positive
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(positives == 100)   // values 0.5…0.9 of every ten
    }

    @Test func builtInInputKinds() {
        #expect(InputKind.ecg.rawValue == "ecg")
        #expect(InputKind.ctStudy.rawValue == "ct_study")
        #expect(InputKind("custom") == "custom")
    }
}
