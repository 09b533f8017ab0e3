import ArgumentParser
import Foundation
import VigilBench

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

    func run() async throws {
        var bench = AFBenchmark(data: URL(fileURLWithPath: data))
        bench.cinc2017 = cinc2017.map { URL(fileURLWithPath: $0) }
        bench.peer = peer.map { URL(fileURLWithPath: $0) }
        bench.models = models.map { URL(fileURLWithPath: $0) }
        try await bench.run(.standard)
    }
}
