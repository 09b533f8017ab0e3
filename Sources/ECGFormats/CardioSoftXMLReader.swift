import Foundation

/// Reader for GE CardioSoft resting-ECG XML exports (root element `CardiologyXML`), the form in which
/// UK Biobank distributes its resting and exercise ECGs.
///
/// Structure followed (element names as in real exports; cross-checked against the open-source
/// BRAVEHEART CardioSoft loader, GPL, read only for the structure):
/// - `StripData` → rhythm strip: `SampleRate` (Hz), `Resolution` with `units="uVperLsb"` (µV per least
///   significant bit), optional `ChannelSampleCountTotal` (checked when present), and one
///   `WaveformData lead="…"` per lead holding comma-separated integers (tabs/newlines ignored; exports
///   vary the case of the lead label, e.g. `aVR`/`avr`). mV = value × resolution / 1000.
/// - `RestingECGMeasurements/MedianSamples` (also accepted directly under the root) → the representative
///   beat, kept apart in `ECGRecord.medianBeat`; its own `SampleRate`/`Resolution` are used when present,
///   otherwise those of `StripData`.
/// - `RestingECGMeasurements` leaf children with a number → measurements, the unit taken from each `units` attribute.
/// - `Interpretation/Diagnosis/DiagnosisText` → machine statements, in file order.
/// - `PatientInfo/PID` → patient id; `ObservationDateTime` (`Year`, `Month`, `Day`, `Hour`, `Minute`,
///   `Second`) → acquisition start, read as UTC (the file gives no time zone).
/// - `FullDisclosure` (the continuous recording across the whole session) is not read; a note says so.
///
/// CardioSoft normally writes all twelve leads. When a strip has I and II but lacks any of III, aVR, aVL,
/// aVF and `options.deriveLimbLeads` is true, the missing ones are derived as in `MUSEXMLReader`
/// (Einthoven/Goldberger, computed in Double, marked `isDerived`). `ECGSourceFormat` has no CardioSoft case
/// Records report `.cardioSoftXML`.
public enum CardioSoftXMLReader {
    /// The only amplitude unit accepted for `Resolution`.
    static let resolutionUnit = "uVperLsb"

    /// Reads the CardioSoft XML file at `url`.
    /// - Throws: `ECGFormatError` naming the file and the defect.
    public static func read(url: URL, options: ECGReadOptions = .init()) throws -> ECGRecord {
        try read(root: try XMLTree.document(at: url, maxBytes: options.maxFileBytes), file: url.lastPathComponent, options: options)
    }

    /// Parses CardioSoft XML bytes; `file` names the source in errors.
    /// - Throws: `ECGFormatError` naming the file and the defect.
    public static func parse(_ data: Data, file: String, options: ECGReadOptions = .init()) throws -> ECGRecord {
        try read(root: try XMLTree.parse(data, file: file), file: file, options: options)
    }

    static func read(root: XMLElement, file: String, options: ECGReadOptions) throws -> ECGRecord {
        try XMLTree.requireRoot(root, "CardiologyXML", file: file)
        var notes: [String] = []
        guard let strip = root.child("StripData") else {
            throw ECGFormatError.malformedXML(file: file, reason: "no StripData element (rhythm strip)")
        }
        let stripRate = try rate(of: strip, file: file, section: "StripData", fallback: nil)
        let stripRes = try resolution(of: strip, file: file, section: "StripData", fallback: nil)
        let rhythm = try waveform(strip, kind: .rhythm, rate: stripRate, resolution: stripRes, file: file,
                                  section: "StripData", derive: options.deriveLimbLeads, notes: &notes)
        var median: ECGWaveform?
        if let ms = root.path("RestingECGMeasurements", "MedianSamples") ?? root.child("MedianSamples") {
            let r = try rate(of: ms, file: file, section: "MedianSamples", fallback: stripRate)
            let q = try resolution(of: ms, file: file, section: "MedianSamples", fallback: stripRes)
            median = try waveform(ms, kind: .medianBeat, rate: r, resolution: q, file: file,
                                  section: "MedianSamples", derive: options.deriveLimbLeads, notes: &notes)
        }
        if root.child("FullDisclosure") != nil { notes.append("FullDisclosure (continuous session recording) not read") }

        let statements = root.children("Interpretation").flatMap { $0.children("Diagnosis") }
            .flatMap { $0.children("DiagnosisText") }.map(\.text).filter { !$0.isEmpty }
        var measurements: [ECGMeasurement] = []
        for m in root.children("RestingECGMeasurements") {
            for c in m.children where c.children.isEmpty && !c.text.isEmpty {
                guard let v = Double(c.text), v.isFinite else {
                    notes.append("measurement \(c.name) is not a number, ignored"); continue
                }
                measurements.append(ECGMeasurement(name: c.name, value: v, unit: c.attr("units") ?? ""))
            }
        }
        var startText: String?, start: Date?
        if let dt = root.child("ObservationDateTime") {
            let parts = ["Year", "Month", "Day", "Hour", "Minute", "Second"].map { dt.child($0)?.text }
            if parts.allSatisfy({ $0 != nil }) {
                let p = parts.map { $0! }
                startText = "\(p[0])-\(p[1])-\(p[2]) \(p[3]):\(p[4]):\(p[5])"
                start = parseDate(p.compactMap { Int($0) })
            }
        }
        let pid = root.path("PatientInfo", "PID")?.text
        let acq = ECGAcquisitionInfo(patientID: (pid?.isEmpty ?? true) ? nil : pid, startTimeText: startText, startTime: start)
        return ECGRecord(sourceFormat: .cardioSoftXML, sourceFile: file, rhythm: rhythm, medianBeat: median,
                         acquisition: acq, machineStatements: statements, measurements: measurements, notes: notes)
    }

    /// Year, month, day, hour, minute, second as UTC; nil unless all six are present and in range.
    static func parseDate(_ p: [Int]) -> Date? {
        guard p.count == 6, (1...9999).contains(p[0]), (1...12).contains(p[1]), (1...31).contains(p[2]),
              (0..<24).contains(p[3]), (0..<60).contains(p[4]), (0..<61).contains(p[5]) else { return nil }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        return cal.date(from: DateComponents(year: p[0], month: p[1], day: p[2], hour: p[3], minute: p[4], second: p[5]))
    }

    /// `SampleRate` of a section in Hz (the `units` attribute, when given, must be Hz).
    static func rate(of section: XMLElement, file: String, section name: String, fallback: Double?) throws -> Double {
        guard let e = section.child("SampleRate") else {
            if let fallback { return fallback }
            throw ECGFormatError.missingSamplingRate(file: file)
        }
        if let u = e.attr("units"), u.lowercased() != "hz" {
            throw ECGFormatError.invalidValue(file: file, field: "\(name) SampleRate units", value: u)
        }
        guard let v = Double(e.text), v.isFinite, v > 0 else {
            throw ECGFormatError.invalidValue(file: file, field: "\(name) SampleRate", value: e.text)
        }
        return v
    }

    /// `Resolution` of a section in µV per LSB.
    static func resolution(of section: XMLElement, file: String, section name: String, fallback: Double?) throws -> Double {
        guard let e = section.child("Resolution") else {
            if let fallback { return fallback }
            throw ECGFormatError.malformedXML(file: file, reason: "\(name) has no Resolution (µV per LSB)")
        }
        if let u = e.attr("units"), u.lowercased() != resolutionUnit.lowercased() {
            throw ECGFormatError.invalidValue(file: file, field: "\(name) Resolution units", value: u)
        }
        guard let v = Double(e.text), v.isFinite, v > 0 else {
            throw ECGFormatError.invalidValue(file: file, field: "\(name) Resolution", value: e.text)
        }
        return v
    }

    /// Comma-separated integers; whitespace around items and one trailing comma are allowed.
    static func samples(_ text: String, lead: String, file: String, section: String) throws -> [Int] {
        var items = text.split(separator: ",", omittingEmptySubsequences: false)
        if let last = items.last, last.allSatisfy(\.isWhitespace) { items.removeLast() }
        var out: [Int] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            let t = item.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let v = Int(t), (Int(Int32.min)...Int(Int32.max)).contains(v) else {
                throw ECGFormatError.malformedXML(file: file,
                    reason: "\(section) lead \(lead): sample \(i + 1) is '\(t.prefix(20))', not an integer")
            }
            out.append(v)
        }
        return out
    }

    static func waveform(_ section: XMLElement, kind: ECGWaveformKind, rate: Double, resolution: Double,
                         file: String, section name: String, derive: Bool, notes: inout [String]) throws -> ECGWaveform {
        var leads: [ECGLead] = []
        var physical: [String: [Double]] = [:]
        for wd in section.children("WaveformData") {
            guard let label = wd.attr("lead"), !label.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ECGFormatError.malformedXML(file: file, reason: "\(name) WaveformData without a lead attribute")
            }
            let lead = ECGLeadName.normalise(label)
            if leads.contains(where: { $0.name == lead }) {
                throw ECGFormatError.malformedXML(file: file, reason: "lead \(lead) appears twice in \(name)")
            }
            let digital = try samples(wd.text, lead: lead, file: file, section: name)
            guard !digital.isEmpty else {
                throw ECGFormatError.malformedXML(file: file, reason: "\(name) lead \(lead) has no samples")
            }
            // µV → mV by division (not × 0.001) so values equal a float64 reference computed the same way.
            let mv = digital.map { Double($0) * resolution / 1000 }
            physical[lead] = mv
            leads.append(ECGLead(name: lead, originalLabel: label, samples: mv.map { Float($0) }))
        }
        guard !leads.isEmpty else {
            if kind == .rhythm { throw ECGFormatError.noLeads(file: file) }
            throw ECGFormatError.malformedXML(file: file, reason: "MedianSamples holds no WaveformData")
        }
        if let declared = section.child("NumberOfLeads")?.text, let n = Int(declared), n != leads.count {
            throw ECGFormatError.lengthMismatch(file: file, detail: "\(name): NumberOfLeads \(n), \(leads.count) WaveformData elements")
        }
        if derive, let a = physical["I"], let b = physical["II"], a.count == b.count {
            let formulas: [(String, String, (Double, Double) -> Double)] = [
                ("III", "III = II - I", { $1 - $0 }),
                ("aVR", "aVR = -(I + II) / 2", { -($0 + $1) / 2 }),
                ("aVL", "aVL = I - II / 2", { $0 - $1 / 2 }),
                ("aVF", "aVF = II - I / 2", { $1 - $0 / 2 }),
            ]
            var derived: [String] = []
            for (lead, formula, f) in formulas where physical[lead] == nil {
                let s = (0..<a.count).map { Float(f(a[$0], b[$0])) }
                leads.append(ECGLead(name: lead, originalLabel: lead, samples: s, isDerived: true, derivation: formula))
                derived.append(lead)
            }
            if !derived.isEmpty {
                notes.append("\(kind.rawValue): leads \(derived.joined(separator: ", ")) derived from I and II (Einthoven/Goldberger)")
            }
        }
        let w = try ECGWaveform(kind: kind, samplingRateHz: rate, leads: leads, file: file)
        if let declared = section.child("ChannelSampleCountTotal")?.text, let n = Int(declared), n != w.sampleCount {
            throw ECGFormatError.lengthMismatch(file: file, detail: "\(name): ChannelSampleCountTotal \(n), leads hold \(w.sampleCount) samples")
        }
        return w
    }
}
