import ArgumentParser
import DetectorKit
import ECGDetectors
import ECGFormats
import Foundation

/// `vigil bench af`: ecg-af and the openvital peer side by side on the same real records, in one run.
struct BenchAFCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "af", abstract: "ecg-af next to the openvital rhythm model on real records (AF F1, Se, Sp; false AF).",
        discussion: """
            Reads <data>/cinc2017 (REFERENCE.csv; A = AF) and <data>/cinc2021-12lead (none AF) with Vigil's readers, \
            runs the ecg-af detector (Models/ecg-af or --models) and the peer (the ONNX file written by \
            Tools/ecg/real/export_openvital_peer.py, on Vigil's engine) on every record, and prints both side by side. \
            CinC 2017 records the shipped model was trained on (Models/ecg-af/splits.json) are reported apart from \
            the ones it never saw; the cross-validated figures come from Tools/ecg/real/eval_af.py. Records a reader \
            refuses are counted and named, not skipped silently (until the WFDB checksum fix lands, pass --cinc2017 \
            with a copy whose header checksums are corrected). A report, not a test.
            """)

    @Option(help: "Folder holding cinc2017/ and cinc2021-12lead/.") var data: String = "../shared/data/ecg-real"
    @Option(help: "CinC 2017 folder (overrides <data>/cinc2017).") var cinc2017: String?
    @Option(help: "The peer's ONNX file (Tools/ecg/real/export_openvital_peer.py).") var peer: String?
    @Option(help: "Models directory (default: $VIGIL_MODELS or ./Models).") var models: String?

    struct Tally {
        var tp = 0, fp = 0, fn = 0, tn = 0, abstained = 0
        mutating func add(truth: Bool, call: Bool?) {
            guard let call else { abstained += 1; return }
            switch (truth, call) {
            case (true, true): tp += 1
            case (false, true): fp += 1
            case (true, false): fn += 1
            case (false, false): tn += 1
            }
        }
        var text: String {
            let f1 = 2 * tp + fp + fn > 0 ? Double(2 * tp) / Double(2 * tp + fp + fn) : .nan
            let se = tp + fn > 0 ? Double(tp) / Double(tp + fn) : .nan
            let sp = tn + fp > 0 ? Double(tn) / Double(tn + fp) : .nan
            return String(format: "F1 %.3f  Se %.3f  Sp %.3f  (TP %d FP %d FN %d TN %d, abstained %d)", f1, se, sp, tp, fp, fn, tn, abstained)
        }
    }

    func run() async throws {
        let modelsURL = models.map { URL(fileURLWithPath: $0) } ?? ModelsDirectory.resolve()
        let af = try AFDetector.shipped(modelsDirectory: modelsURL)
        let peerModel = try peer.map { try AFPeerModel(onnxFile: URL(fileURLWithPath: $0)) }
        if peerModel == nil { printError("no --peer: the peer column is left empty (export it with Tools/ecg/real/export_openvital_peer.py)") }
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
        let dataURL = URL(fileURLWithPath: data)
        let c17 = cinc2017.map { URL(fileURLWithPath: $0) } ?? dataURL.appendingPathComponent("cinc2017")
        var ours17Seen = Tally(), ours17Unseen = Tally(), peer17 = Tally(), peer17Unseen = Tally()
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
            printError("no \(c17.path)/REFERENCE.csv: CinC 2017 skipped")
        }
        let c21 = dataURL.appendingPathComponent("cinc2021-12lead")
        let headers = ((try? FileManager.default.contentsOfDirectory(at: c21, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "hea" }.sorted { $0.path < $1.path }
        var ours21 = Tally(), peer21 = Tally()
        for h in headers {
            let r = await score(h)
            if let e = r.error { unreadable.append("\(h.lastPathComponent): \(e.prefix(120))"); continue }
            ours21.add(truth: false, call: r.ours)
            peer21.add(truth: false, call: r.peer)
        }
        print("ecg-af (\(af.modelCard?.version ?? "?")) vs openvital 0.2.1 rhythm model — same records, one run")
        print("CinC 2017, records the shipped model never saw (\(ours17Unseen.tp + ours17Unseen.fp + ours17Unseen.fn + ours17Unseen.tn + ours17Unseen.abstained)):")
        print("  ecg-af  " + ours17Unseen.text)
        print("  peer    " + peer17Unseen.text)
        print("CinC 2017, records in the shipped model's training folds (optimistic for ecg-af): ecg-af " + ours17Seen.text)
        print("CinC 2017, all records: peer " + peer17.text)
        print("CinC 2021 12-lead (none AF): false AF  ecg-af \(ours21.fp) of \(ours21.fp + ours21.tn) (abstained \(ours21.abstained))   peer \(peer21.fp) of \(peer21.fp + peer21.tn)")
        if !unreadable.isEmpty {
            print("Unreadable records (\(unreadable.count)):")
            for u in unreadable.prefix(10) { print("  " + u) }
        }
        print("Cross-validated figures (every CinC 2017 record scored by a model that did not see it): Models/ecg-af/README.md.")
    }
}
