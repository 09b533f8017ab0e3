import DetectorKit
import ECGSignal
import Foundation

/// Conventional ECG measurements that let a reader check a CNN finding against the tracing: rate and
/// RR variability (rhythm labels), QRS duration (conduction labels), Sokolow–Lyon voltage (LVH), ST level
/// at J + 60 ms (ST elevation). A view of the record's ``ECGAnalysis`` (the one the rhythm rules read:
/// readable beats, 0.5–40 Hz median beats at the analysis rate, `Delineation`), independent of the model,
/// so a record carries one heart rate and one QRS duration whichever detector reports them. A value that
/// cannot be measured is absent, never guessed.
public struct CNNSupportingMeasurements: Sendable, Equatable {
    /// Mean ventricular rate over the readable beats, /min.
    public var heartRateBpm: Double?
    /// SD of the RR intervals between readable beats, ms.
    public var rrSDMs: Double?
    /// RMSSD of normal-to-normal RR intervals, ms.
    public var rmssdMs: Double?
    /// QRS duration of the multi-lead median (normal) beat, ms.
    public var qrsDurationMs: Double?
    /// QT of the median beat, ms.
    public var qtMs: Double?
    /// S amplitude in V1 + the larger R amplitude of V5 and V6, mV (Sokolow–Lyon index; > 3.5 mV is the
    /// classic LVH voltage criterion, Sokolow & Lyon 1949).
    public var sokolowLyonMv: Double?
    /// The largest ST elevation at J + 60 ms over the leads (mV, relative to the PR baseline) and its lead.
    public var maxSTElevation: (lead: String, mv: Double)?

    /// Creates empty measurements (every value absent).
    public init() {}

    /// The measurements as a view of the record's shared ``ECGAnalysis`` (so the CNN's findings carry the
    /// same heart rate, RR variability, QRS and QT as the rhythm detector's, rounded as it rounds them:
    /// 0.1 /min, 0.1 ms): rate and RR SD over the readable beats, RMSSD over normal-to-normal intervals,
    /// QRS and QT of the median normal beat; Sokolow–Lyon voltage and ST level at J + 60 ms from the same
    /// median beats and delineation (0.01 mV). Nothing when the analysis could not measure the record.
    public init(analysis a: ECGAnalysis) {
        guard let m = a.measurements else { return }
        func tenth(_ v: Double?) -> Double? { v.flatMap { $0.isFinite ? ($0 * 10).rounded() / 10 : nil } }
        heartRateBpm = tenth(m.heartRateBpm)
        rrSDMs = tenth(m.rrSDMs)
        rmssdMs = tenth(m.rmssdMs)
        qrsDurationMs = tenth(m.qrsMs)
        qtMs = tenth(m.qtMs)
        let medians = a.medianBeats, names = a.medianBeatLeads, fs = a.sampleRate
        guard let iv = a.intervals, let first = medians.first, iv.qrsOnset >= 0, iv.qrsOnset <= iv.qrsOffset,
              iv.qrsOffset < first.count else { return }
        let pr = max(0, iv.qrsOnset - Int((0.02 * fs).rounded()))..<max(1, iv.qrsOnset)
        func baseline(_ beat: [Float]) -> Float { beat[pr].reduce(0, +) / Float(pr.count) }
        func rAmplitude(_ beat: [Float]) -> Double { Double((beat[iv.qrsOnset...iv.qrsOffset].max() ?? 0) - baseline(beat)) }
        func sAmplitude(_ beat: [Float]) -> Double { Double(baseline(beat) - (beat[iv.qrsOnset...iv.qrsOffset].min() ?? 0)) }
        func beat(_ name: String) -> [Float]? { names.firstIndex(of: name).map { medians[$0] } }
        func hundredth(_ v: Double) -> Double { (v * 100).rounded() / 100 }
        if let v1 = beat("V1"), let v5 = beat("V5"), let v6 = beat("V6") {
            sokolowLyonMv = hundredth(max(0, sAmplitude(v1)) + max(rAmplitude(v5), rAmplitude(v6), 0))
        }
        let j60 = iv.qrsOffset + Int((0.06 * fs).rounded())
        if j60 < first.count {
            var best: (String, Double)? = nil
            for (i, median) in medians.enumerated() {
                let st = Double(median[j60] - baseline(median))
                if let current = best, st <= current.1 { continue }
                best = (names[i], st)
            }
            maxSTElevation = best.map { (lead: $0.0, mv: hundredth($0.1)) }
        }
    }

    /// The measurements that bear on a label, chosen by the last component of its code (`afib`, `pvc`,
    /// `lbbb`, `rbbb`, `lvh`, `st_elevation`); any other label gets the rate and the QRS duration.
    public func measurements(forCode code: String) -> [FindingMeasurement] {
        let kind = code.split(separator: ".").last.map(String.init) ?? code
        var out: [FindingMeasurement] = []
        func add(_ name: String, _ value: Double?, _ unit: String) {
            if let value, value.isFinite { out.append(FindingMeasurement(name: name, value: value, unit: unit)) }
        }
        switch kind {
        case "afib":
            add("ventricularRate", heartRateBpm, "/min"); add("rrSD", rrSDMs, "ms"); add("rmssd", rmssdMs, "ms")
        case "pvc":
            add("ventricularRate", heartRateBpm, "/min"); add("rrSD", rrSDMs, "ms"); add("qrsDuration", qrsDurationMs, "ms")
        case "lbbb", "rbbb":
            add("qrsDuration", qrsDurationMs, "ms"); add("ventricularRate", heartRateBpm, "/min")
        case "lvh":
            add("sokolowLyon", sokolowLyonMv, "mV"); add("qrsDuration", qrsDurationMs, "ms")
        case "st_elevation":
            add("maxSTElevationJ60", maxSTElevation?.mv, "mV"); add("ventricularRate", heartRateBpm, "/min")
        default:
            add("ventricularRate", heartRateBpm, "/min"); add("qrsDuration", qrsDurationMs, "ms")
        }
        return out
    }

    /// Equality over every field.
    public static func == (a: CNNSupportingMeasurements, b: CNNSupportingMeasurements) -> Bool {
        a.heartRateBpm == b.heartRateBpm && a.rrSDMs == b.rrSDMs && a.rmssdMs == b.rmssdMs
            && a.qrsDurationMs == b.qrsDurationMs && a.qtMs == b.qtMs && a.sokolowLyonMv == b.sokolowLyonMv
            && a.maxSTElevation?.lead == b.maxSTElevation?.lead && a.maxSTElevation?.mv == b.maxSTElevation?.mv
    }
}
