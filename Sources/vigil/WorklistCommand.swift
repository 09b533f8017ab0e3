import ArgumentParser
import BatchScoring
import DetectorCatalog
import DetectorKit
import FindingsStore
import PostgresStore
import Foundation

/// `vigil worklist add|tag|list`: the radiology worklist in the findings store (docs/batch.md).
struct WorklistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worklist", abstract: "Radiology worklist: add CT studies, tag them with the CT detector, list them.",
        subcommands: [Add.self, Tag.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put CT studies (folders of DICOM files or PNG slices + sidecar) on the worklist.")

        @Argument(help: "Study folders (or single files).") var studies: [String] = []
        @Option(help: "A folder whose sub-folders are studies (imported in name order).") var folder: String?
        @Option(help: "The findings store (SQLite file, created if missing).") var db: String

        func validate() throws {
            for study in studies { try ArgumentChecks.existing(study, "study") }
            if let folder { try ArgumentChecks.existingFolder(folder, option: "--folder") }
            guard !studies.isEmpty || folder != nil else { throw ValidationError("give study folders, or --folder DIR") }
            try ArgumentChecks.store(db, mustExist: false)
        }

        func run() async throws {
            var urls = studies.map { URL(fileURLWithPath: $0) }
            if let folder {
                let found = try StudyImport.studyFolders(in: URL(fileURLWithPath: folder))
                if found.isEmpty { throw ValidationError("--folder \(folder): holds no study folders") }
                urls += found
            }
            let store = try await FindingsStores.open(db, actor: "worklist")
            var added = 0, already = 0, failed = 0
            let formatter = ISO8601DateFormatter()
            for (url, result) in try await StudyImport.add(all: urls, to: store) {
                let name = url.lastPathComponent
                switch result {
                case .added:
                    added += 1
                    print("  added          \(name)")
                case let .alreadyThere(entry):
                    already += 1
                    print("  already there  \(name) (on the worklist since \(formatter.string(from: entry.arrivedAt)))")
                case let .failed(reason):
                    failed += 1
                    print("  not added      \(name)")
                    printError("\(name): not added: \(reason)")
                }
            }
            let total = try await store.worklist().count
            print("\(added) of \(urls.count) studies added, \(already) already on the worklist"
                + (failed > 0 ? ", \(failed) not added" : "") + "; \(total) on the worklist in all")
            if failed > 0 { throw ExitCode(1) }
        }
    }

    struct Tag: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score untagged studies (and studies tagged by another model version) with the CT detector and tag them.",
            discussion: """
            Tags: <PREFIX>-SUSPECT-HIGH (score ≥ threshold), <PREFIX>-SUSPECT-LOW, NOT-ASSESSABLE: <reason>. \
            The threshold defaults to the model card's operating threshold; --settings FILE (JSON: prefix, \
            findingCode, highThreshold, priorities) or --threshold override it. Earlier tags stay in each study's history.
            """)

        @Option(help: "The findings store.") var db: String
        @Option(help: "Tag settings JSON (prefix, findingCode, highThreshold, priorities).") var settings: String?
        @Option(help: "Score threshold for -SUSPECT-HIGH (overrides settings and the model card).") var threshold: Double?
        @Option(help: "The CT detector id (default: the only CT detector registered).") var detector: String?

        func validate() throws {
            if let settings { try ArgumentChecks.existing(settings, "--settings") }
            if let threshold, !(threshold.isFinite && threshold >= 0 && threshold <= 1) {
                throw ValidationError("--threshold must be a score from 0 to 1, got \(threshold)")
            }
            try ArgumentChecks.store(db, mustExist: true)
        }

        func run() async throws {
            var rules = try settings.map { try WorklistTagRules.load(from: URL(fileURLWithPath: $0)) } ?? WorklistTagRules()
            if let threshold { rules.highThreshold = threshold }
            try rules.validate(file: "--threshold")
            let registry = try DetectorCatalog.registry()
            let ct: AnyDetector
            if let detector {
                ct = try registry.lookup(id: detector)
            } else {
                guard let only = registry.detectors(for: .ctStudy).first else { throw BatchError.noDetectors(kind: .ctStudy) }
                ct = only
            }
            let store = try await FindingsStores.open(db, actor: "worklist")
            let tagger = WorklistTagger(store: store, detector: ct, rules: rules)
            let report = try await tagger.tag()
            print("tagged \(report.tagged.values.reduce(0, +)) studies with \(tagger.modelVersion) "
                + "(\(report.scored) scored now; \(report.upToDate) already tagged by this version)")
            for (tag, n) in report.tagged.sorted(by: { $0.key < $1.key }) { print("  \(tag): \(n)") }
            if report.withoutInput > 0 { print("  \(report.withoutInput) studies have no registered input and were not tagged") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the worklist: highest priority first, then by arrival.")

        @Option(help: "The findings store.") var db: String
        @Flag(help: "Also show each study's tag history.") var history = false

        func validate() throws {
            try ArgumentChecks.store(db, mustExist: true)
        }

        func run() async throws {
            let store = try await FindingsStores.open(db, actor: "worklist")
            let entries = try await store.worklist()
            let formatter = ISO8601DateFormatter()
            print("arrived               tag                                  score  model / study")
            for entry in entries {
                let tag = entry.current?.tag ?? "(untagged)"
                let score = entry.current?.score.map { String(format: "%.3f", $0) } ?? "    -"
                print(formatter.string(from: entry.arrivedAt) + "  " + tag.padding(toLength: 36, withPad: " ", startingAt: 0)
                    + " " + score + "  " + (entry.current?.modelVersion ?? "-") + " / " + entry.studyID)
                if history {
                    for record in try await store.worklistHistory(studyID: entry.studyID) {
                        print("    " + formatter.string(from: record.taggedAt) + "  " + record.tag.tag + " ("
                            + (record.tag.modelVersion ?? "-") + ")")
                    }
                }
            }
            if entries.isEmpty { print("(the worklist is empty)") }
        }
    }
}
