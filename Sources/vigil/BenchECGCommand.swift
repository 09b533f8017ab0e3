import ArgumentParser
import DetectorKit
import ECGDetectors
import ECGFormats
import ECGSynth
import Foundation

/// `vigil bench ecg`: records per second of the ECG measurement pipeline (read → findings) on 10 s
/// 12-lead records, next to NeuroKit2's `ecg_process` on the same records (Tools/bench/neurokit_peer.py).
struct BenchECGCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ecg", abstract: "ECG pipeline records/s (read → rhythm findings) next to NeuroKit2 ecg_process.",
        discussion: """
            Writes --records synthetic 10 s 12-lead 500 Hz WFDB records (ECGSynth, mixed labels, 20 dB SNR), then \
            times Vigil reading each and running the rhythm detector (resampling, quality, two QRS detectors, \
            pacing search, beat classes, median beat, QRS/T/P delineation, measurements, findings) in one thread, \
            and Tools/bench/neurokit_peer.py running NeuroKit2's ecg_process (cleaning, peaks, rate, quality, \
            delineation, phase) on every lead of the same files, with BLAS/OpenMP limited to one thread. Both \
            include reading the file. Wall-clock and CPU-time rates are printed; CPU time is the steadier figure \
            on a shared machine. A report, not a test.
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
        let folder = dir.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-ecg-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if dir == nil { try? FileManager.default.removeItem(at: folder) } }
        let labels: [ECGSynthLabel] = [.normal, .afib, .pvc, .sinusBradycardia, .sinusTachycardia, .lbbb, .longQT, .firstDegreeAVBlock]
        var headers: [URL] = []
        for i in 0..<records {
            let s = try ECGSynthesizer.generate(ECGSynthRequest(kind: .ecg([labels[i % labels.count]]), seed: UInt64(1000 + i), snrDB: 20))
            let name = String(format: "bench%03d", i)
            headers.append(try WFDBWriter.write(record: try s.ecgRecord(name: name), to: folder, name: name))
        }
        printError("wrote \(records) records to \(folder.path); timing Vigil …")

        let detector = RhythmDetector()
        func pass() async throws -> Int {
            var findings = 0
            for h in headers {
                let record = try ECGReader.read(url: h)
                findings += try await detector.analyze(record).findings?.count ?? 0
            }
            return findings
        }
        _ = try await pass()  // warm-up
        var passes = 0, findings = 0
        let wall0 = Date(), cpu0 = cpuSeconds()
        repeat { findings += try await pass(); passes += 1 } while Date().timeIntervalSince(wall0) < minSeconds
        let wall = Date().timeIntervalSince(wall0), cpu = cpuSeconds() - cpu0
        let vigilWall = Double(passes * records) / wall, vigilCPU = Double(passes * records) / cpu

        print("Vigil ECG pipeline benchmark (\(ProcessInfo.processInfo.activeProcessorCount) cores visible; records: \(records) × 10 s, 12 leads, 500 Hz)")
        print(String(format: "  vigil (read → rhythm findings, 1 thread):  %8.1f records/s wall   %8.1f records/s CPU   (%d passes, %d findings)",
                     vigilWall, vigilCPU, passes, findings))
        guard !noPeer else { print("  peer skipped (--no-peer)"); return }
        let script = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Tools/bench/neurokit_peer.py")
        for lead in singleLeadPeer ? [nil, "II"] : [nil] as [String?] {
            printError("running the NeuroKit2 peer\(lead.map { " (lead \($0) only)" } ?? "") …")
            switch runPeer(script: script, headers: headers, lead: lead) {
            case .failure(let why):
                print("  peer unavailable: \(why)")
            case .success(let p):
                let what = lead.map { "lead \($0) only" } ?? "all 12 leads"
                print(String(format: "  neurokit2 %@ ecg_process, %@:  %8.2f records/s wall   %8.2f records/s CPU   (%d failed leads)",
                             p.version, what, p.wall, p.cpu, p.failedLeads))
                print(String(format: "  ratio vigil / neurokit2 (%@): %.0fx wall, %.0fx CPU", what, vigilWall / p.wall, vigilCPU / p.cpu))
            }
        }
        print("  One run on this machine; other processes share it, so wall-clock rates vary. Goal: ≥ 20x NeuroKit2.")
    }

    /// The peer's result.
    struct Peer { let version: String; let wall: Double; let cpu: Double; let failedLeads: Int }

    private func runPeer(script: URL, headers: [URL], lead: String?) -> Result<Peer, PeerError> {
        guard FileManager.default.fileExists(atPath: script.path) else { return .failure(PeerError("\(script.path) not found (run from the repository root)")) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var args = [python, script.path, "--min-seconds", String(minSeconds), "--cpu-time"]
        if let lead { args += ["--lead", lead] }
        p.arguments = args + headers.map(\.path)
        var env = ProcessInfo.processInfo.environment
        for k in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"] { env[k] = "1" }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        do { try p.run() } catch { return .failure(PeerError("cannot start \(python): \(error)")) }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0,
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let wall = obj["records_per_second"] as? Double, let cpu = obj["records_per_cpu_second"] as? Double
        else {
            let tail = String(decoding: errData.suffix(300), as: UTF8.self)
            return .failure(PeerError("\(python) exited \(p.terminationStatus): \(tail)"))
        }
        return .success(Peer(version: obj["neurokit2"] as? String ?? "?", wall: wall, cpu: cpu, failedLeads: obj["failed_leads"] as? Int ?? 0))
    }

    struct PeerError: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    private func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
