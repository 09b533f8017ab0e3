import ArgumentParser
import CTDetector
import CTSynth
import DetectorInputs
import DetectorKit
import Foundation
import ImagingFormats
import TensorCore

/// `vigil bench ct`: seconds per CT volume for the whole scoring pipeline, next to the same models and
/// steps in numpy + scipy + onnxruntime (Tools/bench/ct_peer.py), as a ratio.
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
        let (locURL, lesURL) = try modelFolders()
        let pair = try CTModelPair(localizerFolder: locURL, lesionFolder: lesURL)
        printError("synthesising a \(matrix)x\(matrix)x\(slices) phantom …")
        var p = PhantomParameters(seed: 1)
        p.matrix = matrix
        p.sliceCount = slices
        p.lesion = .present(diameterMM: 20)
        let phantom = try PhantomGenerator.generate(p)
        let study = CTStudy(label: "bench-phantom", volumes: [phantom.volume])
        let detector = CTPancreasDetector(models: pair)

        printError("timing Vigil …")
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
        let peer = noPeer ? nil : runPeer(volume: phantom.volume, localizer: locURL, lesion: lesURL)

        print("Vigil CT benchmark  (\(ProcessInfo.processInfo.activeProcessorCount) cores visible, threads \(TensorThreads.count))")
        print("volume     \(slices) x \(matrix) x \(matrix) synthetic phantom (CTSynth seed 1, 20 mm lesion), \(String(format: "%.2f", phantom.volume.rowSpacingMM)) mm pixels")
        print("models     \(pair.localizer.card.name) \(pair.localizer.card.version); \(pair.lesion.card.name) \(pair.lesion.card.version)")
        if let r = last?.result {
            print("result     \(r.sliceScores.count) slices scored, study score \(String(format: "%.4f", r.studyLogit)), p \(String(format: "%.3f", r.probability)), top slices \(r.keySlices.map(\.score.index))")
            let t = r.timings
            print(String(format: "vigil      %.3f s per volume (median of %d); last run: checks %.3f, preprocessing %.3f, localiser %.3f, lesion %.3f, saliency %.3f, masks+aggregation %.3f, overlays %.3f",
                         median(totals), repeats, last?.checkSeconds ?? 0, t.preprocessing, t.localizer, t.lesion, t.saliency,
                         t.other, last?.renderSeconds ?? 0))
        } else if let a = last?.outcome.abstention {
            print("result     ABSTAINED \(a.reason): \(a.message)")
        }
        guard let peer else {
            print("peer       skipped\(noPeer ? " (--no-peer)" : "")")
            return
        }
        print(String(format: "peer       %.3f s per volume (onnxruntime %@, scipy %@): inference %.3f, the rest %.3f; %d slices scored, study score %.4f, top slices %@",
                     peer.total, peer.ortVersion, peer.scipyVersion, peer.inference, peer.total - peer.inference, peer.scored, peer.studyScore,
                     peer.topSlices.map(String.init).joined(separator: ", ")))
        print(String(format: "ratio      whole pipeline %.2fx   same steps as the peer %.2fx   model inference only %.2fx   (vigil / onnxruntime; goal ≤ 1.5x)",
                     median(totals) / peer.total, median(same) / peer.total, median(inference) / peer.inference))
        print("Ratios come from one run on this machine and vary with its load.")
    }

    private func modelFolders() throws -> (URL, URL) {
        switch (localizer, lesion) {
        case let (loc?, les?): return (URL(fileURLWithPath: loc), URL(fileURLWithPath: les))
        case (nil, nil):
            let dir = models.map { URL(fileURLWithPath: $0) } ?? ModelsDirectory.resolve()
            return (dir.appendingPathComponent(CTModelPair.localizerFolderName), dir.appendingPathComponent(CTModelPair.lesionFolderName))
        default: throw ValidationError("give both --localizer and --lesion, or neither")
        }
    }

    struct PeerResult {
        let total: Double, inference: Double, scored: Int, studyScore: Double
        let ortVersion: String, scipyVersion: String
        let topSlices: [Int]
    }

    /// Writes the volume and geometry to a temporary folder and runs Tools/bench/ct_peer.py.
    private func runPeer(volume: ImageVolume, localizer: URL, lesion: URL) -> PeerResult? {
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let script = root.appendingPathComponent("Tools/bench/ct_peer.py")
        guard FileManager.default.fileExists(atPath: script.path) else {
            printError("peer skipped: \(script.path) not found (run from the repository root)")
            return nil
        }
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-ct-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: tmp) }
        do {
            try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
            try NPYFile.write(Tensor(shape: volume.shape, storage: volume.voxels), to: tmp.appendingPathComponent("volume.npy"))
            let geometry: [String: Any] = ["rowSpacingMM": volume.rowSpacingMM, "columnSpacingMM": volume.columnSpacingMM,
                                           "slicePositionsMM": volume.slicePositionsMM]
            try JSONSerialization.data(withJSONObject: geometry).write(to: tmp.appendingPathComponent("geometry.json"))
        } catch {
            printError("peer skipped: cannot write its input: \(error)")
            return nil
        }
        printError("running the onnxruntime peer …")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script.path, "--volume", tmp.appendingPathComponent("volume.npy").path,
                             "--geometry", tmp.appendingPathComponent("geometry.json").path,
                             "--localizer", localizer.path, "--lesion", lesion.path,
                             "--threads", String(TensorThreads.count), "--repeats", String(repeats), "--json"]
        let out = Pipe()
        process.standardOutput = out
        do { try process.run() } catch {
            printError("peer skipped: cannot start \(python): \(error)")
            return nil
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let total = json["total_s"] as? Double, let inference = json["inference_s"] as? Double
        else {
            printError("peer skipped: \(python) \(script.lastPathComponent) failed (status \(process.terminationStatus); needs numpy, scipy, onnxruntime)")
            return nil
        }
        return PeerResult(total: total, inference: inference, scored: json["scored_slices"] as? Int ?? 0,
                          studyScore: json["study_score"] as? Double ?? .nan,
                          ortVersion: json["onnxruntime"] as? String ?? "?", scipyVersion: json["scipy"] as? String ?? "?",
                          topSlices: json["top_slices"] as? [Int] ?? [])
    }

    private func median(_ xs: [Double]) -> Double {
        guard !xs.isEmpty else { return .nan }
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}

