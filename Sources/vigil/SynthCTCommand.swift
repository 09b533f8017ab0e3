import ArgumentParser
import Foundation
import VigilJobs

/// `vigil synth ct`: synthetic portal-venous abdominal CT phantoms with pancreas and lesion masks.
struct SynthCTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ct", abstract: "Generate synthetic abdominal CT phantoms (PNG series + label masks + labels.csv).",
        discussion: """
            Each study goes to OUT/phantom-<seed>/: ct/ (16-bit PNG slices + volume.json, readable by `vigil ct convert` \
            and the CT scorer), labels/ (8-bit masks: 1 pancreas, 2 lesion), phantom.json (ground truth). \
            OUT/labels.csv lists study, lesion_present, lesion_diameter_mm, lesion_center_slice, seed. \
            Synthetic phantoms, not patient data.
            """)

    @Option(help: "Number of studies.") var count: Int = 1
    @Option(help: "Output folder.") var out: String
    @Option(help: "Seed of the first study; study i uses seed + i.") var seed: UInt64 = 1
    @Option(help: "Rows and columns per slice.") var matrix: Int = 512
    @Option(help: "Slices per study (centred on the pancreas).") var slices: Int = 64
    @Option(help: "Pixel spacing in mm (default: drawn 0.7–0.9 per study).") var pixelSpacing: Double?
    @Option(help: "Slice thickness in mm.") var sliceThickness: Double = 2.5
    @Option(help: "Slice spacing in mm.") var sliceSpacing: Double = 2.5
    @Option(help: "Lesion: random, present or absent.") var lesion: String = "random"
    @Option(help: "Probability of a lesion when --lesion random.") var lesionProbability: Double = 0.5
    @Option(help: "Lesion longest diameter in mm (5–40) when --lesion present (default: drawn log-uniform).") var lesionDiameter: Double?
    @Option(help: "Noise σ in HU (default: drawn 10–20 per study).") var noiseSigma: Double?

    private var options: SynthCTJob.Options {
        var options = SynthCTJob.Options(out: out)
        options.count = count
        options.seed = seed
        options.matrix = matrix
        options.slices = slices
        options.pixelSpacingMM = pixelSpacing
        options.sliceThicknessMM = sliceThickness
        options.sliceSpacingMM = sliceSpacing
        options.lesion = lesion
        options.lesionProbability = lesionProbability
        options.lesionDiameterMM = lesionDiameter
        options.noiseSigmaHU = noiseSigma
        return options
    }

    func validate() throws {
        try ArgumentChecks.job { try options.validate() }
        try ArgumentChecks.outputFolder(out, option: "--out")
    }

    func run() throws {
        try ArgumentChecks.job { try SynthCTJob.run(options) }
    }
}
