import DetectorKit
import ECGDetectors
import ECGFormats
import Foundation

/// AF calls against labels: TP/FP/FN/TN, abstentions, and F1/Se/Sp as one line.
public struct AFTally: Sendable {
    /// An empty tally.
    public init() {}
    public var tp = 0, fp = 0, fn = 0, tn = 0, abstained = 0
    public mutating func add(truth: Bool, call: Bool?) {
        guard let call else { abstained += 1; return }
        switch (truth, call) {
        case (true, true): tp += 1
        case (false, true): fp += 1
        case (true, false): fn += 1
        case (false, false): tn += 1
        }
    }
    public var text: String {
        let f1 = 2 * tp + fp + fn > 0 ? Double(2 * tp) / Double(2 * tp + fp + fn) : .nan
        let se = tp + fn > 0 ? Double(tp) / Double(tp + fn) : .nan
        let sp = tn + fp > 0 ? Double(tn) / Double(tn + fp) : .nan
        return String(format: "F1 %.3f  Se %.3f  Sp %.3f  (TP %d FP %d FN %d TN %d, abstained %d)", f1, se, sp, tp, fp, fn, tn, abstained)
    }
}

/// `vigil bench af`: ecg-af and the openvital peer (its ONNX export, on Vigil's engine) side by side on the same
/// real records, in one run: CinC 2017 (`REFERENCE.csv`; A = AF), records the shipped model never saw apart
/// from its training folds, and the CinC 2021 12-leads (none AF).
public struct AFBenchmark: Sendable {
    /// Folder holding `cinc2017/` and `cinc2021-12lead/`.
    public var data: URL
    /// The CinC 2017 folder (nil: `<data>/cinc2017`).
    public var cinc2017: URL?
    /// The peer's ONNX file (`Tools/ecg/real/export_openvital_peer.py`); nil leaves its column empty.
    public var peer: URL?
    /// The models directory (nil: `$VIGIL_MODELS` or `./Models`).
    public var models: URL?

    /// A benchmark over the records in `data`.
    public init(data: URL) { self.data = data }

    /// Scores every record with both and writes the tallies to `output`.
    public func run(_ output: BenchOutput) async throws {
        let modelsURL = models ?? ModelsDirectory.resolve()
        let af = try AFDetector.shipped(modelsDirectory: modelsURL)
        let peerModel = try peer.map { try AFPeerModel(onnxFile: $0) }
        if peerModel == nil { output.note("no --peer: the peer column is left empty (export it with Tools/ecg/real/export_openvital_peer.py)") }
        var training: Set<String> = []
        let splits = modelsURL.appendingPathComponent("ecg-af/splits.json")
        if let d = try? Data(contentsOf: splits), let j = try? JSONSerialization.jsonObject(with: d) as? [String: Any],
           let list = j["cinc2017_training_records"] as? [String] { training = Set(list) }

        func score(_ url: URL) async -> (ours: Bool?, peer: Bool?, error: String?) {
            do {
                let record = try ECGReader.read(url: url)
                let outcome = try await af.analyze(record)
                let ours = outcome.findings?.first.map { $0.decision == .positive }
                let p = try peerModel?.classify(record)?.isAF
                return (ours, p, nil)
            } catch {
                return (nil, nil, "\(error)")
            }
        }
        let dataURL = data
        let c17 = cinc2017 ?? dataURL.appendingPathComponent("cinc2017")
        var ours17Seen = AFTally(), ours17Unseen = AFTally(), peer17 = AFTally(), peer17Unseen = AFTally()
        var unreadable: [String] = []
        if let ref = try? String(contentsOf: c17.appendingPathComponent("REFERENCE.csv"), encoding: .utf8) {
            for line in ref.split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2 else { continue }
                let r = await score(c17.appendingPathComponent(parts[0] + ".hea"))
                if let e = r.error { unreadable.append("\(parts[0]): \(e.prefix(120))"); continue }
                let truth = parts[1] == "A"
                if training.contains(parts[0]) { ours17Seen.add(truth: truth, call: r.ours) } else {
                    ours17Unseen.add(truth: truth, call: r.ours); peer17Unseen.add(truth: truth, call: r.peer)
                }
                peer17.add(truth: truth, call: r.peer)
            }
        } else {
            output.note("no \(c17.path)/REFERENCE.csv: CinC 2017 skipped")
        }
        let c21 = dataURL.appendingPathComponent("cinc2021-12lead")
        let headers = ((try? FileManager.default.contentsOfDirectory(at: c21, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "hea" }.sorted { $0.path < $1.path }
        var ours21 = AFTally(), peer21 = AFTally()
        for h in headers {
            let r = await score(h)
            if let e = r.error { unreadable.append("\(h.lastPathComponent): \(e.prefix(120))"); continue }
            ours21.add(truth: false, call: r.ours)
            peer21.add(truth: false, call: r.peer)
        }
        output.line("ecg-af (\(af.modelCard?.version ?? "?")) vs openvital 0.2.1 rhythm model — same records, one run")
        output.line("CinC 2017, records the shipped model never saw (\(ours17Unseen.tp + ours17Unseen.fp + ours17Unseen.fn + ours17Unseen.tn + ours17Unseen.abstained)):")
        output.line("  ecg-af  " + ours17Unseen.text)
        output.line("  peer    " + peer17Unseen.text)
        output.line("CinC 2017, records in the shipped model's training folds (optimistic for ecg-af): ecg-af " + ours17Seen.text)
        output.line("CinC 2017, all records: peer " + peer17.text)
        output.line("CinC 2021 12-lead (none AF): false AF  ecg-af \(ours21.fp) of \(ours21.fp + ours21.tn) (abstained \(ours21.abstained))   peer \(peer21.fp) of \(peer21.fp + peer21.tn)")
        if !unreadable.isEmpty {
            output.line("Unreadable records (\(unreadable.count)):")
            for u in unreadable.prefix(10) { output.line("  " + u) }
        }
        output.line("Cross-validated figures (every CinC 2017 record scored by a model that did not see it): Models/ecg-af/README.md.")
    }
}

/// `vigil bench rhythm-af`: the rule-based `ecg-rhythm` AF call on real records (CinC 2017 with its labels, the
/// 50 CinC 2021 12-leads, none AF), with the measurements the call rests on, per record as JSON lines if asked.
/// Its criteria can be overridden for a sweep (tune on CinC 2017 only).
public struct RhythmAFBenchmark: Sendable {
    /// Folder holding `cinc2017/` and `cinc2021-12lead/`.
    public var data: URL
    /// The CinC 2017 folder (nil: `<data>/cinc2017`).
    public var cinc2017: URL?
    /// Override of `RhythmCriteria.irregularNormalisedRMSSD`.
    public var nrmssd: Double?
    /// Override of `RhythmCriteria.irregularMedianSuccessiveDifference` (0: the rule before 0.2).
    public var msd: Double?
    /// Write one JSON line per record here.
    public var dump: URL?
    /// Do not read CinC 2021 (while tuning).
    public var skipCinc2021 = false

    /// A benchmark over the records in `data`.
    public init(data: URL) { self.data = data }

    /// Scores every record and writes the tallies to `output`.
    public func run(_ output: BenchOutput) async throws {
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
        let dataURL = data
        let c17 = cinc2017 ?? dataURL.appendingPathComponent("cinc2017")
        var t17 = AFTally(), t21 = AFTally()
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
            output.note("no \(c17.path)/REFERENCE.csv: CinC 2017 skipped")
        }
        if !skipCinc2021 {
            let c21 = dataURL.appendingPathComponent("cinc2021-12lead")
            let headers = ((try? FileManager.default.contentsOfDirectory(at: c21, includingPropertiesForKeys: nil)) ?? [])
                .filter { $0.pathExtension == "hea" }.sorted { $0.path < $1.path }
            for h in headers {
                if let call = await score(h, source: "cinc2021", truth: false) { t21.add(truth: false, call: call) }
            }
        }
        output.line(String(format: "ecg-rhythm AF rule (RMSSD/mean NN ≥ %.3f, median successive RR difference ≥ %.3f, no P wave)",
                     criteria.irregularNormalisedRMSSD, criteria.irregularMedianSuccessiveDifference))
        output.line("CinC 2017: " + t17.text)
        if !skipCinc2021 { output.line("CinC 2021 12-lead (none AF): false AF \(t21.fp) of \(t21.fp + t21.tn) (indeterminate \(t21.abstained))") }
        if !unreadable.isEmpty {
            output.line("Unreadable records (\(unreadable.count)):")
            for u in unreadable.prefix(10) { output.line("  " + u) }
        }
        if let dump { try (lines.joined(separator: "\n") + "\n").write(to: dump, atomically: true, encoding: .utf8) }
    }
}
