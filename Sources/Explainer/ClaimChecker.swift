import DetectorKit
import Foundation

/// Checks a language model's answer against the findings before anyone sees it.
///
/// Rules (each failure names its rule; docs/explanations.md lists them):
/// - `invented_number`: every number matches a number in the findings (probabilities, thresholds,
///   measurements, evidence), the model card (predictive values, metrics, texts) or the knowledge entries
///   used, after rounding to the answer's precision; probabilities may be written as percentages, ms as s,
///   mm as cm. `unit_mismatch`: the number matches only under another unit.
/// - `invented_condition`: every condition named (``ConditionLexicon``) is allowed by the knowledge entries
///   of the findings present (their terms and the conditions their text names), or is a finding's label; a
///   condition from the question may be named only in the "cannot tell you that" reason; and a sentence
///   that reports something as found ("found signs of", "flagged") names only positive findings.
/// - `certainty`: no diagnostic certainty ("you have", "confirms", "diagnosed with", "definitely", "rules
///   out"), unless negated or hedged ("does not mean you have").
/// - `likelihood`: probability words fit the calibrated probability of the finding they are about ("very
///   likely" needs ≥ 0.8, "likely" ≥ 0.5, "unlikely" < 0.5).
/// - `normal_claim`: "normal", "healthy", "nothing wrong" and the like only about a finding whose entry is a
///   normal result (sinus rhythm), or negated.
/// - `polarity`: a sentence about one finding does not report it the other way round.
/// - `dropped_finding`, `dropped_abstention`, `dropped_urgent`: every positive finding and every
///   abstention is reported (an abstention as such), and the urgent line is there when a finding calls for it.
/// - `dropped_disagreement`: where two detectors answer one question differently, the answer says they disagree.
/// - `treatment`: no doses, no drug names, no treatment orders.
/// - `audience`: patient answers have no clinician jargon (PPV, operating threshold, …) and a
///   Flesch–Kincaid grade ≤ 10; clinician answers do not address the patient ("your heart").
/// - `unknown_code`: claims cite only codes and measurement names present in the findings.
/// - `unanswerable_answered`: a question the findings cannot answer gets "This result cannot tell you that".
public struct ClaimChecker: Sendable {
    /// The context the answer was written for.
    public let context: ExplanationContext

    /// Creates a checker for `context`.
    public init(context: ExplanationContext) { self.context = context }

    /// The patient-answer reading grade above which the `audience` rule fails.
    public static let patientGradeLimit = 10.0

    /// Checks `draft`.
    public func check(_ draft: DraftAnswer) -> CheckerVerdict {
        var failures: [CheckFailure] = []
        func fail(_ rule: String, _ detail: String) {
            let f = CheckFailure(rule: rule, detail: detail)
            if !failures.contains(f) { failures.append(f) }
        }
        let request = context.request
        let findings = request.findings
        let entriesUsed = context.entries + (context.question?.entry.map { [$0] } ?? [])
        let numbers = allowedNumbers(entries: entriesUsed)
        let allowedTerms = ConditionLexicon.withSynonyms(Set(entriesUsed.flatMap(\.allowedTerms)
            + findings.map { $0.label.lowercased() } + findings.flatMap { $0.codings.compactMap { $0.display?.lowercased() } }))
        let entryText = entriesUsed.map { $0.allText.lowercased() }.joined(separator: " ")
        let questionTerms = Set(ConditionLexicon.mentions(in: request.question ?? ""))
        // What each positive finding may be called when a sentence reports something as found.
        var positiveNames = Set<String>()
        for f in findings where f.decision == .positive {
            var texts = [f.label] + f.codings.compactMap(\.display)
            if let e = context.entry(for: f) {
                texts += [e.clinician.name, e.patient.name] + [e.clinician.positive, e.patient.positive].compactMap { $0 }
            }
            for t in texts {
                positiveNames.insert(t.lowercased())
                positiveNames.formUnion(ConditionLexicon.mentions(in: t))
            }
        }

        positiveNames = ConditionLexicon.withSynonyms(positiveNames)

        // Units of text with the codes they are linked to.
        var units: [(text: String, codes: [String], field: String)] = []
        if let urgent = draft.urgent { units.append((urgent, [], "urgent")) }
        for claim in draft.claims { units.append((claim.text, claim.codes, "claims")) }
        if let answer = draft.answer {
            units.append((answer, context.question?.finding.map { [$0.code] } ?? [], "answer"))
        }
        if let cannot = draft.cannotAnswer { units.append((cannot, [], "cannotAnswer")) }
        for t in draft.doesNotMean { units.append((t, [], "doesNotMean")) }
        for t in draft.nextSteps { units.append((t, [], "nextSteps")) }

        // unknown_code
        let validCodes = Set(findings.map(\.code) + request.abstentions.map { "abstention:\($0.reason.rawValue)" })
        let measurementNames = Set(findings.flatMap { $0.measurements.map(\.name) })
        for claim in draft.claims {
            for code in claim.codes where !validCodes.contains(code) {
                fail("unknown_code", "claim cites '\(code)', which is not in the findings")
            }
            for name in claim.measurements where !measurementNames.contains(name) {
                fail("unknown_code", "claim cites measurement '\(name)', which is not in the findings")
            }
        }

        var mentionedFindings = Set<String>()
        // Findings on a question two detectors answer differently: one side's "not found" is the template's own.
        let disputed = Set(TemplateBackend.disagreements(in: findings).flatMap { $0.map(\.code) })
        // The knowledge base's own sentences about a normal result that was found (sinus rhythm): a sentence
        // taken from them nearly word for word may say "normal" even where the answer cites no code (the
        // `answer` field cites none).
        let normalTexts = findings.filter { $0.decision == .positive }.compactMap { context.entry(for: $0) }
            .filter(\.normal).flatMap { e in [e.voice(request.audience).positive, e.voice(request.audience).whatItIs].compactMap { $0 } }
            .map { MeaningChecks.words($0.lowercased()) }
        func copiesNormalEntry(_ lower: String) -> Bool { MeaningChecks.isNearCopy(lower, ofAny: normalTexts) }
        var abstentionReported = Set<String>()
        for unit in units {
            let lowerUnit = unit.text.lowercased()
            // Numbers.
            for number in NumberScan.numbers(in: unit.text) {
                switch numbers.match(number) {
                case .ok: break
                case .unitMismatch: fail("unit_mismatch", "'\(number.literal)' does not match any value in that unit")
                case .none: fail("invented_number", "'\(number.literal)' is not in the findings, model card or knowledge entries")
                }
            }
            // Conditions.
            for term in ConditionLexicon.mentions(in: lowerUnit) where !allowedTerms.contains(term) {
                if unit.field == "cannotAnswer", questionTerms.contains(term) { continue }
                fail("invented_condition", "'\(term)' is not among the findings or their knowledge entries")
            }
            // Treatment.
            for problem in TreatmentScan.problems(in: lowerUnit, entryText: entryText) { fail("treatment", problem) }

            for sentence in Readability.splitSentences(unit.text) {
                let lower = sentence.lowercased()
                let linked = linkedFindings(sentence: lower, codes: unit.codes)
                for f in linked { mentionedFindings.insert(f.code) }
                for code in unit.codes where code.hasPrefix("abstention:") { abstentionReported.insert(code) }
                if PhraseScan.any(lower, PhraseScan.abstentionPhrases) {
                    for a in request.abstentions { abstentionReported.insert("abstention:\(a.reason.rawValue)") }
                }
                // Certainty.
                if let phrase = PhraseScan.firstUnhedged(lower, PhraseScan.certaintyPhrases) {
                    fail("certainty", "'\(phrase)' in \"\(sentence)\"")
                }
                // A statement that the person has a model-flagged condition, without any hedge.
                if PhraseScan.addressesThePerson(lower),
                   linked.contains(where: { $0.decision == .positive && $0.probability != nil }),
                   !PhraseScan.isHedged(lower)
                {
                    fail("certainty", "unhedged statement about the person: \"\(sentence)\"")
                }
                // Likelihood words.
                let probabilistic = linked.filter { $0.probability != nil }
                let about = probabilistic.isEmpty && linked.isEmpty
                    ? findings.filter { $0.probability != nil }.count == 1 ? findings.filter { $0.probability != nil } : []
                    : probabilistic
                if let band = PhraseScan.likelihoodBand(lower), !about.isEmpty {
                    let ok = about.contains { f in
                        let p = f.probability!
                        switch band {
                        case .high: return p >= 0.8
                        case .mid: return p >= 0.5
                        case .low: return p < 0.5
                        }
                    }
                    if !ok {
                        let ps = about.map { "\($0.code) \(Likelihood.format($0.probability!))" }.joined(separator: ", ")
                        fail("likelihood", "'\(band.rawValue)' wording for calibrated probability \(ps) in \"\(sentence)\"")
                    }
                }
                // Normal claims.
                if let phrase = PhraseScan.firstUnnegated(lower, PhraseScan.normalPhrases) {
                    let aboutNormal = linked.contains { context.entry(for: $0)?.normal == true }
                    let aboutAbnormal = linked.contains { $0.decision == .positive && context.entry(for: $0)?.normal != true }
                    if !aboutNormal || aboutAbnormal, !copiesNormalEntry(lower) {
                        fail("normal_claim", "'\(phrase)' in \"\(sentence)\"")
                    }
                }
                // A condition reported as found must be a positive finding.
                if PhraseScan.polarity(lower) == .positive {
                    for term in ConditionLexicon.mentions(in: lower)
                    where !positiveNames.contains(where: { $0 == term || TextScan.containsPhrase($0, term) }) {
                        fail("invented_condition", "'\(term)' is reported as found, but no positive finding is about it")
                    }
                }
                // Polarity.
                if linked.count == 1, let f = linked.first, f.decision != .indeterminate,
                   let polarity = PhraseScan.polarity(lower)
                {
                    if polarity == .negative, f.decision == .positive {
                        fail("polarity", "\(f.code) is positive but \"\(sentence)\" reports it as not found")
                    } else if polarity == .positive, f.decision == .negative {
                        fail("polarity", "\(f.code) is negative but \"\(sentence)\" reports it as found")
                    }
                }
                // A list of what was not found names only negative findings ("The check did not find atrial
                // fibrillation, left bundle branch block, …" where the AF finding was indeterminate, a real answer).
                if PhraseScan.polarity(lower) == .negative, let phrase = PhraseScan.first(lower, PhraseScan.negativePolarity),
                   let r = lower.range(of: phrase)
                {
                    let after = String(lower[r.upperBound...])
                    for f in linkedFindings(sentence: after, codes: []) where f.decision != .negative
                        && mentionedByName(f, in: after) && !disputed.contains(f.code)
                    {
                        fail("polarity", "\(f.code) is \(f.decision.rawValue) but \"\(sentence)\" lists it as not found")
                    }
                }
                // A claim that reports a flag, citing a negative finding by its own name ("The check flagged
                // premature ventricular complexes" citing the negative CNN output, a real answer).
                if PhraseScan.polarity(lower) == .positive {
                    for f in findings where f.decision == .negative && unit.codes.contains(f.code)
                        && TextScan.containsPhrase(lower, f.label.lowercased())
                    {
                        fail("polarity", "\(f.code) is negative but \"\(sentence)\" cites it as found")
                    }
                }
                // Audience.
                switch request.audience {
                case .patient:
                    if let j = PhraseScan.first(lower, PhraseScan.clinicianJargon) {
                        fail("audience", "clinician jargon '\(j)' in a patient answer")
                    }
                case .clinician:
                    if let y = PhraseScan.first(lower, PhraseScan.patientAddress) {
                        fail("audience", "'\(y)' addresses the patient in a clinician answer")
                    }
                }
            }
        }

        // Meaning: references, measurements against their usual range, urgency, advice, diagnosis
        // statements; for what the model wrote (claims and the answer), not the knowledge base's own lines.
        let meaning = MeaningChecks(context: context, template: TemplateBackend().compose(context))
        for claim in draft.claims {
            meaning.check(text: claim.text, sentences: Readability.splitSentences(claim.text),
                          claimMeasurements: claim.measurements, fail: fail)
        }
        if let answer = draft.answer {
            meaning.check(text: answer, sentences: Readability.splitSentences(answer), claimMeasurements: [], fail: fail)
        }

        // Dropped content.
        for f in findings where f.decision == .positive && !mentionedFindings.contains(f.code) {
            fail("dropped_finding", "positive finding \(f.code) (\(f.label)) is not reported")
        }
        for a in request.abstentions where !abstentionReported.contains("abstention:\(a.reason.rawValue)") {
            fail("dropped_abstention", "the abstention of \(a.detector.id) (\(a.reason.rawValue)) is not reported as such")
        }
        // Two detectors that answer one question differently: the answer says they disagree (as the template
        // does), not one detector's side ("The check found signs of atrial fibrillation" where the AF model
        // was negative and the rules positive, a real answer).
        let modelText = (draft.claims.map(\.text) + [draft.answer].compactMap { $0 }).joined(separator: " ").lowercased()
        for group in TemplateBackend.disagreements(in: findings)
        where !PhraseScan.any(modelText, ["disagree", "do not agree", "don't agree", "not agree", "differ", "conflict"]) {
            fail("dropped_disagreement", "the detectors disagree on \(group.map(\.code).joined(separator: " / ")) and the answer does not say so")
        }
        let needsUrgent = findings.contains { f in
            f.decision == .positive && (context.entry(for: f)?.urgentWhenPositive ?? false)
        }
        if needsUrgent {
            let urgent = draft.urgent?.lowercased() ?? ""
            if !PhraseScan.any(urgent, ["emergency", "right away", "immediately", "immediate", "urgent", "now"]) {
                fail("dropped_urgent", "a finding calls for emergency care but the answer has no urgent line")
            }
        }
        if request.audience == .patient {
            let grade = Readability.fleschKincaidGrade(draft.allTexts.joined(separator: " "))
            if grade > Self.patientGradeLimit {
                fail("audience", "patient answer reads at grade \(Likelihood.format(grade)) (limit \(Likelihood.format(Self.patientGradeLimit)))")
            }
        }
        if let q = context.question, !q.answerable {
            let cannot = (draft.cannotAnswer ?? "").lowercased()
            if !cannot.contains("cannot tell you that") {
                fail("unanswerable_answered", "the findings cannot answer \"\(q.question)\" but the answer does not say so")
            }
        }
        return CheckerVerdict(passed: failures.isEmpty, failures: failures)
    }

    /// Findings a sentence is about: those it cites by code, and those whose label or entry terms it names.
    /// Whether the sentence names the finding's condition (its label or an entry name), not only a term.
    func mentionedByName(_ f: Finding, in sentence: String) -> Bool {
        if TextScan.containsPhrase(sentence, f.label.lowercased()) { return true }
        guard let entry = context.entry(for: f) else { return false }
        return TextScan.containsPhrase(sentence, entry.patient.name.lowercased())
            || TextScan.containsPhrase(sentence, entry.clinician.name.lowercased())
    }

    func linkedFindings(sentence: String, codes: [String]) -> [Finding] {
        context.request.findings.filter { f in
            if codes.contains(f.code) { return true }
            if TextScan.containsPhrase(sentence, f.label.lowercased()) { return true }
            guard let entry = context.entry(for: f) else { return false }
            if TextScan.containsPhrase(sentence, entry.patient.name.lowercased())
                || TextScan.containsPhrase(sentence, entry.clinician.name.lowercased())
            {
                return true
            }
            return entry.terms.contains { term in term.count > 3 && TextScan.containsPhrase(sentence, term) }
        }
    }

    func allowedNumbers(entries: [KnowledgeEntry]) -> NumberScan.Allowed {
        var allowed = NumberScan.Allowed()
        let request = context.request
        for f in request.findings {
            if let p = f.probability { allowed.addFraction(p) }
            if let t = f.threshold { allowed.addFraction(t) }
            if let pv = request.outputLabel(for: f)?.predictiveValues {
                allowed.addFraction(pv.ppv); allowed.addFraction(pv.npv); allowed.addFraction(pv.prevalence)
            }
            for m in f.measurements {
                allowed.addMeasurement(m.value, unit: m.unit)
                if let r = m.reference { allowed.addMeasurement(r.value, unit: m.unit) }
            }
            for e in f.evidence {
                switch e {
                case let .leadSpan(_, start, end, note):
                    allowed.add(start, .seconds); allowed.add(end, .seconds)
                    if let note { allowed.addText(note) }
                case let .slice(index, region, note):
                    allowed.add(Double(index), .any)
                    if let region { for v in [region.x, region.y, region.width, region.height] { allowed.add(Double(v), .any) } }
                    if let note { allowed.addText(note) }
                case let .text(text): allowed.addText(text)
                case let .image(_, caption): if let caption { allowed.addText(caption) }
                default: break
                }
            }
            if let card = request.card(for: f.detector) { addCard(card, to: &allowed) }
        }
        for a in request.abstentions {
            allowed.addText(a.message)
            if let card = request.card(for: a.detector) { addCard(card, to: &allowed) }
        }
        for entry in entries { allowed.addText(entry.allText) }
        return allowed
    }

    private func addCard(_ card: ModelCard, to allowed: inout NumberScan.Allowed) {
        for e in card.evaluation {
            allowed.add(Double(e.dataset.size), .any)
            for m in e.metrics {
                allowed.addFraction(m.value)
                if let ci = m.ci95 { allowed.addFraction(ci.lower); allowed.addFraction(ci.upper) }
            }
        }
        for text in card.limitations + card.notForUse + [card.intendedUse, card.trainingData.description] {
            allowed.addText(text)
        }
    }
}

// MARK: - Scanners

/// Numbers in text, with the unit written after them, and the set of numbers an answer may use.
enum NumberScan {
    /// `any` matches a number written with any unit or none; `bare` (a number written without a unit in
    /// free text) matches only a number written without a unit.
    enum Unit: String { case any, bare, fraction, percent, ms, seconds, rate, mm, cm }

    struct Number {
        let literal: String
        let value: Double
        let decimals: Int
        let unit: Unit?
    }

    enum Match { case ok, unitMismatch, none }

    struct Allowed {
        var values: [(value: Double, unit: Unit)] = []

        mutating func add(_ v: Double, _ unit: Unit) { values.append((v, unit)) }
        mutating func addFraction(_ v: Double) { add(v, .fraction); add(v * 100, .percent) }
        mutating func addMeasurement(_ v: Double, unit: String) {
            switch unit {
            case "ms": add(v, .ms); add(v / 1000, .seconds)
            case "s": add(v, .seconds); add(v * 1000, .ms)
            case "/min": add(v, .rate)
            case "mm": add(v, .mm); add(v / 10, .cm)
            case "%": add(v, .percent); add(v / 100, .fraction)
            case "1": add(v, .fraction); add(v * 100, .percent)
            default: add(v, .any)
            }
        }
        mutating func addText(_ text: String) {
            for n in NumberScan.numbers(in: text) {
                add(n.value, n.unit ?? .bare)
                if n.unit == .percent { add(n.value / 100, .fraction) }
            }
        }

        func match(_ n: Number) -> Match {
            let tolerance = 0.5 * pow(10, Double(-n.decimals)) + 1e-9
            var valueMatched = false
            for (v, unit) in values {
                if unit == .fraction, n.decimals == 0, v != n.value { continue }
                guard abs(v - n.value) <= tolerance else { continue }
                if unit == .bare { if n.unit == nil { return .ok } else { continue } }
                valueMatched = true
                if n.unit == nil || unit == .any || unit == n.unit { return .ok }
                if n.unit == .fraction, unit == .percent { continue }
            }
            return valueMatched ? .unitMismatch : .none
        }
    }

    static func numbers(in text: String) -> [Number] {
        let chars = Array(text)
        var result: [Number] = []
        var i = 0
        while i < chars.count {
            guard chars[i].isASCII, chars[i].isNumber else { i += 1; continue }
            let prev: Character? = i > 0 ? chars[i - 1] : nil
            var j = i
            while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
            // Thousands separators: 1,000
            while j + 3 < chars.count + 0, chars[j] == ",", (1...3).allSatisfy({ j + $0 < chars.count && chars[j + $0].isASCII && chars[j + $0].isNumber }),
                  j + 4 >= chars.count || !(chars[j + 4].isNumber)
            {
                j += 4
            }
            if j + 1 < chars.count, chars[j] == ".", chars[j + 1].isASCII, chars[j + 1].isNumber {
                j += 1
                while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
            }
            let literal = String(chars[i..<j]).replacingOccurrences(of: ",", with: "")
            let attached = (prev.map { $0.isLetter || $0 == "." || $0 == "_" } ?? false)
                || (j < chars.count && (chars[j].isLetter && !unitStart(chars, j)))
            if !attached, let value = Double(literal) {
                let decimals = literal.split(separator: ".").count > 1 ? literal.split(separator: ".")[1].count : 0
                result.append(Number(literal: literal, value: value, decimals: decimals, unit: unit(after: chars, j)))
            }
            i = j
        }
        return result
    }

    private static func unitStart(_ chars: [Character], _ j: Int) -> Bool {
        let rest = String(chars[j..<min(chars.count, j + 12)]).lowercased()
        return ["ms", "mm", "cm", "s ", "bpm", "mg", "mcg", "ml", "g "].contains { rest.hasPrefix($0) }
            || rest == "s" || rest == "g"
    }

    private static func unit(after chars: [Character], _ j: Int) -> Unit? {
        var k = j
        while k < chars.count, chars[k] == " " { k += 1 }
        let rest = String(chars[k..<min(chars.count, k + 20)]).lowercased()
        func word(_ w: String) -> Bool {
            guard rest.hasPrefix(w) else { return false }
            let after = rest.dropFirst(w.count).first
            return after == nil || !(after!.isLetter)
        }
        if rest.hasPrefix("%") || word("percent") || word("per cent") || rest.hasPrefix("in 100") || rest.hasPrefix("out of 100") { return .percent }
        if word("ms") || word("millisecond") || word("milliseconds") || word("msec") { return .ms }
        if word("s") || word("sec") || word("second") || word("seconds") { return .seconds }
        if rest.hasPrefix("/min") || word("bpm") || word("beats") || word("per minute") { return .rate }
        if word("mm") || word("millimeter") || word("millimeters") || word("millimetre") || word("millimetres") { return .mm }
        if word("cm") || word("centimeter") || word("centimeters") || word("centimetre") || word("centimetres") { return .cm }
        return nil
    }
}

/// Doses, drug names and treatment orders.
enum TreatmentScan {
    static let drugs = [
        "warfarin", "apixaban", "rivaroxaban", "edoxaban", "dabigatran", "heparin", "enoxaparin", "aspirin",
        "clopidogrel", "ticagrelor", "prasugrel", "metoprolol", "bisoprolol", "atenolol", "carvedilol",
        "propranolol", "diltiazem", "verapamil", "digoxin", "amiodarone", "flecainide", "propafenone", "sotalol",
        "dofetilide", "dronedarone", "nitroglycerin", "nitroglycerine", "atorvastatin", "rosuvastatin",
        "furosemide", "lisinopril", "ramipril", "sacubitril", "valsartan", "spironolactone", "dapagliflozin",
        "empagliflozin", "gemcitabine", "folfirinox", "nab-paclitaxel", "capecitabine", "morphine", "tpa",
        "alteplase", "tenecteplase", "ibuprofen", "paracetamol", "acetaminophen",
    ]
    static let orders = [
        "start taking", "stop taking", "begin taking", "keep taking", "you should take", "you should start",
        "take your", "take one", "take two", "should be started on", "start the patient on",
        "start anticoagulation", "start an anticoagulant", "initiate anticoagulation", "begin anticoagulation",
        "prescribe", "administer", "give the patient", "increase the dose", "decrease the dose",
        "increase your dose", "reduce your dose", "double your dose", "double the dose", "stop your",
        "chew an", "chew a", "schedule surgery", "needs surgery", "need surgery", "will need surgery",
        "should have surgery", "whipple", "chemotherapy", "needs an ablation", "should have an ablation",
        "needs a pacemaker", "needs an icd", "implant a", "cardiovert", "start chemo", "anticoagulate",
        "rate-control with", "rate control with", "cut down on", "avoid caffeine", "avoid alcohol", "stop drinking",
        "stop smoking", "lose weight", "exercise more", "ask for a", "go on a diet",
    ]

    /// Classes of medicines and lay names: allowed only where the knowledge entries used name them (a
    /// cause or a consideration, never an order).
    static let drugClasses = [
        "beta-blocker", "beta-blockers", "beta blocker", "beta blockers", "blood thinner", "blood thinners",
        "water pill", "water pills", "diuretic", "diuretics", "statin", "statins", "antiarrhythmic",
        "antiarrhythmics", "anticoagulant", "anticoagulants", "calcium channel blocker", "ace inhibitor", "opioid",
        "opioids", "painkiller", "painkillers", "chemo", "insulin",
    ]

    static func problems(in lower: String, entryText: String = "") -> [String] {
        var problems: [String] = []
        for drug in drugs where TextScan.containsPhrase(lower, drug) { problems.append("names a medicine ('\(drug)')") }
        for drug in drugClasses where TextScan.containsPhrase(lower, drug) && !TextScan.containsPhrase(entryText, drug) {
            problems.append("names a medicine ('\(drug)')")
        }
        for order in orders where TextScan.containsPhrase(lower, order) { problems.append("treatment order ('\(order)')") }
        // Doses: a number followed by a dose unit.
        let units = ["mg", "mcg", "µg", "g", "ml", "units", "unit", "iu", "tablet", "tablets", "pill", "pills",
                     "milligram", "milligrams", "puffs"]
        let chars = Array(lower)
        var i = 0
        while i < chars.count {
            if chars[i].isNumber {
                var j = i
                while j < chars.count, chars[j].isNumber || chars[j] == "." { j += 1 }
                var k = j
                while k < chars.count, chars[k] == " " { k += 1 }
                let rest = String(chars[k..<min(chars.count, k + 12)])
                for u in units where rest.hasPrefix(u) {
                    let after = rest.dropFirst(u.count).first
                    if after == nil || !after!.isLetter {
                        problems.append("dose ('\(String(chars[i..<j])) \(u)')")
                        break
                    }
                }
                i = j
            } else { i += 1 }
        }
        return problems
    }
}

/// Phrase lists and matching with negation and hedging.
enum PhraseScan {
    enum Band: String { case high = "high-likelihood", mid = "likely", low = "unlikely" }
    enum Polarity { case positive, negative }

    static let certaintyPhrases = [
        "you have", "you definitely have", "the patient has", "patient has", "definitely", "certainly",
        "certain", "confirms that", "this confirms", "which confirms", "check confirms", "test confirms",
        "scan confirms", "result confirms", "confirmed that", "has been confirmed", "is confirmed", "was confirmed",
        "diagnosed with", "diagnosis of", "diagnoses", "proves", "proven", "no doubt", "100%", "guaranteed",
        "you do not have", "you don't have", "rules out", "ruled out", "excludes", "there is no risk",
        "shows that you have", "you are suffering", "you suffer",
    ]
    static let hedges: Set<String> = ["not", "no", "cannot", "can't", "don't", "doesn't", "isn't", "never", "if",
                                      "whether", "without", "nor", "t"]
    static let normalPhrases = [
        "normal", "healthy", "nothing wrong", "all clear", "no problem", "no problems", "nothing to worry",
        "no need to worry", "nothing abnormal", "no abnormality", "unremarkable", "reassuring", "fine",
        "no issues",
    ]
    static let abstentionPhrases = [
        "could not", "couldn't", "did not check", "does not check", "did not analyse",
        "did not analyze", "not analysed", "not analyzed", "not checked", "unable to", "abstain", "abstained",
        "could not be read", "not assessed", "did not classify", "not classified", "did not read", "was not read",
    ]
    static let clinicianJargon = [
        "ppv", "npv", "positive predictive value", "negative predictive value", "operating threshold",
        "operating point", "calibrated", "auroc", "auc", "prevalence", "sensitivity", "specificity",
        "differential diagnosis", "reperfusion", "hyperkalaemia", "hyperkalemia", "morphology", "ischaemia",
        "ischemia", "pretest", "hypoattenuating", "multiphase", "mrcp", "fine-needle",
    ]
    static let patientAddress = [
        "your heart", "your doctor", "your clinician", "your ecg", "your scan", "your result", "your results",
        "your test", "talk with your", "talk to your", "ask your", "you may feel", "don't worry", "do not worry",
        "your pancreas", "your health",
    ]
    static let negativePolarity = [
        "did not find", "didn't find", "no sign", "no signs", "not flagged", "did not flag",
        "was negative", "is negative", "not found", "not seen", "not present", "no evidence", "was not detected",
        "not detected", "found no", "shows no", "showed no", "nothing was found", "nothing found", "found nothing",
    ]
    static let positivePolarity = [
        "found signs", "flagged", "was positive", "is positive", "found a", "found an", "found that",
        "found many", "detected", "shows signs", "showed signs", "found a pattern",
        // "The check found sinus bradycardia" (a real answer, about a negative finding).
        "the check found", "the tool found", "the test found", "the computer found", "it found", "was found",
        "were found",
    ]

    static func any(_ text: String, _ phrases: [String]) -> Bool { first(text, phrases) != nil }

    /// Whether the sentence is about the person ("you", "your", "the patient").
    static func addressesThePerson(_ text: String) -> Bool {
        any(text, ["you", "your", "the patient", "patient's", "you're"])
    }

    /// Words that mark a statement as a screening result, a possibility or a report of a test.
    static let hedgeWords = [
        "may", "might", "could", "can", "possible", "possibly", "likely", "unlikely", "sign", "signs", "flag",
        "flagged", "found", "find", "check", "tool", "computer", "model", "suggest", "suggests", "screen",
        "rated", "estimate", "probability", "chance", "if", "not", "no", "test", "tracing", "scan", "ecg",
        "measured", "measurement", "reading", "result", "results", "pattern", "marked",
    ]

    static func isHedged(_ text: String) -> Bool { any(text, hedgeWords) }

    static func first(_ text: String, _ phrases: [String]) -> String? {
        phrases.first { TextScan.containsPhrase(text, $0) || ($0.hasSuffix("%") && text.contains($0)) }
    }

    /// The words before `range` (up to 3).
    static func wordsBefore(_ text: String, _ range: Range<String.Index>) -> [String] {
        let before = text[text.startIndex..<range.lowerBound]
        let words = before.split(whereSeparator: { !$0.isLetter && $0 != "'" }).map(String.init)
        return Array(words.suffix(3))
    }

    /// The first phrase present that is not hedged or negated by the three words before it.
    static func firstUnhedged(_ text: String, _ phrases: [String]) -> String? {
        for phrase in phrases {
            for r in TextScan.phraseRanges(text, phrase) where !wordsBefore(text, r).contains(where: hedges.contains) {
                return phrase
            }
            if phrase.hasSuffix("%"), text.contains(phrase) { return phrase }
        }
        return nil
    }

    /// The first phrase present that is not directly negated ("not normal", "not a normal").
    static func firstUnnegated(_ text: String, _ phrases: [String]) -> String? {
        for phrase in phrases {
            for r in TextScan.phraseRanges(text, phrase) {
                let before = wordsBefore(text, r)
                let negated = before.suffix(2).contains { ["not", "isn't", "never", "t"].contains($0) }
                if !negated { return phrase }
            }
        }
        return nil
    }

    static let highPhrases = [
        "very likely", "highly likely", "most likely", "almost certain", "almost certainly", "high probability",
        "high chance", "high likelihood", "strongly suggests", "strong chance", "very probable", "near certain",
    ]
    static let lowPhrases = [
        "unlikely", "less likely", "not likely", "low chance", "low probability", "low likelihood",
        "small chance", "less likely than not", "improbable",
    ]

    static func likelihoodBand(_ text: String) -> Band? {
        if first(text, highPhrases) != nil { return .high }
        if first(text, lowPhrases) != nil { return .low }
        for word in ["likely", "probable", "probably"] {
            for r in TextScan.phraseRanges(text, word) {
                let before = wordsBefore(text, r)
                if let last = before.last, ["less", "not", "isn't", "very", "highly", "most"].contains(last) { continue }
                return .mid
            }
        }
        return nil
    }

    static func polarity(_ text: String) -> Polarity? {
        if any(text, negativePolarity) || text.hasPrefix("no ") { return .negative }
        if any(text, positivePolarity) { return .positive }
        return nil
    }
}
