import DetectorKit
import ECGSignal
import Foundation

/// Conventional ECG measurements that let a reader check a CNN finding against the tracing: rate and
/// RR variability (rhythm labels), QRS duration (conduction labels), Sokolow–Lyon voltage (LVH), ST level
/// at J + 60 ms (ST elevation). Computed from the record's own leads at its own rate (0.5–40 Hz
/// band-pass, median beats, `Delineation`), independently of the model. A value that cannot be measured
/// is absent, never guessed.
public struct CNNSupportingMeasurements: Sendable, Equatable {
    /// Mean ventricular rate, /min.
    public var heartRateBpm: Double?
    /// SD of RR intervals, ms.
    public var rrSDMs: Double?
    /// RMSSD of RR intervals, ms.
    public var rmssdMs: Double?
    /// QRS duration of the multi-lead median beat, ms.
    public var qrsDurationMs: Double?
    /// QT of the median beat, ms.
    public var qtMs: Double?
    /// S amplitude in V1 + the larger R amplitude of V5 and V6, mV (Sokolow–Lyon index; > 3.5 mV is the
    /// classic LVH voltage criterion, Sokolow & Lyon 1949).
    public var sokolowLyonMv: Double?
    /// The largest ST elevation at J + 60 ms over the leads (mV, relative to the PR baseline) and its lead.
    public var maxSTElevation: (lead: String, mv: Double)?

    /// Measures `leads` (mV, named `names`, at `sampleRate` Hz) around the QRS positions `beats`.
    public static func compute(leads: [[Float]], names: [String], sampleRate fs: Double, beats: [Int]) -> CNNSupportingMeasurements {
        var m = CNNSupportingMeasurements()
        guard let rr = RRStatistics(beats: beats, sampleRate: fs) else { return m }
        m.heartRateBpm = rr.heartRateBpm
        m.rrSDMs = rr.sdMs
        m.rmssdMs = rr.rmssdMs
        guard fs > 80, let band = try? IIRFilter.butterworthBandPass(order: 2, lowHz: 0.5, highHz: 40, sampleRate: fs) else { return m }
        var medians: [[Float]] = []
        for lead in leads {
            guard let filtered = try? band.filtfilt(lead),
                  let median = MedianBeat.compute(lead: filtered, beats: beats, sampleRate: fs, before: 0.25, after: 0.65)
            else { return m }
            medians.append(median)
        }
        let fiducial = Int((0.25 * fs).rounded())
        guard let iv = Delineation.measure(medianBeats: medians, fiducial: fiducial, sampleRate: fs, rrMs: rr.meanMs) else { return m }
        m.qrsDurationMs = iv.qrsDurationMs
        m.qtMs = iv.qtMs
        guard iv.qrsOnset >= 0, iv.qrsOnset <= iv.qrsOffset, iv.qrsOffset < medians[0].count else { return m }
        let pr = max(0, iv.qrsOnset - Int((0.02 * fs).rounded()))..<max(1, iv.qrsOnset)
        func baseline(_ beat: [Float]) -> Float { beat[pr].reduce(0, +) / Float(pr.count) }
        func rAmplitude(_ beat: [Float]) -> Double { Double((beat[iv.qrsOnset...iv.qrsOffset].max() ?? 0) - baseline(beat)) }
        func sAmplitude(_ beat: [Float]) -> Double { Double(baseline(beat) - (beat[iv.qrsOnset...iv.qrsOffset].min() ?? 0)) }
        func beat(_ name: String) -> [Float]? { names.firstIndex(of: name).map { medians[$0] } }
        if let v1 = beat("V1"), let v5 = beat("V5"), let v6 = beat("V6") {
            m.sokolowLyonMv = max(0, sAmplitude(v1)) + max(rAmplitude(v5), rAmplitude(v6), 0)
        }
        let j60 = iv.qrsOffset + Int((0.06 * fs).rounded())
        if j60 < medians[0].count {
            var best: (String, Double)? = nil
            for (i, median) in medians.enumerated() {
                let st = Double(median[j60] - baseline(median))
                if let current = best, st <= current.1 { continue }
                best = (names[i], st)
            }
            m.maxSTElevation = best.map { (lead: $0.0, mv: $0.1) }
        }
        return m
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
