import Foundation

/// Reader for PLUX OpenSignals text exports (`# OpenSignals Text File Format`) of BITalino ECG channels.
///
/// The header's second line is `# {JSON}` keyed by device address, holding `sampling rate` (Hz),
/// `column` (data column names), `resolution` (bits per column), `label` (analog channels) and `sensor`
/// (sensor per analog channel); `# EndOfHeader` ends it; then tab-separated integer rows.
/// Only channels whose sensor is `ECG` on a `bitalino` device are read, converted from raw ADC codes with
/// the BITalino ECG sensor transfer function (PLUX ECG sensor datasheet):
/// `mV = ((ADC / 2^n) − 0.5) × 3.3 / 1100 × 1000` (VCC 3.3 V, sensor gain 1100, n = channel resolution).
/// Other sensors are left out and noted. Leads are named `ECG` (one channel) or `ECG <label>`.
public enum OpenSignalsReader {
    /// True when `data` starts like an OpenSignals text file.
    public static func looksLikeOpenSignals(_ data: Data) -> Bool {
        data.prefix(64).starts(with: Data("# OpenSignals Text File Format".utf8))
    }

    /// Reads the OpenSignals text file at `url`.
    public static func read(url: URL, options: ECGReadOptions = .init()) throws -> ECGRecord {
        try parse(try readFileBytes(url, maxBytes: options.maxFileBytes), file: url.lastPathComponent)
    }

    /// Parses OpenSignals text bytes.
    public static func parse(_ data: Data, file: String) throws -> ECGRecord {
        guard looksLikeOpenSignals(data), let text = String(data: data, encoding: .utf8) else {
            throw ECGFormatError.unknownFormat(file: file, detail: "not an OpenSignals text file")
        }
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        guard lines.count > 2, lines[1].hasPrefix("#"),
              let json = try? JSONSerialization.jsonObject(with: Data(lines[1].dropFirst().utf8)) as? [String: Any],
              let device = json.values.first as? [String: Any] else {
            throw ECGFormatError.malformedHeader(file: file, line: 2, reason: "no JSON device description")
        }
        guard let rate = (device["sampling rate"] as? NSNumber)?.doubleValue, rate > 0, rate.isFinite else {
            throw ECGFormatError.missingSamplingRate(file: file)
        }
        let columns = device["column"] as? [String] ?? []
        let resolution = (device["resolution"] as? [NSNumber])?.map(\.intValue) ?? []
        let labels = device["label"] as? [String] ?? []
        let sensors = device["sensor"] as? [String] ?? []
        let deviceName = (device["device"] as? String) ?? ""
        guard columns.count == resolution.count, labels.count == sensors.count else {
            throw ECGFormatError.malformedHeader(file: file, line: 2, reason: "column/resolution or label/sensor lists differ in length")
        }
        var notes: [String] = []
        var picked: [(column: Int, label: String, bits: Int)] = []
        var ignored: [String] = []
        for (k, label) in labels.enumerated() {
            guard let col = columns.firstIndex(of: label) else {
                throw ECGFormatError.malformedHeader(file: file, line: 2, reason: "channel \(label) has no column")
            }
            if sensors[k].uppercased() == "ECG" && deviceName.lowercased() == "bitalino" {
                guard (1...24).contains(resolution[col]) else {
                    throw ECGFormatError.invalidValue(file: file, field: "resolution of \(label)", value: "\(resolution[col])")
                }
                picked.append((col, label, resolution[col]))
            } else {
                notes.append("channel \(label) (sensor \(sensors[k]), device \(deviceName)) left out: no known transfer function to mV")
                ignored.append(ECGChannelClassifier.describeIgnored(label: label, unit: nil,
                    kind: sensors[k].uppercased() == "ECG" ? "ECG without a known transfer function" : "sensor \(sensors[k])"))
            }
        }
        guard !picked.isEmpty else {
            throw ignored.isEmpty ? ECGFormatError.noLeads(file: file) : ECGFormatError.noECGChannel(file: file, channels: ignored)
        }
        var values = [[Float]](repeating: [], count: picked.count)
        var inData = false
        for (i, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if !inData { if line.hasPrefix("# EndOfHeader") { inData = true }; continue }
            if line.isEmpty { continue }
            let cells = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            guard cells.count == columns.count else {
                throw ECGFormatError.malformedCSV(file: file, row: i + 1, column: nil,
                                                  reason: "\(cells.count) cells, header has \(columns.count) columns (ragged row)")
            }
            for (k, p) in picked.enumerated() {
                guard let adc = Int(cells[p.column]), adc >= 0, adc < (1 << p.bits) else {
                    throw ECGFormatError.malformedCSV(file: file, row: i + 1, column: p.column + 1,
                                                      reason: "'\(cells[p.column].prefix(20))' is not a \(p.bits)-bit ADC code")
                }
                let mv = ((Double(adc) / Double(1 << p.bits)) - 0.5) * 3.3 / 1100 * 1000
                values[k].append(Float(mv))
            }
        }
        guard inData else { throw ECGFormatError.malformedHeader(file: file, line: lines.count, reason: "no '# EndOfHeader' line") }
        guard !(values.first?.isEmpty ?? true) else {
            throw ECGFormatError.malformedCSV(file: file, row: lines.count, column: nil, reason: "no data rows")
        }
        let leads = zip(picked, values).map { p, v in
            ECGLead(name: picked.count == 1 ? "ECG" : "ECG \(p.label)", originalLabel: p.label, samples: v)
        }
        notes.append("BITalino ECG transfer function applied: mV = ((ADC/2^n) - 0.5) * 3.3 / 1100 * 1000")
        let w = try ECGWaveform(kind: .rhythm, samplingRateHz: rate, leads: leads, file: file)
        var startText: String?
        if let d = device["date"] as? String, let t = device["time"] as? String { startText = "\(d) \(t)" }
        return ECGRecord(sourceFormat: .openSignals, sourceFile: file, rhythm: w,
                         acquisition: ECGAcquisitionInfo(startTimeText: startText, device: deviceName.isEmpty ? nil : deviceName),
                         notes: notes, ignoredChannels: ignored)
    }
}
