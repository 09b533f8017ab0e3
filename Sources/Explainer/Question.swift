import DetectorKit
import Foundation

/// A free-text question, analysed against the findings: which knowledge entries it is about (BM25), and
/// whether the findings can answer it at all.
public struct QuestionAnalysis: Sendable {
    /// What the question asks for.
    public enum Topic: String, Sendable, Codable {
        /// What the condition is.
        case what
        /// How it is confirmed.
        case confirm
        /// What happens next.
        case next
        /// Treatment or medicines (never answerable from findings).
        case treatment
        /// Outlook or life expectancy (never answerable from findings).
        case prognosis
        /// Whether the person has a condition ("Do I have cancer?"): a screening result cannot say; the
        /// answer is "cannot tell you that" with what the finding does not mean.
        case diagnosis
        /// A value the findings measured ("What was my heart rate?"): answered with the measurement.
        case measurement
    }

    /// The question.
    public let question: String
    /// Entry ids ranked by BM25 over the whole knowledge base, best first (for the record; the answer
    /// rests on ``entry``, chosen among the entries of this input's findings).
    public let ranked: [String]
    /// The entry the answer rests on, when answerable.
    public let entry: KnowledgeEntry?
    /// The finding that entry explains, when there is one.
    public let finding: Finding?
    /// What the question asks for.
    public let topic: Topic
    /// Whether the findings can answer it.
    public let answerable: Bool
    /// Conditions the question names that the findings do not cover.
    public let uncoveredConditions: [String]
    /// Measurements of the findings the question asks about (topic `.measurement`).
    public let measurements: [FindingMeasurement]
    /// What the findings looked at (for the "cannot tell you" reason), in each voice.
    private let coveredClinician: [String]
    private let coveredPatient: [String]

    /// Analyses `question` for `request`; `relevant` are the entries for the request's findings/abstentions.
    public init(question: String, request: ExplanationRequest, knowledge: KnowledgeBase, relevant: [KnowledgeEntry]) {
        self.question = question
        let lower = question.lowercased()
        let index = BM25Index(documents: knowledge.entries.map {
            [$0.clinician.name, $0.patient.name, $0.terms.joined(separator: " "), $0.allText].joined(separator: " ")
        })
        let ranking = index.rank(question, limit: 5)
        ranked = ranking.map { knowledge.entries[$0.index].id }

        func has(_ words: [String]) -> Bool { words.contains { TextScan.containsPhrase(lower, $0) } }
        let asked = Self.askedMeasurements(lower, in: request.findings)
        if has(["medicine", "medicines", "medication", "medications", "drug", "drugs", "dose", "dosage", "pill",
                "pills", "treatment", "treat", "treated", "surgery", "operation", "cure", "prescribe",
                "blood thinner", "blood thinners", "pacemaker", "defibrillator", "ablation", "cardioversion",
                "stent", "bypass", "chemotherapy", "chemo", "radiotherapy", "radiation therapy", "transplant",
                "warfarin", "anticoagulant", "anticoagulants", "anticoagulation", "beta blocker", "beta-blocker"]) {
            topic = .treatment
        } else if has(["how long will", "how long do i", "survive", "survival", "die", "dying", "death",
                       "prognosis", "life expectancy", "live longer", "going to live"]) {
            topic = .prognosis
        } else if ["do i have", "do i really have", "does this mean i have", "does it mean i have", "have i got",
                    "am i", "does the patient have", "does he have", "does she have", "is this a", "is it a",
                    "is this cancer", "is it cancer", "do they have", "did i have", "have i had", "does this mean i had",
                    "does it mean i had", "did the patient have", "has the patient had", "was it a", "was this a"]
                    .contains(where: { lower.hasPrefix($0) }) {
            topic = .diagnosis
        } else if !asked.isEmpty {
            topic = .measurement
        } else if has(["sure", "confirm", "confirmed", "certain", "check", "tests", "test", "prove", "know for"]) {
            topic = .confirm
        } else if has(["next", "now what", "what now", "do now", "happen", "should i do", "what do i do",
                       "follow up", "follow-up"]) {
            topic = .next
        } else {
            topic = .what
        }

        let allowed = ConditionLexicon.withSynonyms(Set(relevant.flatMap(\.allowedTerms)
            + request.findings.map { $0.label.lowercased() }))
        // A question whether the patient *had* some event is answerable only for the conditions the findings
        // name, not for every term their knowledge entries mention: an AF entry names stroke as a risk, yet
        // "Did I have a stroke?" is a question this recording cannot answer.
        let findingNames = ConditionLexicon.withSynonyms(Set(request.findings.map { $0.label.lowercased() }
            + relevant.flatMap { [$0.clinician.name.lowercased(), $0.patient.name.lowercased()] }))
        let asksAboutThePast = ["did i have", "have i had", "does this mean i had", "does it mean i had",
                                "did the patient have", "has the patient had", "was it a", "was this a"]
            .contains(where: { lower.hasPrefix($0) })
        let scope = asksAboutThePast ? findingNames : allowed
        uncoveredConditions = ConditionLexicon.mentions(in: lower).filter { term in
            !scope.contains(term) && !scope.contains(where: { $0.contains(term) })
        }
        coveredClinician = relevant.map(\.clinician.name)
        coveredPatient = relevant.map(\.patient.name)

        // The entry the answer rests on: the best-scoring entry among those of this input's findings and
        // abstentions; for a question that names none of them ("What happens next?"), the entry of the
        // first positive finding (else the first entry).
        // Names and terms only: general words ("next", "test") must not pick an entry.
        let relevantIndex = BM25Index(documents: relevant.map {
            [$0.clinician.name, $0.patient.name, $0.terms.joined(separator: " ")].joined(separator: " ")
        })
        var entry: KnowledgeEntry?
        if let best = relevantIndex.rank(question, limit: 1).first {
            entry = relevant[best.index]
        } else {
            let positive = request.findings.first { $0.decision == .positive }
            entry = positive.flatMap { p in relevant.first { $0.codes.contains(p.code) } } ?? relevant.first
        }
        self.entry = entry
        self.finding = entry.flatMap { e in request.findings.first { e.codes.contains($0.code) } }
        measurements = topic == .measurement ? asked : []
        answerable = entry != nil && uncoveredConditions.isEmpty && ![.treatment, .prognosis, .diagnosis].contains(topic)
    }

    /// The template's answer (answerable questions).
    public func templateAnswer(audience: Audience) -> String {
        guard let entry else { return reason(audience) }
        let voice = entry.voice(audience)
        var parts: [String] = []
        if let finding {
            switch (finding.decision, audience) {
            case (.positive, _): parts.append(voice.positive ?? voice.name)
            case (.negative, _): parts.append(voice.negative ?? voice.name)
            case (.indeterminate, .patient): parts.append("The computer check could not tell either way about \(voice.name).")
            case (.indeterminate, .clinician): parts.append("\(voice.name): indeterminate.")
            }
        }
        if topic == .measurement {
            return measurements.map { Self.sentence(for: $0, audience: audience) }.joined(separator: " ")
        }
        switch topic {
        case .confirm: parts.append(voice.howConfirmed ?? voice.whatNext)
        case .next:
            if finding?.decision != .negative, let how = voice.howConfirmed { parts.append(how) }
            parts.append(voice.whatNext)
        default: parts.append(voice.whatItIs)
        }
        return parts.joined(separator: " ")
    }

    /// "This result cannot tell you that." and why (unanswerable questions).
    public func reason(_ audience: Audience) -> String {
        let covered = audience == .patient ? coveredPatient : coveredClinician
        let list = covered.isEmpty ? (audience == .patient ? "nothing" : "no findings") : covered.joined(separator: ", ")
        switch (topic, audience) {
        case (.treatment, .patient):
            return "This result cannot tell you that. It only says what the computer check found. It does not choose a treatment. Your clinician will talk with you about that."
        case (.treatment, .clinician):
            return "This result cannot tell you that: the findings are detector outputs and carry no treatment recommendation."
        case (.prognosis, .patient):
            return "This result cannot tell you that. It does not predict what will happen to your health over time. Your clinician can talk with you about that."
        case (.prognosis, .clinician):
            return "This result cannot tell you that: the findings carry no prognostic estimate."
        case (.diagnosis, _) where entry != nil && uncoveredConditions.isEmpty:
            let voice = entry!.voice(audience)
            return audience == .patient
                ? "This result cannot tell you that. \(voice.notMeaning)"
                : "This result cannot tell you that: \(voice.notMeaning)"
        case (_, .patient):
            return "This result cannot tell you that. The check only looked for: \(list)."
        case (_, .clinician):
            return "This result cannot tell you that: the findings cover only \(list)."
        }
    }
}

/// Names of conditions an answer might mention. The checker flags any of them that the findings' knowledge
/// entries do not allow; the question analysis uses it to spot questions about other conditions.
public enum ConditionLexicon {
    /// Lower-case condition names and common lay terms.
    public static let terms: [String] = [
        "atrial fibrillation", "afib", "a-fib", "atrial flutter", "supraventricular tachycardia",
        "ventricular tachycardia", "ventricular fibrillation", "cardiac arrest", "sudden cardiac death",
        "sudden death", "heart block", "complete heart block", "bundle branch block", "left bundle branch block",
        "right bundle branch block", "sick sinus syndrome", "sinus node dysfunction", "bradycardia",
        "sinus bradycardia", "tachycardia", "sinus tachycardia", "long qt syndrome", "brugada syndrome",
        "wolff-parkinson-white", "torsade de pointes", "heart attack", "myocardial infarction", "stemi",
        "nstemi", "acute coronary syndrome", "coronary artery disease", "angina", "blocked artery",
        "blocked arteries", "heart failure", "cardiomyopathy", "left ventricular hypertrophy", "lvh",
        "hypertrophic cardiomyopathy", "left ventricular dysfunction", "structural heart disease",
        "heart disease", "valve disease", "aortic stenosis", "pericarditis", "myocarditis", "endocarditis",
        "stroke", "blood clot", "blood clots", "pulmonary embolism", "hypertension", "high blood pressure",
        "hyperkalaemia", "hyperkalemia", "hypokalaemia", "hypokalemia", "hypothyroidism", "hyperthyroidism",
        "thyroid disease", "anaemia", "anemia", "diabetes", "kidney disease", "liver disease", "cirrhosis",
        "cancer", "pancreatic cancer", "adenocarcinoma", "pancreatic ductal adenocarcinoma", "carcinoma",
        "tumor", "tumour", "malignancy", "malignant", "metastasis", "metastases", "metastatic", "lymphoma",
        "neuroendocrine tumor", "neuroendocrine tumour", "cyst", "pancreatitis", "jaundice", "infection",
        "sepsis", "covid", "dementia", "copd", "asthma", "pneumonia", "low potassium", "high potassium",
        "low magnesium", "low calcium", "electrolyte imbalance", "dilated cardiomyopathy", "congenital heart disease",
    ]

    /// Names that mean the same condition: an answer may use any name of an allowed condition.
    public static let synonyms: [[String]] = [
        ["atrial fibrillation", "afib", "a-fib"], ["left ventricular hypertrophy", "lvh"],
        ["heart attack", "myocardial infarction"], ["hyperkalaemia", "hyperkalemia", "high potassium"],
        ["hypokalaemia", "hypokalemia", "low potassium"], ["anaemia", "anemia"], ["tumor", "tumour"],
        ["hypertension", "high blood pressure"], ["neuroendocrine tumor", "neuroendocrine tumour"],
    ]

    /// `terms` plus every synonym of any of them.
    public static func withSynonyms(_ terms: Set<String>) -> Set<String> {
        var result = terms
        for group in synonyms where group.contains(where: terms.contains) { result.formUnion(group) }
        return result
    }

    /// The lexicon terms that occur in `text` (lower-cased, whole words), longest matches only: a term
    /// inside a longer matched term at the same place is not reported on its own.
    public static func mentions(in text: String) -> [String] {
        let lower = text.lowercased()
        var found: [(term: String, range: Range<String.Index>)] = []
        for term in terms.sorted(by: { $0.count > $1.count }) {
            for range in TextScan.phraseRanges(lower, term)
            where !found.contains(where: { $0.range.overlaps(range) }) {
                found.append((term, range))
            }
        }
        var seen: [String] = []
        for f in found where !seen.contains(f.term) { seen.append(f.term) }
        return seen
    }
}

/// Whole-word phrase matching on lower-cased text.
enum TextScan {
    /// Letters, digits and hyphens ("fine-needle" is not "fine").
    static func isWordChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "-" }

    /// Ranges of `phrase` in `text` with word boundaries on both sides.
    static func phraseRanges(_ text: String, _ phrase: String) -> [Range<String.Index>] {
        var result: [Range<String.Index>] = []
        var start = text.startIndex
        while start < text.endIndex, let r = text.range(of: phrase, range: start..<text.endIndex) {
            let beforeOK = r.lowerBound == text.startIndex || !isWordChar(text[text.index(before: r.lowerBound)])
            let afterOK = r.upperBound == text.endIndex || !isWordChar(text[r.upperBound])
            if beforeOK && afterOK { result.append(r) }
            start = text.index(after: r.lowerBound)
        }
        return result
    }

    static func containsPhrase(_ text: String, _ phrase: String) -> Bool { !phraseRanges(text, phrase).isEmpty }
}


extension QuestionAnalysis {
    /// Lay and clinical words for measurements, and the fragment of a measurement name each one selects.
    static let measurementWords: [(words: [String], nameFragment: String)] = [
        (["heart rate", "pulse", "rate", "how fast"], "rate"),
        (["qtc", "qt interval", "qt"], "qt"),
        (["qrs"], "qrs"),
        (["pr interval"], "pr"),
        (["axis"], "axis"),
        (["how big", "how large", "size", "diameter"], "diameter"),
    ]

    /// The findings' measurements that the question asks about, by lay word or by the measurement's name.
    static func askedMeasurements(_ lower: String, in findings: [Finding]) -> [FindingMeasurement] {
        let all = findings.flatMap(\.measurements)
        var result: [FindingMeasurement] = []
        for m in all {
            let name = m.name.lowercased()
            let spaced = humanName(m.name)
            let byWord = measurementWords.contains { entry in
                name.contains(entry.nameFragment) && entry.words.contains { TextScan.containsPhrase(lower, $0) }
            }
            if (byWord || TextScan.containsPhrase(lower, spaced)) && !result.contains(where: { $0.name == m.name }) {
                result.append(m)
            }
        }
        return result
    }

    /// "ventricularRate" → "ventricular rate"; "QTc" stays "qtc".
    static func humanName(_ name: String) -> String {
        var out = ""
        for (i, c) in name.enumerated() {
            if c.isUppercase, i > 0, let prev = out.last, prev.isLowercase { out.append(" ") }
            out.append(c)
        }
        return out.lowercased()
    }

    /// One plain sentence stating a measured value (and the acquiring device's own value for clinicians).
    static func sentence(for m: FindingMeasurement, audience: Audience) -> String {
        let value = m.value == m.value.rounded() ? String(Int(m.value)) : String(format: "%.1f", m.value)
        let name = humanName(m.name)
        switch audience {
        case .patient:
            let unit: String
            switch m.unit {
            case "/min": unit = "beats per minute"
            case "ms": unit = "milliseconds"
            case "mm": unit = "millimetres"
            case "deg": unit = "degrees"
            default: unit = m.unit
            }
            let label = name.contains("rate") ? "heart rate" : name
            return "Your \(label) on this recording was \(value) \(unit)."
        case .clinician:
            var s = "\(name): \(value) \(m.unit)"
            if let r = m.reference {
                let rv = r.value == r.value.rounded() ? String(Int(r.value)) : String(format: "%.1f", r.value)
                s += " (\(r.source): \(rv) \(m.unit))"
            }
            return s + "."
        }
    }
}
