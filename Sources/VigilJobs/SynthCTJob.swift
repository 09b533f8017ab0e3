import CTSynth
import Foundation

/// `vigil synth ct`: synthetic portal-venous abdominal CT phantoms with pancreas and lesion masks (not
/// patient data). Each study goes to OUT/phantom-<seed>/; OUT/labels.csv lists them.
public enum SynthCTJob {
    /// What to generate.
    public struct Options: Sendable {
        /// Number of studies.
        public var count = 1
        /// Output folder.
        public var out: String
        /// Seed of the first study; study i uses seed + i.
        public var seed: UInt64 = 1
        /// Rows and columns per slice.
        public var matrix = 512
        /// Slices per study.
        public var slices = 64
        /// Pixel spacing in mm (nil: drawn 0.7–0.9 per study).
        public var pixelSpacingMM: Double?
        /// Slice thickness in mm.
        public var sliceThicknessMM = 2.5
        /// Slice spacing in mm.
        public var sliceSpacingMM = 2.5
        /// random, present or absent.
        public var lesion = "random"
        /// Probability of a lesion when ``lesion`` is random.
        public var lesionProbability = 0.5
        /// Lesion longest diameter in mm (5–40) when ``lesion`` is present (nil: drawn log-uniform).
        public var lesionDiameterMM: Double?
        /// Noise σ in HU (nil: drawn 10–20 per study).
        public var noiseSigmaHU: Double?

        /// Options writing into `out`.
        public init(out: String) { self.out = out }

        /// Checks the options.
        /// - Throws: ``JobError`` naming the option.
        public func validate() throws {
            guard count >= 1, count <= 100_000 else { throw JobError("--count must be 1…100000, got \(count)") }
            guard ["random", "present", "absent"].contains(lesion) else {
                throw JobError("--lesion must be random, present or absent, got '\(lesion)'")
            }
            guard lesionProbability.isFinite, (0...1).contains(lesionProbability) else {
                throw JobError("--lesion-probability must be within 0…1, got \(lesionProbability)")
            }
            if let d = lesionDiameterMM, !(d.isFinite && (5...40).contains(d)) {
                throw JobError("--lesion-diameter must be 5…40 mm, got \(d)")
            }
            guard (16...2048).contains(matrix) else { throw JobError("--matrix must be 16…2048, got \(matrix)") }
            guard (1...2000).contains(slices) else { throw JobError("--slices must be 1…2000, got \(slices)") }
            for (value, option) in [(pixelSpacingMM, "--pixel-spacing"), (sliceThicknessMM, "--slice-thickness"), (sliceSpacingMM, "--slice-spacing")] {
                if let value, !(value.isFinite && value > 0) { throw JobError("\(option) must be a number above 0, got \(value)") }
            }
            if let noiseSigmaHU, !(noiseSigmaHU.isFinite && noiseSigmaHU >= 0) {
                throw JobError("--noise-sigma must be 0 or more HU, got \(noiseSigmaHU)")
            }
        }
    }

    /// Writes the studies and labels.csv; a summary to `output.note`.
    public static func run(_ options: Options, output: JobOutput = .standard) throws {
        try options.validate()
        let outURL = URL(fileURLWithPath: options.out)
        do { try FileManager.default.createDirectory(at: outURL, withIntermediateDirectories: true) } catch {
            throw JobError("cannot create output folder \(options.out): \(error.localizedDescription)")
        }
        var rows = [PhantomWriter.csvHeader]
        let start = Date()
        for i in 0..<options.count {
            var p = PhantomParameters(seed: options.seed &+ UInt64(i))
            p.matrix = options.matrix
            p.sliceCount = options.slices
            p.pixelSpacingMM = options.pixelSpacingMM
            p.sliceThicknessMM = options.sliceThicknessMM
            p.sliceSpacingMM = options.sliceSpacingMM
            p.noiseSigmaHU = options.noiseSigmaHU
            switch options.lesion {
            case "random": p.lesion = .random(probability: options.lesionProbability)
            case "absent": p.lesion = .absent
            default:
                if let d = options.lesionDiameterMM { p.lesion = .present(diameterMM: d) } else {
                    var r = SeededRandom(seed: p.seed, stream: 0xD1A)
                    p.lesion = .present(diameterMM: exp(r.uniform(log(5), log(40))))
                }
            }
            let study = try PhantomGenerator.generate(p)
            rows.append(try PhantomWriter.write(study, name: String(format: "phantom-%06llu", p.seed), into: outURL))
        }
        let csv = outURL.appendingPathComponent("labels.csv")
        do { try (rows.joined(separator: "\n") + "\n").write(to: csv, atomically: true, encoding: .utf8) } catch {
            throw JobError("cannot write \(csv.path): \(error.localizedDescription)")
        }
        output.note(String(format: "wrote %d phantom studies to %@ in %.1f s", options.count, options.out, Date().timeIntervalSince(start)))
    }
}
