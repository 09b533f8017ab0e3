import Foundation

/// Reader for HL7 v3 annotated ECG (FDA aECG) files: root `AnnotatedECG` in namespace `urn:hl7-org:v3`.
///
/// Structure read: each `series` (and `derivedSeries`) has a `code` (`RHYTHM` → rhythm strip,
/// `REPRESENTATIVE_BEAT` → median beat) and `component/sequenceSet/component/sequence` elements. The time
/// sequence (`code` `TIME_ABSOLUTE`/`TIME_RELATIVE`, value `GLIST_TS`/`GLIST_PQ` with `head` and
/// `increment` in s or ms) gives the sampling rate 1/increment. Each lead sequence (`code`
/// `MDC_ECG_LEAD_*`, value `SLIST_PQ`) has `origin` and `scale` (value + unit) and `digits` (whitespace-
/// separated integers): physical value = origin + scale × digit, in the unit of `scale`, converted to mV.
/// The record id is the root `id@extension` (else `@root`); the subject id is the `trialSubject/id`;
/// the start time is the series `effectiveTime/low@value` (HL7 TS `YYYYMMDDHHMMSS[.fff]`, UTC assumed
/// without zone). Not read: `annotationSet` (aECG measurements and annotations), `controlVariable`.
public enum HL7aECGReader {
    /// Reads the aECG file at `url`.
    public static func read(url: URL, options: ECGReadOptions = .init()) throws -> ECGRecord {
        try read(root: try XMLTree.document(at: url, maxBytes: options.maxFileBytes), file: url.lastPathComponent)
    }

    /// Parses aECG bytes.
    public static func parse(_ data: Data, file: String) throws -> ECGRecord {
        try read(root: try XMLTree.parse(data, file: file), file: file)
    }

    static func read(root: XMLElement, file: String) throws -> ECGRecord {
        try XMLTree.requireRoot(root, "AnnotatedECG", file: file)
        var notes: [String] = []
        if root.namespace != "urn:hl7-org:v3" {
            notes.append("root element not in namespace urn:hl7-org:v3")
        }
        var rhythm: ECGWaveform?
        var median: ECGWaveform?
        var start: String?
        var device: String?
        let seriesList = root.descendants("series") + root.descendants("derivedSeries")
        for series in seriesList {
            let code = series.child("code")?.attr("code") ?? ""
            let kind: ECGWaveformKind
            switch code {
            case "RHYTHM": kind = .rhythm
            case "REPRESENTATIVE_BEAT": kind = .medianBeat
            default: notes.append("series with code '\(code)' ignored"); continue
            }
            guard let set = series.children("component").compactMap({ $0.child("sequenceSet") }).first else { continue }
            let w = try waveform(set, kind: kind, file: file)
            if kind == .rhythm {
                if rhythm == nil {
                    rhythm = w
                    start = series.path("effectiveTime", "low")?.attr("value")
                    device = series.descendants("manufacturerModelName").first?.text
                } else { notes.append("additional rhythm series ignored") }
            } else if median == nil { median = w } else { notes.append("additional representative beat ignored") }
        }
        guard let rhythmWave = rhythm else {
            throw ECGFormatError.malformedXML(file: file, reason: "no series with code RHYTHM and a sequenceSet")
        }
        start = start ?? root.path("effectiveTime", "low")?.attr("value")
        let rootID = root.child("id")
        let subject = root.descendants("trialSubject").first?.child("id")
        let acq = ECGAcquisitionInfo(recordID: rootID?.attr("extension") ?? rootID?.attr("root"),
                                     patientID: subject?.attr("extension") ?? subject?.attr("root"),
                                     startTimeText: start, startTime: start.flatMap(parseTS),
                                     device: device?.isEmpty == false ? device : nil)
        if !root.descendants("annotationSet").isEmpty { notes.append("annotationSet present, not read") }
        return ECGRecord(sourceFormat: .hl7aECG, sourceFile: file, rhythm: rhythmWave, medianBeat: median,
                         acquisition: acq, notes: notes)
    }

    /// HL7 TS `YYYYMMDDHHMMSS[.fff]` (shorter forms allowed down to the day) as UTC.
    static func parseTS(_ s: String) -> Date? {
        let main = s.prefix(while: { $0 != "." }).prefix(14)
        guard main.count >= 8, main.allSatisfy(\.isNumber) else { return nil }
        func num(_ a: Int, _ b: Int) -> Int? {
            guard main.count >= b else { return a >= 8 ? 0 : nil }
            return Int(main[main.index(main.startIndex, offsetBy: a)..<main.index(main.startIndex, offsetBy: b)])
        }
        guard let y = num(0, 4), let mo = num(4, 6), let d = num(6, 8), (1...12).contains(mo), (1...31).contains(d),
              let h = num(8, 10), let mi = num(10, 12), let se = num(12, 14), h < 24, mi < 60, se < 61 else { return nil }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        return cal.date(from: DateComponents(year: y, month: mo, day: d, hour: h, minute: mi, second: se))
    }

    static func waveform(_ set: XMLElement, kind: ECGWaveformKind, file: String) throws -> ECGWaveform {
        var rate: Double?
        var leads: [ECGLead] = []
        for seq in set.children("component").compactMap({ $0.child("sequence") }) {
            let code = seq.child("code")?.attr("code") ?? ""
            guard let value = seq.child("value") else { continue }
            if code.hasPrefix("TIME_") {
                guard let inc = value.child("increment"), let t = inc.attr("value").flatMap(Double.init), t.isFinite, t > 0 else {
                    throw ECGFormatError.malformedXML(file: file, reason: "time sequence without a positive increment")
                }
                let unit = (inc.attr("unit") ?? "s").lowercased()
                let seconds: Double
                switch unit {
                case "s": seconds = t
                case "ms": seconds = t / 1000
                case "us", "µs": seconds = t / 1_000_000
                default: throw ECGFormatError.invalidValue(file: file, field: "time increment unit", value: unit)
                }
                // 1/0.002 s is not exactly 500 in binary; snap rates within 1e-9 relative of an integer.
                let r = 1 / seconds
                rate = abs(r - r.rounded()) <= 1e-9 * r ? r.rounded() : r
                continue
            }
            guard let origin = value.child("origin"), let scale = value.child("scale"), let digits = value.child("digits") else {
                throw ECGFormatError.malformedXML(file: file, reason: "sequence \(code) lacks origin, scale or digits")
            }
            guard let o = origin.attr("value").flatMap(Double.init), let s = scale.attr("value").flatMap(Double.init),
                  o.isFinite, s.isFinite, s != 0 else {
                throw ECGFormatError.invalidValue(file: file, field: "origin/scale of \(code)", value: "\(origin.attr("value") ?? "?")/\(scale.attr("value") ?? "?")")
            }
            let scaleUnit = scale.attr("unit") ?? "uV"
            let originUnit = origin.attr("unit") ?? scaleUnit
            guard let conv = VoltageUnit(scaleUnit), let oconv = VoltageUnit(originUnit) else {
                throw ECGFormatError.invalidValue(file: file, field: "unit of \(code)", value: "\(originUnit)/\(scaleUnit)")
            }
            // Origin in the scale's unit (so origin + scale × digit is one unit), usually identical.
            let originInScaleUnit = originUnit.lowercased() == scaleUnit.lowercased() ? o
                : oconv.toMillivolts(o) / conv.toMillivolts(1)
            var samples: [Float] = []
            samples.reserveCapacity(digits.text.count / 3)
            var index = 0
            for tok in digits.text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }) {
                index += 1
                guard let d = Int(tok) else {
                    throw ECGFormatError.malformedXML(file: file, reason: "digit \(index) of \(code) is '\(tok.prefix(20))', not an integer")
                }
                samples.append(Float(conv.toMillivolts(originInScaleUnit + s * Double(d))))
            }
            let label = code.hasPrefix("MDC_ECG_LEAD_") ? String(code.dropFirst("MDC_ECG_LEAD_".count)) : code
            leads.append(ECGLead(name: ECGLeadName.normalise(label), originalLabel: code, samples: samples))
        }
        guard let r = rate else { throw ECGFormatError.missingSamplingRate(file: file) }
        guard !leads.isEmpty else { throw ECGFormatError.noLeads(file: file) }
        return try ECGWaveform(kind: kind, samplingRateHz: r, leads: leads, file: file)
    }
}
