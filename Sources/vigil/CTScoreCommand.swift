import ArgumentParser
import CTDetector
import DetectorInputs
import DetectorKit
import Foundation

/// `vigil ct score STUDY_DIR_OR_FILES...`: runs the pancreatic CT scorer and prints its finding table
/// (or Vigil JSON), writing the overlay PNGs to an output folder.
struct CTScoreCommand: ParsableCommand {
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

    struct Document: Encodable {
        let input: String
        let outcome: DetectorOutcome
        let modelCards: [ModelCard]
    }

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

    func run() throws {
        try compute.apply()
        let pair = try loadModels()
        var studies: [[URL]] = []
        var loose: [URL] = []
        for path in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
                throw ValidationError("\(path): no such file or folder")
            }
            if isDir.boolValue { studies.append([URL(fileURLWithPath: path)]) } else { loose.append(URL(fileURLWithPath: path)) }
        }
        if !loose.isEmpty { studies.append(loose) }
        var documents: [Document] = []
        var failures = 0
        let outputRoot = URL(fileURLWithPath: output)
        for (n, urls) in studies.enumerated() {
            let name = urls.count == 1 ? urls[0].lastPathComponent : "\(urls.count) files"
            let study: CTStudy
            do {
                study = try CTStudy.read(paths: urls)
            } catch {
                printError("\(name): \(error)")
                failures += 1
                continue
            }
            let folder = outputRoot.appendingPathComponent("study-\(n + 1)")
            let detector = CTPancreasDetector(models: pair, overlayDirectory: folder)
            let report = try detector.score(study)
            if json {
                documents.append(Document(input: name, outcome: report.outcome, modelCards: [pair.localizer.card, pair.lesion.card]))
            } else {
                print(CTScoreTable.render(study: study, name: name, report: report))
            }
        }
        if json {
            let data = documents.count == 1 ? try VigilJSON.encode(documents[0], pretty: true) : try VigilJSON.encode(documents, pretty: true)
            print(String(decoding: data, as: UTF8.self))
        }
        if failures > 0 { throw ExitCode(1) }
    }

    private func loadModels() throws -> CTModelPair {
        switch (localizer, lesion) {
        case let (loc?, les?):
            return try CTModelPair(localizerFolder: URL(fileURLWithPath: loc), lesionFolder: URL(fileURLWithPath: les))
        case (nil, nil):
            let dir = models.map { URL(fileURLWithPath: $0) } ?? ModelsDirectory.resolve()
            return try CTModelPair(modelsDirectory: dir)
        default:
            throw ValidationError("give both --localizer and --lesion, or neither")
        }
    }
}

/// The human-readable table of one study's CT result.
enum CTScoreTable {
    static func render(study: CTStudy, name: String, report: CTStudyReport) -> String {
        var lines = ["CT study \(name): \(study.volumes.count) series (" + study.volumes.map { "\($0.slices)x\($0.rows)x\($0.columns)" }.joined(separator: ", ") + ")"]
        switch report.outcome {
        case let .abstained(a):
            lines.append("  ABSTAINED  \(a.reason)")
            lines.append("  \(a.message)")
            for (k, v) in a.details.sorted(by: { $0.key < $1.key }) { lines.append("    \(k): \(v)") }
        case let .findings(findings):
            for f in findings {
                let p = f.probability.map { String(format: "%.3f", $0) } ?? "-"
                let t = f.threshold.map { String(format: "%.3f", $0) } ?? "-"
                lines.append("  \(f.label) [\(f.code)]  probability \(p)  threshold \(t)  decision \(f.decision.rawValue.uppercased())")
                for m in f.measurements { lines.append("    \(m.name) = \(String(format: "%g", m.value)) \(m.unit)") }
                for e in f.evidence {
                    switch e {
                    case let .slice(index, region, note):
                        let box = region.map { " box x\($0.x) y\($0.y) \($0.width)x\($0.height) px" } ?? ""
                        lines.append("    slice \(index)\(box): \(note ?? "")")
                    case let .image(path, _): lines.append("    image \(path)")
                    case let .text(text): lines.append("    note: \(text)")
                    default: break
                    }
                }
            }
            if let r = report.result {
                let scores = r.sliceScores.map { "\($0.index):\(String(format: "%.2f", $0.logit))" }.joined(separator: " ")
                lines.append("  per-slice scores (index:score): \(scores)")
                lines.append(String(format: "  time %.2f s (checks %.2f, preprocessing %.2f, localiser %.2f, lesion %.2f, saliency %.2f)",
                                    report.checkSeconds + r.timings.total, report.checkSeconds, r.timings.preprocessing,
                                    r.timings.localizer, r.timings.lesion, r.timings.saliency))
            }
        }
        return lines.joined(separator: "\n")
    }
}
