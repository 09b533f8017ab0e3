import CTSynth
import DetectorKit
import Explainer
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `vigil bench explain`: N findings files × M questions × both audiences against a configured
/// OpenAI-compatible server; share of answers accepted, rejection reasons, latency, prompt tokens and
/// reading grade in one table. ``record`` keeps every exchange (prompt, raw answer, verdict) as JSON for
/// the checker's audit (Tools/llm/label-answers.py).
public struct ExplanationBenchmark: Sendable {
    /// Findings JSON files or folders of them (`vigil ecg score --json` output, or any shape `vigil explain
    /// --findings` reads; an array of {"input", "outcomes", "modelCards"} counts as one input per element).
    public var paths: [URL]
    /// Questions to ask (nil: none); default a varied set of 6.
    public var questions: [String?] = ExplanationBenchmark.defaultQuestions.map { $0 == "-" ? nil : $0 }
    /// The audiences asked for.
    public var audiences: [Audience] = [.clinician, .patient]

    /// The audiences a name asks for: patient, clinician, or both (nil for any other name).
    public static func audiences(named name: String) -> [Audience]? {
        name == "both" ? [.clinician, .patient] : Audience(rawValue: name).map { [$0] }
    }
    /// At most this many inputs.
    public var limit: Int?
    /// Keep every exchange as JSON in this folder.
    public var record: URL?
    /// Only build the prompts and count their tokens.
    public var promptsOnly = false
    /// Ask in a shuffled order (this seed), so that a run cut short still covers inputs and questions.
    public var shuffle: UInt64?
    /// Stop asking after this many seconds and report what was measured.
    public var maxSeconds: Double?

    /// A benchmark over the findings in `paths`.
    public init(paths: [URL]) { self.paths = paths }

    /// The questions asked when none are given (`-`: no question).
    public static let defaultQuestions = ["-", "What does this result mean?", "What happens next?", "Do I have atrial fibrillation?",
                                   "What was my heart rate?", "How sure is this result?"]

    struct Input { let name: String; let outcomes: [DetectorOutcome]; let cards: [ModelCard] }

    /// Asks every (input, question, audience) and writes the table to `output`.
    public func run(_ output: BenchOutput) async throws {
        var inputs = try Self.loadInputs(paths, output: output)
        if let limit { inputs = Array(inputs.prefix(limit)) }
        guard !inputs.isEmpty else { throw BenchError("no findings files found in \(paths.map(\.path).joined(separator: ", "))") }
        let qs = questions
        let config = OpenAIConfiguration.fromEnvironment()
        if !promptsOnly, config == nil { throw BenchError("set VIGIL_OPENAI_MODEL (and VIGIL_OPENAI_BASE_URL) to name the server") }
        if let record { try FileManager.default.createDirectory(at: record, withIntermediateDirectories: true) }

        var rows: [Row] = []
        var n = 0
        let total = inputs.count * qs.count * audiences.count
        var plan: [(Input, String?, Audience)] = []
        for input in inputs { for q in qs { for a in audiences { plan.append((input, q, a)) } } }
        if let shuffle {
            var rng = CTSynth.SeededRandom(seed: shuffle)  // the project's SplitMix64 (CTSynth)
            plan.shuffle(using: &rng)
        }
        let started = Date()
        for (input, q, a) in plan {
                    if let maxSeconds, Date().timeIntervalSince(started) > maxSeconds {
                        output.note("stopped after \(Int(maxSeconds)) s (--max-seconds): \(n) of \(total) requests asked")
                        break
                    }
                    n += 1
                    var request = ExplanationRequest(outcomes: input.outcomes, audience: a, question: q,
                                                     modelCards: input.cards, backend: .openai, openAI: config)
                    let context = ExplanationContext(request: request)
                    let compact = CompactPrompt(context: context)
                    var row = Row(input: input.name, question: q, audience: a)
                    row.estimatedTokens = compact.estimatedTokens
                    if ProcessInfo.processInfo.environment["VIGIL_BENCH_PRINT_PROMPTS"] == "1" {
                        output.note("---- \(input.name) · \(a.rawValue) · \(q ?? "-")\n\(compact.system)\n\n\(compact.user)")
                    }
                    if promptsOnly {
                        if let config { row.promptTokens = await Self.tokenize(compact, config) }
                        rows.append(row)
                        continue
                    }
                    request.backend = .openai
                    output.note("[\(n)/\(total)] \(input.name) · \(a.rawValue) · \(q ?? "(no question)")")
                    let e = await Explainer.explain(request)
                    row.accepted = e.backend.used == .openai
                    row.failure = e.backend.failure?.rawValue
                    row.rules = e.audit.checker?.failures.map(\.rule).uniqued() ?? []
                    row.seconds = e.audit.usage?.seconds
                    row.promptTokens = e.audit.usage?.promptTokens
                    row.completionTokens = e.audit.usage?.completionTokens
                    row.grade = a == .patient ? e.readingGrade : nil
                    rows.append(row)
                    if let record { try Self.write(e, row: row, context: context, to: record, index: n) }
        }
        output.line(Self.table(rows, model: promptsOnly ? nil : config?.model, promptsOnly: promptsOnly, inputs: inputs.count,
                         questions: qs.count, audiences: audiences.count))
    }

    struct Row {
        let input: String
        let question: String?
        let audience: Audience
        var accepted = false
        var failure: String?
        var rules: [String] = []
        var seconds: Double?
        var promptTokens: Int?
        var completionTokens: Int?
        var estimatedTokens = 0
        var grade: Double?
    }

    static func loadInputs(_ paths: [URL], output: BenchOutput) throws -> [Input] {
        var files: [URL] = []
        for p in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: p.path, isDirectory: &isDir) else { throw BenchError("\(p.path): no such file") }
            if isDir.boolValue {
                let items = try FileManager.default.contentsOfDirectory(atPath: p.path).filter { $0.hasSuffix(".json") }.sorted()
                files += items.map { p.appendingPathComponent($0) }
            } else { files.append(p) }
        }
        var inputs: [Input] = []
        for url in files {
            do { inputs += try loadFile(url) } catch {
                output.note("warning: skipped \(url.path): \(error)")
            }
        }
        return inputs
    }

    static func loadFile(_ url: URL) throws -> [Input] {
        var inputs: [Input] = []
        let data = try Data(contentsOf: url)
        do {
            if let array = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]],
               array.first?["outcomes"] != nil
            {
                for (i, element) in array.enumerated() {
                    let d = try FindingsDocument(data: JSONSerialization.data(withJSONObject: element), path: url.path)
                    let name = (element["input"] as? String).map { URL(fileURLWithPath: $0).lastPathComponent } ?? "\(url.lastPathComponent)#\(i)"
                    inputs.append(Input(name: name, outcomes: d.outcomes, cards: d.modelCards))
                }
            } else {
                let d = try FindingsDocument(contentsOf: url)
                inputs.append(Input(name: url.deletingPathExtension().lastPathComponent, outcomes: d.outcomes, cards: d.modelCards))
            }
        }
        return inputs
    }

    /// Prompt tokens by the server's `/tokenize` (llama.cpp), with the chat template's few tokens added.
    static func tokenize(_ prompt: CompactPrompt, _ config: OpenAIConfiguration) async -> Int? {
        var base = config.baseURL.absoluteString
        if base.hasSuffix("/v1") { base.removeLast(3) } else if base.hasSuffix("/v1/") { base.removeLast(4) }
        guard let url = URL(string: base.hasSuffix("/") ? base + "tokenize" : base + "/tokenize") else { return nil }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.timeoutInterval = 30
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try? JSONSerialization.data(withJSONObject: ["content": prompt.system + "\n" + prompt.user])
        guard let (data, _) = try? await URLSession.shared.data(for: request),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let tokens = object["tokens"] as? [Any] else { return nil }
        return tokens.count + 12   // <|im_start|>system … <|im_end|> <|im_start|>user … <|im_start|>assistant
    }

    static func write(_ e: Explanation, row: Row, context: ExplanationContext, to dir: URL, index: Int) throws {
        struct Record: Encodable {
            let input: String; let question: String?; let audience: String; let model: String?
            let prompt: String?; let rawAnswer: String?; let claims: [Claim]; let answer: String?
            let accepted: Bool; let failure: String?; let checkerFailures: [CheckFailure]
            let usage: Usage?; let readingGrade: Double?; let errors: [String]
        }
        let draft = e.audit.rawAnswer.flatMap { try? OpenAIBackend.draft(fromAnswer: $0, context: context) }
        let r = Record(input: row.input, question: row.question, audience: row.audience.rawValue, model: e.backend.model,
                       prompt: e.audit.prompt, rawAnswer: e.audit.rawAnswer,
                       claims: draft?.claims ?? [], answer: draft?.answer,
                       accepted: row.accepted, failure: row.failure, checkerFailures: e.audit.checker?.failures ?? [],
                       usage: e.audit.usage, readingGrade: e.readingGrade, errors: e.audit.errors)
        let name = String(format: "%04d-%@-%@.json", index, row.input.replacingOccurrences(of: "/", with: "_"), row.audience.rawValue)
        try VigilJSON.encode(r, pretty: true).write(to: dir.appendingPathComponent(name))
    }

    static func percentile(_ xs: [Double], _ p: Double) -> Double? {
        guard !xs.isEmpty else { return nil }
        let s = xs.sorted()
        let rank = p * Double(s.count - 1)
        let lo = Int(rank.rounded(.down)), hi = Int(rank.rounded(.up))
        return s[lo] + (s[hi] - s[lo]) * (rank - Double(lo))
    }

    static func table(_ rows: [Row], model: String?, promptsOnly: Bool, inputs: Int, questions: Int, audiences: Int) -> String {
        func f(_ x: Double?, _ d: Int = 1) -> String { x.map { String(format: "%.\(d)f", $0) } ?? "-" }
        var out: [String] = []
        out.append("Explanation bench: \(inputs) inputs × \(questions) questions × \(audiences) audiences; \(rows.count) requests"
            + (model.map { ", model \($0)" } ?? ""))
        out.append("")
        out.append("  group        n  accepted  share   p50 s   p95 s   prompt tok p50/p95/max  est tok max  grade p50")
        let groups: [(String, [Row])] = [("clinician", rows.filter { $0.audience == .clinician }),
                                         ("patient", rows.filter { $0.audience == .patient }), ("all", rows)]
        func l(_ x: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - x.count)) + x }
        for (name, rs) in groups where !rs.isEmpty {
            let accepted = rs.filter(\.accepted).count
            let secs = rs.compactMap(\.seconds)
            let toks = rs.compactMap(\.promptTokens).map(Double.init)
            let grades = rs.compactMap(\.grade)
            let share = promptsOnly ? "-" : String(format: "%.0f%%", 100 * Double(accepted) / Double(rs.count))
            out.append("  " + name.padding(toLength: 10, withPad: " ", startingAt: 0) + l("\(rs.count)", 4)
                + l(promptsOnly ? "-" : "\(accepted)", 10) + l(share, 7) + l(f(percentile(secs, 0.5)), 8)
                + l(f(percentile(secs, 0.95)), 8)
                + l("\(f(percentile(toks, 0.5), 0))/\(f(percentile(toks, 0.95), 0))/\(f(toks.max(), 0))", 25)
                + l("\(rs.map(\.estimatedTokens).max() ?? 0)", 13)
                + l(grades.isEmpty ? "-" : f(percentile(grades, 0.5)), 11))
        }
        if !promptsOnly {
            var reasons: [String: Int] = [:]
            for r in rows where !r.accepted {
                if r.failure == BackendFailure.checkerRejected.rawValue {
                    for rule in r.rules { reasons["checker: \(rule)", default: 0] += 1 }
                } else { reasons["failure: \(r.failure ?? "?")", default: 0] += 1 }
            }
            out.append("")
            out.append("Rejection reasons (an answer can break several rules):")
            if reasons.isEmpty { out.append("  none") }
            for (k, v) in reasons.sorted(by: { $0.value > $1.value }) { out.append("  \(k.padding(toLength: 36, withPad: " ", startingAt: 0)) \(v)") }
        }
        return out.joined(separator: "\n")
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
