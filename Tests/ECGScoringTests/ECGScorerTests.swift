import DetectorCatalog
import DetectorKit
import ECGFormats
import FindingsStore
import Foundation
import Testing
import VigilTestSupport

@testable import ECGScoring

/// The shared scoring call: file bytes and paths give the same document, storing registers one input.
struct ECGScorerTests {
    static let sampleECG = Repository.sampleECG

    /// The rule-based detector only (no model folder), so the tests need no weights and run fast.
    static func ruleScorer(mainsHz: Double? = nil) throws -> ECGScorer {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-no-models-\(UUID().uuidString)")
        let settings = DetectorSettings(ecgMainsHz: mainsHz)
        let registry = try DetectorCatalog.registry(settings: settings, modelsDirectory: empty, warn: { _ in })
        return try ECGScorer(registry: registry, runSettings: settings.runSettings)
    }

    /// The document as JSON with the creation timestamps removed (they differ between two scorings).
    static func json(_ doc: ECGScoreDocument) throws -> String {
        let text = String(decoding: try VigilJSON.encode(doc, pretty: true), as: UTF8.self)
        return text.split(separator: "\n").filter { !$0.contains("\"createdAt\"") }.joined(separator: "\n")
    }

    @Test func theMainFileIsTheOnlyHeaderOrTheOnlyFile() throws {
        #expect(try ECGScorer.mainFile(of: ["r.dat", "r.hea"]) == "r.hea")
        #expect(try ECGScorer.mainFile(of: ["a.xml"]) == "a.xml")
        #expect(throws: ECGScoringError.self) { try ECGScorer.mainFile(of: []) }
        #expect(throws: ECGScoringError.self) { try ECGScorer.mainFile(of: ["a.xml", "b.xml"]) }
        #expect(throws: ECGScoringError.self) { try ECGScorer.mainFile(of: ["a.hea", "b.hea", "a.dat"]) }
        #expect(throws: ECGScoringError.self) { try ECGScorer.mainFile(of: ["../etc.hea"]) }
        #expect(throws: ECGScoringError.self) { try ECGScorer.mainFile(of: [".hidden"]) }
    }

    @Test func uploadedBytesScoreLikeThePathAndCarryNoInputIdUnstored() async throws {
        let scorer = try Self.ruleScorer()
        let hea = Self.sampleECG.appendingPathComponent("mitdb208_excerpt.hea")
        let dat = Self.sampleECG.appendingPathComponent("mitdb208_excerpt.dat")
        let byPath = try await scorer.score(url: hea).document
        let byBytes = try await scorer.score(files: ["mitdb208_excerpt.hea": try Data(contentsOf: hea),
                                                     "mitdb208_excerpt.dat": try Data(contentsOf: dat)]).document
        #expect(byPath.outcomes.count == 1)
        #expect(byPath.input == "mitdb208_excerpt.hea")
        #expect(try Self.json(byPath) == Self.json(byBytes))
        #expect(!(try Self.json(byPath)).contains("inputId"))
    }

    @Test func aHeaderWithoutItsSignalFileIsAReaderErrorNotACrash() async throws {
        let scorer = try Self.ruleScorer()
        let hea = try Data(contentsOf: Self.sampleECG.appendingPathComponent("mitdb208_excerpt.hea"))
        await #expect(throws: (any Error).self) { _ = try await scorer.score(files: ["mitdb208_excerpt.hea": hea]) }
    }

    @Test func storingRegistersOneInputPerContentAndItsOutcomes() async throws {
        let scorer = try Self.ruleScorer(mainsHz: 60)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-scoring-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteFindingsStore(path: dir.appendingPathComponent("f.sqlite").path, actor: "test")
        let xml = Self.sampleECG.appendingPathComponent("synthetic_muse.xml")
        let files = ["synthetic_muse.xml": try Data(contentsOf: xml)]
        let sha = ECGScorer.contentSHA256(files: files)
        let first = try await scorer.store(scorer.score(files: files), contentSHA256: sha, in: store)
        let again = try await scorer.store(scorer.score(files: files), contentSHA256: sha, in: store)
        let id = try #require(first.inputId)
        #expect(again.inputId == id)
        #expect(try Self.json(first).contains("\"inputId\" : \(id)"))
        let findings = try await store.findings(input: InputID(rawValue: id))
        let abstentions = try await store.abstentions(input: InputID(rawValue: id))
        #expect(findings.count + abstentions.count > 0)
    }

    @Test func mainsSettingsReachTheRunSettingsAndKeepTheDetectorSet() throws {
        #expect(DetectorSettings(ecgMainsHz: 50).runSettings["mainsHz"] == .number(50))
        #expect(DetectorSettings().runSettings.isEmpty)
        #expect(try Self.ruleScorer(mainsHz: 50).registry.ids == Self.ruleScorer().registry.ids)
    }

    @Test func multiFileContentKeyDependsOnNamesAndBytes() {
        let a = ECGScorer.contentSHA256(files: ["r.hea": Data("x".utf8), "r.dat": Data("y".utf8)])
        let b = ECGScorer.contentSHA256(files: ["r.hea": Data("x".utf8), "r.dat": Data("z".utf8)])
        #expect(a != b)
        #expect(a.count == 64)
    }
}
