import Foundation
import Testing
@testable import ECGSignal

/// The synthetic test set: 10 s, 12-lead records (one inverted lead, one noisy lead, baseline wander,
/// mains hum, white noise) over a range of rates, rhythms and sampling rates.
func syntheticSet() -> [SyntheticECG] {
    var records: [SyntheticECG] = []
    var seed: UInt64 = 100
    for (rr, irregular) in [(0.8, false), (1.3, false), (0.45, false), (0.75, true), (0.6, true)] {
        for fs in [500.0, 360.0, 250.0] {
            var o = SyntheticECG.Options()
            o.meanRR = rr; o.irregular = irregular; o.sampleRate = fs; o.seed = seed
            records.append(SyntheticECG(o))
            seed += 1
        }
    }
    return records
}

/// A harder set: strong white noise on every lead (0.1 mV), large baseline wander (1 mV), strong mains hum,
/// a very noisy lead (1 mV white noise with bursts), fast and irregular rhythms, 10% premature ventricular
/// beats (wide, own axis, compensatory pause) and four electrode-motion transients per 30 s record.
func hardSyntheticSet() -> [SyntheticECG] {
    var records: [SyntheticECG] = []
    var seed: UInt64 = 500
    for (rr, irregular) in [(0.8, false), (0.4, false), (1.5, false), (0.7, true), (0.5, true)] {
        for fs in [500.0, 250.0] {
            var o = SyntheticECG.Options()
            o.meanRR = rr; o.irregular = irregular; o.sampleRate = fs; o.seed = seed
            o.whiteNoiseSD = 0.1; o.wanderMv = 1.0; o.mainsMv = 0.2; o.noisyLeadSD = 1.0; o.seconds = 30
            o.pvcProbability = 0.1; o.motionArtifacts = 4
            records.append(SyntheticECG(o))
            seed += 1
        }
    }
    return records
}

@Suite struct QRSDetectorTests {
    @Test func hardSyntheticSet() throws {
        let detector = QRSDetector()
        var total = BeatMatch(truePositives: 0, falseNegatives: 0, falsePositives: 0)
        var missed: [(ventricular: Bool, coupling: Double)] = []
        for rec in ECGSignalTests.hardSyntheticSet() {
            let d = try detector.detect(leads: rec.leads, sampleRate: rec.sampleRate)
            let m = BeatMatch.compare(reference: rec.beats, detected: d.rPeaks, sampleRate: rec.sampleRate)
            total = total + m
            for (k, b) in rec.beats.enumerated() where !d.rPeaks.contains(where: { abs($0 - b) <= Int(0.15 * rec.sampleRate) }) {
                let coupling = k > 0 ? Double(b - rec.beats[k - 1]) / rec.sampleRate : 0
                missed.append((rec.ventricular[k], coupling))
            }
        }
        print("ECGSignal hard synthetic set: TP \(total.truePositives) FN \(total.falseNegatives) FP \(total.falsePositives) "
              + "Se \(total.sensitivity!) +P \(total.positivePredictivity!); missed \(missed)")
        // Measured: Se 457/460 = 99.35%, +P 100%. The three misses are premature ventricular beats 300 ms
        // after the previous beat at 150 bpm (R-on-T), rejected by the Pan–Tompkins T-wave rule; the issue's
        // 99.6% goal is therefore not met on this set, and the test pins that behaviour down.
        #expect(total.sensitivity! >= 0.99)
        #expect(total.positivePredictivity! >= 0.996)
        #expect(missed.allSatisfy { $0.ventricular && $0.coupling < 0.36 }, "\(missed)")
    }

    @Test func syntheticSetMeetsEC57Goal() throws {
        let detector = QRSDetector()
        var total = BeatMatch(truePositives: 0, falseNegatives: 0, falsePositives: 0)
        for rec in syntheticSet() {
            let d = try detector.detect(leads: rec.leads, sampleRate: rec.sampleRate)
            let m = BeatMatch.compare(reference: rec.beats, detected: d.rPeaks, sampleRate: rec.sampleRate)
            #expect(m.falseNegatives + m.falsePositives <= 1, "record fs=\(rec.sampleRate): \(m)")
            total = total + m
        }
        print("ECGSignal synthetic set: TP \(total.truePositives) FN \(total.falseNegatives) FP \(total.falsePositives) "
              + "Se \(total.sensitivity!) +P \(total.positivePredictivity!)")
        #expect(total.sensitivity! >= 0.996)
        #expect(total.positivePredictivity! >= 0.996)
    }

    @Test func fiducialsLieNearTheRWave() throws {
        var o = SyntheticECG.Options(); o.seed = 7
        let rec = SyntheticECG(o)
        let d = try QRSDetector().detect(leads: rec.leads, sampleRate: rec.sampleRate)
        #expect(d.rPeaks.count == rec.beats.count)
        for (r, p) in zip(rec.beats, d.rPeaks) { #expect(abs(r - p) <= Int(0.020 * rec.sampleRate), "ref \(r) got \(p)") }
    }

    @Test func noisyLeadGetsLowWeightAndInversionDoesNotMatter() throws {
        var o = SyntheticECG.Options(); o.seed = 11; o.invertedLead = nil
        let upright = SyntheticECG(o)
        var flipped = upright.leads
        flipped[0] = flipped[0].map { -$0 }
        let a = try QRSDetector().detect(leads: upright.leads, sampleRate: upright.sampleRate)
        let b = try QRSDetector().detect(leads: flipped, sampleRate: upright.sampleRate)
        #expect(a.rPeaks == b.rPeaks)
        #expect(a.leadWeights[5] < 0.5 * a.leadWeights.enumerated().filter { $0.offset != 5 }.map(\.element).min()!)
    }

    @Test func worksFromOnlyAnInvertedLeadAndANoisyLead() throws {
        var o = SyntheticECG.Options(); o.seed = 12; o.leadCount = 2; o.invertedLead = 0; o.noisyLead = 1
        let rec = SyntheticECG(o)
        let d = try QRSDetector().detect(leads: rec.leads, sampleRate: rec.sampleRate)
        let m = BeatMatch.compare(reference: rec.beats, detected: d.rPeaks, sampleRate: rec.sampleRate)
        #expect(m.falseNegatives == 0 && m.falsePositives == 0, "\(m)")
    }

    /// Beats found after a 0.4 s, 20 mV burst at 10 Hz (about a hundred times a QRS's energy) added to both leads
    /// of a two-lead synthetic record at 360 Hz, starting at `artefactAt` seconds; scored from 200 ms after it.
    private func matchAfterArtefact(seed: UInt64, seconds: Double, artefactAt: Double) throws -> (match: BeatMatch, beats: Int) {
        var o = SyntheticECG.Options(); o.seed = seed; o.leadCount = 2; o.invertedLead = nil; o.noisyLead = nil
        o.seconds = seconds; o.sampleRate = 360
        let rec = SyntheticECG(o)
        let fs = rec.sampleRate
        let start = Int(artefactAt * fs), length = Int(0.4 * fs)
        let leads = rec.leads.map { lead in
            var x = lead
            for i in start..<(start + length) { x[i] += Float(20 * sin(2 * Double.pi * 10 * Double(i - start) / fs)) }
            return x
        }
        let d = try QRSDetector().detect(leads: leads, sampleRate: fs)
        let from = start + length + Int(0.2 * fs)
        let after = rec.beats.filter { $0 > from }
        return (BeatMatch.compare(reference: after, detected: d.rPeaks.filter { $0 > from }, sampleRate: fs), after.count)
    }

    /// An artefact must not lock the detector out for the rest of the record (the Pan–Tompkins signal level learns
    /// only from accepted beats: MIT-BIH 115 lost its last 390 beats so). 60 s record, artefact at 20 s. Up to the
    /// relearning delay (3 s, about 4 beats here) could be lost if the gap's candidates were not examined again;
    /// they are, so every beat after the artefact is expected.
    @Test func largeArtefactDoesNotLockTheDetectorOut() throws {
        let r = try matchAfterArtefact(seed: 31, seconds: 60, artefactAt: 20)
        #expect(r.match.falseNegatives <= 1 && r.match.falsePositives <= 1, "\(r.match) of \(r.beats) beats after the artefact")
    }

    /// The same artefact inside the 2 s learning period, where it sets the first levels (and is taken for the
    /// first beat): the relearning after it still finds the beats that follow. 30 s record, artefact at 0.8 s.
    @Test func artefactInTheLearningPeriodDoesNotLockTheDetectorOut() throws {
        let r = try matchAfterArtefact(seed: 32, seconds: 30, artefactAt: 0.8)
        #expect(r.match.falseNegatives <= 1 && r.match.falsePositives <= 1, "\(r.match) of \(r.beats) beats after the artefact")
    }

    /// A 60 s two-lead synthetic record at 360 Hz with one cycle of a 10 Hz sine of `amplitude` mV (100 ms; at 1 mV
    /// about a QRS's 5–15 Hz energy) centred at `centre(previous beat, next beat)` (samples) between five pairs of its beats, in
    /// lead 0 only or in both leads. Returns the record's beats, the leads, and the burst centres (samples).
    private func recordWithBursts(seed: UInt64, amplitude: Double = 1, centre: (Int, Int) -> Int, bothLeads: Bool)
        -> (beats: [Int], leads: [[Float]], bursts: [Int]) {
        var o = SyntheticECG.Options(); o.seed = seed; o.leadCount = 2; o.invertedLead = nil; o.noisyLead = nil
        o.seconds = 60; o.sampleRate = 360; o.meanRR = 0.8
        let rec = SyntheticECG(o)
        let fs = rec.sampleRate, width = Int(0.1 * fs)
        var leads = rec.leads
        var bursts: [Int] = []
        for k in [20, 30, 40, 50, 60] where k + 1 < rec.beats.count {
            let at = centre(rec.beats[k], rec.beats[k + 1]) - width / 2
            bursts.append(at + width / 2)
            for l in (bothLeads ? [0, 1] : [0]) {
                for i in at..<(at + width) { leads[l][i] += Float(amplitude * sin(2 * Double.pi * 10 * Double(i - at) / fs)) }
            }
        }
        return (rec.beats, leads, bursts)
    }

    /// An artefact burst in one lead halfway between two beats is dropped (the other lead shows no QRS there);
    /// with the rule off the same bursts are taken for beats, so the test exercises the rule.
    @Test func burstInOneLeadBetweenBeatsIsNotABeat() throws {
        let r = recordWithBursts(seed: 41, centre: { ($0 + $1) / 2 }, bothLeads: false)
        let d = try QRSDetector().detect(leads: r.leads, sampleRate: 360)
        let m = BeatMatch.compare(reference: r.beats, detected: d.rPeaks, sampleRate: 360)
        #expect(m.falseNegatives == 0 && m.falsePositives == 0, "\(m)")
        var off = QRSDetector.Configuration(); off.interpolatedBeatVeto = 0
        let without = try QRSDetector(configuration: off).detect(leads: r.leads, sampleRate: 360)
        let extra = BeatMatch.compare(reference: r.beats, detected: without.rPeaks, sampleRate: 360).falsePositives
        #expect(extra >= 3, "without the rule \(extra) of 5 bursts were taken for beats")
    }

    /// The same bursts in both leads look like interpolated ectopic beats and are kept.
    @Test func interpolatedBeatInEveryLeadIsKept() throws {
        let r = recordWithBursts(seed: 41, centre: { ($0 + $1) / 2 }, bothLeads: true)
        let d = try QRSDetector().detect(leads: r.leads, sampleRate: 360)
        let found = BeatMatch.compare(reference: r.bursts, detected: d.rPeaks, sampleRate: 360).truePositives
        #expect(found >= 4, "\(found) of 5 interpolated beats kept")
        let m = BeatMatch.compare(reference: r.beats, detected: d.rPeaks, sampleRate: 360)
        #expect(m.falseNegatives == 0, "\(m)")
    }

    /// A 1.5 mV burst in one lead centred 160 ms before a beat is taken for a beat first, and the QRS after it is
    /// lost (within the refractory period, or its fiducial is taken at the burst); the QRS, which shows in both
    /// leads, replaces it. With the replacement off, the same record loses those beats (3 of 5, measured).
    @Test func qrsReplacesASpikeJustBeforeIt() throws {
        let r = recordWithBursts(seed: 42, amplitude: 1.5, centre: { $1 - Int(0.16 * 360) }, bothLeads: false)
        let d = try QRSDetector().detect(leads: r.leads, sampleRate: 360)
        let m = BeatMatch.compare(reference: r.beats, detected: d.rPeaks, sampleRate: 360)
        #expect(m.falseNegatives == 0 && m.falsePositives == 0, "\(m)")
        var off = QRSDetector.Configuration(); off.replacementWeakLead = 0
        let without = try QRSDetector(configuration: off).detect(leads: r.leads, sampleRate: 360)
        let missed = BeatMatch.compare(reference: r.beats, detected: without.rPeaks, sampleRate: 360).falseNegatives
        #expect(missed >= 3, "without the replacement \(missed) of 5 beats were missed")
    }

    @Test func flatRecordGivesNoBeats() throws {
        let flat = [[Float]](repeating: [Float](repeating: 0.2, count: 5000), count: 3)
        let d = try QRSDetector().detect(leads: flat, sampleRate: 500)
        #expect(d.rPeaks.isEmpty)
        #expect(d.leadWeights == [0, 0, 0])
    }

    @Test func rejectsMalformedInput() {
        #expect(throws: ECGSignalError.self) { try QRSDetector().detect(leads: [], sampleRate: 500) }
        #expect(throws: ECGSignalError.self) { try QRSDetector().detect(leads: [[0, 0], [0]], sampleRate: 500) }
        #expect(throws: ECGSignalError.self) { try QRSDetector().detect(leads: [[Float](repeating: .nan, count: 600)], sampleRate: 500) }
        #expect(throws: ECGSignalError.self) { try QRSDetector().detect(leads: [[Float](repeating: 0, count: 100)], sampleRate: 500) }
    }

    @Test func mitdb208ExcerptIsPlausible() throws {
        let fx = try Fixtures.load("mitdb208.json", as: MITDBFixture.self)
        let x = fx.millivolts
        #expect(x.count == 21600)
        let d = try QRSDetector().detect(leads: [x], sampleRate: fx.fs)
        let minutes = Double(x.count) / fx.fs / 60
        let rate = Double(d.rPeaks.count) / minutes
        print("ECGSignal mitdb208 first 60 s: \(d.rPeaks.count) beats (\(rate) per minute)")
        // Record 208 has frequent PVCs and couplets; a 60 s stretch should hold 60–130 beats.
        #expect(rate >= 60 && rate <= 130)
        let minGap = zip(d.rPeaks.dropFirst(), d.rPeaks).map { $0 - $1 }.min()!
        #expect(Double(minGap) / fx.fs >= 0.2)
        // Agreement with two independent detectors (wfdb-python XQRS and GQRS), matched within 150 ms.
        // Reviewed by eye (plot of the disagreements): at 44.1 s and 49.15 s this detector finds a small beat
        // after a large artefact and a wide (ventricular-looking) beat that XQRS and GQRS both miss; XQRS's
        // 55.19 s detection is a small negative deflection in a noisy stretch. Without annotations none of
        // the three is proven either way, so only agreement bounds are tested.
        for (name, other) in [("XQRS", fx.xqrs), ("GQRS", fx.gqrs)] {
            let m = BeatMatch.compare(reference: other, detected: d.rPeaks, sampleRate: fx.fs)
            print("ECGSignal mitdb208 vs \(name): \(m) Se \(m.sensitivity!) +P \(m.positivePredictivity!)")
            #expect(m.sensitivity! >= 0.97 && m.positivePredictivity! >= 0.95, "\(name): \(m)")
        }
    }
}

@Suite struct MITDBRecordTests {
    @Test func excerptQualityAndIntervalsArePlausible() throws {
        let fx = try Fixtures.load("mitdb208.json", as: MITDBFixture.self)
        let q = try SignalQuality.assess(leads: [fx.millivolts], leadNames: ["MLII"], sampleRate: fx.fs)
        print("ECGSignal mitdb208 quality: \(q.verdict), agreement \(q.detectorAgreement ?? -1), lead \(q.leads[0])")
        #expect(q.verdict == .assessable)
        let iv = try #require(try Delineation.measure(leads: [fx.millivolts], beats: q.beats, sampleRate: fx.fs))
        print("ECGSignal mitdb208 intervals: QRS \(iv.qrsDurationMs) ms, QT \(iv.qtMs) ms")
        // Plausibility only (no reference intervals): by eye the MLII median beat's QRS spans about
        // -30...+40 ms around R and the T wave ends near +300 ms at ~110 bpm.
        #expect(iv.qrsDurationMs >= 45 && iv.qrsDurationMs <= 100)
        #expect(iv.qtMs >= 270 && iv.qtMs <= 380)
    }
}

@Suite struct BeatMatchTests {
    @Test func countsMatchesMissesAndExtras() {
        // 360 Hz: tolerance 150 ms = 54 samples.
        let ref = [100, 400, 700, 1000]
        let det = [130, 450, 440, 1100, 1500]   // 130 ok, 440 ok (nearer of two), 450 extra, 1100 too far, 1500 extra
        let m = BeatMatch.compare(reference: ref, detected: det, sampleRate: 360)
        #expect(m == BeatMatch(truePositives: 2, falseNegatives: 2, falsePositives: 3))
        #expect(m.sensitivity == 0.5)
        #expect(m.positivePredictivity == 0.4)
    }

    @Test func toleranceBoundaryIsInclusive() {
        let m = BeatMatch.compare(reference: [1000], detected: [1054], sampleRate: 360)
        #expect(m.truePositives == 1)
        let n = BeatMatch.compare(reference: [1000], detected: [1055], sampleRate: 360)
        #expect(n.truePositives == 0 && n.falsePositives == 1 && n.falseNegatives == 1)
    }

    @Test func emptyInputsGiveUndefinedRatios() {
        let m = BeatMatch.compare(reference: [], detected: [], sampleRate: 500)
        #expect(m.sensitivity == nil && m.positivePredictivity == nil)
        let sum = BeatMatch(truePositives: 9, falseNegatives: 1, falsePositives: 0) + BeatMatch(truePositives: 1, falseNegatives: 0, falsePositives: 2)
        #expect(sum == BeatMatch(truePositives: 10, falseNegatives: 1, falsePositives: 2))
    }
}
