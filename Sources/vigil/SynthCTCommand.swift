import ArgumentParser
import CTSynth
import Foundation

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

    func validate() throws {
        guard count >= 1, count <= 100_000 else { throw ValidationError("--count must be 1…100000, got \(count)") }
        guard ["random", "present", "absent"].contains(lesion) else {
            throw ValidationError("--lesion must be random, present or absent, got '\(lesion)'")
        }
        guard lesionProbability.isFinite, (0...1).contains(lesionProbability) else {
            throw ValidationError("--lesion-probability must be within 0…1, got \(lesionProbability)")
        }
        if let d = lesionDiameter, !(d.isFinite && (5...40).contains(d)) {
            throw ValidationError("--lesion-diameter must be 5…40 mm, got \(d)")
        }
        guard (16...2048).contains(matrix) else { throw ValidationError("--matrix must be 16…2048, got \(matrix)") }
        guard (1...2000).contains(slices) else { throw ValidationError("--slices must be 1…2000, got \(slices)") }
        try ArgumentChecks.positive(pixelSpacing, "--pixel-spacing")
        try ArgumentChecks.positive(sliceThickness, "--slice-thickness")
        try ArgumentChecks.positive(sliceSpacing, "--slice-spacing")
        if let noiseSigma, !(noiseSigma.isFinite && noiseSigma >= 0) {
            throw ValidationError("--noise-sigma must be 0 or more HU, got \(noiseSigma)")
        }
        try ArgumentChecks.outputFolder(out, option: "--out")
    }

    func run() throws {
        let outURL = URL(fileURLWithPath: out)
        do { try FileManager.default.createDirectory(at: outURL, withIntermediateDirectories: true) } catch {
            throw ValidationError("cannot create output folder \(out): \(error.localizedDescription)")
        }
        var rows = [PhantomWriter.csvHeader]
        let start = Date()
        for i in 0..<count {
            var p = PhantomParameters(seed: seed &+ UInt64(i))
            p.matrix = matrix
            p.sliceCount = slices
            p.pixelSpacingMM = pixelSpacing
            p.sliceThicknessMM = sliceThickness
            p.sliceSpacingMM = sliceSpacing
            p.noiseSigmaHU = noiseSigma
            switch lesion {
            case "random": p.lesion = .random(probability: lesionProbability)
            case "absent": p.lesion = .absent
            case "present":
                if let d = lesionDiameter { p.lesion = .present(diameterMM: d) } else {
                    var r = SeededRandom(seed: p.seed, stream: 0xD1A)
                    p.lesion = .present(diameterMM: exp(r.uniform(log(5), log(40))))
                }
            default: throw ValidationError("--lesion must be random, present or absent, got '\(lesion)'")
            }
            let study = try PhantomGenerator.generate(p)
            rows.append(try PhantomWriter.write(study, name: String(format: "phantom-%06llu", p.seed), into: outURL))
        }
        let csv = outURL.appendingPathComponent("labels.csv")
        do { try (rows.joined(separator: "\n") + "\n").write(to: csv, atomically: true, encoding: .utf8) } catch {
            throw ValidationError("cannot write \(csv.path): \(error.localizedDescription)")
        }
        FileHandle.standardError.write(Data(String(format: "wrote %d phantom studies to %@ in %.1f s\n", count, out, Date().timeIntervalSince(start)).utf8))
    }
}
