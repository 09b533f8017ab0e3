import ArgumentParser
import Foundation
import VigilBench

/// `vigil bench ct`: seconds per CT volume next to onnxruntime (``VigilBench/CTPipelineBenchmark``).
struct BenchCTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ct", abstract: "CT pipeline seconds per volume vs the same models in onnxruntime (goal ≤ 1.5x).",
        discussion: """
            Synthesises one abdominal phantom (CTSynth, seed 1, a 20 mm lesion; 512 x 512 x 200 by default), then \
            times the detector on it: intended-use checks, resampling, localiser on every slice, lesion model on the \
            pancreas crops, occlusion saliency on the top slices, and overlay rendering (no files written). The peer \
            runs the same resampling (scipy), models (onnxruntime) and saliency batch, without checks or rendering; \
            the ratio is given for the whole pipeline and for the same steps the peer runs. Medians of --repeats runs \
            after one warm-up. Goal: ≤ 1.5x onnxruntime's time.
            """)

    @Option(help: "Rows and columns of the phantom.") var matrix = 512
    @Option(help: "Slices of the phantom.") var slices = 200
    @Option(help: "Folder holding ct-pancreas-localizer/ and ct-pancreas-lesion/ (default $VIGIL_MODELS or ./Models).") var models: String?
    @Option(help: "A localiser model folder (with --lesion).") var localizer: String?
    @Option(help: "A lesion model folder (with --localizer).") var lesion: String?
    @Option(help: "Timed runs (median reported).") var repeats = 3
    @Option(help: "Python interpreter with numpy, scipy and onnxruntime for the peer.") var python = "python3"
    @Flag(help: "Skip the onnxruntime peer.") var noPeer = false
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
        guard (16...2048).contains(matrix) else { throw ValidationError("--matrix must be 16…2048, got \(matrix)") }
        guard (1...2000).contains(slices) else { throw ValidationError("--slices must be 1…2000, got \(slices)") }
        switch (localizer, lesion) {
        case let (loc?, les?):
            try ArgumentChecks.existingFolder(loc, option: "--localizer")
            try ArgumentChecks.existingFolder(les, option: "--lesion")
        case (nil, nil):
            if let models { try ArgumentChecks.existingFolder(models, option: "--models") }
        default: throw ValidationError("give both --localizer and --lesion, or neither")
        }
    }

    func run() throws {
        try compute.apply()
        var bench: CTPipelineBenchmark
        switch (localizer, lesion) {
        case let (loc?, les?): bench = CTPipelineBenchmark(localizer: URL(fileURLWithPath: loc), lesion: URL(fileURLWithPath: les))
        case (nil, nil): bench = CTPipelineBenchmark(models: models.map { URL(fileURLWithPath: $0) })
        default: throw ValidationError("give both --localizer and --lesion, or neither")
        }
        bench.matrix = matrix
        bench.slices = slices
        bench.repeats = repeats
        bench.python = python
        bench.skipPeer = noPeer
        try bench.run(.standard)
    }
}
