import DetectorKit
import Foundation
import Testing
@testable import Explainer

@Suite struct ReadabilityTests {
    @Test(arguments: [
        ("cat", 1), ("table", 2), ("heartbeat", 2), ("medicine", 3), ("atrial", 3), ("usual", 3),
        ("fibrillation", 4), ("clinician", 3), ("ultrasound", 3), ("looked", 1), ("tested", 2), ("takes", 1),
        ("the", 1), ("initial", 3), ("echocardiogram", 6), ("people", 2), ("time", 1),
    ])
    func syllableHeuristicCountsCommonWords(word: String, syllables: Int) {
        #expect(Readability.syllableCount(word) == syllables)
    }

    @Test func gradeFollowsTheFleschKincaidFormula() {
        // "The cat sat on the mat." 6 words, 1 sentence, 6 syllables: 0.39·6 + 11.8·1 − 15.59 = −1.45.
        #expect(abs(Readability.fleschKincaidGrade("The cat sat on the mat.") - (-1.45)) < 1e-9)
        // Two sentences, 10 words, 12 syllables (all one syllable but "clinician", 3):
        // 0.39·5 + 11.8·1.2 − 15.59 = 0.52.
        let g = Readability.fleschKincaidGrade("Please talk with your clinician. A heart test may help.")
        #expect(abs(g - (0.39 * 5 + 11.8 * 12.0 / 10.0 - 15.59)) < 1e-9)
        // A dense clinical sentence reads far above school level; a plain one far below.
        let clinical = "Transthoracic echocardiography is recommended to evaluate left ventricular systolic function "
            + "in patients with newly identified left bundle branch block and electrocardiographic abnormalities."
        #expect(Readability.fleschKincaidGrade(clinical) > 16)
        #expect(Readability.fleschKincaidGrade("Your heart beat fast. Talk to your nurse.") < 4)
    }

    @Test func probabilitiesNeverPrintAsZeroOrOne() {
        #expect(Likelihood.format(0.998) == "0.998")
        #expect(Likelihood.format(0.91) == "0.91")
        #expect(Likelihood.format(0.3) == "0.3")
        #expect(Likelihood.format(0.0004) == "0.0004")
        #expect(Likelihood.format(1) == "1")
        #expect(Likelihood.formatValue(112) == "112")
        #expect(Likelihood.formatValue(11.5) == "11.5")
    }

    @Test func decimalPointsDoNotEndSentences() {
        #expect(Readability.sentenceCount("Probability 0.91 at threshold 0.42. Next.") == 2)
        #expect(Readability.words("It's a 12-lead ECG.") == ["It's", "a", "12", "lead", "ECG"])
    }
}

@Suite struct BM25Tests {
    @Test func rankingPrefersDocumentsWithRareMatchingTerms() {
        let index = BM25Index(documents: [
            "the heart beats in a regular rhythm",
            "an irregular rhythm of the heart raises stroke risk",
            "a spot on the pancreas seen on a scan",
        ])
        #expect(index.rank("irregular heart rhythm").first?.index == 1)
        #expect(index.rank("pancreas scan").first?.index == 2)
        #expect(index.rank("diabetes insulin").isEmpty)
        // Scores are non-negative and a repeated rare term scores higher than a common one.
        #expect(index.score("stroke", document: 1) > index.score("heart", document: 1))
    }

    @Test(arguments: [
        ("Is my uneven heartbeat a stroke risk?", "ecg.afib"),
        ("What is the spot on my pancreas scan?", "ct.pancreas.lesion_suspected"),
        ("Is my heart pump weak? Do I need an echocardiogram?", "ecg.low_ef"),
        ("Why is the QT time long? Is it my potassium?", "ecg.long_qtc"),
        ("What is a heart attack pattern on the ECG?", "ecg.cnn.st_elevation"),
        ("My pacemaker", "abstention.paced_rhythm"),
    ])
    func knowledgeBaseRetrievalFindsTheRightEntry(query: String, id: String) {
        let kb = KnowledgeBase.embedded
        let index = BM25Index(documents: kb.entries.map {
            [$0.clinician.name, $0.patient.name, $0.terms.joined(separator: " "), $0.allText].joined(separator: " ")
        })
        let top = index.rank(query).first.map { kb.entries[$0.index].id }
        #expect(top == id, "\(query) → \(top ?? "nothing")")
    }
}

@Suite struct QuestionTests {
    @Test func aQuestionAboutAFindingIsAnsweredFromItsEntry() async throws {
        let explanation = await Explainer.explain(try Fixtures.request("afib", .patient, question: "How can they be sure it is atrial fibrillation?"))
        let answer = try #require(explanation.question)
        #expect(answer.answerable)
        #expect(answer.entries.first == "ecg.afib")
        #expect(answer.text.contains("A clinician needs to look at the heart tracing to be sure."))
    }

    @Test(arguments: [
        ("Do I have diabetes?", "The check only looked for"),
        ("What dose of medicine should I take?", "It does not choose a treatment"),
        ("How long will I live?", "It does not predict"),
        ("Is my liver disease worse?", "The check only looked for"),
        // A condition the AF entry mentions as a risk is still not a finding of this record.
        ("Does this mean I had a stroke?", "The check only looked for"),
        // Devices and procedures are treatment questions.
        ("Will I need a pacemaker?", "It does not choose a treatment"),
        ("Should I start warfarin?", "It does not choose a treatment"),
    ])
    func questionsTheFindingsCannotAnswerSaySoWithTheReason(question: String, reason: String) async throws {
        let explanation = await Explainer.explain(try Fixtures.request("afib", .patient, question: question))
        let answer = try #require(explanation.question)
        #expect(!answer.answerable)
        #expect(answer.text.hasPrefix("This result cannot tell you that."))
        #expect(answer.text.contains(reason), "\(answer.text)")
    }

    @Test func aQuestionAboutAMeasuredValueIsAnsweredWithTheMeasurement() async throws {
        let patient = await Explainer.explain(try Fixtures.request("afib", .patient, question: "What is my heart rate?"))
        let p = try #require(patient.question)
        #expect(p.answerable)
        #expect(p.text == "Your heart rate on this recording was 112 beats per minute.")
        let clinician = await Explainer.explain(try Fixtures.request("afib", .clinician, question: "What was the ventricular rate?"))
        #expect(clinician.question?.text == "ventricular rate: 112 /min (acquiring device: 114 /min).")
        // A measurement the findings do not carry is not invented.
        let none = await Explainer.explain(try Fixtures.request("afib", .patient, question: "What was my QRS duration?"))
        #expect(none.question?.text.contains("112") == false)
    }

    @Test func aGeneralQuestionIsAboutThePositiveFinding() async throws {
        let explanation = await Explainer.explain(try Fixtures.request("afib", .patient, question: "What happens next?"))
        let answer = try #require(explanation.question)
        #expect(answer.answerable)
        #expect(answer.entries == ["ecg.afib"])
        #expect(answer.text == "The check found signs that may fit atrial fibrillation. This is an uneven heartbeat. "
            + "A clinician needs to look at the heart tracing to be sure. You may wear a small heart monitor for a day or more. "
            + "Please talk about this result with your clinician.")
    }

    @Test func whetherSomeoneHasTheConditionIsNotSomethingAFlagCanTell() async throws {
        let patient = await Explainer.explain(try Fixtures.request("ct_low", .patient, question: "Do I have cancer?"))
        #expect(patient.question?.answerable == false)
        #expect(patient.question?.text == "This result cannot tell you that. This flag does not mean you have cancer. "
            + "Only more tests can tell what the spot is.")
        let clinician = await Explainer.explain(try Fixtures.request("stemi", .clinician, question: "Is this a STEMI?"))
        #expect(clinician.question?.answerable == false)
        #expect(clinician.question?.text.hasPrefix("This result cannot tell you that: The flag does not confirm myocardial infarction") == true)
    }

    @Test func aQuestionAboutAConditionNotInTheFindingsCannotBeAnswered() async throws {
        // The knowledge base has an ST-elevation entry, but these findings are about atrial fibrillation.
        let explanation = await Explainer.explain(try Fixtures.request("afib", .clinician, question: "Is this a heart attack?"))
        let answer = try #require(explanation.question)
        #expect(!answer.answerable)
        #expect(answer.text.contains("the findings cover only Atrial fibrillation, Left bundle branch block"))
    }
}
