import ArgumentParser
import DetectorKit
import ECGDetectors
import ECGFormats
import Foundation

/// `vigil bench rhythm-af`: the rule-based `ecg-rhythm` AF call on real records (CinC 2017 with its labels, the
/// 50 CinC 2021 12-leads, none AF), with the measurements the call rests on, per record as JSON lines if asked.
struct BenchRhythmAFCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rhythm-af", abstract: "The rule-based AF call of ecg-rhythm on CinC 2017 / CinC 2021 (F1, Se, Sp; false AF).",
        discussion: """
            Runs RhythmDetector (its criteria can be overridden for a sweep) on <data>/cinc2017 (REFERENCE.csv; A = AF) \
            and <data>/cinc2021-12lead and prints the AF tallies. --dump writes one JSON line per record: source, \
            record, truth, decision, heart rate, RMSSD/mean NN, median successive RR difference, P wave. Tune on CinC \
            2017 only; CinC 2021 is the other-hospital test set (--skip-cinc2021 while tuning). A report, not a test.
            """)

    @Option(help: "Folder holding cinc2017/ and cinc2021-12lead/.") var data: String = "../shared/data/ecg-real"
    @Option(help: "CinC 2017 folder (overrides <data>/cinc2017).") var cinc2017: String?
    @Option(help: "Override RhythmCriteria.irregularNormalisedRMSSD.") var nrmssd: Double?
    @Option(help: "Override RhythmCriteria.irregularMedianSuccessiveDifference (0 = the rule before 0.2).") var msd: Double?
    @Option(help: "Write one JSON line per record here.") var dump: String?
    @Flag(help: "Do not read CinC 2021 (while tuning).") var skipCinc2021 = false

    func run() async throws {
        var criteria = RhythmCriteria()
        if let nrmssd { criteria.irregularNormalisedRMSSD = nrmssd }
        if let msd { criteria.irregularMedianSuccessiveDifference = msd }
        var configuration = ECGAnalysis.Configuration()
        configuration.rhythm = criteria
        let detector = RhythmDetector(criteria: criteria, configuration: configuration)
        var lines: [String] = []
        var unreadable: [String] = []

        func score(_ url: URL, source: String, truth: Bool) async -> Bool?? {
            do {
                let record = try ECGReader.read(url: url)
                let outcome = try await detector.analyze(record)
                guard let f = outcome.findings?.first(where: { $0.code == "ecg.afib" }) else { return .some(nil) }
                let call: Bool? = f.decision == .indeterminate ? nil : f.decision == .positive
                func m(_ n: String) -> Any { f.measurements.first { $0.name == n }?.value ?? NSNull() }
                let pWave = f.evidence.contains { if case let .text(t) = $0 { return t.hasPrefix("P wave present") } else { return false } }
                let obj: [String: Any] = ["source": source, "record": url.deletingPathExtension().lastPathComponent, "truth": truth,
                                          "decision": f.decision.rawValue, "heartRate": m("heartRate"), "normalisedRMSSD": m("normalisedRMSSD"),
                                          "medianSuccessiveRRDifference": m("medianSuccessiveRRDifference"), "pWavePresent": pWave]
                if let d = try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]) { lines.append(String(decoding: d, as: UTF8.self)) }
                return .some(call)
            } catch {
                unreadable.append("\(url.lastPathComponent): \(String(describing: error).prefix(120))")
                return nil
            }
        }
        let dataURL = URL(fileURLWithPath: data)
        let c17 = cinc2017.map { URL(fileURLWithPath: $0) } ?? dataURL.appendingPathComponent("cinc2017")
        var t17 = BenchAFCommand.Tally(), t21 = BenchAFCommand.Tally()
        if let ref = try? String(contentsOf: c17.appendingPathComponent("REFERENCE.csv"), encoding: .utf8) {
            for line in ref.split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2 else { continue }
                let truth = parts[1] == "A"
                if let call = await score(c17.appendingPathComponent(parts[0] + ".hea"), source: "cinc2017", truth: truth) {
                    t17.add(truth: truth, call: call)
                }
            }
        } else {
            printError("no \(c17.path)/REFERENCE.csv: CinC 2017 skipped")
        }
        if !skipCinc2021 {
            let c21 = dataURL.appendingPathComponent("cinc2021-12lead")
            let headers = ((try? FileManager.default.contentsOfDirectory(at: c21, includingPropertiesForKeys: nil)) ?? [])
                .filter { $0.pathExtension == "hea" }.sorted { $0.path < $1.path }
            for h in headers {
                if let call = await score(h, source: "cinc2021", truth: false) { t21.add(truth: false, call: call) }
            }
        }
        print(String(format: "ecg-rhythm AF rule (RMSSD/mean NN ≥ %.3f, median successive RR difference ≥ %.3f, no P wave)",
                     criteria.irregularNormalisedRMSSD, criteria.irregularMedianSuccessiveDifference))
        print("CinC 2017: " + t17.text)
        if !skipCinc2021 { print("CinC 2021 12-lead (none AF): false AF \(t21.fp) of \(t21.fp + t21.tn) (indeterminate \(t21.abstained))") }
        if !unreadable.isEmpty {
            print("Unreadable records (\(unreadable.count)):")
            for u in unreadable.prefix(10) { print("  " + u) }
        }
        if let dump { try (lines.joined(separator: "\n") + "\n").write(toFile: dump, atomically: true, encoding: .utf8) }
    }
}
