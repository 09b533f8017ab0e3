import Foundation

/// Reader for GE MUSE resting-ECG XML exports (root element `RestingECG`).
///
/// Read: `Waveform` elements (`WaveformType` `Rhythm` → rhythm strip, `Median` → median beat), sampling rate
/// `SampleBase` × 10^`SampleExponent` Hz, and per `LeadData`: `LeadID`, `LeadAmplitudeUnitsPerBit`,
/// `LeadAmplitudeUnits` (MICROVOLTS, MILLIVOLTS), `LeadSampleCountTotal` (checked when present) and
/// `WaveFormData` (base64 of little-endian int16; whitespace ignored). Physical value =
/// digital × units-per-bit in the stated unit, converted to mV.
/// `Diagnosis/DiagnosisStatement/StmtText` become machine statements; `RestingECGMeasurements` children
/// become measurements (ms, bpm, deg); `PatientDemographics/PatientID` the patient id;
/// `TestDemographics` the device and acquisition date/time (MUSE writes MM-DD-YYYY).
///
/// MUSE stores only I, II and V1–V6. When `options.deriveLimbLeads` is true (default) the reader adds
/// III = II − I, aVR = −(I + II)/2, aVL = I − II/2, aVF = II − I/2 (Einthoven/Goldberger), computed in
/// Double before rounding, marked `isDerived` with the formula in `derivation`.
public enum MUSEXMLReader {
    static let measurementUnits: [String: String] = [
        "VentricularRate": "bpm", "AtrialRate": "bpm", "PRInterval": "ms", "QRSDuration": "ms",
        "QTInterval": "ms", "QTCorrected": "ms", "PAxis": "deg", "RAxis": "deg", "TAxis": "deg",
        "QRSCount": "count", "QOnset": "samples", "QOffset": "samples", "POnset": "samples",
        "POffset": "samples", "TOffset": "samples", "ECGSampleBase": "Hz", "ECGSampleExponent": "",
        "QTcFrederica": "ms",
    ]

    /// Reads the MUSE XML file at `url`.
    public static func read(url: URL, options: ECGReadOptions = .init()) throws -> ECGRecord {
        try read(root: try XMLTree.document(at: url, maxBytes: options.maxFileBytes), file: url.lastPathComponent, options: options)
    }

    /// Parses MUSE XML bytes.
    public static func parse(_ data: Data, file: String, options: ECGReadOptions = .init()) throws -> ECGRecord {
        try read(root: try XMLTree.parse(data, file: file), file: file, options: options)
    }

    static func read(root: XMLElement, file: String, options: ECGReadOptions) throws -> ECGRecord {
        try XMLTree.requireRoot(root, "RestingECG", file: file)
        var notes: [String] = []
        var rhythm: ECGWaveform?
        var median: ECGWaveform?
        for wf in root.children("Waveform") {
            let type = wf.child("WaveformType")?.text ?? ""
            let kind: ECGWaveformKind
            switch type.lowercased() {
            case "rhythm": kind = .rhythm
            case "median": kind = .medianBeat
            default: notes.append("waveform of type '\(type)' ignored"); continue
            }
            let w = try waveform(wf, kind: kind, file: file, derive: options.deriveLimbLeads, notes: &notes)
            if kind == .rhythm {
                if rhythm == nil { rhythm = w } else { notes.append("additional rhythm waveform ignored") }
            } else {
                if median == nil { median = w } else { notes.append("additional median waveform ignored") }
            }
        }
        guard let rhythmWave = rhythm else {
            throw ECGFormatError.malformedXML(file: file, reason: "no Waveform with WaveformType Rhythm")
        }
        let statements = root.children("Diagnosis").flatMap { $0.children("DiagnosisStatement") }
            .compactMap { $0.child("StmtText")?.text }.filter { !$0.isEmpty }
        var measurements: [ECGMeasurement] = []
        if let m = root.child("RestingECGMeasurements") {
            for c in m.children where c.children.isEmpty {
                guard let v = Double(c.text), v.isFinite else { continue }
                measurements.append(ECGMeasurement(name: c.name, value: v, unit: measurementUnits[c.name] ?? ""))
            }
        }
        let test = root.child("TestDemographics")
        let device = [test?.child("AcquisitionDevice")?.text, test?.child("AcquisitionSoftwareVersion")?.text]
            .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        let date = test?.child("AcquisitionDate")?.text, time = test?.child("AcquisitionTime")?.text
        var startText: String?
        var start: Date?
        if let d = date, let t = time {
            startText = "\(d) \(t)"
            start = parseDate(d, t)
        }
        let acq = ECGAcquisitionInfo(recordID: nil, patientID: root.path("PatientDemographics", "PatientID")?.text,
                                     startTimeText: startText, startTime: start, device: device.isEmpty ? nil : device)
        return ECGRecord(sourceFormat: .museXML, sourceFile: file, rhythm: rhythmWave, medianBeat: median,
                         acquisition: acq, machineStatements: statements, measurements: measurements, notes: notes)
    }

    /// MM-DD-YYYY and HH:MM:SS, interpreted as UTC (MUSE gives no time zone).
    static func parseDate(_ d: String, _ t: String) -> Date? {
        let dp = d.split(separator: "-").compactMap { Int($0) }
        let tp = t.split(separator: ":").compactMap { Int($0) }
        guard dp.count == 3, tp.count == 3, (1...12).contains(dp[0]), (1...31).contains(dp[1]),
              (0..<24).contains(tp[0]), (0..<60).contains(tp[1]), (0..<61).contains(tp[2]) else { return nil }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        return cal.date(from: DateComponents(year: dp[2], month: dp[0], day: dp[1], hour: tp[0], minute: tp[1], second: tp[2]))
    }

    static func waveform(_ wf: XMLElement, kind: ECGWaveformKind, file: String, derive: Bool,
                         notes: inout [String]) throws -> ECGWaveform {
        guard let baseText = wf.child("SampleBase")?.text, let base = Double(baseText), base > 0, base.isFinite else {
            throw ECGFormatError.malformedXML(file: file, reason: "\(kind.rawValue) waveform has no valid SampleBase")
        }
        let exp = Int(wf.child("SampleExponent")?.text ?? "0") ?? 0
        guard (-6...6).contains(exp) else {
            throw ECGFormatError.invalidValue(file: file, field: "SampleExponent", value: "\(exp)")
        }
        let rate = base * pow(10, Double(exp))
        var names: [String] = [], labels: [String] = []
        var values: [[Double]] = []
        for ld in wf.children("LeadData") {
            guard let id = ld.child("LeadID")?.text, !id.isEmpty else {
                throw ECGFormatError.malformedXML(file: file, reason: "LeadData without LeadID")
            }
            guard let upbText = ld.child("LeadAmplitudeUnitsPerBit")?.text, let upb = Double(upbText), upb.isFinite, upb != 0 else {
                throw ECGFormatError.invalidValue(file: file, field: "LeadAmplitudeUnitsPerBit of lead \(id)",
                                                  value: ld.child("LeadAmplitudeUnitsPerBit")?.text ?? "missing")
            }
            let unitText = ld.child("LeadAmplitudeUnits")?.text ?? "MICROVOLTS"
            guard let conv = VoltageUnit(unitText) else {
                throw ECGFormatError.invalidValue(file: file, field: "LeadAmplitudeUnits of lead \(id)", value: unitText)
            }
            let b64 = (ld.child("WaveFormData")?.text ?? "").filter { !$0.isWhitespace }
            guard let bytes = Data(base64Encoded: b64), !b64.isEmpty else {
                throw ECGFormatError.badBase64(file: file, lead: id)
            }
            guard bytes.count % 2 == 0 else {
                throw ECGFormatError.lengthMismatch(file: file, detail: "lead \(id): \(bytes.count) bytes is not a whole number of int16 samples")
            }
            let n = bytes.count / 2
            if let declared = ld.child("LeadSampleCountTotal")?.text, let dn = Int(declared), dn != n {
                throw ECGFormatError.lengthMismatch(file: file, detail: "lead \(id): LeadSampleCountTotal \(dn), data holds \(n) samples")
            }
            var v = [Double](repeating: 0, count: n)
            bytes.withUnsafeBytes { raw in
                let b = raw.bindMemory(to: UInt8.self)
                for i in 0..<n {
                    let d = Int16(bitPattern: UInt16(b[2 * i]) | UInt16(b[2 * i + 1]) << 8)
                    v[i] = conv.toMillivolts(Double(d) * upb)
                }
            }
            let name = ECGLeadName.normalise(id)
            if names.contains(name) { throw ECGFormatError.malformedXML(file: file, reason: "lead \(name) appears twice in the \(kind.rawValue) waveform") }
            names.append(name); labels.append(id); values.append(v)
        }
        guard !names.isEmpty else { throw ECGFormatError.noLeads(file: file) }
        var leads = zip(zip(names, labels), values).map { ECGLead(name: $0.0, originalLabel: $0.1, samples: $1.map { Float($0) }) }
        if derive, let i = names.firstIndex(of: "I"), let ii = names.firstIndex(of: "II"), values[i].count == values[ii].count {
            let a = values[i], b = values[ii]
            let formulas: [(String, String, (Double, Double) -> Double)] = [
                ("III", "III = II - I", { $1 - $0 }),
                ("aVR", "aVR = -(I + II) / 2", { -($0 + $1) / 2 }),
                ("aVL", "aVL = I - II / 2", { $0 - $1 / 2 }),
                ("aVF", "aVF = II - I / 2", { $1 - $0 / 2 }),
            ]
            var derived: [String] = []
            for (name, formula, f) in formulas where !names.contains(name) {
                var s = [Float](repeating: 0, count: a.count)
                for k in 0..<a.count { s[k] = Float(f(a[k], b[k])) }
                leads.append(ECGLead(name: name, originalLabel: name, samples: s, isDerived: true, derivation: formula))
                derived.append(name)
            }
            if !derived.isEmpty {
                notes.append("\(kind.rawValue): leads \(derived.joined(separator: ", ")) derived from I and II (Einthoven/Goldberger)")
            }
        }
        return try ECGWaveform(kind: kind, samplingRateHz: rate, leads: leads, file: file)
    }
}
