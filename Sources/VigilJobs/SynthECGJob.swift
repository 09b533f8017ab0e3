import ECGSynth
import Foundation

/// `vigil synth ecg`: labelled synthetic 12-lead ECG records (WFDB + beat annotations) and their truth tables,
/// from a dipole model (not patient data).
public enum SynthECGJob {
    /// The label names (combine with '+').
    public static var labels: [String] { ECGSynthLabel.allCases.map(\.rawValue) }

    /// What to generate.
    public struct Options: Sendable {
        /// Number of records.
        public var count = 10
        /// Output folder (created if needed).
        public var out: String
        /// Base seed (records are reproducible from it).
        public var seed: UInt64 = 1
        /// Comma-separated labels or '+'-combinations to cycle through (over ``mix``).
        public var labels: String?
        /// Label mix when ``labels`` is not given: default.
        public var mix = "default"
        /// Signal-to-noise ratio in dB ('inf' for none); nil: 12–30 dB drawn per record.
        public var snrDB: String?
        /// Sampling rate in Hz.
        public var rate: Double = 500
        /// Duration in seconds.
        public var seconds: Double = 10
        /// Record name prefix (ASCII letters, digits, _).
        public var prefix = "syn"
        /// Parallel workers.
        public var jobs = ProcessInfo.processInfo.activeProcessorCount

        /// Options writing into `out`.
        public init(out: String) { self.out = out }

        /// Checks the options, including the generator's own parameter check on one record in memory.
        /// - Throws: ``JobError`` naming the option.
        public func validate() throws {
            guard count >= 1, count <= 1_000_000 else { throw JobError("--count must be 1…1000000, got \(count)") }
            guard rate.isFinite, rate > 0 else { throw JobError("--rate must be a number above 0, got \(rate)") }
            guard seconds.isFinite, seconds > 0 else { throw JobError("--seconds must be a number above 0, got \(seconds)") }
            guard jobs >= 1 else { throw JobError("--jobs must be at least 1, got \(jobs)") }
            _ = try parsedMix()
            let snr = try parsedSNR()
            guard !prefix.isEmpty, prefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw JobError("--prefix must be ASCII letters, digits or _, got '\(prefix)'")
            }
            do {
                _ = try ECGSynthesizer.generate(ECGSynthRequest(kind: .flatLine, seed: 0, sampleRate: rate, durationSeconds: seconds, snrDB: snr))
            } catch let e as ECGSynthError { throw JobError(e.description) }
        }

        fileprivate func parsedMix() throws -> LabelMix {
            do {
                if let labels { return try LabelMix.parse(labels) }
                if mix.lowercased() == "default" { return .defaultMix }
                throw JobError("--mix: only 'default' is known")
            } catch let e as ECGSynthError { throw JobError(e.description) }
        }

        fileprivate func parsedSNR() throws -> Double? {
            guard let s = snrDB else { return nil }
            if ["inf", "infinity", "none"].contains(s.lowercased()) { return .infinity }
            if let v = Double(s), v.isFinite { return v }
            throw JobError("--snr-db: '\(s)' is not a number or 'inf'")
        }
    }

    /// Writes the records, labels.csv, beats.csv and manifest.csv; a summary to `output.note`.
    public static func run(_ options: Options, output: JobOutput = .standard) throws {
        let writerOptions = SyntheticDatasetWriter.Options(count: options.count, seed: options.seed, mix: try options.parsedMix(),
                                                           snrDB: try options.parsedSNR(), sampleRate: options.rate,
                                                           seconds: options.seconds, prefix: options.prefix, jobs: options.jobs)
        let start = Date()
        do {
            try SyntheticDatasetWriter.write(writerOptions, to: URL(fileURLWithPath: options.out))
        } catch let e as ECGSynthError { throw JobError(e.description) }
        output.note("wrote \(options.count) synthetic records to \(options.out) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s (labels.csv, beats.csv, manifest.csv)")
    }
}
