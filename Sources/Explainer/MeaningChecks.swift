import DetectorKit
import Foundation

/// The claim checker's meaning rules for what a language model wrote (claims and the answer; the "does not
/// mean", next-step and urgent lines are the knowledge base's own). Lexical, like the other rules: they err
/// on the side of rejecting, which costs only the fallback to the template.
///
/// - `unknown_reference`: a `{reference}` the prompt did not list (left unfilled).
/// - `measurement_contradiction`: a qualitative word about a measurement that contradicts where the value
///   lies against the knowledge base's usual range (QRS 88 ms "a bit longer than normal"; a heart rate of
///   112 /min "normal").
/// - `urgency`: urgency words ("serious", "emergency", "right away") when no finding calls for emergency
///   care and the knowledge entries used do not say so themselves.
/// - `advice`: advice or orders ("you should", "see a cardiologist", "make sure") beyond the knowledge
///   entries' own next steps.
/// - `certainty`: a diagnosis statement ("the ECG shows atrial fibrillation", "this indicates LBBB") with no
///   hedge (signs, flagged, may, pattern).
struct MeaningChecks {
    let context: ExplanationContext
    /// Text of the entries used in the audience's voice, and the template's next steps (lower case).
    let approvedAdvice: [String]
    let entryText: String
    let needsUrgent: Bool

    init(context: ExplanationContext, template: DraftAnswer) {
        self.context = context
        let audience = context.request.audience
        let entries = context.entries + (context.question?.entry.map { [$0] } ?? [])
        var advice = template.nextSteps.map { $0.lowercased() }
        for e in entries {
            let v = e.voice(audience)
            advice += [v.whatNext, v.howConfirmed, v.notMeaning, v.positive, v.negative, v.whatItIs, v.urgent]
                .compactMap { $0?.lowercased() }
        }
        advice += template.claims.map { $0.text.lowercased() }
        if let a = template.answer { advice.append(a.lowercased()) }
        approvedAdvice = advice
        entryText = entries.map { $0.voice(audience) }.flatMap {
            [$0.name, $0.positive, $0.negative, $0.whatItIs, $0.howConfirmed, $0.whatNext, $0.notMeaning, $0.urgent].compactMap { $0 }
        }.joined(separator: " ").lowercased()
        needsUrgent = context.request.findings.contains { f in
            f.decision == .positive && (context.entry(for: f)?.urgentWhenPositive ?? false)
        }
    }

    /// Words of the prompt's own instructions, which a reader must never see.
    static let promptEcho = [
        "another part of vigil", "do not answer it", "explain the findings only", "approved sentences",
        "approved sentence", "write its reference", "the facts given", "reply with json", "in braces",
    ]
    /// Units that filled-in values carry; in a model's text each must follow a number.
    static let valueUnits = ["%", "/min", "ms", "mv", "beats a minute", "milliseconds", "millivolts"]

    /// What marks text a model wrote in place of a digit it may not write (the schema forbids digits; a model
    /// that does not write the reference instead writes spaces or word fragments): three spaces in a row, or a
    /// unit with no number before it ("a burden of  %", "a rate of ial/min"), asterisks ("*******"), or a text
    /// that starts in lower case (a sentence cut off at its start). Nil when there is none.
    static func degenerate(_ text: String) -> String? {
        if text.contains("   ") { return "a run of spaces where a value should be" }
        if text.contains("**") { return "asterisks where a value should be" }
        if let first = text.first(where: { !$0.isWhitespace }), first.isLowercase {
            return "a sentence cut off at its start"
        }
        let lower = text.lowercased()
        for unit in valueUnits {
            var start = lower.startIndex
            while let r = lower.range(of: unit, range: start..<lower.endIndex) {
                start = r.upperBound
                let wordUnit = unit.first!.isLetter
                if wordUnit {   // a whole word: "ms" not inside "terms"
                    if r.lowerBound > lower.startIndex, lower[lower.index(before: r.lowerBound)].isLetter { continue }
                    if r.upperBound < lower.endIndex, lower[r.upperBound].isLetter { continue }
                }
                var i = r.lowerBound
                while i > lower.startIndex, lower[lower.index(before: i)] == " " { i = lower.index(before: i) }
                let before = i > lower.startIndex ? lower[lower.index(before: i)] : " "
                if !before.isNumber { return "'\(unit)' with no number before it" }
            }
        }
        return nil
    }

    /// Whether the causal phrase and the two words after it come from the knowledge entries ("other conditions
    /// can cause the same change" is the ST-elevation entry's own).
    func entryStatesCause(_ phrase: String, in sentence: String) -> Bool {
        guard let r = sentence.range(of: phrase) else { return false }
        let next = Self.words(String(sentence[r.upperBound...])).prefix(2)
        return TextScan.containsPhrase(entryText, ([phrase] + next).joined(separator: " "))
    }

    /// Symptoms a model may add of its own.
    static let symptomWords = [
        "fatigue", "tired", "tiredness", "shortness of breath", "short of breath", "breathless", "breathlessness",
        "dizzy", "dizziness", "faint", "fainting", "chest pain", "palpitations", "headache", "nausea", "swelling",
        "lightheaded", "light-headed", "weakness",
    ]
    /// Causal claims; a sentence taken nearly word for word from approved text is exempt (checked before).
    static let causePhrases = [
        "a sign of", "sign of underlying", "caused by", "due to", "can cause", "may cause", "can lead to",
        "may lead to", "leads to", "result of", "because of", "is associated with", "are associated with",
    ]

    static let urgencyPhrases = [
        "urgent", "urgently", "emergency", "immediately", "immediate", "right away", "at once", "as soon as possible",
        "asap", "serious", "seriously", "dangerous", "danger", "life-threatening", "life threatening", "critical",
        "severe", "alarming", "worrying", "concerning", "call 911", "call an ambulance", "without delay",
    ]
    static let advicePhrases = [
        "you should", "you must", "you need to", "you will need", "should see", "should be seen", "see a doctor",
        "see your doctor", "see a cardiologist", "see a specialist", "visit", "make an appointment", "book",
        "go to", "call your", "contact your", "need to", "must", "recommend", "recommended", "recommends", "advise",
        "advised", "advisable", "consider", "it is important to", "make sure", "try to", "seek", "follow up with",
        "should be referred", "refer", "should undergo", "should have", "should get", "keep an eye",
        "monitor your", "watch for", "is recommended", "should be",
    ]
    static let diagnosisVerbs = [
        "shows", "showed", "show", "demonstrates", "demonstrated", "indicates", "indicated", "reveals", "revealed",
        "means", "consistent with", "is diagnostic of", "diagnostic of", "proves", "establishes", "is in",
        "are in", "suffers from", "suffering from",
    ]
    static let diagnosisHedges = [
        "sign", "signs", "possible", "possibly", "may", "might", "could", "pattern", "flag", "flagged", "suggest",
        "suggests", "suggestive", "not", "no", "cannot", "likely", "unlikely", "probability", "chance", "if",
        "whether", "features", "fit", "fits", "screen", "rated", "check", "checked",
    ]
    static let normalWords = ["normal", "usual range", "within", "typical", "expected range", "fine", "as expected",
                              "in range", "unremarkable"]
    /// Words that name a measurement in text, by the range's label.
    static let measurementAliases: [String: [String]] = [
        "heart rate": ["heart rate", "rate", "pulse", "beats a minute", "beats per minute"],
        "PR interval": ["pr interval", "pr"],
        "QRS duration": ["qrs", "qrs duration", "qrs complex"],
        "QTc": ["qtc", "qt", "qt interval", "qt time"],
        "frontal QRS axis": ["axis"],
        "Sokolow-Lyon voltage": ["sokolow-lyon", "sokolow", "voltage", "voltages"],
        "largest ST elevation": ["st elevation", "st segment", "st-segment", "st"],
    ]

    func check(text: String, sentences: [String], claimMeasurements: [String], fail: (String, String) -> Void) {
        if text.contains("{") || text.contains("}") {
            fail("unknown_reference", "\"\(text)\" has a reference that is not among the findings")
        }
        if let problem = Self.degenerate(text) {
            fail("degenerate_text", "\(problem) in \"\(text)\"")
        }
        if let p = PhraseScan.first(text.lowercased(), Self.promptEcho) {
            fail("prompt_echo", "'\(p)' repeats the prompt's instructions in \"\(text)\"")
        }
        for sentence in sentences {
            let lower = sentence.lowercased()
            // A sentence taken (nearly word for word) from the knowledge entries or the template is approved text.
            if isApprovedAdvice(lower) { continue }
            checkMeasurements(lower, sentence, claimMeasurements, fail)
            if !needsUrgent, let p = PhraseScan.first(lower, Self.urgencyPhrases), !TextScan.containsPhrase(entryText, p) {
                fail("urgency", "'\(p)' in \"\(sentence)\" but no finding calls for urgent care")
            }
            if let p = PhraseScan.first(lower, Self.advicePhrases) {
                fail("advice", "'\(p)' in \"\(sentence)\" goes beyond the knowledge entries' next steps")
            }
            if let verb = diagnosisStatement(lower) {
                fail("certainty", "diagnosis statement ('\(verb)') in \"\(sentence)\"")
            }
            // Symptoms and causes only as the knowledge entries give them (real answers added "can cause
            // fatigue and shortness of breath" and "can be a sign of underlying heart disease").
            if let symptom = PhraseScan.first(lower, Self.symptomWords), !TextScan.containsPhrase(entryText, symptom) {
                fail("invented_symptom", "'\(symptom)' in \"\(sentence)\" is not in the knowledge entries")
            }
            if let cause = PhraseScan.first(lower, Self.causePhrases), !entryStatesCause(cause, in: lower) {
                fail("invented_cause", "'\(cause)' in \"\(sentence)\" states a cause or consequence of its own")
            }
        }
    }

    /// Whether the sentence is taken nearly word for word from one approved text (an entry's sentence in the
    /// audience's voice, a template claim or next step): a contiguous run of its words that covers 70 % of
    /// them (at least 4 words) appears there.
    func isApprovedAdvice(_ lower: String) -> Bool {
        Self.isNearCopy(lower, ofAny: approvedAdvice.map(Self.words))
    }

    /// Whether `lower` is taken nearly word for word from one of `texts` (each as ``words(_:)``): a contiguous run
    /// of its words that covers 70 % of them (at least 4 words; the sentence has at least 3).
    static func isNearCopy(_ lower: String, ofAny texts: [[String]]) -> Bool {
        let words = Self.words(lower)
        guard words.count >= 3 else { return false }
        return texts.contains { text in
            let run = Self.longestCommonRun(words, text)
            return run >= 4 && Double(run) >= 0.7 * Double(words.count)
        }
    }

    static func words(_ s: String) -> [String] {
        s.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "-" && $0 != "'" }).map(String.init)
    }

    /// The length of the longest run of words that `a` and `b` share, in order and contiguous.
    static func longestCommonRun(_ a: [String], _ b: [String]) -> Int {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var previous = [Int](repeating: 0, count: b.count + 1)
        var best = 0
        for i in 1...a.count {
            var current = [Int](repeating: 0, count: b.count + 1)
            for j in 1...b.count where a[i - 1] == b[j - 1] {
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
            }
            previous = current
        }
        return best
    }

    static let stopWords: Set<String> = ["the", "a", "an", "to", "of", "and", "or", "is", "are", "be", "this",
                                         "that", "it", "with", "for", "on", "in", "your", "you", "about", "will",
                                         "may", "can", "please", "as", "at", "by"]
    static func contentWords(_ s: String) -> [String] {
        s.split(whereSeparator: { !$0.isLetter && $0 != "-" }).map(String.init).filter { !stopWords.contains($0) }
    }

    /// A verb that states a condition as fact ("shows atrial fibrillation") with no hedge in the sentence.
    func diagnosisStatement(_ lower: String) -> String? {
        let words = lower.split(whereSeparator: { !$0.isLetter && $0 != "-" && $0 != "'" }).map(String.init)
        if words.contains(where: Self.diagnosisHedges.contains) { return nil }
        let conditions = ConditionLexicon.mentions(in: lower)
        guard !conditions.isEmpty else { return nil }
        for verb in Self.diagnosisVerbs {
            for r in TextScan.phraseRanges(lower, verb) {
                let after = lower[r.upperBound...].prefix(60)
                if conditions.contains(where: { after.contains($0) }) { return verb }
            }
        }
        return nil
    }

    func checkMeasurements(_ lower: String, _ sentence: String, _ cited: [String], _ fail: (String, String) -> Void) {
        // Direction words inside a condition's name ("wide QRS", "long QT", "fast heartbeat") name the
        // condition, not this value.
        // Codes ("ecg.long_qtc") and measurement names are not words about the value.
        var stripped = lower.split(separator: " ").filter { !$0.contains("_") && !$0.contains("ecg.") && !$0.contains("ct.") }
            .joined(separator: " ")
        for term in ConditionLexicon.mentions(in: lower).sorted(by: { $0.count > $1.count }) {
            stripped = stripped.replacingOccurrences(of: term, with: " ")
        }
        var done = Set<String>()
        for f in context.request.findings {
            for m in f.measurements {
                guard let range = context.knowledge.range(forMeasurement: m.name), range.unit == m.unit,
                      !done.contains(range.label) else { continue }
                let aliases = Self.measurementAliases[range.label] ?? [range.label.lowercased()]
                let mentioned = cited.contains(m.name) || aliases.contains { TextScan.containsPhrase(lower, $0) }
                guard mentioned else { continue }
                done.insert(range.label)
                let position = range.position(of: m.value)
                let above = Self.unnegated(stripped, range.aboveWords)
                let below = Self.unnegated(stripped, range.belowWords)
                let normal = Self.unnegated(stripped, Self.normalWords)
                let value = "\(Likelihood.formatValue(m.value)) \(m.unit)"
                switch position {
                case .within where above != nil || below != nil:
                    fail("measurement_contradiction", "'\((above ?? below)!)' about \(range.label) \(value), which is within the usual range (\(range.text)), in \"\(sentence)\"")
                case .above where below != nil || normal != nil:
                    fail("measurement_contradiction", "'\((below ?? normal)!)' about \(range.label) \(value), which is above the usual range (\(range.text)), in \"\(sentence)\"")
                case .below where above != nil || normal != nil:
                    fail("measurement_contradiction", "'\((above ?? normal)!)' about \(range.label) \(value), which is below the usual range (\(range.text)), in \"\(sentence)\"")
                default: break
                }
            }
        }
        // A measurement the knowledge base gives no usual range for (RRmean, SDNN, RMSSD) cannot be called within
        // one ("The RRmean, RRsd, SDNN and RMSSD were also within the usual ranges", a real answer).
        var unranged = Set<String>()
        for f in context.request.findings {
            for m in f.measurements where context.knowledge.range(forMeasurement: m.name).map({ $0.unit != m.unit }) ?? true {
                unranged.insert(m.name)
            }
        }
        let words = Set(Self.words(lower))
        for name in unranged.sorted() where words.contains(name.lowercased()) {
            if let w = Self.unnegated(stripped, ["within", "usual range", "normal range", "usual ranges", "normal ranges", "in range"]) {
                fail("ungrounded_range", "'\(w)' about \(name), which has no usual range in the knowledge base, in \"\(sentence)\"")
                break
            }
        }
    }

    /// The first of `words` present and not negated by the three words before it ("did not find a long QT").
    static func unnegated(_ text: String, _ words: [String]) -> String? {
        for w in words {
            for r in TextScan.phraseRanges(text, w) {
                let before = PhraseScan.wordsBefore(text, r)
                if !before.contains(where: { ["not", "no", "isn't", "never", "nor", "t", "neither", "without"].contains($0) }) { return w }
            }
        }
        return nil
    }
}
