import ArgumentParser
import ECGSynth
import Foundation

/// `vigil synth ecg`: writes labelled synthetic 12-lead ECG records (WFDB + beat annotations) and their truth tables.
struct SynthECGCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ecg", abstract: "Generate labelled synthetic 12-lead ECG records (WFDB .hea/.dat/.atr + labels.csv, beats.csv, manifest.csv).",
        discussion: """
            Labels: \(ECGSynthLabel.allCases.map(\.rawValue).joined(separator: ", ")); combine with '+' (e.g. lbbb+afib); \
            flat_line and noise_only make records for abstention tests, la_ra_reversal a normal ECG with the arm electrodes swapped. \
            --labels a,b,c cycles through the items; \
            --mix default (the default) draws a main label per record plus, sometimes, a compatible extra one.
            Synthetic data from a dipole model, not patient data.
            """)

    @Option(help: "Number of records.") var count: Int = 10
    @Option(help: "Output folder (created if needed).") var out: String
    @Option(help: "Base seed (records are reproducible from it).") var seed: UInt64 = 1
    @Option(help: "Comma-separated labels or '+'-combinations to cycle through (overrides --mix).") var labels: String?
    @Option(help: "Label mix when --labels is not given: default.") var mix: String = "default"
    @Option(name: .customLong("snr-db"), help: "Signal-to-noise ratio in dB for every record ('inf' for none). Default: 12–30 dB drawn per record.")
    var snrDB: String?
    @Option(help: "Sampling rate in Hz.") var rate: Double = 500
    @Option(help: "Duration in seconds.") var seconds: Double = 10
    @Option(help: "Record name prefix.") var prefix: String = "syn"
    @Option(help: "Parallel workers (default: all cores).") var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard count >= 1, count <= 1_000_000 else { throw ValidationError("--count must be 1…1000000, got \(count)") }
        try ArgumentChecks.positive(rate, "--rate")
        try ArgumentChecks.positive(seconds, "--seconds")
        try ArgumentChecks.atLeast(jobs, 1, "--jobs")
        try ArgumentChecks.outputFolder(out, option: "--out")
        _ = try parsedMix()
        let snr = try parsedSNR()
        guard !prefix.isEmpty, prefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw ValidationError("--prefix must be ASCII letters, digits or _, got '\(prefix)'")
        }
        // The generator's own parameter check (rate, duration, SNR), on one flat-line record in memory.
        do {
            _ = try ECGSynthesizer.generate(ECGSynthRequest(kind: .flatLine, seed: 0, sampleRate: rate, durationSeconds: seconds, snrDB: snr))
        } catch let e as ECGSynthError { throw ValidationError(e.description) }
    }

    private func parsedMix() throws -> LabelMix {
        do {
            if let labels { return try LabelMix.parse(labels) }
            if mix.lowercased() == "default" { return .defaultMix }
            throw ValidationError("--mix: only 'default' is known")
        } catch let e as ECGSynthError { throw ValidationError(e.description) }
    }

    private func parsedSNR() throws -> Double? {
        guard let s = snrDB else { return nil }
        if ["inf", "infinity", "none"].contains(s.lowercased()) { return .infinity }
        if let v = Double(s), v.isFinite { return v }
        throw ValidationError("--snr-db: '\(s)' is not a number or 'inf'")
    }

    func run() throws {
        let labelMix = try parsedMix()
        let snr = try parsedSNR()
        let options = SyntheticDatasetWriter.Options(count: count, seed: seed, mix: labelMix, snrDB: snr, sampleRate: rate,
                                                     seconds: seconds, prefix: prefix, jobs: jobs)
        let start = Date()
        do {
            try SyntheticDatasetWriter.write(options, to: URL(fileURLWithPath: out))
        } catch let e as ECGSynthError { throw ValidationError(e.description) }
        printError("wrote \(count) synthetic records to \(out) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s (labels.csv, beats.csv, manifest.csv)")
    }
}
