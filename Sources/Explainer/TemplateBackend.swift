import DetectorKit
import Foundation

/// Everything a backend needs: the request, the knowledge base, the entries that apply, and the question's
/// analysis (retrieval and whether the findings can answer it).
public struct ExplanationContext: Sendable {
    /// The request.
    public let request: ExplanationRequest
    /// The knowledge base.
    public let knowledge: KnowledgeBase
    /// Entries for the request's findings and abstentions (in order of first use).
    public let entries: [KnowledgeEntry]
    /// The question's analysis, when a question was asked.
    public let question: QuestionAnalysis?

    /// Builds the context: looks up the entries and analyses the question.
    public init(request: ExplanationRequest, knowledge: KnowledgeBase = .embedded) {
        self.request = request
        self.knowledge = knowledge
        var entries: [KnowledgeEntry] = []
        func add(_ entry: KnowledgeEntry?) {
            if let entry, !entries.contains(where: { $0.id == entry.id }) { entries.append(entry) }
        }
        for finding in request.findings { add(knowledge.entry(forCode: finding.code)) }
        for abstention in request.abstentions { add(knowledge.entry(forReason: abstention.reason)) }
        self.entries = entries
        self.question = request.question.map {
            QuestionAnalysis(question: $0, request: request, knowledge: knowledge, relevant: entries)
        }
    }

    /// The entry for `finding`, if the knowledge base has one.
    public func entry(for finding: Finding) -> KnowledgeEntry? { knowledge.entry(forCode: finding.code) }
}

/// Calibrated-probability bands and the words that fit them; the template uses them and the checker
/// enforces them.
public enum Likelihood {
    /// A patient sentence for a positive model flag at probability `p`.
    public static func patientSentence(_ p: Double) -> String {
        if p >= 0.8 { return "The tool rated this as likely." }
        if p >= 0.5 { return "The tool rated this as possible." }
        return "The tool rated this as less likely than not, but high enough to check."
    }

    /// Formats a probability-like value for clinicians: two decimals, trailing zeros dropped (0.9, 0.91).
    /// Values strictly between 0 and 1 never print as 0 or 1 (0.998 stays 0.998).
    public static func format(_ value: Double) -> String {
        func fixed(_ digits: Int) -> String {
            var s = String(format: "%.\(digits)f", value)
            while s.contains("."), s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
            return s
        }
        var digits = 2
        var s = fixed(digits)
        while value > 0, value < 1, s == "0" || s == "1", digits < 6 {
            digits += 1
            s = fixed(digits)
        }
        return s
    }

    /// Formats a measurement value (integral values without a fraction, else up to 2 decimals).
    public static func formatValue(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e12 { return String(Int64(value)) }
        return format(value)
    }
}

/// The deterministic default backend: text from the curated knowledge base and the findings only.
public struct TemplateBackend: ExplanationBackend {
    /// ``BackendKind/template``.
    public var kind: BackendKind { .template }

    /// Creates the backend.
    public init() {}

    /// Writes the draft; never throws.
    public func draft(for context: ExplanationContext) async throws -> BackendDraft {
        BackendDraft(draft: compose(context))
    }

    /// The template draft for `context` (synchronous; used for fallbacks too).
    public func compose(_ context: ExplanationContext) -> DraftAnswer {
        let request = context.request
        let audience = request.audience
        var claims: [Claim] = []
        var doesNotMean: [String] = []
        var nextSteps: [String] = []
        var urgent: String?
        func addUnique(_ list: inout [String], _ text: String?) {
            if let text, !text.isEmpty, !list.contains(text) { list.append(text) }
        }

        let order: [Decision] = [.positive, .indeterminate, .negative]
        let findings = request.findings.enumerated().sorted { a, b in
            let ua = (FindingCode(rawValue: a.element.code)?.isUrgentWhenPositive ?? false) && a.element.decision == .positive
            let ub = (FindingCode(rawValue: b.element.code)?.isUrgentWhenPositive ?? false) && b.element.decision == .positive
            if ua != ub { return ua }
            let oa = order.firstIndex(of: a.element.decision)!, ob = order.firstIndex(of: b.element.decision)!
            return oa != ob ? oa < ob : a.offset < b.offset
        }.map(\.element)

        for finding in findings {
            let entry = context.entry(for: finding)
            let voice = entry?.voice(audience)
            let names = finding.measurements.map(\.name)
            switch audience {
            case .clinician:
                claims.append(Claim(text: clinicianStatus(finding, voice: voice, request: request),
                                    codes: [finding.code], measurements: names))
                if entry == nil {
                    addUnique(&doesNotMean, "No knowledge entry exists for code '\(finding.code)'; only the finding itself is reported.")
                }
                if finding.decision != .negative {
                    if let what = voice?.whatItIs { claims.append(Claim(text: what, codes: [finding.code])) }
                    addUnique(&nextSteps, voice?.howConfirmed.map { "Confirm: \($0)" })
                    addUnique(&nextSteps, voice?.whatNext)
                    addUnique(&doesNotMean, voice?.notMeaning)
                } else {
                    addUnique(&doesNotMean,
                              "\(voice?.name ?? finding.label): a negative result does not exclude the condition.")
                }
            case .patient:
                claims.append(Claim(text: patientStatus(finding, voice: voice), codes: [finding.code]))
                if entry == nil, finding.decision != .negative {
                    addUnique(&doesNotMean, "Vigil has no plain-language notes about this result yet.")
                }
                if finding.decision != .negative {
                    if let what = voice?.whatItIs { claims.append(Claim(text: what, codes: [finding.code])) }
                    addUnique(&nextSteps, voice?.howConfirmed)
                    addUnique(&nextSteps, voice?.whatNext)
                    addUnique(&doesNotMean, voice?.notMeaning)
                }
            }
            if finding.decision == .positive, entry?.urgentWhenPositive == true { urgent = urgent ?? voice?.urgent }
        }

        // Two detectors answering the same question differently: say so, rather than let the reader find
        // "signs of X" and "no signs of X" in one answer.
        for group in Self.disagreements(in: findings) {
            let positive = group.filter { $0.decision == .positive }
            let negative = group.filter { $0.decision == .negative }
            let name = context.entry(for: positive[0])?.voice(audience).name ?? positive[0].label
            let codes = group.map(\.code)
            switch audience {
            case .clinician:
                let pos = positive.map { "\($0.code) (\($0.detector.id))" }.joined(separator: ", ")
                let neg = negative.map { "\($0.code) (\($0.detector.id))" }.joined(separator: ", ")
                claims.append(Claim(text: "Detectors disagree on \(name): positive \(pos); negative \(neg).", codes: codes))
                addUnique(&nextSteps, "Review the tracing: the detectors disagree on \(name).")
            case .patient:
                claims.append(Claim(text: "Two parts of the computer check do not agree about \(name.lowercased()).",
                                    codes: codes))
                addUnique(&nextSteps, "A clinician should look at the heart tracing to settle this.")
            }
        }

        for abstention in request.abstentions {
            let entry = context.knowledge.entry(forReason: abstention.reason)
            let voice = entry?.voice(audience)
            let code = "abstention:\(abstention.reason.rawValue)"
            switch audience {
            case .clinician:
                claims.append(Claim(
                    text: "Detector \(abstention.detector.id) abstained (\(abstention.reason.rawValue)): \(abstention.message)",
                    codes: [code]))
                if let what = voice?.whatItIs { claims.append(Claim(text: what, codes: [code])) }
            case .patient:
                claims.append(Claim(text: voice?.whatItIs ?? "The computer tool did not check this test.", codes: [code]))
            }
            addUnique(&nextSteps, voice?.whatNext)
            addUnique(&doesNotMean, voice?.notMeaning)
        }

        if claims.isEmpty {
            claims.append(Claim(text: audience == .patient
                ? "There are no results from the computer check to explain."
                : "No findings or abstentions were supplied."))
        }
        if audience == .patient {
            addUnique(&doesNotMean, "This is a computer check, not a diagnosis.")
            addUnique(&nextSteps, "Please talk about this result with your clinician.")
        } else {
            addUnique(&doesNotMean, "These are screening outputs for clinician review, not diagnoses.")
        }

        var answer: String?
        var cannotAnswer: String?
        if let q = context.question {
            if q.answerable { answer = q.templateAnswer(audience: audience) } else { cannotAnswer = q.reason(audience) }
        }
        return DraftAnswer(claims: claims, doesNotMean: doesNotMean, nextSteps: nextSteps, urgent: urgent,
                           answer: answer, cannotAnswer: cannotAnswer)
    }

    /// Groups of findings that answer one shared question (``FindingCode/sharedQuestion``) with at least
    /// one positive and one negative decision, in the findings' order.
    static func disagreements(in findings: [Finding]) -> [[Finding]] {
        var groups: [String: [Finding]] = [:]
        var order: [String] = []
        for finding in findings {
            guard let question = FindingCode(rawValue: finding.code)?.sharedQuestion else { continue }
            if groups[question] == nil { order.append(question) }
            groups[question, default: []].append(finding)
        }
        return order.compactMap { groups[$0] }.filter { group in
            group.contains { $0.decision == .positive } && group.contains { $0.decision == .negative }
        }
    }

    func clinicianStatus(_ finding: Finding, voice: KnowledgeVoice?, request: ExplanationRequest) -> String {
        let name = voice?.name ?? finding.label
        var parts: [String] = []
        switch finding.decision {
        case .positive: parts.append(voice?.positive ?? "\(name): positive.")
        case .negative: parts.append(voice?.negative ?? "\(name): negative.")
        case .indeterminate: parts.append("\(name): indeterminate.")
        }
        if let p = finding.probability, let t = finding.threshold {
            parts.append("Calibrated probability \(Likelihood.format(p)) at operating threshold \(Likelihood.format(t)) "
                + "(\(finding.decision.rawValue)).")
            if let pv = request.outputLabel(for: finding)?.predictiveValues {
                parts.append("At this threshold the model card gives PPV \(Likelihood.format(pv.ppv)) and NPV "
                    + "\(Likelihood.format(pv.npv)) at prevalence \(Likelihood.format(pv.prevalence)).")
            }
        }
        if !finding.measurements.isEmpty {
            let list = finding.measurements.map { m -> String in
                let unit = m.unit == "1" ? "" : " \(m.unit)"
                var s = "\(m.name) \(Likelihood.formatValue(m.value))\(unit)"
                if let ref = m.reference { s += " (\(ref.source): \(Likelihood.formatValue(ref.value))\(unit))" }
                return s
            }
            parts.append("Measured: \(list.joined(separator: "; ")).")
        }
        parts.append("[\(finding.code)]")
        return parts.joined(separator: " ")
    }

    func patientStatus(_ finding: Finding, voice: KnowledgeVoice?) -> String {
        let name = voice?.name ?? "\"\(finding.label)\""
        switch finding.decision {
        case .positive:
            var s = voice?.positive ?? "The computer check flagged \(name)."
            if let p = finding.probability { s += " " + Likelihood.patientSentence(p) }
            return s
        case .negative:
            return voice?.negative ?? "The computer check did not flag \(name)."
        case .indeterminate:
            return "The computer check could not tell either way about \(name)."
        }
    }
}
