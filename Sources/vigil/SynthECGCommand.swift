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

    func run() throws {
        let labelMix: LabelMix
        do {
            if let labels { labelMix = try LabelMix.parse(labels) }
            else if mix.lowercased() == "default" { labelMix = .defaultMix }
            else { throw ValidationError("--mix: only 'default' is known") }
        } catch let e as ECGSynthError { throw ValidationError(e.description) }
        var snr: Double?
        if let s = snrDB {
            if ["inf", "infinity", "none"].contains(s.lowercased()) { snr = .infinity }
            else if let v = Double(s), v.isFinite { snr = v }
            else { throw ValidationError("--snr-db: '\(s)' is not a number or 'inf'") }
        }
        let options = SyntheticDatasetWriter.Options(count: count, seed: seed, mix: labelMix, snrDB: snr, sampleRate: rate,
                                                     seconds: seconds, prefix: prefix, jobs: jobs)
        let start = Date()
        do {
            try SyntheticDatasetWriter.write(options, to: URL(fileURLWithPath: out))
        } catch let e as ECGSynthError { throw ValidationError(e.description) }
        printError("wrote \(count) synthetic records to \(out) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s (labels.csv, beats.csv, manifest.csv)")
    }
}
