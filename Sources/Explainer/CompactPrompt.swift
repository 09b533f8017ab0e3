import DetectorKit
import Foundation

/// The prompt and the answer schema for a language model, built from only what the question needs.
///
/// - **Facts**: the relevant findings (positive and indeterminate ones, the one the question is about, and
///   every abstention) with code, label, probability, threshold and decision, their measurements with units
///   and the knowledge base's usual range; the other findings by name only (as "not flagged"); each model
///   card's one-line intended use and first limitation; the knowledge entries' approved sentences in the
///   audience's voice. Nothing else: no raw findings JSON, no evidence lists, no sources.
/// - **Constrained answer** (`response_format` JSON schema, enforced by llama.cpp's grammar): claims whose
///   `codes` and `measurements` are enums of the codes and measurement names present, and whose text may not
///   contain a digit: numbers are written as references (`{ventricularRate}`, `{QRSduration.range}`,
///   `{ecg.cnn.afib.probability}`) that ``fill(_:)`` replaces with the value from the findings. A made-up
///   number or an ungrounded code cannot be produced. The "does not mean", next-step and urgent lines are the
///   knowledge base's own (the template's), never the model's; an unanswerable question gets the template's
///   "cannot tell you that" reason and the schema has no `answer` field.
///
/// ```swift
/// let prompt = CompactPrompt(context: ExplanationContext(request: request))
/// prompt.user            // the facts
/// prompt.schema          // the JSON schema sent as response_format
/// prompt.fill("The rate was {ventricularRate}.")   // "The rate was 112 /min."
/// ```
public struct CompactPrompt: Sendable {
    /// The system message (rules).
    public let system: String
    /// The user message (facts and the task).
    public let user: String
    /// Codes a claim may cite (finding codes and `abstention:<reason>`).
    public let codes: [String]
    /// Measurement names a claim may cite.
    public let measurementNames: [String]
    /// Reference name → the text ``fill(_:)`` puts in its place (`ventricularRate` → `112 /min`).
    public let references: [String: String]
    /// Whether the schema has an `answer` field (a question was asked and the findings can answer it).
    public let asksForAnswer: Bool

    /// Most claims the schema allows.
    public static let maxClaims = 5
    /// ``maxClaims`` as a word (the prompt has no digits).
    static var maxClaimsWord: String {
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"][min(maxClaims, 9)]
    }
    /// Most characters per claim text or answer.
    public static let maxTextLength = 320

    /// Builds the prompt for `context`.
    public init(context: ExplanationContext) {
        let request = context.request
        let audience = request.audience
        let patient = audience == .patient
        let kb = context.knowledge
        let findings = request.findings
        let question = context.question

        // Which findings are told in full.
        let focus = question?.finding?.code
        // A negative finding that another detector contradicts is told in full too (not listed as NEGATIVE).
        let disagreeing = TemplateBackend.disagreements(in: findings)
        let disputed = Set(disagreeing.flatMap { $0.map(\.code) })
        let full = findings.filter { $0.decision != .negative || $0.code == focus || disputed.contains($0.code) }
        let brief = findings.filter { $0.decision == .negative && $0.code != focus && !disputed.contains($0.code) }

        var references: [String: String] = [:]
        var numberReferences: [String: String] = [:]
        var shownMeasurements = Set<String>()
        var measurementNames: [String] = []
        var lines: [String] = []
        lines.append("AUDIENCE: \(audience.rawValue)")
        if full.isEmpty && request.abstentions.isEmpty {
            lines.append("No condition was flagged.")
        }
        if !full.isEmpty { lines.append("FINDINGS:") }
        for f in full {
            let entry = context.entry(for: f)
            let name = entry?.voice(audience).name ?? f.label
            var line = "- code \(f.code): \(name)"
            if name.lowercased() != f.label.lowercased() { line += " (\(f.label))" }
            line += "; result: \(Self.decisionWord(f.decision, patient: patient))"
            if let p = f.probability, let t = f.threshold {
                references["\(f.code).probability"] = patient ? Self.likelihoodWord(p) : Likelihood.format(p)
                references["\(f.code).threshold"] = Likelihood.format(t)
                line += patient
                    ? "; the tool rated it \(Self.likelihoodWord(p)) (write {\(f.code).probability})"
                    : "; probability {\(f.code).probability}, \(p >= t ? "at or above" : "below") the operating threshold {\(f.code).threshold}"
                if !patient, let pv = request.outputLabel(for: f)?.predictiveValues {
                    references["\(f.code).ppv"] = Likelihood.format(pv.ppv)
                    references["\(f.code).npv"] = Likelihood.format(pv.npv)
                    line += "; PPV {\(f.code).ppv}, NPV {\(f.code).npv}"
                }
            } else {
                line += "; measured by rules, no model"
            }
            if entry?.urgentWhenPositive == true, f.decision == .positive { line += "; URGENT" }
            lines.append(line)
            for m in f.measurements where Self.isKey(m) {
                let value = Self.format(m, patient: patient)
                let ref = Self.referenceName(m.name)
                if references[ref] == nil { references[ref] = value }
                if !measurementNames.contains(m.name) { measurementNames.append(m.name) }
                // A measurement several findings carry (heart rate) is told once.
                guard shownMeasurements.insert(m.name).inserted else { continue }
                var ml = "  measurement \(m.name): {\(ref)}"
                if let range = kb.range(forMeasurement: m.name), range.unit == m.unit {
                    references["\(ref).range"] = range.text(for: audience)
                    let pos = range.position(of: m.value)
                    ml += "; usual range {\(ref).range}; "
                        + (pos == .within ? "WITHIN the usual range" : pos == .above ? "ABOVE the usual range" : "BELOW the usual range")
                }
                lines.append(ml)
            }
        }
        if !brief.isEmpty {
            // Names only: with "(code …)" after each, models listed them back, codes and all, as claims.
            let names = brief.map { f in context.entry(for: f)?.voice(audience).name ?? f.label }.uniqued()
            lines.append("NEGATIVE (the check did not find these; never call them found or flagged): " + names.joined(separator: "; "))
        }
        for a in request.abstentions {
            let entry = kb.entry(forReason: a.reason)
            // The detector's own message (lead lists such as "V1, V2") stays out: the reader gets the knowledge
            // base's line for the abstention, and the clinician's explanation carries the message.
            lines.append("COULD NOT CHECK (code abstention:\(a.reason.rawValue)): \(entry?.voice(audience).name ?? a.reason.rawValue)"
                + (patient ? "" : "; detector \(a.detector.id)"))
        }

        // Approved sentences. Their numbers (and the model cards') become references too ({value_a}, …): a model
        // that copies "sinus rhythm above 100 /min" may not write the digits, and without a reference to write it
        // degenerated into spaces until max_tokens (seen with Qwen2.5-Coder-1.5B).
        var approved: [String] = []
        let used = context.entries.filter { e in
            e.kind == "abstention" || full.contains { e.codes.contains($0.code) }
        } + (question?.entry.map { [$0] } ?? [])
        var seen = Set<String>()
        // Two detectors that answer one question differently (the rules' and the AF model's atrial fibrillation):
        // the approved sentence is the template's "they disagree", not one detector's answer.
        let template = TemplateBackend().compose(context)
        let disagreements = disagreeing.compactMap { group -> (codes: Set<String>, text: String)? in
            let codes = Set(group.map(\.code))
            return template.claims.first { Set($0.codes) == codes }.map { (codes, $0.text) }
        }
        for e in used where seen.insert(e.id).inserted {
            let v = e.voice(audience)
            let f = full.first { e.codes.contains($0.code) }
            var s: [String] = []
            if let d = disagreements.first(where: { !$0.codes.isDisjoint(with: e.codes) }) {
                s.append(d.text)
            } else if let f {
                if f.decision == .positive, let x = v.positive { s.append(x) }
                if f.decision == .negative, let x = v.negative { s.append(x) }
            }
            s.append(v.whatItIs)
            if let q = question, q.entry?.id == e.id {
                if q.topic == .confirm, let x = v.howConfirmed { s.append(x) }
                if q.topic == .next { s.append(v.whatNext) }
            }
            approved.append("- about \(e.codes.first ?? e.id): "
                + Self.referencingNumbers(s.joined(separator: " "), &references, &numberReferences))
        }
        if !approved.isEmpty {
            lines.append("APPROVED SENTENCES (you may reuse or shorten them):")
            lines += approved
        }

        // Model cards: one line each.
        var cards: [ModelCard] = []
        for p in findings.map(\.detector) + request.abstentions.map(\.detector) {
            if let c = request.card(for: p), !cards.contains(c) { cards.append(c) }
        }
        if patient {
            lines.append("ABOUT THE TOOL: research software, not a medical device; it cannot make a diagnosis."
                + (cards.contains(where: \.trainingData.synthetic) ? " Built with made-up practice data." : ""))
        } else {
            lines.append("ABOUT THE TOOL: research software, not a medical device; no output is a diagnosis.")
            for c in cards {
                // The first limitation when it is a short sentence: long ones (metric tables, developer notes
                // such as a withheld output's configuration path) were copied into answers as they were.
                let limit = c.limitations.first.map(Self.firstSentence).flatMap { $0.count <= 160 ? $0 : nil }
                let line = "- \(c.name): intended use: \(Self.firstSentence(c.intendedUse))"
                    + (limit.map { " Limit: \($0)" } ?? "")
                    + (c.trainingData.synthetic ? " Trained on synthetic data." : "")
                lines.append(Self.referencingNumbers(line, &references, &numberReferences))
            }
        }

        // The question.
        var asksForAnswer = false
        if let q = question {
            lines.append("QUESTION: \(q.question)")
            if q.answerable {
                asksForAnswer = true
                lines.append("Answer it in \"answer\" from these facts only.")
            } else {
                lines.append("The findings cannot answer this question; another part of Vigil says so. Do not answer it; explain the findings only.")
            }
        }
        lines.append("TASK: write one to \(Self.maxClaimsWord) short claims that explain these results to the \(audience.rawValue)"
            + (asksForAnswer ? ", and the answer" : "") + ".")

        var codes = findings.map(\.code)
        codes += request.abstentions.map { "abstention:\($0.reason.rawValue)" }
        self.codes = codes.uniqued()
        self.measurementNames = measurementNames
        self.references = references
        self.asksForAnswer = asksForAnswer
        // No digit anywhere a model could copy from (labels such as "Wide QRS (≥ 120 ms)" too): every number is
        // a reference. Measurement names keep theirs; claims cite them from the schema's enum.
        lines = lines.map { $0.hasPrefix("  measurement ") ? $0 : Self.referencingNumbers($0, &references, &numberReferences) }
        self.user = lines.joined(separator: "\n")
        self.system = Self.systemMessage(audience)
    }

    static func systemMessage(_ audience: Audience) -> String {
        let patient = audience == .patient
        return """
            You explain results of Vigil, research software that checks ECGs and scans, to a \(patient ? "patient" : "clinician"). Strict rules:
            - Use only the facts given. Add no facts, conditions, causes, advice or urgency of your own.
            - Numbers are never written out: write a value's reference in braces exactly as listed, e.g. {heartRate}; Vigil fills in the value.
            - A flag is not a diagnosis. Never write "you have", "the patient has", "diagnosed", "confirms", "definitely" or "rules out". Say "the check found signs of" or "the tool flagged".
            - Describe a measurement only as the facts say: WITHIN the usual range is not long, short, fast, slow, high or low.
            - Report every flagged finding and every test that could not be checked.
            - No medicines, treatments or lifestyle advice.
            - \(patient ? "Plain words, short sentences, eighth-grade reading level; no statistics words (probability, threshold, PPV)." : "Concise clinical language; do not address the patient.")
            - In each claim list the codes and measurement names it is about.
            Reply with JSON only.
            """
    }

    /// Whether a measurement is worth telling (counts of beats and internal scores are not).
    static func isKey(_ m: FindingMeasurement) -> Bool {
        !["beats", "ventricularBeats", "slicesScored", "studyScore", "normalisedRMSSD"].contains(m.name)
    }

    /// `text` with every number (digits, optionally decimal or version parts; not one that follows a letter,
    /// as in "V1") replaced by a digit-free reference `{value_a}`, `{value_b}`, …; `references` gets the name →
    /// the number. One number keeps one reference.
    static func referencingNumbers(_ text: String, _ references: inout [String: String],
                                   _ byNumber: inout [String: String]) -> String
    {
        var out = ""
        var i = text.startIndex
        var previous: Character?
        while i < text.endIndex {
            let c = text[i]
            guard c.isASCII, c.isNumber, !(previous?.isLetter ?? false) else {
                out.append(c); previous = c; i = text.index(after: i); continue
            }
            var j = i
            while j < text.endIndex, text[j].isASCII, text[j].isNumber { j = text.index(after: j) }
            while j < text.endIndex, text[j] == ".", case let k = text.index(after: j), k < text.endIndex,
                  text[k].isASCII, text[k].isNumber
            {   // a decimal part, or the further parts of a version ("0.2.0")
                j = k
                while j < text.endIndex, text[j].isASCII, text[j].isNumber { j = text.index(after: j) }
            }
            let number = String(text[i..<j])
            let name: String
            if let known = byNumber[number] { name = known } else {
                name = "value_" + Self.letters(byNumber.count)
                byNumber[number] = name
                references[name] = number
            }
            out += "{\(name)}"
            previous = "}"
            i = j
        }
        return out
    }

    /// Other ways a model writes the unit a filled-in value already carries.
    static let unitSynonyms: [String: [String]] = [
        "/min": ["beats per minute", "beats a minute", "bpm", "per minute"],
        "beats a minute": ["beats per minute", "/min", "bpm", "per minute"],
        "ms": ["milliseconds", "millisecond", "msec"],
        "milliseconds": ["ms", "msec"],
        "mV": ["millivolts"], "millivolts": ["mV"],
        "mm": ["millimeters", "millimetres"], "millimeters": ["mm"],
        "degrees": ["°", "degree"], "s": ["seconds", "sec"], "%": ["percent", "per cent"],
    ]

    /// A name for the `index`-th number reference without digits (the schema forbids them in the text, so
    /// `{n1}` could not be written): a, b, …, z, aa, ab, …
    static func letters(_ index: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz")
        var i = index, out = ""
        repeat { out = String(alphabet[i % 26]) + out; i = i / 26 - 1 } while i >= 0
        return out
    }

    /// The reference a model writes for a measurement: its name with digits spelled out
    /// (`maxSTElevationJ60` → `maxSTElevationJsixzero`), since the text may not contain a digit.
    static func referenceName(_ measurement: String) -> String {
        let words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
        return measurement.map { c in c.wholeNumberValue.map { words[$0] } ?? String(c) }.joined()
    }

    static func decisionWord(_ d: Decision, patient: Bool) -> String {
        switch d {
        case .positive: patient ? "flagged (found signs)" : "positive"
        case .negative: patient ? "not flagged" : "negative"
        case .indeterminate: patient ? "unclear" : "indeterminate"
        }
    }

    static func likelihoodWord(_ p: Double) -> String {
        p >= 0.8 ? "likely" : p >= 0.5 ? "possible" : "less likely than not, but high enough to check"
    }

    static func format(_ m: FindingMeasurement, patient: Bool) -> String {
        let v = Likelihood.formatValue(m.value)
        switch m.unit {
        case "/min": return patient ? "\(v) beats a minute" : "\(v) /min"
        case "ms": return patient ? "\(v) milliseconds" : "\(v) ms"
        case "mV": return patient ? "\(v) millivolts" : "\(v) mV"
        case "mm": return patient ? "\(v) millimeters" : "\(v) mm"
        case "deg": return "\(v) degrees"
        case "1": return v
        default: return "\(v) \(m.unit)"
        }
    }

    static func firstSentence(_ s: String) -> String {
        let trimmed = s.trimmingCharacters(in: .whitespacesAndNewlines)
        if let r = trimmed.range(of: ". ") { return String(trimmed[..<r.lowerBound]) + "." }
        return trimmed.count > 200 ? String(trimmed.prefix(200)) + "…" : trimmed
    }

    /// The pattern every claim text and answer must match: no digit, and no `"`, backslash or control character.
    /// The last three matter to llama.cpp, which applies a string's pattern to the raw JSON text between the
    /// quotes: with `[^0-9]` alone the grammar let Qwen2.5 write a quote, close the string early and leave the
    /// schema (real answers came back as invalid JSON, HTTP 500). Excluding them makes the raw text and the
    /// decoded string the same, so every server reads the pattern alike.
    public static let textPattern = "^[^0-9\"\\\\\\x00-\\x1F]{1,\(maxTextLength)}$"

    /// The answer's JSON schema (sent as `response_format`): claims with enum codes and measurement names and
    /// digit-free text, and an `answer` only when the question can be answered.
    public var schema: [String: Any] {
        let text: [String: Any] = ["type": "string", "pattern": Self.textPattern]
        let codeItems: [String: Any] = ["type": "string", "enum": codes]
        var measurementArray: [String: Any] = ["type": "array", "maxItems": 3]
        measurementArray["items"] = measurementNames.isEmpty
            ? ["type": "string", "enum": [""]] as [String: Any] : ["type": "string", "enum": measurementNames]
        if measurementNames.isEmpty { measurementArray["maxItems"] = 0 }
        var properties: [String: Any] = [
            "claims": [
                "type": "array", "minItems": 1, "maxItems": Self.maxClaims,
                "items": [
                    "type": "object", "additionalProperties": false,
                    "required": ["text", "codes", "measurements"],
                    "properties": [
                        "text": text,
                        "codes": ["type": "array", "minItems": 1, "maxItems": 3, "items": codeItems] as [String: Any],
                        "measurements": measurementArray,
                    ] as [String: Any],
                ] as [String: Any],
            ] as [String: Any],
        ]
        var required = ["claims"]
        if asksForAnswer {
            properties["answer"] = text
            required.append("answer")
        }
        return ["type": "object", "additionalProperties": false, "required": required, "properties": properties]
    }

    /// Replaces each `{reference}` in `text` with its value; unknown references are left as written (the
    /// claim checker fails them as `unknown_reference`).
    public func fill(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { out += rest[open...]; return out }
            let name = rest[rest.index(after: open)..<close].trimmingCharacters(in: .whitespaces)
            rest = rest[rest.index(after: close)...]
            guard let value = references[name] else { out += text[open...close]; continue }
            out += value
            // "{heartRate} beats a minute" would read "61 beats a minute beats a minute": a value carries its
            // unit, so the same unit written right after the reference is dropped.
            if let lastDigit = value.lastIndex(where: { $0.isNumber }) {
                let unit = value[value.index(after: lastDigit)...].trimmingCharacters(in: .whitespaces)
                let after = rest.drop { $0 == " " }
                // The unit or a synonym ("{PR} milliseconds" where the value is "156 ms").
                for written in ([unit] + (Self.unitSynonyms[unit] ?? [])).sorted(by: { $0.count > $1.count })
                where !unit.isEmpty && after.lowercased().hasPrefix(written.lowercased())
                    && (after.dropFirst(written.count).first.map { !$0.isLetter } ?? true)
                {
                    rest = after.dropFirst(written.count)
                    break
                }
            }
        }
        return out + rest
    }

    /// A rough token count (about 3.6 characters per token for this English-and-JSON text with Qwen's and
    /// SmolLM2's BPE vocabularies; the server's `usage.prompt_tokens` is the real figure).
    public var estimatedTokens: Int { (system.count + user.count + 36) * 10 / 36 }
}
