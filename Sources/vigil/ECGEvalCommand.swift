import ArgumentParser
import ECGDetectors
import ECGFormats
import ECGSignal
import Foundation

/// `vigil ecg eval RECORD...`: beat detection against the record's reference beats (EC57 matching,
/// 150 ms), sensitivity and positive predictivity per record and in total.
struct ECGEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "QRS detection sensitivity and positive predictivity against reference beats.",
        discussion: """
            Reference beats: WFDB beat annotations (.atr next to the .hea), or the per-beat fiducial points of a \
            DICOM ECG. Beats are those of the full measurement pipeline (ECGAnalysis: quality-checked leads, \
            multi-lead QRS detector), matched within 150 ms (ANSI/AAMI EC57). A record the pipeline refuses as \
            not assessable counts all its reference beats as missed; records without reference beats are skipped \
            and listed. Totals are gross (summed counts). Reference beats and detections within --edge seconds of the \
            record's start or end are not scored (a QRS complex cut by the record boundary can be judged neither way; \
            their number is printed); --edge 0 scores everything.
            """)

    @Argument(help: "ECG records with reference beats.") var records: [String]
    @Option(help: "Sampling rate in Hz, for CSV files that do not state it.") var rate: Double?
    @Flag(help: "List the times of missed reference beats and of extra detections.") var details = false
    @Option(help: "Seconds at each end of a record where beats are not scored.") var edge: Double = 0.1

    func run() throws {
        guard !records.isEmpty else { throw ValidationError("give at least one record") }
        var options = ECGReadOptions()
        options.samplingRateHz = rate
        var total = BeatMatch(truePositives: 0, falseNegatives: 0, falsePositives: 0)
        guard edge >= 0 else { throw ValidationError("--edge must be ≥ 0") }
        var evaluated = 0, refused = 0, failures = 0, edgeBeats = 0
        var skipped: [String] = []
        print(pad("record", 28) + lpad("ref", 6) + lpad("det", 6) + lpad("TP", 6) + lpad("FN", 5) + lpad("FP", 5)
              + lpad("Se %", 9) + lpad("+P %", 9) + "  note")
        for path in records {
            let name = URL(fileURLWithPath: path).lastPathComponent
            let record: ECGRecord
            do { record = try ECGReader.read(url: URL(fileURLWithPath: path), options: options) } catch {
                let text = "\(error)"
                printError(text.contains(name) ? text : "\(name): \(text)")
                failures += 1
                continue
            }
            guard let ref = ReferenceBeats.of(record) else { skipped.append(name); continue }
            let analysis = try ECGAnalysis.analyze(record)
            var note = ref.source.rawValue
            if ref.merged > 0 { note += "; \(ref.merged) reference point(s) < 200 ms from another merged" }
            var detected: [Int]
            if let p = analysis.problem {
                detected = []
                refused += 1
                note += "; NOT ASSESSABLE [\(p.reason)]: \(p.message)"
            } else {
                detected = analysis.beatsAtSourceRate
            }
            let fs = record.rhythm.samplingRateHz
            let lo = Int((edge * fs).rounded()), hi = record.rhythm.sampleCount - 1 - lo
            let refBeats = ref.beats.filter { $0 >= lo && $0 <= hi }
            detected = detected.filter { $0 >= lo && $0 <= hi }
            edgeBeats += ref.beats.count - refBeats.count
            let m = BeatMatch.compare(reference: refBeats, detected: detected, sampleRate: fs)
            total = total + m
            evaluated += 1
            print(row(name, refBeats.count, detected.count, m) + "  " + note)
            if details && (m.falseNegatives > 0 || m.falsePositives > 0) {
                let tol = Int((0.150 * fs).rounded(.down))
                let missed = refBeats.filter { r in !detected.contains { abs($0 - r) <= tol } }
                let extra = detected.filter { d in !refBeats.contains { abs($0 - d) <= tol } }
                func times(_ x: [Int]) -> String { x.map { String(format: "%.3f", Double($0) / fs) }.joined(separator: " ") }
                print("    missed (s): \(times(missed))   extra (s): \(times(extra))   (approximate: nearest-within-150 ms test)")
            }
        }
        print(row("total (gross, \(evaluated) records)", total.truePositives + total.falseNegatives,
                  total.truePositives + total.falsePositives, total))
        if edgeBeats > 0 { print(String(format: "%d reference beat(s) within %.2f s of a record end not scored.", edgeBeats, edge)) }
        if refused > 0 { print("\(refused) record(s) not assessable: their reference beats count as missed.") }
        if !skipped.isEmpty { print("skipped (no reference beats): " + skipped.joined(separator: ", ")) }
        if failures > 0 { throw ExitCode(1) }
    }

    private func row(_ name: String, _ ref: Int, _ det: Int, _ m: BeatMatch) -> String {
        let se = m.sensitivity.map { String(format: "%.2f", 100 * $0) } ?? "-"
        let pp = m.positivePredictivity.map { String(format: "%.2f", 100 * $0) } ?? "-"
        return pad(name, 28) + lpad("\(ref)", 6) + lpad("\(det)", 6) + lpad("\(m.truePositives)", 6) + lpad("\(m.falseNegatives)", 5)
            + lpad("\(m.falsePositives)", 5) + lpad(se, 9) + lpad(pp, 9)
    }
    private func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
    private func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? " " + s : String(repeating: " ", count: n - s.count) + s }
}
