import BatchScoring
import WorklistTagging
import DetectorInputs
import DetectorKit
import FindingsStore
import Foundation
import Testing

/// Counts calls (to prove a stored outcome is reused instead of scoring again).
final class CallCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func increment() { lock.withLock { n += 1 } }
    var count: Int { lock.withLock { n } }
}

/// A fake CT detector: the study label says what to do (`p0.82` → probability 0.82, `blurry` → abstain,
/// `broken` → throw).
struct FakeCTDetector: Detector {
    var version = "1.0.0"
    var card: ModelCard?
    var calls = CallCounter()
    var descriptor: DetectorDescriptor {
        DetectorDescriptor(id: "fake-ct", version: version, name: "Fake CT", inputKind: .ctStudy)
    }
    var modelCard: ModelCard? { card }

    func analyze(_ study: CTStudy) async throws -> DetectorOutcome {
        calls.increment()
        let provenance = DetectorProvenance(descriptor: descriptor, modelCard: modelCard)
        if study.label == "blurry" {
            return .abstained(try Abstention(reason: .imageQualityInsufficient, message: "Too noisy.", detector: provenance))
        }
        if study.label == "broken" { throw BrokenModel() }
        guard study.label.hasPrefix("p"), let p = Double(study.label.dropFirst()) else { throw BrokenModel() }
        return .findings([try Finding(code: "pdac", label: "Pancreatic lesion", probability: p, threshold: 0.4,
                                      decision: Decision(probability: p, threshold: 0.4), detector: provenance)])
    }
}

@Suite("Worklist tagging")
struct WorklistTaggerTests {
    private func setUp(_ labels: [String], _ tmp: TempFolder) async throws -> SQLiteFindingsStore {
        let store = try SQLiteFindingsStore(path: tmp.database, actor: "test")
        for (i, label) in labels.enumerated() {
            let input = try await store.registerInput(NewInput(
                contentSHA256: String(repeating: "0", count: 63) + String(i, radix: 16), path: "/studies/\(label)",
                kind: .ctStudy, studyID: "S-\(i)"))
            _ = try await store.addToWorklist(NewWorklistEntry(studyID: "S-\(i)", input: input.id,
                                                               arrivedAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(i))))
        }
        return store
    }

    private func tagger(_ store: SQLiteFindingsStore, _ detector: FakeCTDetector, _ rules: WorklistTagRules = .init()) -> WorklistTagger {
        WorklistTagger(store: store, detector: AnyDetector(detector), rules: rules) { input in
            CTStudy(label: URL(fileURLWithPath: input.path).lastPathComponent, volumes: [])
        }
    }

    @Test func tagsByScoreAbstentionAndErrorAndListsByPriorityThenArrival() async throws {
        let tmp = try TempFolder()
        defer { tmp.remove() }
        let store = try await setUp(["p0.10", "p0.90", "blurry", "p0.45", "broken", "p0.95"], tmp)
        let report = try await tagger(store, FakeCTDetector()).tag()
        #expect(report.scored == 6)
        #expect(report.tagged == ["PANCREAS-SUSPECT-HIGH": 3, "PANCREAS-SUSPECT-LOW": 1, "NOT-ASSESSABLE: image_quality_insufficient": 1,
                                  "NOT-ASSESSABLE: error": 1])
        let list = try await store.worklist()
        #expect(list.map(\.studyID) == ["S-1", "S-3", "S-5", "S-2", "S-4", "S-0"])
        #expect(list.first?.current?.score == 0.9)
        #expect(list.first?.current?.modelVersion == "fake-ct 1.0.0")
        // The error's reason is in the store.
        let run = RunID(rawValue: 1)
        #expect(try await store.errors(run: run).first?.reason.contains("the model could not be run") == true)
    }

    @Test func theThresholdComesFromSettingsThenTheCardThenTheFinding() async throws {
        let tmp = try TempFolder()
        defer { tmp.remove() }
        let store = try await setUp(["p0.45", "p0.60"], tmp)
        // Finding threshold 0.4: both HIGH. Settings 0.5: one of each.
        let settings = tmp.url.appendingPathComponent("tags.json")
        try Data(#"{"prefix": "PANC", "highThreshold": 0.5}"#.utf8).write(to: settings)
        let rules = try WorklistTagRules.load(from: settings)
        _ = try await tagger(store, FakeCTDetector(), rules).tag()
        #expect(try await store.worklist().map { $0.current?.tag } == ["PANC-SUSPECT-HIGH", "PANC-SUSPECT-LOW"])
        let tooHigh = tmp.url.appendingPathComponent("bad.json")
        try Data(#"{"highThreshold": 1.5}"#.utf8).write(to: tooHigh)
        #expect(throws: WorklistError.badSettings(file: "bad.json", problem: "highThreshold must be within 0…1, got 1.5")) {
            _ = try WorklistTagRules.load(from: tooHigh)
        }
        let rule = WorklistTagRules()
        let card = try Cards.ct(threshold: 0.7)
        let provenance = DetectorProvenance(id: "fake-ct", version: "1", modelName: card.name, modelVersion: card.version,
                                            modelSHA256: card.weightsSHA256)
        let finding = try Finding(code: "pdac", label: "Lesion", probability: 0.6, threshold: 0.4, decision: .positive, detector: provenance)
        #expect(rule.tag(for: .findings([finding]), card: card, modelVersion: "v").tag == "PANCREAS-SUSPECT-LOW")
        #expect(rule.tag(for: .findings([finding]), card: nil, modelVersion: "v").tag == "PANCREAS-SUSPECT-HIGH")
    }

    @Test func retaggingAfterAModelUpdateKeepsTheHistoryAndSameVersionIsLeftAlone() async throws {
        let tmp = try TempFolder()
        defer { tmp.remove() }
        let store = try await setUp(["p0.30"], tmp)
        _ = try await tagger(store, FakeCTDetector()).tag()
        let same = try await tagger(store, FakeCTDetector()).tag()
        #expect(same.upToDate == 1)
        #expect(same.tagged.isEmpty)
        let newer = FakeCTDetector(version: "2.0.0", card: nil)
        let report = try await tagger(store, newer, WorklistTagRules(highThreshold: 0.25)).tag()
        #expect(report.tagged == ["PANCREAS-SUSPECT-HIGH": 1])
        let history = try await store.worklistHistory(studyID: "S-0")
        #expect(history.map(\.tag.tag) == ["PANCREAS-SUSPECT-LOW", "PANCREAS-SUSPECT-HIGH"])
        #expect(history.map(\.tag.modelVersion) == ["fake-ct 1.0.0", "fake-ct 2.0.0"])
    }

    @Test func aStudyAlreadyScoredByThisVersionIsTaggedFromTheStoreWithoutScoringAgain() async throws {
        let tmp = try TempFolder()
        defer { tmp.remove() }
        let store = try await setUp(["p0.80"], tmp)
        let detector = FakeCTDetector()
        // Score it outside the worklist (as a batch would), then tag.
        let run = try await store.startRun(NewRun(detector: DetectorProvenance(descriptor: detector.descriptor, modelCard: nil)))
        let outcome = try await detector.analyze(CTStudy(label: "p0.80", volumes: []))
        _ = try await store.recordOutcome(outcome, input: InputID(rawValue: 1), run: run.id)
        _ = try await store.finishRun(run.id)
        #expect(detector.calls.count == 1)
        let report = try await tagger(store, detector).tag()
        #expect(detector.calls.count == 1)
        #expect(report.scored == 0)
        #expect(report.tagged == ["PANCREAS-SUSPECT-HIGH": 1])
    }

    @Test func importingAStudyFolderRegistersItByContentAndIsIdempotent() async throws {
        let tmp = try TempFolder()
        defer { tmp.remove() }
        let studies = tmp.url.appendingPathComponent("studies")
        for name in ["b-study", "a-study"] {
            let folder = studies.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data("not a DICOM file \(name)".utf8).write(to: folder.appendingPathComponent("1.dcm"))
        }
        let store = try SQLiteFindingsStore(path: tmp.database, actor: "test")
        let folders = try StudyImport.studyFolders(in: studies)
        #expect(folders.map(\.lastPathComponent) == ["a-study", "b-study"])
        for folder in folders { _ = try await StudyImport.add(folder, to: store) }
        _ = try await StudyImport.add(folders[0], to: store)
        let list = try await store.worklist()
        #expect(list.map(\.studyID) == ["a-study", "b-study"])  // unreadable now: named by folder
        #expect(try await store.inputs(kind: .ctStudy, after: nil, limit: 10).count == 2)
        await #expect(throws: WorklistError.self) { _ = try await StudyImport.add(studies.appendingPathComponent("none"), to: store) }
    }
}

extension Cards {
    static func ct(threshold: Double) throws -> ModelCard {
        try ModelCard(
            name: "Fake CT model", version: "0.1.0", weightsFile: "model.onnx",
            weightsSHA256: String(repeating: "cd", count: 32), intendedUse: "Tests only.", notForUse: ["Anything clinical."],
            trainingData: TrainingData(description: "None.", synthetic: true, source: "tests"),
            evaluation: [EvaluationResult(dataset: DatasetDescription(name: "tests", size: 10, synthetic: true, source: "tests"),
                                          metrics: [Metric(name: "AUROC", value: 0.5)])],
            limitations: ["Not a model."],
            io: ModelIO(inputs: [ModelInputSpec(name: "ct", shape: [-1, 1, 64, 64], layout: "batch × channel × y × x")],
                        outputs: [ModelOutputSpec(name: "score", kind: .logits, labels: [
                            OutputLabel(code: "pdac", label: "Pancreatic lesion", operatingThreshold: threshold),
                        ])]))
    }
}
