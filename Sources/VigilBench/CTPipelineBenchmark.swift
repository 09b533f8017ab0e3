import CTDetector
import CTSynth
import DetectorInputs
import DetectorKit
import Foundation
import ImagingFormats
import TensorCore

/// `vigil bench ct`: seconds per CT volume for the whole pancreas scoring pipeline on a synthetic phantom,
/// next to the same models and steps in numpy + scipy + onnxruntime (`Tools/bench/ct_peer.py`), as a ratio.
public struct CTPipelineBenchmark: Sendable {
    /// Rows and columns of the phantom.
    public var matrix = 512
    /// Slices of the phantom.
    public var slices = 200
    /// The localiser and lesion model folders.
    public var localizer: URL
    public var lesion: URL
    /// Timed runs (the median is reported), after one warm-up.
    public var repeats = 3
    /// The interpreter with numpy, scipy and onnxruntime for the peer.
    public var python = "python3"
    /// Skip the onnxruntime peer.
    public var skipPeer = false

    /// A benchmark of the models in `localizer` and `lesion`.
    public init(localizer: URL, lesion: URL) {
        self.localizer = localizer
        self.lesion = lesion
    }

    /// A benchmark of the shipped model folders under `models` (default `$VIGIL_MODELS` or `./Models`).
    public init(models: URL? = nil) {
        let dir = models ?? ModelsDirectory.resolve()
        self.init(localizer: dir.appendingPathComponent(CTModelPair.localizerFolderName),
                  lesion: dir.appendingPathComponent(CTModelPair.lesionFolderName))
    }

    /// Synthesises the phantom, times the detector and the peer, and writes the report to `output`.
    public func run(_ output: BenchOutput) throws {
        guard repeats >= 1 else { throw BenchError("repeats must be at least 1") }
        let pair = try CTModelPair(localizerFolder: localizer, lesionFolder: lesion)
        output.note("synthesising a \(matrix)x\(matrix)x\(slices) phantom …")
        var p = PhantomParameters(seed: 1)
        p.matrix = matrix
        p.sliceCount = slices
        p.lesion = .present(diameterMM: 20)
        let phantom = try PhantomGenerator.generate(p)
        let study = CTStudy(label: "bench-phantom", volumes: [phantom.volume])
        let detector = CTPancreasDetector(models: pair)

        output.note("timing Vigil …")
        _ = try detector.score(study)
        var totals: [Double] = [], same: [Double] = [], inference: [Double] = []
        var last: CTStudyReport?
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            let report = try detector.score(study)
            totals.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            if let t = report.result?.timings {
                same.append(t.preprocessing + t.inference + t.other)
                inference.append(t.inference)
            }
            last = report
        }
        let peer = skipPeer ? nil : runPeer(volume: phantom.volume, output: output)
        let median = BenchMath.median

        output.line("Vigil CT benchmark  (\(ProcessInfo.processInfo.activeProcessorCount) cores visible, threads \(TensorThreads.count))")
        output.line("volume     \(slices) x \(matrix) x \(matrix) synthetic phantom (CTSynth seed 1, 20 mm lesion), \(String(format: "%.2f", phantom.volume.rowSpacingMM)) mm pixels")
        output.line("models     \(pair.localizer.card.name) \(pair.localizer.card.version); \(pair.lesion.card.name) \(pair.lesion.card.version)")
        if let r = last?.result {
            output.line("result     \(r.sliceScores.count) slices scored, study score \(String(format: "%.4f", r.studyLogit)), p \(String(format: "%.3f", r.probability)), top slices \(r.keySlices.map(\.score.index))")
            let t = r.timings
            output.line(String(format: "vigil      %.3f s per volume (median of %d); last run: checks %.3f, preprocessing %.3f, localiser %.3f, lesion %.3f, saliency %.3f, masks+aggregation %.3f, overlays %.3f",
                               median(totals), repeats, last?.checkSeconds ?? 0, t.preprocessing, t.localizer, t.lesion, t.saliency,
                               t.other, last?.renderSeconds ?? 0))
        } else if let a = last?.outcome.abstention {
            output.line("result     ABSTAINED \(a.reason): \(a.message)")
        }
        guard let peer else {
            output.line("peer       skipped\(skipPeer ? " (--no-peer)" : "")")
            return
        }
        output.line(String(format: "peer       %.3f s per volume (onnxruntime %@, scipy %@): inference %.3f, the rest %.3f; %d slices scored, study score %.4f, top slices %@",
                           peer.total, peer.ortVersion, peer.scipyVersion, peer.inference, peer.total - peer.inference, peer.scored, peer.studyScore,
                           peer.topSlices.map(String.init).joined(separator: ", ")))
        output.line(String(format: "ratio      whole pipeline %.2fx   same steps as the peer %.2fx   model inference only %.2fx   (vigil / onnxruntime; goal ≤ 1.5x)",
                           median(totals) / peer.total, median(same) / peer.total, median(inference) / peer.inference))
        output.line("Ratios come from one run on this machine and vary with its load.")
    }

    struct PeerResult {
        let total: Double, inference: Double, scored: Int, studyScore: Double
        let ortVersion: String, scipyVersion: String
        let topSlices: [Int]
    }

    /// Writes the volume and geometry to a temporary folder and runs the peer on them.
    private func runPeer(volume: ImageVolume, output: BenchOutput) -> PeerResult? {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-ct-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: tmp) }
        do {
            try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
            try NPYFile.write(Tensor(shape: volume.shape, storage: volume.voxels), to: tmp.appendingPathComponent("volume.npy"))
            let geometry: [String: Any] = ["rowSpacingMM": volume.rowSpacingMM, "columnSpacingMM": volume.columnSpacingMM,
                                           "slicePositionsMM": volume.slicePositionsMM]
            try JSONSerialization.data(withJSONObject: geometry).write(to: tmp.appendingPathComponent("geometry.json"))
        } catch {
            output.note("peer skipped: cannot write its input: \(error)")
            return nil
        }
        output.note("running the onnxruntime peer …")
        let peer = PythonPeer(python: python, script: "Tools/bench/ct_peer.py")
        let result = peer.run(["--volume", tmp.appendingPathComponent("volume.npy").path,
                               "--geometry", tmp.appendingPathComponent("geometry.json").path,
                               "--localizer", localizer.path, "--lesion", lesion.path,
                               "--threads", String(TensorThreads.count), "--repeats", String(repeats), "--json"])
        switch result {
        case .failure(let why):
            output.note("peer skipped: \(why) (it needs numpy, scipy, onnxruntime)")
            return nil
        case .success(let json):
            guard let total = json["total_s"]?.double, let inference = json["inference_s"]?.double else {
                output.note("peer skipped: its JSON has no total_s")
                return nil
            }
            return PeerResult(total: total, inference: inference, scored: json["scored_slices"]?.int ?? 0,
                              studyScore: json["study_score"]?.double ?? .nan,
                              ortVersion: json["onnxruntime"]?.string ?? "?", scipyVersion: json["scipy"]?.string ?? "?",
                              topSlices: json["top_slices"]?.list?.compactMap(\.int) ?? [])
        }
    }
}
