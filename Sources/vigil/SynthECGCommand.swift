import ArgumentParser
import Foundation
import VigilJobs

/// `vigil synth ecg`: writes labelled synthetic 12-lead ECG records (WFDB + beat annotations) and their truth tables.
struct SynthECGCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ecg", abstract: "Generate labelled synthetic 12-lead ECG records (WFDB .hea/.dat/.atr + labels.csv, beats.csv, manifest.csv).",
        discussion: """
            Labels: \(SynthECGJob.labels.joined(separator: ", ")); combine with '+' (e.g. lbbb+afib); \
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

    private var options: SynthECGJob.Options {
        var options = SynthECGJob.Options(out: out)
        options.count = count
        options.seed = seed
        options.labels = labels
        options.mix = mix
        options.snrDB = snrDB
        options.rate = rate
        options.seconds = seconds
        options.prefix = prefix
        options.jobs = jobs
        return options
    }

    func validate() throws {
        try ArgumentChecks.outputFolder(out, option: "--out")
        try ArgumentChecks.job { try options.validate() }
    }

    func run() throws {
        try ArgumentChecks.job { try SynthECGJob.run(options) }
    }
}
