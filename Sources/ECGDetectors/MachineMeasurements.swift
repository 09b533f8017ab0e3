import ECGFormats
import Foundation

/// The acquiring machine's own global measurements, mapped from the file's names onto the quantities
/// Vigil measures, so both can be printed side by side.
///
/// Recognised names (case, spaces and `_` ignored; global measurements only, per-lead ones are skipped):
/// heart rate `VentricularRate` (MUSE, CardioSoft; bpm), or from `RR Interval`/`RRInterval` (ms) as
/// 60000 / RR; PR `PRInterval`, `PQInterval`, `PR Interval`; QRS `QRSDuration`, `QRS Duration`;
/// QT `QTInterval`, `QT Interval`; QTc `QTCorrected` (MUSE), `QTCInterval` (CardioSoft), `QTc Interval`
/// (DICOM), whose correction formula the files do not state; QTc Fridericia `QTcFrederica` (MUSE's
/// spelling), `QTcFridericia`; frontal QRS axis `RAxis`, `QRS Axis`. Philips `globalmeasurements`: `rrint`,
/// `print`, `qrsdur`, `qtint`, `qtcb` (Bazett, shown as QTc), `qtcf`, `qrsfrontaxis`. A value whose unit is not the
/// expected one (ms, bpm or /min, deg or degrees; empty accepted) is skipped and listed in `skipped`.
public struct MachineMeasurements: Sendable, Equatable {
    /// Heart rate in /min.
    public var heartRateBpm: Double?
    /// PR interval in ms.
    public var prMs: Double?
    /// QRS duration in ms.
    public var qrsMs: Double?
    /// QT interval in ms.
    public var qtMs: Double?
    /// QTc in ms, correction formula not stated by the file.
    public var qtcMs: Double?
    /// QTc by Fridericia in ms.
    public var qtcFridericiaMs: Double?
    /// Frontal QRS axis in degrees.
    public var axisDeg: Double?
    /// Where the values come from, e.g. "acquiring device (Mortara Instrument, Inc. el250 0.0.0)".
    public var source: String
    /// Measurements with a recognised name but an unexpected unit (name and unit).
    public var skipped: [String]

    /// Whether any value was recognised.
    public var isEmpty: Bool { [heartRateBpm, prMs, qrsMs, qtMs, qtcMs, qtcFridericiaMs, axisDeg].allSatisfy { $0 == nil } }

    /// Maps a record's measurements.
    public init(record: ECGRecord) {
        source = record.acquisition.device.map { "acquiring device (\($0))" } ?? "acquiring device (\(record.sourceFormat.rawValue) file)"
        skipped = []
        var rrMs: Double? = nil
        for m in record.measurements where m.lead == nil && m.value.isFinite {
            let key = m.name.lowercased().filter { !" _-".contains($0) }
            let unit = m.unit.lowercased().trimmingCharacters(in: .whitespaces)
            let isMs = ["", "ms", "msec", "millisecond", "milliseconds"].contains(unit)
            let isRate = ["", "bpm", "/min", "1/min", "beats/min"].contains(unit)
            let isDeg = ["", "deg", "degree", "degrees", "°"].contains(unit)
            func take(_ ok: Bool, _ assign: (Double) -> Void) {
                if ok { assign(m.value) } else { skipped.append("\(m.name) [\(m.unit)]") }
            }
            switch key {
            case "ventricularrate", "heartrate": take(isRate) { heartRateBpm = $0 }
            case "rrinterval", "rrint": take(isMs) { rrMs = $0 > 0 ? $0 : nil }
            case "printerval", "pqinterval", "print": take(isMs) { prMs = $0 > 0 ? $0 : nil }
            case "qrsduration", "qrsdur": take(isMs) { qrsMs = $0 > 0 ? $0 : nil }
            case "qtinterval", "qtint": take(isMs) { qtMs = $0 > 0 ? $0 : nil }
            case "qtcorrected", "qtcinterval", "qtc", "qtcb": take(isMs) { qtcMs = $0 > 0 ? $0 : nil }
            case "qtcfrederica", "qtcfridericia", "qtcf": take(isMs) { qtcFridericiaMs = $0 > 0 ? $0 : nil }
            case "raxis", "qrsaxis", "qrsfrontaxis": take(isDeg) { axisDeg = $0 }
            default: break
            }
        }
        if heartRateBpm == nil, let rr = rrMs { heartRateBpm = 60000 / rr }
    }
}
