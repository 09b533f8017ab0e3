import DetectorKit
import ECGFormats
import ECGSynth
import Foundation
import Testing
@testable import ECGDetectors

/// A synthetic record from ECGSynth (the generator's truth comes with it).
func synthetic(_ kind: ECGSynthKind, seed: UInt64, snrDB: Double? = 25, seconds: Double = 10) throws -> (ECGRecord, SyntheticECG) {
    let s = try ECGSynthesizer.generate(ECGSynthRequest(kind: kind, seed: seed, durationSeconds: seconds, snrDB: snrDB))
    return (try s.ecgRecord(name: "synthetic-\(seed)"), s)
}

func decisions(_ outcome: DetectorOutcome) -> [String: Decision] {
    Dictionary(uniqueKeysWithValues: (outcome.findings ?? []).map { ($0.code, $0.decision) })
}

@Suite struct RhythmDetectorAbstentionTests {
    @Test func flatLineRecordIsNotAssessable() async throws {
        for seed in [1, 2] as [UInt64] {
            let (record, _) = try synthetic(.flatLine, seed: seed)
            let outcome = try await RhythmDetector().analyze(record)
            let ab = try #require(outcome.abstention, "flat line must abstain, got \(outcome)")
            #expect(ab.reason == .signalUnreadable)
            #expect(ab.message.contains(record.sourceFile) && ab.message.contains("flat line"), "\(ab.message)")
            #expect(outcome.findings == nil)
        }
    }

    @Test func noiseOnlyRecordIsNotAssessable() async throws {
        for seed in [1, 2, 3] as [UInt64] {
            let (record, _) = try synthetic(.noiseOnly, seed: seed)
            let outcome = try await RhythmDetector().analyze(record)
            let ab = try #require(outcome.abstention, "noise only must abstain, got \(decisions(outcome))")
            #expect(ab.reason == .signalUnreadable, "\(ab.message)")
            #expect(ab.message.contains(record.sourceFile))
        }
    }

    @Test func invalidShortAndSlowRecordsAreRefusedWithTheReason() async throws {
        let (record, _) = try synthetic(.ecg([.normal]), seed: 5)
        var nan = record
        for i in nan.rhythm.leads.indices { nan.rhythm.leads[i].samples[100] = .nan }
        nan.rhythm = try ECGWaveform(kind: .rhythm, samplingRateHz: 500, leads: nan.rhythm.leads)
        let a = try #require(try await RhythmDetector().analyze(nan).abstention)
        #expect(a.reason == .signalUnreadable && a.message.contains("invalid samples"))

        var short = record
        short.rhythm = try ECGWaveform(kind: .rhythm, samplingRateHz: 500,
                                       leads: record.rhythm.leads.map { ECGLead(name: $0.name, originalLabel: $0.originalLabel, samples: Array($0.samples.prefix(1500))) })
        let b = try #require(try await RhythmDetector().analyze(short).abstention)
        #expect(b.reason == .inputIncomplete && b.message.contains("3.0 s"))

        var slow = record
        slow.rhythm = try ECGWaveform(kind: .rhythm, samplingRateHz: 50, leads: record.rhythm.leads)
        let c = try #require(try await RhythmDetector().analyze(slow).abstention)
        #expect(c.reason == .unsupportedAcquisition)

        var oneBad = record   // one lead with invalid samples is set aside, the rest is scored
        oneBad.rhythm.leads[3].samples[10] = .nan
        oneBad.rhythm = try ECGWaveform(kind: .rhythm, samplingRateHz: 500, leads: oneBad.rhythm.leads)
        let analysis = try ECGAnalysis.analyze(oneBad)
        #expect(analysis.problem == nil && analysis.excludedLeads.map(\.lead) == [record.rhythm.leads[3].name])
    }

    @Test func pacedRecordAbstainsAsPaced() async throws {
        var paced = 0
        for seed in [1, 2, 3] as [UInt64] {
            let (record, _) = try synthetic(.ecg([.paced]), seed: seed)
            let outcome = try await RhythmDetector().analyze(record)
            if outcome.abstention?.reason == .pacedRhythm { paced += 1 }
            let analysis = try ECGAnalysis.analyze(record)
            print("ECGDetectors paced seed \(seed): spikes \(analysis.pacing?.spikes.count ?? -1), paced beats \(analysis.pacing?.pacedBeats ?? -1)/\(analysis.beats.count)")
        }
        #expect(paced == 3)
        for seed in [1, 2, 3] as [UInt64] {
            let (record, _) = try synthetic(.ecg([.normal]), seed: seed)
            #expect(try ECGAnalysis.analyze(record).pacing?.paced == false)
        }
    }
}

/// The AF irregularity criterion that isolated premature beats do not meet (RhythmCriteria.irregularMedianSuccessiveDifference).
@Suite struct RhythmAFIrregularityTests {
    @Test func isolatedPrematureBeatsKeepTheMedianSuccessiveDifferenceNearZero() throws {
        // Sinus at 600 ms with one premature beat (420 ms, then a 780 ms compensatory pause) in 12 intervals:
        // RMSSD/mean is far above the 0.10 cut-off, the median successive difference stays 0.
        var rr = [Double](repeating: 600, count: 12)
        rr[5] = 420; rr[6] = 780
        let d = zip(rr.dropFirst(), rr).map { abs($0 - $1) }
        let nrmssd = (d.reduce(0) { $0 + $1 * $1 } / Double(d.count)).squareRoot() / (rr.reduce(0, +) / Double(rr.count))
        #expect(nrmssd >= RhythmCriteria().irregularNormalisedRMSSD)
        let msd = try #require(ECGAnalysis.medianSuccessiveDifference(successive: d, rr: rr))
        #expect(msd == 0)
        #expect(msd < RhythmCriteria().irregularMedianSuccessiveDifference)
        // Irregularly irregular intervals (AF-like): most successive differences are large.
        let af: [Double] = [520, 810, 640, 450, 900, 580, 700, 470, 860, 610, 530, 760]
        let e = zip(af.dropFirst(), af).map { abs($0 - $1) }
        let msdAF = try #require(ECGAnalysis.medianSuccessiveDifference(successive: e, rr: af))
        #expect(msdAF >= RhythmCriteria().irregularMedianSuccessiveDifference)
        #expect(ECGAnalysis.medianSuccessiveDifference(successive: [10, 20], rr: af) == nil)
    }

    @Test func syntheticAFIsStillAFAndSinusStillSinus() async throws {
        for seed in [3, 4] as [UInt64] {
            let (af, _) = try synthetic(.ecg([.afib]), seed: seed)
            let a = try await RhythmDetector().analyze(af)
            #expect(decisions(a)["ecg.afib"] == .positive, "\(decisions(a))")
            let f = try #require(a.findings?.first { $0.code == "ecg.afib" })
            #expect(f.measurements.contains { $0.name == "medianSuccessiveRRDifference" })
            let (sinus, _) = try synthetic(.ecg([.normal]), seed: seed)
            #expect(decisions(try await RhythmDetector().analyze(sinus))["ecg.afib"] == .negative)
        }
    }
}
