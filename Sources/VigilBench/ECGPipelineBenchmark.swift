import DetectorCatalog
import DetectorKit
import ECGFormats
import ECGScoring
import ECGSynth
import Foundation

/// `vigil bench ecg`: records per second of the ECG pipeline (read → findings) on synthetic 10 s 12-lead
/// records, through the registry as `vigil ecg score` runs it (one ``DetectionRequest`` per record, so every
/// detector reads one shared analysis), next to NeuroKit2's `ecg_process` on the same files
/// (`Tools/bench/neurokit_peer.py`).
public struct ECGPipelineBenchmark: Sendable {
    /// Synthetic records to write and time.
    public var records = 12
    /// Minimum seconds of timing per side.
    public var minSeconds = 3.0
    /// The interpreter with neurokit2 and wfdb for the peer.
    public var python = "python3"
    /// Keep the records here (nil: a temporary folder, removed afterwards).
    public var folder: URL?
    /// Skip the NeuroKit2 peer.
    public var skipPeer = false
    /// Also time the peer on lead II only (a peer-favourable variant).
    public var singleLeadPeer = false
    /// The detectors (default: the shipped catalog from `$VIGIL_MODELS` or `./Models`).
    public var registry: DetectorRegistry?

    /// A benchmark with the defaults above.
    public init() {}

    /// The detector timed against NeuroKit2: the rule-based rhythm detector, whose work (filtering, QRS
    /// detection, delineation, measurements) is what `ecg_process` does.
    static let signalDetector = "ecg-rhythm"

    /// Writes the records, times Vigil and the peer, and writes the report to `output`.
    public func run(_ output: BenchOutput) async throws {
        guard records >= 1 else { throw BenchError("records must be at least 1") }
        let registry = try self.registry ?? DetectorCatalog.registry(warn: output.note)
        let all = try ECGScorer(registry: registry)
        guard let rhythm = registry.detector(id: Self.signalDetector) else {
            throw BenchError("the registry has no \(Self.signalDetector) detector to time against NeuroKit2")
        }
        let signalOnly = try ECGScorer(registry: DetectorRegistry([rhythm]))
        let folder = self.folder
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-ecg-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if self.folder == nil { try? FileManager.default.removeItem(at: folder) } }
        let labels: [ECGSynthLabel] = [.normal, .afib, .pvc, .sinusBradycardia, .sinusTachycardia, .lbbb, .longQT, .firstDegreeAVBlock]
        var headers: [URL] = []
        for i in 0..<records {
            let s = try ECGSynthesizer.generate(ECGSynthRequest(kind: .ecg([labels[i % labels.count]]), seed: UInt64(1000 + i), snrDB: 20))
            let name = String(format: "bench%03d", i)
            headers.append(try WFDBWriter.write(record: try s.ecgRecord(name: name), to: folder, name: name))
        }
        output.note("wrote \(records) records to \(folder.path); timing Vigil …")

        let rules = try await time(signalOnly, headers)
        let every = try await time(all, headers)
        let ids = registry.detectors(for: .ecg).map(\.id)
        output.line("Vigil ECG pipeline benchmark (\(ProcessInfo.processInfo.activeProcessorCount) cores visible; records: \(records) × 10 s, 12 leads, 500 Hz)")
        output.line(String(format: "  vigil %@ (read → rhythm findings, 1 thread):  %8.1f records/s wall   %8.1f records/s CPU   %6.1f ms/record   (%d passes, %d findings)",
                           Self.signalDetector, rules.wall, rules.cpu, 1000 / rules.cpu, rules.passes, rules.findings))
        output.line(String(format: "  vigil %d ECG detectors (%@), one shared analysis per record:  %8.1f records/s wall   %8.1f records/s CPU   %6.1f ms/record",
                           ids.count, ids.joined(separator: ", "), every.wall, every.cpu, 1000 / every.cpu))
        guard !skipPeer else { output.line("  peer skipped (--no-peer)"); return }
        var peer = PythonPeer(python: python, script: "Tools/bench/neurokit_peer.py")
        peer.environment = PythonPeer.singleThreaded
        for lead in singleLeadPeer ? [nil, "II"] : [nil] as [String?] {
            output.note("running the NeuroKit2 peer\(lead.map { " (lead \($0) only)" } ?? "") …")
            var args = ["--min-seconds", String(minSeconds), "--cpu-time"]
            if let lead { args += ["--lead", lead] }
            switch peer.run(args + headers.map(\.path)) {
            case .failure(let why):
                output.line("  peer unavailable: \(why)")
            case .success(let json):
                guard let wall = json["records_per_second"]?.double, let cpu = json["records_per_cpu_second"]?.double else {
                    output.line("  peer unavailable: its JSON has no records_per_second"); continue
                }
                let what = lead.map { "lead \($0) only" } ?? "all 12 leads"
                output.line(String(format: "  neurokit2 %@ ecg_process, %@:  %8.2f records/s wall   %8.2f records/s CPU   (%d failed leads)",
                                   json["neurokit2"]?.string ?? "?", what, wall, cpu, json["failed_leads"]?.int ?? 0))
                output.line(String(format: "  ratio vigil %@ / neurokit2 (%@): %.0fx wall, %.0fx CPU", Self.signalDetector, what,
                                   rules.wall / wall, rules.cpu / cpu))
            }
        }
        output.line("  One run on this machine; other processes share it, so wall-clock rates vary. Goal: ≥ 20x NeuroKit2.")
    }

    /// Records per second (wall and CPU) reading each file and scoring it with `scorer`, after one warm-up pass.
    private func time(_ scorer: ECGScorer, _ headers: [URL]) async throws -> (wall: Double, cpu: Double, passes: Int, findings: Int) {
        func pass() async throws -> Int {
            var findings = 0
            for h in headers {
                let result = try await scorer.score(ECGReader.read(url: h))
                findings += result.outcomes.reduce(0) { $0 + ($1.outcome.findings?.count ?? 0) }
            }
            return findings
        }
        _ = try await pass()
        var passes = 0, findings = 0
        let wall0 = Date(), cpu0 = BenchMath.cpuSeconds()
        repeat { findings += try await pass(); passes += 1 } while Date().timeIntervalSince(wall0) < minSeconds
        let wall = Date().timeIntervalSince(wall0), cpu = BenchMath.cpuSeconds() - cpu0
        return (Double(passes * headers.count) / wall, Double(passes * headers.count) / cpu, passes, findings)
    }
}
