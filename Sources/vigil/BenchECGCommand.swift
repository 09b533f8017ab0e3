import ArgumentParser
import Foundation
import VigilBench

/// `vigil bench ecg`: the ECG pipeline's records per second next to NeuroKit2 (``VigilBench/ECGPipelineBenchmark``).
struct BenchECGCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ecg", abstract: "ECG pipeline records/s (read → findings, one shared analysis per record) next to NeuroKit2 ecg_process.",
        discussion: """
            Writes --records synthetic 10 s 12-lead 500 Hz WFDB records (ECGSynth, mixed labels, 20 dB SNR), then \
            times Vigil reading each and scoring it through the detector registry as `vigil ecg score` does (one \
            analysis per record shared by every detector: resampling, quality, two QRS detectors, pacing search, \
            beat classes, median beat, QRS/T/P delineation, measurements), in one thread: the rhythm detector \
            alone, and every ECG detector together. Tools/bench/neurokit_peer.py runs NeuroKit2's ecg_process \
            (cleaning, peaks, rate, quality, delineation, phase) on every lead of the same files, with BLAS/OpenMP \
            limited to one thread; the ratio compares it with the rhythm detector. Both include reading the file. \
            Wall-clock and CPU-time rates are printed; CPU time is the steadier figure on a shared machine. A \
            report, not a test.
            """)

    @Option(help: "Number of records.") var records: Int = 12
    @Option(help: "Minimum seconds of timing per side.") var minSeconds: Double = 3
    @Option(help: "Python interpreter with neurokit2 and wfdb for the peer.") var python: String = "python3"
    @Option(help: "Keep the records in this folder (default: a temporary folder, removed afterwards).") var dir: String?
    @Flag(help: "Skip the NeuroKit2 peer.") var noPeer = false
    @Flag(help: "Also time the peer on lead II only (a peer-favourable variant).") var singleLeadPeer = false

    func validate() throws {
        guard records >= 1 else { throw ValidationError("--records must be at least 1") }
        try ArgumentChecks.positive(minSeconds, "--min-seconds")
        if let dir { try ArgumentChecks.outputFolder(dir, option: "--dir") }
    }

    func run() async throws {
        var bench = ECGPipelineBenchmark()
        bench.records = records
        bench.minSeconds = minSeconds
        bench.python = python
        bench.folder = dir.map { URL(fileURLWithPath: $0) }
        bench.skipPeer = noPeer
        bench.singleLeadPeer = singleLeadPeer
        try await bench.run(.standard)
    }
}
