import DetectorKit
import ECGDetectors
import ECGFormats
import Foundation
import TensorCore

extension ECGScoreResult {
    /// The table `vigil ecg score` prints for this record: signal quality, pacing, the measurements next to the
    /// acquiring machine's own, and each detector's findings or abstention (``ECGDetectors/ECGScoreTable``). It
    /// reads the analysis the detectors shared (computed here only when no detector read one), so the table shows
    /// the same heart rate and intervals as the findings.
    /// - Parameter configuration: the analysis settings the registry's detectors were made with
    ///   (`DetectorSettings.ecgAnalysisConfiguration`).
    public func table(configuration: ECGAnalysis.Configuration) throws -> String {
        let analysis = try ECGAnalysis.shared(record, configuration: configuration, in: analyses)
        return ECGScoreTable.render(record: record, analysis: analysis, outcomes: outcomes.map { ($0.detector, $0.outcome) })
    }
}

/// `vigil ecg convert`: one record read as `vigil ecg score` reads it, its leads written as NumPy (float32
/// [leads, samples] in mV) and/or as a WFDB record (format 16), and its metadata as JSON without patient
/// identifiers.
public enum ECGConversion {
    /// What a conversion wrote.
    public struct Result: Sendable {
        /// The record as read (its `warnings` and `ignoredChannels` say what was odd or left out).
        public let record: ECGRecord
        /// The record's metadata (leads, rate, units, statements, measurements) as JSON, no identifiers.
        public let summaryJSON: String
        /// One line per file written.
        public let written: [String]
    }

    /// Reads `url` with `options` and writes the requested files.
    /// - Throws: reader errors naming the file and the defect; file-system errors.
    public static func convert(_ url: URL, options: ECGReadOptions, npy: URL?, wfdb: URL?) throws -> Result {
        let ecg = try ECGReader.read(url: url, options: options)
        var written: [String] = []
        if let npy {
            let (leads, samples) = ecg.leadsMatrix()
            let perLead = leads.isEmpty ? 0 : samples.count / leads.count
            try NPYFile.write(Tensor(shape: [leads.count, perLead], storage: samples), to: npy)
            written.append("wrote \(leads.count) leads × \(perLead) samples (mV) → \(npy.path)")
        }
        if let wfdb {
            try FileManager.default.createDirectory(at: wfdb, withIntermediateDirectories: true)
            let header = try WFDBWriter.write(record: ecg, to: wfdb)
            written.append("wrote WFDB record → \(header.path)")
        }
        let summary = String(decoding: try ecg.summary(includeIdentifiers: false).jsonData(), as: UTF8.self)
        return Result(record: ecg, summaryJSON: summary, written: written)
    }
}
