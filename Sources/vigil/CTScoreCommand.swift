import ArgumentParser
import CTScoring
import DetectorCatalog
import DetectorKit
import Foundation

/// `vigil ct score STUDY_DIR_OR_FILES...`: runs every registered CT detector (the pancreatic CT scorer)
/// through the registry and prints its finding table (or Vigil JSON), asking for the overlay PNGs in an
/// output folder.
struct CTScoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score", abstract: "Score CT studies with the pancreatic lesion scorer (overlay PNGs to --output).",
        discussion: """
            Each folder argument is one study; files given directly (DICOM, NIfTI .nii/.nii.gz, or 16-bit PNG slices with their sidecar) \
            form one more study together. Models: MODELS/ct-pancreas-localizer and MODELS/ct-pancreas-lesion \
            (--models, default $VIGIL_MODELS or ./Models), or a hospital's own pair with --localizer and --lesion. \
            Overlays go to OUTPUT/study-<n>/ (slice-<index>.png per key slice, montage.png). --json prints \
            {"input", "outcome", "modelCards"} per study in the DetectorKit schema (docs/findings-schema.md). \
            No patient identifiers are printed.
            """)

    @Argument(help: "Study folders, or the files of one study.") var paths: [String]
    @Option(help: "Folder holding ct-pancreas-localizer/ and ct-pancreas-lesion/.") var models: String?
    @Option(help: "A localiser model folder (model.card.json + weights); with --lesion, replaces --models.") var localizer: String?
    @Option(help: "A lesion model folder (model.card.json + weights); with --localizer, replaces --models.") var lesion: String?
    @Option(help: "Folder for the overlay PNGs.") var output: String = "ct-overlays"
    @Flag(help: "Print Vigil JSON instead of the table.") var json = false
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give at least one study folder or file") }
        for path in paths { try ArgumentChecks.existing(path, "study") }
        switch (localizer, lesion) {
        case let (loc?, les?):
            try ArgumentChecks.existingFolder(loc, option: "--localizer")
            try ArgumentChecks.existingFolder(les, option: "--lesion")
            if models != nil { throw ValidationError("give --models, or --localizer and --lesion, not both") }
        case (nil, nil):
            if let models { try ArgumentChecks.existingFolder(models, option: "--models") }
        default:
            throw ValidationError("give both --localizer and --lesion, or neither")
        }
        try ArgumentChecks.outputFolder(output, option: "--output")
    }

    func run() async throws {
        try compute.apply()
        var settings = DetectorSettings()
        if let localizer, let lesion {
            settings.ctModelFolders = (URL(fileURLWithPath: localizer), URL(fileURLWithPath: lesion))
        }
        let scorer = try CTScorer(registry: DetectorCatalog.registry(settings: settings, modelsDirectory: models.map { URL(fileURLWithPath: $0) }))
        var documents: [CTScore.Document] = []
        var failures = 0
        let outputRoot = URL(fileURLWithPath: output)
        for (n, urls) in try CTScorer.studies(paths.map { URL(fileURLWithPath: $0) }).enumerated() {
            let name = urls.count == 1 ? urls[0].lastPathComponent : "\(urls.count) files"
            let scores: [CTScore]
            do {
                scores = try await scorer.score(studyAt: urls, name: name, artefacts: outputRoot.appendingPathComponent("study-\(n + 1)"))
            } catch CTScoringError.unreadableStudy(let message) {
                printError("\(name): \(message)")
                failures += 1
                continue
            }
            for score in scores {
                if json { documents.append(score.document) } else { print(score.text) }
            }
        }
        if json {
            let data = documents.count == 1 ? try VigilJSON.encode(documents[0], pretty: true) : try VigilJSON.encode(documents, pretty: true)
            print(String(decoding: data, as: UTF8.self))
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
