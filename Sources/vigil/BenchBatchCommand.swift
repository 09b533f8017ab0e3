import ArgumentParser
import Foundation

/// `vigil bench batch` (placeholder until its issue lands it).
struct BenchBatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "batch", abstract: "Batch throughput and memory (not implemented yet)")
    func run() throws { throw ValidationError("vigil bench batch is not implemented yet") }
}
