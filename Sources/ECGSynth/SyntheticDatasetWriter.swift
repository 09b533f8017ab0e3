import ECGFormats
import Foundation
import Synchronization

/// Writes a data set of synthetic records: per record `<name>.hea`, `.dat` and `.atr` (WFDB, via
/// `WFDBWriter`), and for the whole set `labels.csv`, `beats.csv` and `manifest.csv`.
///
/// - `labels.csv`: `record, labels` (';'-separated, or `flat_line` / `noise_only`), `heart_rate_bpm`,
///   `rr_mean_ms`, `pr_ms`, `qrs_ms`, `qt_ms`, `qtc_ms`, `snr_db`, `st_territory`, `sokolow_lyon_mv`,
///   `frontal_axis_deg`, `seed` (the record's own seed), `sample_rate_hz`, `seconds`, `generator` (empty cells: not applicable).
/// - `beats.csv`: `record, beat, symbol, fiducial, p_onset, p_offset, qrs_onset, qrs_offset, t_onset, t_offset`
///   (0-based sample indices; empty when the wave is absent or outside the record).
/// - `manifest.csv`: `path, patient_id, acquired_at` — the header file relative to the folder, a made-up
///   patient id (`SYN-000001`…) and an ISO 8601 acquisition time (one record per minute from 2026-01-01T08:00:00Z).
public enum SyntheticDatasetWriter {
    /// What to write.
    public struct Options: Sendable {
        /// Number of records.
        public var count: Int
        /// Base seed; record i uses `SeededRandom.mix(seed, i)`.
        public var seed: UInt64
        /// Kinds of records.
        public var mix: LabelMix
        /// SNR in dB for every record; nil draws 12–30 dB per record; `.infinity` for no noise.
        public var snrDB: Double?
        /// Sampling rate (Hz).
        public var sampleRate: Double
        /// Duration (s).
        public var seconds: Double
        /// Record names are `prefix` + 6-digit number starting at 1.
        public var prefix: String
        /// Parallel workers.
        public var jobs: Int

        /// Creates options (defaults: 500 Hz, 10 s, random realistic noise).
        public init(count: Int, seed: UInt64 = 1, mix: LabelMix = .defaultMix, snrDB: Double? = nil,
                    sampleRate: Double = 500, seconds: Double = 10, prefix: String = "syn", jobs: Int = 1) {
            self.count = count; self.seed = seed; self.mix = mix; self.snrDB = snrDB
            self.sampleRate = sampleRate; self.seconds = seconds; self.prefix = prefix; self.jobs = jobs
        }
    }

    /// The request for record `index` (0-based) of a data set.
    public static func request(index: Int, options o: Options) -> ECGSynthRequest {
        ECGSynthRequest(kind: o.mix.kind(index: index, seed: o.seed), seed: SeededRandom.mix(o.seed, UInt64(index)),
                        sampleRate: o.sampleRate, durationSeconds: o.seconds, snrDB: o.snrDB)
    }

    /// Record name of record `index` (0-based).
    public static func recordName(index: Int, prefix: String) -> String { prefix + String(format: "%06d", index + 1) }

    /// Writes the data set into `directory` (created if needed). Returns the number of records written.
    /// - Throws: `ECGSynthError` for bad options or unwritable files.
    @discardableResult
    public static func write(_ o: Options, to directory: URL) throws -> Int {
        guard o.count >= 1 else { throw ECGSynthError.badParameter("count \(o.count) (at least 1)") }
        guard !o.prefix.isEmpty, o.prefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw ECGSynthError.badParameter("record name prefix '\(o.prefix)' (letters, digits, _)")
        }
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw ECGSynthError.cannotWrite("directory \(directory.lastPathComponent)")
        }
        // Validate the parameters once before starting workers.
        _ = try ECGSynthesizer.generate(ECGSynthRequest(kind: .flatLine, seed: 0, sampleRate: o.sampleRate,
                                                        durationSeconds: o.seconds, snrDB: o.snrDB))
        let results = ResultSlots(count: o.count)
        let jobs = max(1, min(o.jobs, 64))
        let chunk = 32
        var start = 0
        while start < o.count {
            let end = min(o.count, start + chunk * jobs)
            let range = start..<end
            DispatchQueue.concurrentPerform(iterations: jobs) { worker in
                var i = range.lowerBound + worker
                while i < range.upperBound {
                    do { results.set(i, try writeRecord(index: i, options: o, directory: directory)) }
                    catch { results.fail(error) }
                    i += jobs
                }
            }
            if let e = results.firstError { throw e }
            start = end
        }
        var labels = "record,labels,heart_rate_bpm,rr_mean_ms,pr_ms,qrs_ms,qt_ms,qtc_ms,snr_db,st_territory,sokolow_lyon_mv,frontal_axis_deg,seed,sample_rate_hz,seconds,generator\n"
        var beats = "record,beat,symbol,fiducial,p_onset,p_offset,qrs_onset,qrs_offset,t_onset,t_offset\n"
        var manifest = "path,patient_id,acquired_at\n"
        let base = Date(timeIntervalSince1970: 1_767_254_400) // 2026-01-01T08:00:00Z
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime]
        for i in 0..<o.count {
            guard let r = results.rows[i] else { throw ECGSynthError.cannotWrite("record \(i + 1) missing") }
            labels += r.labels; beats += r.beats
            let name = recordName(index: i, prefix: o.prefix)
            manifest += "\(name).hea,SYN-\(String(format: "%06d", i + 1)),\(iso.string(from: base.addingTimeInterval(60 * Double(i))))\n"
        }
        for (file, text) in [("labels.csv", labels), ("beats.csv", beats), ("manifest.csv", manifest)] {
            do { try Data(text.utf8).write(to: directory.appendingPathComponent(file)) } catch {
                throw ECGSynthError.cannotWrite(file)
            }
        }
        return o.count
    }

    /// Generates and writes one record; returns its `labels.csv` and `beats.csv` rows.
    static func writeRecord(index: Int, options o: Options, directory: URL) throws -> Rows {
        let req = request(index: index, options: o)
        let ecg = try ECGSynthesizer.generate(req)
        let name = recordName(index: index, prefix: o.prefix)
        do { try WFDBWriter.write(record: try ecg.ecgRecord(name: name), to: directory, name: name) } catch {
            throw ECGSynthError.cannotWrite("\(name): \(error)")
        }
        return Rows(labels: labelsRow(name: name, ecg: ecg) + "\n", beats: beatsRows(name: name, ecg: ecg))
    }

    /// The `labels.csv` row of a record (without newline).
    public static func labelsRow(name: String, ecg: SyntheticECG) -> String {
        let t = ecg.truth
        func f(_ v: Double?, _ digits: Int = 1) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "" }
        return [name, ecg.request.kind.labelText, f(t.heartRateBpm), f(t.rrMeanMs), f(t.prMs), f(t.qrsMs), f(t.qtMs),
                f(t.qtcMs), f(t.snrDB, 2), t.stTerritory?.rawValue ?? "", f(t.sokolowLyonMv, 3), f(t.frontalAxisDeg),
                String(ecg.request.seed), f(ecg.sampleRate, 0), f(ecg.request.durationSeconds, 2), "ECGSynth \(ECGSynth.version)"]
            .joined(separator: ",")
    }

    /// The `beats.csv` rows of a record (each ending in a newline).
    public static func beatsRows(name: String, ecg: SyntheticECG) -> String {
        func c(_ v: Int?) -> String { v.map(String.init) ?? "" }
        var s = ""
        for (k, b) in ecg.beats.enumerated() {
            s += "\(name),\(k + 1),\(b.symbol),\(b.fiducial),\(c(b.pOnset)),\(c(b.pOffset)),\(c(b.qrsOnset)),\(c(b.qrsOffset)),\(c(b.tOnset)),\(c(b.tOffset))\n"
        }
        return s
    }

    struct Rows: Sendable { var labels: String; var beats: String }

    /// Per-record results filled by concurrent workers.
    final class ResultSlots: Sendable {
        private let state: Mutex<(rows: [Rows?], firstError: (any Error)?)>
        init(count: Int) { state = Mutex(([Rows?](repeating: nil, count: count), nil)) }
        var rows: [Rows?] { state.withLock { $0.rows } }
        var firstError: (any Error)? { state.withLock { $0.firstError } }
        func set(_ i: Int, _ r: Rows) { state.withLock { $0.rows[i] = r } }
        func fail(_ e: any Error) { state.withLock { if $0.firstError == nil { $0.firstError = e } } }
    }
}
