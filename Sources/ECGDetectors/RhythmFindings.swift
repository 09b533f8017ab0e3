import DetectorKit
import ECGSignal
import Foundation

/// Turns an `ECGAnalysis` into the rhythm detector's findings: one finding per condition, positive,
/// negative, or indeterminate where the measurement it needs is missing. All findings are measured
/// (probability nil) and carry the measurements they rest on, with the machine's value as `reference`
/// where the file has one.
struct RhythmFindings {
    /// Every code the rules emit (the string literals below; AnyDetector refuses any other).
    static let codes = ["ecg.afib", "ecg.sinus_rhythm", "ecg.sinus_bradycardia", "ecg.sinus_tachycardia",
                               "ecg.frequent_ventricular_ectopy", "ecg.wide_qrs", "ecg.long_qtc"]

    let analysis: ECGAnalysis
    let measurements: ECGIntervalMeasurements
    let criteria: RhythmCriteria
    let provenance: DetectorProvenance

    /// Measurement names used in findings (units: /min, ms, deg, 1).
    enum Name {
        static let heartRate = "heartRate", rrMean = "RRmean", rrSD = "RRsd", sdnn = "SDNN", rmssd = "RMSSD"
        static let irregularity = "normalisedRMSSD", successive = "medianSuccessiveRRDifference", pr = "PR", qrs = "QRSduration", qt = "QT"
        static let qtcB = "QTcBazett", qtcF = "QTcFridericia", axis = "frontalQRSAxis"
        static let beats = "beats", ventricular = "ventricularBeats"
        static let afBurden = "AFburden"
    }

    func measurement(_ name: String) -> FindingMeasurement? {
        let m = measurements, mach = analysis.machine
        func ref(_ v: Double?, _ what: String = "") -> ReferenceValue? {
            v.map { ReferenceValue(value: $0, source: mach.source + what) }
        }
        func make(_ value: Double?, _ unit: String, _ reference: ReferenceValue? = nil) -> FindingMeasurement? {
            guard let value, value.isFinite else { return nil }
            return FindingMeasurement(name: name, value: (value * 10).rounded() / 10, unit: unit, reference: reference)
        }
        switch name {
        case Name.heartRate: return make(m.heartRateBpm, "/min", ref(mach.heartRateBpm))
        case Name.rrMean: return make(m.rrMeanMs, "ms")
        case Name.rrSD: return make(m.rrSDMs, "ms")
        case Name.sdnn: return make(m.sdnnMs, "ms")
        case Name.rmssd: return make(m.rmssdMs, "ms")
        case Name.irregularity:
            return m.normalisedRMSSD.map { FindingMeasurement(name: name, value: ($0 * 1000).rounded() / 1000, unit: "1") }
        case Name.successive:
            return m.medianSuccessiveRRDifference.map { FindingMeasurement(name: name, value: ($0 * 1000).rounded() / 1000, unit: "1") }
        case Name.pr: return make(m.prMs, "ms", ref(mach.prMs))
        case Name.qrs: return make(m.qrsMs, "ms", ref(mach.qrsMs))
        case Name.qt: return make(m.qtMs, "ms", ref(mach.qtMs))
        case Name.qtcB: return make(m.qtcBazettMs, "ms", ref(mach.qtcMs, ", QTc formula not stated"))
        case Name.qtcF: return make(m.qtcFridericiaMs, "ms", ref(mach.qtcFridericiaMs))
        case Name.axis: return make(m.axisDeg, "deg", ref(mach.axisDeg))
        case Name.afBurden: return analysis.afBurden.map { FindingMeasurement(name: name, value: ($0 * 1000).rounded() / 10, unit: "%") }
        case Name.beats: return FindingMeasurement(name: name, value: Double(m.beatCount), unit: "1")
        case Name.ventricular: return FindingMeasurement(name: name, value: Double(m.ventricularBeatCount), unit: "1")
        default: return nil
        }
    }

    func measurements(_ names: [String]) -> [FindingMeasurement] { names.compactMap(measurement) }

    /// The lead evidence points at: II when usable, else the first usable lead.
    var evidenceLead: String {
        let usable = analysis.usableLeads
        return usable.contains("II") ? "II" : (usable.first ?? analysis.leadNames.first ?? "I")
    }

    var wholeRecord: (Double, Double) { (0, (analysis.durationSeconds * 1000).rounded(.down) / 1000) }

    func finding(_ code: String, _ label: String, _ decision: Decision, _ names: [String], _ evidence: [Evidence]) throws -> Finding {
        var ms = measurements(names)
        if ms.isEmpty, let hr = measurement(Name.heartRate) { ms = [hr] }
        return try Finding(code: code, label: label, probability: nil, threshold: nil, decision: decision,
                           evidence: evidence, measurements: ms, detector: provenance)
    }

    func all() throws -> [Finding] {
        let m = measurements, c = criteria
        let (t0, t1) = wholeRecord
        let lead = evidenceLead
        let rhythmNames = [Name.heartRate, Name.rrMean, Name.rrSD, Name.sdnn, Name.rmssd, Name.irregularity, Name.pr, Name.axis]

        // Regularity and atrial activity.
        let judged = m.nnCount >= c.minimumNNIntervals && m.normalisedRMSSD != nil
        // Irregular for AF: RMSSD/mean NN high AND most successive RR differences large (median |ΔRR|/median RR), so
        // that sinus rhythm with isolated premature beats (which disturb two differences each) is not called AF.
        let irregular = (m.normalisedRMSSD ?? 0) >= c.irregularNormalisedRMSSD
            && (m.medianSuccessiveRRDifference ?? 0) >= c.irregularMedianSuccessiveDifference
        let pText = m.pWavePresent ? "P wave present in the median beat" : "no P wave in the median beat"
        var rrText = m.normalisedRMSSD.map { String(format: "RR irregularity (RMSSD/mean NN) %.3f over %d NN intervals", $0, m.nnCount) }
            ?? "too few normal-to-normal intervals to judge regularity"
        if let msd = m.medianSuccessiveRRDifference {
            rrText += String(format: "; median successive RR difference %.3f of the median RR (AF needs ≥ %.2f: isolated premature beats do not raise it)",
                             msd, c.irregularMedianSuccessiveDifference)
        }
        var out: [Finding] = []

        var afib: Decision = !judged ? .indeterminate : (irregular && !m.pWavePresent ? .positive : .negative)
        if !analysis.rhythmWindows.isEmpty {
            // Long record: the verdict rests on the windows; the episodes are the evidence, the burden a measurement.
            let w = analysis.rhythmWindows
            let judgedWindows = w.filter { $0.rhythm != .notJudged }.count
            afib = judgedWindows == 0 ? .indeterminate : (analysis.afEpisodes.isEmpty ? .negative : .positive)
            func clock(_ t: Double) -> String { String(format: "%d:%02d", Int(t) / 60, Int(t) % 60) }
            var ev: [Evidence] = analysis.afEpisodes.prefix(10).map {
                .leadSpan(lead: lead, startSeconds: $0.startSeconds, endSeconds: $0.endSeconds,
                          note: "AF episode \(clock($0.startSeconds))–\(clock($0.endSeconds)) (irregular RR, no P wave)")
            }
            if analysis.afEpisodes.count > 10 { ev.append(.text("\(analysis.afEpisodes.count - 10) more AF episode(s)")) }
            ev.append(.text(String(format: "%d AF episode(s) ≥ %.0f s; AF in %d of %d judged %.0f-s windows (%d not judged)",
                                   analysis.afEpisodes.count, c.minimumAFEpisodeSeconds, w.filter { $0.rhythm == .atrialFibrillation }.count,
                                   judgedWindows, w.first.map { $0.endSeconds - $0.startSeconds } ?? 10, w.count - judgedWindows)))
            out.append(try finding("ecg.afib", "Atrial fibrillation (RR irregularity and absent P waves)", afib,
                                   [Name.afBurden, Name.heartRate, Name.irregularity, Name.rmssd, Name.sdnn], ev))
        } else {
            out.append(try finding("ecg.afib", "Atrial fibrillation (RR irregularity and absent P waves)", afib,
                                   [Name.heartRate, Name.irregularity, Name.successive, Name.rmssd, Name.sdnn],
                                   [.leadSpan(lead: lead, startSeconds: t0, endSeconds: t1, note: rrText), .text(pText)]))
        }

        // Sinus rhythm and its rate bands: a P wave before the QRS and not AF.
        let sinus = m.pWavePresent && afib != .positive
        // The sinus rate is that of the normal-to-normal intervals (ectopic beats and their pauses left out).
        let rate = m.nnMeanMs.map { 60000 / $0 } ?? m.heartRateBpm
        let rateText = m.nnMeanMs != nil
            ? String(format: "sinus (NN) rate %.0f /min; mean rate %.0f /min over %d beats", rate, m.heartRateBpm, m.beatCount)
            : String(format: "mean rate %.0f /min over %d beats", rate, m.beatCount)
        func sinusDecision(_ inBand: Bool) -> Decision { (sinus && inBand) ? .positive : .negative }
        let sinusEvidence: [Evidence] = [.leadSpan(lead: lead, startSeconds: t0, endSeconds: t1, note: rateText), .text(pText)]
        out.append(try finding("ecg.sinus_rhythm", "Sinus rhythm",
                               sinusDecision(rate >= c.bradycardiaBelowBpm && rate <= c.tachycardiaAboveBpm),
                               rhythmNames, sinusEvidence))
        out.append(try finding("ecg.sinus_bradycardia", "Sinus bradycardia", sinusDecision(rate < c.bradycardiaBelowBpm),
                               [Name.heartRate, Name.rrMean, Name.pr], sinusEvidence))
        out.append(try finding("ecg.sinus_tachycardia", "Sinus tachycardia", sinusDecision(rate > c.tachycardiaAboveBpm),
                               [Name.heartRate, Name.rrMean, Name.pr], sinusEvidence))

        // Ventricular ectopy.
        let classified = analysis.beatClasses.filter { $0 != .unclassified }.count
        let vCount = m.ventricularBeatCount
        let perMinute = analysis.durationSeconds > 0 ? Double(vCount) * 60 / analysis.durationSeconds : 0
        let frequent = vCount >= 1 && perMinute >= c.frequentEctopyPerMinute - 1e-9
        var ectopyEvidence: [Evidence] = []
        for (i, cls) in analysis.beatClasses.enumerated() where cls == .ventricular && ectopyEvidence.count < 5 {
            let t = Double(analysis.beats[i]) / analysis.sampleRate
            ectopyEvidence.append(.leadSpan(lead: lead, startSeconds: max(0, ((t - 0.2) * 1000).rounded() / 1000),
                                            endSeconds: ((t + 0.3) * 1000).rounded() / 1000, note: "ventricular beat (wide, different QRS)"))
        }
        ectopyEvidence.append(.text(String(format: "%d of %d classified beats ventricular (%.1f per minute)", vCount, classified, perMinute)))
        out.append(try finding("ecg.frequent_ventricular_ectopy", "Frequent ventricular ectopy", frequent ? .positive : .negative,
                               [Name.ventricular, Name.beats, Name.heartRate], ectopyEvidence))

        // QRS duration.
        let wide: Decision = m.qrsMs.map { $0 >= c.wideQRSMs ? .positive : .negative } ?? .indeterminate
        let qrsEvidence: [Evidence] = m.qrsMs != nil
            ? [.measurementRef(name: Name.qrs), .text(String(format: "QRS duration %@ %.0f ms (median normal beat, all usable leads)",
                                                            wide == .positive ? "≥" : "<", c.wideQRSMs))]
            : [.text("QRS onset or offset not found in the median beat")]
        out.append(try finding("ecg.wide_qrs", "Wide QRS (≥ 120 ms)", wide, [Name.qrs, Name.axis], qrsEvidence))

        // QTc.
        let long: Decision = m.qtcBazettMs.map { $0 >= c.longQTcMs ? .positive : .negative } ?? .indeterminate
        var qtEvidence: [Evidence] = m.qtcBazettMs != nil
            ? [.measurementRef(name: Name.qtcB), .text(String(format: "QTc (Bazett) %@ %.0f ms", long == .positive ? "≥" : "<", c.longQTcMs))]
            : [.text("T-wave end not found in the median beat")]
        if let q = m.qrsMs, q >= c.wideQRSMs, m.qtcBazettMs != nil {
            qtEvidence.append(.text("QRS is wide: the QT includes the prolonged depolarisation and overstates repolarisation"))
        }
        out.append(try finding("ecg.long_qtc", "Prolonged QTc", long, [Name.qt, Name.qtcB, Name.qtcF, Name.heartRate, Name.qrs], qtEvidence))
        return out
    }
}
