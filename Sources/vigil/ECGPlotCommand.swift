import ArgumentParser
import Foundation
import VigilJobs

/// `vigil ecg plot`: the standard 12-lead printout of a record as a PNG.
struct ECGPlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw an ECG record as a standard 12-lead printout (PNG).",
        discussion: """
            3x4 leads plus a lead II rhythm strip (one strip per lead for records that are not 12-lead), \
            25 mm/s, 10 mm/mV, pink 1 mm / 5 mm grid, a 1 mV calibration pulse per row, beat ticks (Vigil's \
            QRS detector or the file's annotations), and the lead-span evidence of a findings document shaded. The header \
            names the file only, never patient identifiers. Research software, not a diagnosis.
            """)

    @Argument(help: "The record: a WFDB header (.hea), .csv, .xml, .txt or .dcm file.") var record: String
    @Option(help: "Where to write the PNG.") var output: String
    @Option(name: .customLong("px-per-mm"), help: "Resolution in pixels per millimetre of paper (4-40).") var pxPerMM = 10
    @Option(help: "Record time in seconds at the left edge of the traces.") var start = 0.0
    @Option(help: "Paper speed in mm/s: 25 or 50.") var speed = 25.0
    @Option(help: "Gain in mm/mV: 5, 10 or 20.") var gain = 10.0
    @Option(help: "Layout: standard12 or strips (default: standard12 when the record has at least 6 of the 12 standard leads).")
    var layout: String?
    @Flag(help: "Plot the samples as recorded (no 0.5-40 Hz band-pass, no notch).") var raw = false
    @Option(help: "Mains frequency to notch: 50, 60 or none.") var mains = "50"
    @Option(help: "A findings JSON file (DetectorOutcome, Finding, or an array of either) whose lead-span evidence is shaded.")
    var findings: String?
    @Flag(help: "Also shade the evidence of findings decided negative.") var includeNegative = false
    @Option(help: "Beat ticks from: detector (Vigil's QRS detector), annotations (the file's beat annotations, e.g. WFDB .atr) or none.")
    var beats = "detector"
    @Option(help: "Sampling rate in Hz, for CSV files that do not state it.") var rate: Double?
    @Option(help: "Units of CSV values: mV (default) or uV.") var units: String?

    func validate() throws {
        try ArgumentChecks.existing(record, "RECORD")
        try ArgumentChecks.outputFile(output, option: "--output")
        try ArgumentChecks.csv(rate: rate, units: units)
        if let findings { try ArgumentChecks.existing(findings, "--findings") }
        try ArgumentChecks.job { try plotOptions.validate() }
    }

    /// The printout's settings from the command line.
    private var plotOptions: ECGJobs.PlotOptions {
        var options = ECGJobs.PlotOptions()
        options.pxPerMM = pxPerMM
        options.startSeconds = start
        options.mmPerSecond = speed
        options.mmPerMillivolt = gain
        options.layout = layout
        options.raw = raw
        options.mains = mains
        options.findings = findings
        options.includeNegative = includeNegative
        options.beats = beats
        return options
    }

    func run() throws {
        try ArgumentChecks.job {
            try ECGJobs.plot(record: record, reading: ECGFileReading(csvSamplingRateHz: rate, csvUnits: units),
                             options: plotOptions, to: output)
        }
    }
}
