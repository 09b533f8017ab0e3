import ArgumentParser
import Foundation
import VigilJobs

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
            let failed = try await ArgumentChecks.job { try await WorklistJob.add(studies: studies, folder: folder, db: db) }
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
            try ArgumentChecks.job { try WorklistJob.validateThreshold(threshold) }
            try ArgumentChecks.store(db, mustExist: true)
        }

        func run() async throws {
            try await ArgumentChecks.job {
                try await WorklistJob.tag(db: db, settings: settings, threshold: threshold, detector: detector)
            }
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
            try await ArgumentChecks.job { try await WorklistJob.list(db: db, history: history) }
        }
    }
}
