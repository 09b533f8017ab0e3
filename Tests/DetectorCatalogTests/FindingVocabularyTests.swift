import DetectorCatalog
import DetectorKit
import Explainer
import Foundation
import Testing
import VigilTestSupport

/// One vocabulary: every finding code a shipped detector can emit has a knowledge entry (so the explainer
/// never meets a code it knows nothing about), and a detector cannot emit a code it did not declare.
@Suite struct FindingVocabularyTests {
    private let repositoryModels = Repository.models

    /// "detector: code" for every declared code without a knowledge entry, and "detector: no codes declared".
    static func missingKnowledge(_ registry: DetectorRegistry, knowledge: KnowledgeBase = .embedded) -> [String] {
        registry.detectors.flatMap { d -> [String] in
            guard let codes = d.findingCodes, !codes.isEmpty else { return ["\(d.id): no finding codes declared"] }
            return codes.sorted().filter { knowledge.entry(forCode: $0) == nil }.map { "\(d.id): \($0)" }
        }
    }

    @Test func everyCodeAShippedDetectorCanEmitHasAKnowledgeEntry() throws {
        let registry = try DetectorCatalog.registry(modelsDirectory: repositoryModels, warn: { _ in })
        #expect(registry.count == 4)
        #expect(Self.missingKnowledge(registry) == [])
        let codes = registry.detectors.compactMap(\.findingCodes).reduce(Set<String>()) { $0.union($1) }
        #expect(codes.isSuperset(of: ["ecg.afib", "ecg.cnn.lbbb", "ecg.af.afib", "ct.pancreas.lesion_suspected"]))
        #expect(!codes.contains("ecg.cnn.afib"))  // withheld by the CNN card
    }

    struct Toy: DetectorInput {
        static var kind: InputKind { "toy" }
        var inputDescription: String { "toy" }
    }

    struct Declaring: Detector {
        var codes: Set<String>?
        var emits = "toy.high"
        var descriptor: DetectorDescriptor { DetectorDescriptor(id: "toy", version: "1", name: "Toy", inputKind: "toy") }
        var modelCard: ModelCard? { nil }
        var findingCodes: Set<String>? { codes }
        func analyze(_ input: Toy) async throws -> DetectorOutcome {
            .findings([try Finding(code: emits, label: "High", probability: 0.9, threshold: 0.5, decision: .positive,
                                   detector: DetectorProvenance(descriptor: descriptor, modelCard: nil))])
        }
    }

    @Test func theCheckFailsForACodeWithoutAnEntryOrADetectorThatDeclaresNone() throws {
        #expect(Self.missingKnowledge(try DetectorRegistry([AnyDetector(Declaring(codes: ["ecg.afib", "ecg.brugada"]))]))
                == ["toy: ecg.brugada"])
        #expect(Self.missingKnowledge(try DetectorRegistry([AnyDetector(Declaring(codes: nil))])) == ["toy: no finding codes declared"])
    }

    @Test func aFindingWithAnUndeclaredCodeIsRefused() async throws {
        let honest = AnyDetector(Declaring(codes: ["toy.high"]))
        #expect(try await honest.analyze(Toy()).findings?.count == 1)
        let lying = AnyDetector(Declaring(codes: ["toy.high"], emits: "toy.other"))
        await #expect(throws: DetectorKitError.self) { _ = try await lying.analyze(Toy()) }
    }
}
