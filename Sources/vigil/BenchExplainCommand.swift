import ArgumentParser
import Foundation
import VigilBench

/// `vigil bench explain`: N findings files × M questions × both audiences against a configured
/// OpenAI-compatible server; share of answers accepted, rejection reasons, latency, prompt tokens and
/// reading grade in one table. `--record DIR` keeps every exchange (prompt, raw answer, verdict) as JSON for
/// the checker's audit (Tools/llm/label-answers.py).
struct BenchExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explanations by a language model: share accepted by the claim checker, rejection reasons, latency, prompt tokens.",
        discussion: """
            Reads findings files (`vigil ecg score --json` output, or any shape `vigil explain --findings` reads; a file \
            with an array of {"input", "outcomes", "modelCards"} counts as one input per element). The server is \
            configured as for `vigil explain --backend openai` (VIGIL_OPENAI_BASE_URL, VIGIL_OPENAI_MODEL, \
            VIGIL_OPENAI_TIMEOUT). --prompts-only measures the prompts alone (tokens by the server's /tokenize when it \
            is up, else an estimate) without asking for answers.
            """)

    @Argument(help: "Findings JSON files or folders of them.") var paths: [String]
    @Option(name: .customLong("question"), help: "Questions to ask (repeatable; \"-\" for no question). Default: a varied set of 6.")
    var questions: [String] = []
    @Option(help: "patient, clinician or both.") var audience: String = "both"
    @Option(help: "At most this many inputs.") var limit: Int?
    @Option(help: "Keep every exchange as JSON in this folder.") var record: String?
    @Flag(help: "Only build the prompts and count their tokens.") var promptsOnly = false
    @Option(help: "Ask in a shuffled order (this seed), so that a run cut short still covers inputs and questions.")
    var shuffle: UInt64?
    @Option(help: "Stop asking after this many seconds and report what was measured (with --shuffle, a fair sample).")
    var maxSeconds: Double?

    func run() async throws {
        guard let audiences = ExplanationBenchmark.audiences(named: audience) else {
            throw ValidationError("--audience must be patient, clinician or both")
        }
        var bench = ExplanationBenchmark(paths: paths.map { URL(fileURLWithPath: $0) })
        if !questions.isEmpty { bench.questions = questions.map { $0 == "-" ? nil : $0 } }
        bench.audiences = audiences
        bench.limit = limit
        bench.record = record.map { URL(fileURLWithPath: $0) }
        bench.promptsOnly = promptsOnly
        bench.shuffle = shuffle
        bench.maxSeconds = maxSeconds
        try await bench.run(.standard)
    }
}
