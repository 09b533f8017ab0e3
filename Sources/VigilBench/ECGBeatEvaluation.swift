import ECGDetectors
import ECGFormats
import ECGSignal
import Foundation

/// `vigil ecg eval`: beat detection of the full measurement pipeline (``ECGDetectors/ECGAnalysis``) against
/// the records' reference beats as EC57 / bxb score it (``ECGDetectors/EC57Evaluation``: per record, gross
/// and average over all records, AF episodes), or P-wave detection against expert `.pwave` annotations
/// (``ECGDetectors/PWaveEvaluation``).
public struct ECGBeatEvaluation: Sendable {
    /// The records (WFDB `.hea` with `.atr`, DICOM ECGs with fiducial points, …).
    public var records: [URL]
    /// Sampling rate in Hz for CSV files that do not state it.
    public var rate: Double?
    /// List the times of missed reference beats and of extra detections (standard variant).
    public var details = false
    /// Seconds at each end of a record where beats are not scored.
    public var edge = 0.1
    /// Learning period in seconds at the start of each record (EC57: 300).
    public var learning = 300.0
    /// P-wave matching tolerance in ms around the annotated P peak.
    public var pTolerance = 50.0

    /// An evaluation of `records`.
    public init(records: [URL]) { self.records = records }

    /// Scores beat detection on every record and writes the table to `output`.
    /// - Returns: how many records could not be read (each named in a note).
    @discardableResult
    public func runBeats(_ output: BenchOutput) throws -> Int {
        guard !records.isEmpty else { throw BenchError("give at least one record") }
        guard edge >= 0, learning >= 0 else { throw BenchError("edge and learning must be ≥ 0") }
        var readOptions = ECGReadOptions()
        readOptions.samplingRateHz = rate
        var options = EC57Evaluation.Options()
        options.edge = edge
        options.learningPeriod = learning
        var results: [EC57Evaluation.RecordResult] = []
        var failures = 0
        var skipped: [String] = []
        var seconds = 0.0
        var afScores: [(String, AFEpisodeScore)] = []
        output.line(pad("record", 24) + lpad("ref", 7) + lpad("TP", 7) + lpad("FN", 6) + lpad("FP", 6)
              + lpad("Se %", 8) + lpad("+P %", 8) + lpad("VF s", 7) + lpad("time s", 8) + "  note")
        for url in records {
            let name = url.lastPathComponent
            let record: ECGRecord
            do { record = try ECGReader.read(url: url, options: readOptions) } catch {
                let text = "\(error)"
                output.note(text.contains(name) ? text : "\(name): \(text)")
                failures += 1
                continue
            }
            let t0 = Date()
            let analysis = try ECGAnalysis.analyze(record)
            let dt = Date().timeIntervalSince(t0)
            guard let r = EC57Evaluation.evaluate(record: record, analysis: analysis, options: options) else { skipped.append(name); continue }
            seconds += dt
            results.append(r)
            if let af = AFEpisodeScore.of(record: record, analysis: analysis), !af.reference.isEmpty || !af.detected.isEmpty {
                afScores.append((name, af))
            }
            let m = r.matches[.standard]!
            var note = r.referenceSource.rawValue
            if r.mergedReferencePoints > 0 { note += "; \(r.mergedReferencePoints) reference point(s) < 200 ms from another merged" }
            if let a = r.detectorAgreement { note += String(format: "; detector agreement %.3f", a) }
            if let f = r.readableFraction { note += String(format: "; readable %.1f %%", 100 * f) }
            if let why = r.refusal { note += "; NOT ASSESSABLE [\(why)]" }
            output.line(row(name, m) + lpad(String(format: "%.0f", r.vfSeconds), 7) + lpad(String(format: "%.2f", dt), 8) + "  " + note)
            if details && (!r.missed.isEmpty || !r.extra.isEmpty) {
                func times(_ x: [Int]) -> String { x.map { String(format: "%.3f", Double($0) / r.sampleRate) }.joined(separator: " ") }
                output.line("    missed (s): \(times(r.missed))   extra (s): \(times(r.extra))")
            }
        }
        if !results.isEmpty {
            output.line("")
            output.line(pad("totals (\(results.count) records)", 44) + lpad("ref", 7) + lpad("TP", 7) + lpad("FN", 6) + lpad("FP", 6)
                  + lpad("Se %", 8) + lpad("+P %", 8) + lpad("avg Se", 8) + lpad("avg +P", 8))
            for v in EC57Evaluation.Variant.all {
                let s = EC57Evaluation.summarize(results, variant: v)
                output.line(pad("gross, \(v)", 44) + countsAndRates(s.gross) + lpad(pct(s.averageSensitivity), 8) + lpad(pct(s.averagePositivePredictivity), 8))
            }
            let refused = results.filter { $0.refusal != nil }
            output.line("records refused: \(refused.count)" + (refused.isEmpty ? "" : " (" + refused.map(\.name).joined(separator: ", ") + "; their beats count as missed)"))
            output.line(String(format: "analysis time: %.2f s in all, %.2f s per record (%.1f min of signal)", seconds, seconds / Double(results.count),
                         results.reduce(0) { $0 + $1.durationSeconds } / 60))
        }
        if !afScores.isEmpty {
            output.line("")
            output.line("AF episodes (records with reference or detected AF; reference: (AFIB rhythm annotations; detected: ≥ 30 s runs of AF windows)")
            output.line(pad("record", 24) + lpad("ref", 5) + lpad("det", 5) + lpad("ep Se %", 9) + lpad("ep +P %", 9) + lpad("dur Se %", 10)
                  + lpad("dur +P %", 10) + lpad("ref burden %", 14) + lpad("burden %", 10) + lpad("error", 8))
            for (name, a) in afScores {
                let burden = a.detectedBurden ?? (a.recordSeconds > 0 ? a.detectedSeconds / a.recordSeconds : 0)
                output.line(pad(name, 24) + lpad("\(a.reference.count)", 5) + lpad("\(a.detected.count)", 5) + lpad(pct(a.episodeSensitivity), 9)
                      + lpad(pct(a.episodePositivePredictivity), 9) + lpad(pct(a.durationSensitivity), 10) + lpad(pct(a.durationPositivePredictivity), 10)
                      + lpad(pct(a.referenceBurden), 14) + lpad(pct(burden), 10) + lpad(String(format: "%+.1f", 100 * (burden - a.referenceBurden)), 8))
            }
            let ref = afScores.reduce(0) { $0 + $1.1.reference.count }, det = afScores.reduce(0) { $0 + $1.1.detected.count }
            let hit = afScores.reduce(0) { $0 + $1.1.detectedReference }, tru = afScores.reduce(0) { $0 + $1.1.trueDetections }
            let ov = afScores.reduce(0.0) { $0 + $1.1.overlapSeconds }
            let rs = afScores.reduce(0.0) { $0 + $1.1.referenceSeconds }, ds = afScores.reduce(0.0) { $0 + $1.1.detectedSeconds }
            let epSe: String = pct(ref > 0 ? Double(hit) / Double(ref) : nil)
            let epPP: String = pct(det > 0 ? Double(tru) / Double(det) : nil)
            let duSe: String = pct(rs > 0 ? ov / rs : nil)
            let duPP: String = pct(ds > 0 ? ov / ds : nil)
            output.line("gross: episode Se \(epSe) % (\(hit)/\(ref)), episode +P \(epPP) % (\(tru)/\(det)), duration Se \(duSe) %, duration +P \(duPP) %")
        }
        if !skipped.isEmpty { output.line("skipped (no reference beats): " + skipped.joined(separator: ", ")) }
        return failures
    }

    /// P-wave Se/+P per record (rhythm segments with P waves; reference: each record's `.pwave` annotations) and
    /// P waves called in AFIB/AFL segments (``PWaveEvaluation``).
    /// - Returns: how many records or annotation files could not be read (each named in a note).
    @discardableResult
    public func runPWaves(_ output: BenchOutput) throws -> Int {
        guard !records.isEmpty else { throw BenchError("give at least one record") }
        guard pTolerance > 0 else { throw BenchError("the P-wave tolerance must be > 0") }
        var readOptions = ECGReadOptions()
        readOptions.samplingRateHz = rate
        output.line(pad("record", 24) + lpad("ref", 7) + lpad("TP", 7) + lpad("FN", 6) + lpad("FP", 6) + lpad("Se %", 8) + lpad("+P %", 8)
              + lpad("P in AF", 9) + lpad("AF s", 7) + lpad("P in AFL", 10) + lpad("AFL s", 7) + lpad("time s", 8))
        var rs: [PWaveEvaluation.RecordResult] = []
        var failures = 0
        for url in records {
            let name = url.lastPathComponent
            let record: ECGRecord
            do { record = try ECGReader.read(url: url, options: readOptions) } catch {
                output.note("\(name): \(error)"); failures += 1; continue
            }
            let pURL = url.deletingPathExtension().appendingPathExtension("pwave")
            let ref: [ECGAnnotation]
            do { ref = try WFDBAnnotationFile.read(url: pURL, samplingRateHz: record.rhythm.samplingRateHz).annotations } catch {
                output.note("\(name): no readable P-wave annotations (\(pURL.lastPathComponent)): \(error)"); failures += 1; continue
            }
            let t0 = Date()
            let analysis = try ECGAnalysis.analyze(record)
            let det = try PWaveEvaluation.detect(record: record, analysis: analysis)
            let dt = Date().timeIntervalSince(t0)
            let r = PWaveEvaluation.score(detected: det, reference: ref, referenceRate: record.rhythm.samplingRateHz, rhythm: record.annotations,
                                          rhythmRate: record.rhythm.samplingRateHz, durationSeconds: record.rhythm.durationSeconds,
                                          toleranceMs: pTolerance)
            rs.append(r)
            var note = ""
            if let p = analysis.problem { note = "  NOT ASSESSABLE [\(p.message)]" }
            output.line(pad(name, 24) + lpad("\(r.reference)", 7) + lpad("\(r.truePositives)", 7) + lpad("\(r.falseNegatives)", 6) + lpad("\(r.falsePositives)", 6)
                  + lpad(pct(r.sensitivity), 8) + lpad(pct(r.positivePredictivity), 8) + lpad("\(r.callsInAF)", 9) + lpad(String(format: "%.0f", r.afSeconds), 7)
                  + lpad("\(r.callsInAFL)", 10) + lpad(String(format: "%.0f", r.aflSeconds), 7) + lpad(String(format: "%.2f", dt), 8) + note)
        }
        let ref = rs.reduce(0) { $0 + $1.reference }, tp = rs.reduce(0) { $0 + $1.truePositives }, fp = rs.reduce(0) { $0 + $1.falsePositives }
        let ses = rs.compactMap(\.sensitivity), pps = rs.compactMap(\.positivePredictivity)
        output.line(String(format: "gross (%d records, tolerance %.0f ms): ref %d TP %d FN %d FP %d  Se %@ %%  +P %@ %%  (average Se %@ %%, +P %@ %%)",
                     rs.count, pTolerance, ref, tp, ref - tp, fp, pct(ref > 0 ? Double(tp) / Double(ref) : nil), pct(tp + fp > 0 ? Double(tp) / Double(tp + fp) : nil),
                     pct(ses.isEmpty ? nil : ses.reduce(0, +) / Double(ses.count)), pct(pps.isEmpty ? nil : pps.reduce(0, +) / Double(pps.count))))
        output.line(String(format: "P waves called in AFIB segments: %d (%.0f s of AFIB); in AFL segments: %d (%.0f s of AFL)",
                     rs.reduce(0) { $0 + $1.callsInAF }, rs.reduce(0) { $0 + $1.afSeconds }, rs.reduce(0) { $0 + $1.callsInAFL }, rs.reduce(0) { $0 + $1.aflSeconds }))
        return failures
    }

    func pct(_ x: Double?) -> String { x.map { String(format: "%.2f", 100 * $0) } ?? "-" }
    private func countsAndRates(_ m: BeatMatch) -> String {
        lpad("\(m.truePositives + m.falseNegatives)", 7) + lpad("\(m.truePositives)", 7) + lpad("\(m.falseNegatives)", 6)
            + lpad("\(m.falsePositives)", 6) + lpad(pct(m.sensitivity), 8) + lpad(pct(m.positivePredictivity), 8)
    }
    private func row(_ name: String, _ m: BeatMatch) -> String { pad(name, 24) + countsAndRates(m) }
    func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
    func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? " " + s : String(repeating: " ", count: n - s.count) + s }
}
