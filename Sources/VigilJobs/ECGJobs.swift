import DetectorCatalog
import DetectorKit
import ECGFormats
import ECGPlot
import ECGScoring
import Foundation

/// How ECG files are read when they do not say: the sampling rate and units of CSV files.
public struct ECGFileReading: Sendable {
    /// Sampling rate in Hz for CSV files that do not state it.
    public var csvSamplingRateHz: Double?
    /// Units of CSV values (mV, uV, V) when the file does not state them.
    public var csvUnits: String?

    /// Reading options (nil: what the file says, else the readers' defaults).
    public init(csvSamplingRateHz: Double? = nil, csvUnits: String? = nil) {
        self.csvSamplingRateHz = csvSamplingRateHz
        self.csvUnits = csvUnits
    }

    var readOptions: ECGReadOptions {
        var options = ECGReadOptions()
        options.samplingRateHz = csvSamplingRateHz
        options.csvUnits = csvUnits
        return options
    }
}

/// `vigil ecg convert|score|plot`: one ECG record at a time, read by any of Vigil's readers.
public enum ECGJobs {
    /// Reads a record and writes its leads (float32 [leads, samples] in mV as .npy) and/or a WFDB copy (format 16);
    /// the record's metadata as JSON (no patient identifiers) to `output.line`, warnings to `output.note`.
    public static func convert(record: String, reading: ECGFileReading = .init(), npy: String?, wfdb: String?,
                               output: JobOutput = .standard) throws
    {
        let result = try ECGConversion.convert(URL(fileURLWithPath: record), options: reading.readOptions,
                                               npy: npy.map { URL(fileURLWithPath: $0) }, wfdb: wfdb.map { URL(fileURLWithPath: $0) })
        for w in result.record.warnings { output.note("warning: \(w)") }
        if !result.record.ignoredChannels.isEmpty {
            output.note("note: not ECG leads, left out: \(result.record.ignoredChannels.joined(separator: ", "))")
        }
        for line in result.written { output.note(line) }
        output.line(result.summaryJSON)
    }

    /// Scores each record with every registered ECG detector: a table per record (measurements beside the
    /// machine's own), or Vigil JSON (one document, or an array for several records).
    /// - Parameter mainsHz: mains frequency to notch in the measurement pipeline (50 or 60; nil: none).
    /// - Returns: the number of records that could not be read (each named in `output.note`).
    @discardableResult
    public static func score(records: [String], json: Bool, mainsHz: Double?, reading: ECGFileReading = .init(),
                             output: JobOutput = .standard) async throws -> Int
    {
        if let mainsHz, mainsHz != 50 && mainsHz != 60 { throw JobError("--mains must be 50 or 60") }
        let settings = DetectorSettings(ecgMainsHz: mainsHz)
        let scorer = try ECGScorer(registry: DetectorCatalog.registry(settings: settings), runSettings: settings.runSettings)
        var documents: [ECGScoreDocument] = []
        var failures = 0
        for path in records {
            let record: ECGRecord
            do {
                record = try ECGReader.read(url: URL(fileURLWithPath: path), options: reading.readOptions)
            } catch {
                let text = "\(error)"
                let name = URL(fileURLWithPath: path).lastPathComponent
                output.note(text.contains(name) ? text : "\(name): \(text)")
                failures += 1
                continue
            }
            for w in record.warnings { output.note("warning: \(w)") }
            let result = try await scorer.score(record)
            if json {
                documents.append(result.document)
            } else {
                output.line(try result.table(configuration: settings.ecgAnalysisConfiguration))
            }
        }
        if json {
            let data = documents.count == 1 ? try VigilJSON.encode(documents[0], pretty: true) : try VigilJSON.encode(documents, pretty: true)
            output.line(String(decoding: data, as: UTF8.self))
        }
        return failures
    }

    /// The printout's settings, as the command line gives them.
    public struct PlotOptions: Sendable {
        /// Resolution in pixels per millimetre of paper (4-40).
        public var pxPerMM = 10
        /// Record time in seconds at the left edge of the traces.
        public var startSeconds = 0.0
        /// Paper speed in mm/s: 25 or 50.
        public var mmPerSecond = 25.0
        /// Gain in mm/mV: 5, 10 or 20.
        public var mmPerMillivolt = 10.0
        /// standard12 or strips (nil: standard12 when the record has at least 6 of the 12 standard leads).
        public var layout: String?
        /// Plot the samples as recorded (no band-pass, no notch).
        public var raw = false
        /// Mains frequency to notch: 50, 60 or none.
        public var mains = "50"
        /// A findings JSON file whose lead-span evidence is shaded.
        public var findings: String?
        /// Also shade the evidence of findings decided negative.
        public var includeNegative = false
        /// Beat ticks from: detector, annotations or none.
        public var beats = "detector"

        /// The defaults: 10 px/mm, 25 mm/s, 10 mm/mV, filtered with a 50 Hz notch, detector beat ticks.
        public init() {}

        /// The layout names.
        public static var layouts: [String] { ECGPlotLayout.allCases.map(\.rawValue) }

        /// Checks the settings.
        /// - Throws: ``JobError`` naming the option.
        public func validate() throws {
            _ = try beatSource()
            do { try plotOptions().validate() } catch let e as ECGPlotError { throw JobError(e.description) }
        }

        /// The `--beats` choice.
        func beatSource() throws -> ECGPrintout.Beats {
            guard let source = ECGPrintout.Beats(rawValue: beats.lowercased()) else {
                let names = ECGPrintout.Beats.allCases.map(\.rawValue)
                throw JobError("--beats must be \(names.dropLast().joined(separator: ", ")) or \(names.last!), got '\(beats)'")
            }
            return source
        }

        func plotOptions() throws -> ECGPlotOptions {
            var options = ECGPlotOptions()
            options.pxPerMM = pxPerMM
            options.startSeconds = startSeconds
            options.mmPerSecond = mmPerSecond
            options.mmPerMillivolt = mmPerMillivolt
            if let layout {
                guard let kind = ECGPlotLayout(rawValue: layout) else {
                    throw JobError("--layout must be one of: \(Self.layouts.joined(separator: ", "))")
                }
                options.layout = kind
            }
            if raw {
                options.filter = nil
            } else {
                let mainsHz: Double?
                switch mains.lowercased() {
                case "50": mainsHz = 50
                case "60": mainsHz = 60
                case "none", "off": mainsHz = nil
                default: throw JobError("--mains must be 50, 60 or none, got '\(mains)'")
                }
                options.filter = DisplayFilter(mainsHz: mainsHz)
            }
            return options
        }
    }

    /// Draws the record as a standard 12-lead printout (PNG at `to`); notes and the size written to `output.note`.
    public static func plot(record: String, reading: ECGFileReading = .init(), options: PlotOptions, to path: String,
                            output: JobOutput = .standard) throws
    {
        let plotOptions = try options.plotOptions()
        let ecg = try ECGReader.read(url: URL(fileURLWithPath: record), options: reading.readOptions)
        let source = try options.beatSource()
        let result = try ECGPrintout.draw(ecg, beats: source, findings: options.findings.map { URL(fileURLWithPath: $0) },
                                          includeNegative: options.includeNegative, options: plotOptions, to: URL(fileURLWithPath: path))
        for note in result.notes { output.note(note) }
        output.note("wrote \(result.width)x\(result.height) px, \(result.layout) layout, \(result.filter) → \(path)")
    }
}
