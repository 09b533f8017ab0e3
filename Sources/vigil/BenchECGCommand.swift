import ArgumentParser
import Foundation

/// `vigil bench ecg` (placeholder until its issue lands it).
struct BenchECGCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ecg", abstract: "ECG pipeline throughput vs NeuroKit2 (not implemented yet)")
    func run() throws { throw ValidationError("vigil bench ecg is not implemented yet") }
}
