import Foundation

/// Reader for Philips SierraECG / PhilipsECG resting-ECG XML, document versions 1.03, 1.04, 1.04.01 and 1.04.02
/// (root element `restingecgdata`; files are UTF-16 LE with CRLF or UTF-8, both handled by `XMLTree`).
///
/// Read, following the format as the `sierraecg` Python package (0.4.0) and Philips' schema describe it:
/// - `documentinfo/documenttype` (`SierraECG`, `PhilipsECG`) and `documentversion` (others refused);
/// - `dataacquisition/signalcharacteristics`: `samplingrate` (Hz), `resolution` (1.04) or `signalresolution` (1.03) (µV per LSB),
///   `acquisitiontype` and `numberchannelsallocated` (lead names for 1.03 files, which carry no `leadlabels`);
/// - `waveforms/parsedwaveforms`: `dataencoding` Base64; `compressmethod`/`compression` `XLI` or none;
///   `leadlabels`, `numberofleads`, `durationperchannel` (ms);
/// - XLI (`XLIDecoder`): per lead a chunk of LZW codes and a second-difference coding of the samples;
/// - lead reconstruction: in XLI data the limb leads III, aVR, aVL, aVF are stored as residuals and are rebuilt as
///   III = II − I − r₃, aVR = −r_aVR − ⌊(I + II)/2⌋, aVL = ⌊(I − III)/2⌋ − r_aVL, aVF = ⌊(II + III)/2⌋ − r_aVF
///   (integer, floor division; the reconstructed III feeds aVL and aVF). The `sierraecg` package also applies it to
///   uncompressed data; no uncompressed example was available to check that, so this reader applies it to XLI
///   data only and says so in the notes;
/// - `interpretations/interpretation`: `statement/leftstatement` + `rightstatement` become machine statements
///   (and `severity`); `globalmeasurements` children become measurements (`heartrate`, `atrialrate` bpm;
///   `rrint`, `pdur`, `print`, `qonset`, `qrsdur`, `qtint`, `qtcb`, `qtcf` ms; `*axis` deg);
/// - `patient/generalpatientdata/patientid`, `dataacquisition` `date`/`time` attributes and `machine`.
/// Physical value = digital × resolution µV, stored in mV.
public enum PhilipsXMLReader {
    static let supportedVersions: Set<String> = ["1.03", "1.04", "1.04.01", "1.04.02"]

    /// Reads the Philips XML file at `url`.
    public static func read(url: URL, options: ECGReadOptions = .init()) throws -> ECGRecord {
        try read(root: try XMLTree.document(at: url, maxBytes: options.maxFileBytes), file: url.lastPathComponent, options: options)
    }

    /// Parses Philips XML bytes (UTF-8 or UTF-16 with byte-order mark).
    public static func parse(_ data: Data, file: String, options: ECGReadOptions = .init()) throws -> ECGRecord {
        try read(root: try XMLTree.parse(data, file: file), file: file, options: options)
    }

    static func unit(for name: String) -> String {
        if name.hasSuffix("axis") { return "deg" }
        switch name {
        case "heartrate", "atrialrate": return "bpm"
        case "rrint", "pdur", "print", "qonset", "qrsdur", "qtint", "qtcb", "qtcf", "qtc": return "ms"
        default: return ""
        }
    }

    static func read(root: XMLElement, file: String, options: ECGReadOptions) throws -> ECGRecord {
        try XMLTree.requireRoot(root, "restingecgdata", file: file)
        var notes: [String] = []
        let info = root.child("documentinfo")
        let docType = info?.child("documenttype")?.text.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let docVersion = info?.child("documentversion")?.text.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard docType == "SierraECG" || docType == "PhilipsECG" else {
            throw ECGFormatError.unsupported(file: file, feature: "Philips document type '\(docType)'")
        }
        guard supportedVersions.contains(docVersion) else {
            throw ECGFormatError.unsupported(file: file, feature: "\(docType) document version '\(docVersion)'")
        }
        guard let acq = root.child("dataacquisition"), let sig = acq.child("signalcharacteristics") else {
            throw ECGFormatError.malformedXML(file: file, reason: "no dataacquisition/signalcharacteristics")
        }
        guard let pw = root.child("waveforms")?.child("parsedwaveforms") ?? root.descendants("parsedwaveforms").first else {
            throw ECGFormatError.malformedXML(file: file, reason: "no waveforms/parsedwaveforms")
        }
        let rateText = sig.child("samplingrate")?.text.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard let rate = Double(rateText), rate > 0, rate <= 100_000 else {
            throw ECGFormatError.invalidValue(file: file, field: "samplingrate", value: rateText.isEmpty ? "missing" : rateText)
        }
        let resText = (sig.child("resolution")?.text ?? sig.child("signalresolution")?.text ?? pw.attr("resolution") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard let resolution = Double(resText), resolution.isFinite, resolution > 0 else {
            throw ECGFormatError.invalidValue(file: file, field: "resolution", value: resText.isEmpty ? "missing" : resText)
        }
        let labels = try leadLabels(sig: sig, pw: pw, file: file)
        let encoding = pw.attr("dataencoding") ?? ""
        guard encoding == "Base64" else {
            throw ECGFormatError.unsupported(file: file, feature: "waveform data encoding '\(encoding)'")
        }
        let b64 = pw.text.filter { !$0.isWhitespace }
        guard !b64.isEmpty, let bytes = Data(base64Encoded: b64) else {
            throw ECGFormatError.badBase64(file: file, lead: "parsedwaveforms")
        }
        let compression = pw.attr("compressmethod") ?? pw.attr("compression") ?? "Uncompressed"
        var raw: [[Int]]
        let isXLI: Bool
        switch compression {
        case "XLI":
            isXLI = true
            raw = try XLIDecoder.decode([UInt8](bytes), file: file).map { $0.map(Int.init) }
            if raw.count < labels.count {
                throw ECGFormatError.lengthMismatch(file: file, detail: "\(labels.count) leads labelled, \(raw.count) XLI chunks")
            }
            if raw.count > labels.count {
                notes.append("\(raw.count - labels.count) XLI chunk(s) beyond the \(labels.count) labelled leads ignored")
                raw = Array(raw.prefix(labels.count))
            }
        case "Uncompressed", "None", "":
            isXLI = false
            let durText = pw.attr("durationperchannel") ?? ""
            guard let dur = Int(durText), dur > 0 else {
                throw ECGFormatError.invalidValue(file: file, field: "durationperchannel", value: durText.isEmpty ? "missing" : durText)
            }
            let n = Int((Double(dur) * rate / 1000).rounded())
            guard bytes.count >= 2 * n * labels.count else {
                throw ECGFormatError.truncatedData(file: file, expectedBytes: 2 * n * labels.count, actualBytes: bytes.count)
            }
            let b = [UInt8](bytes)
            raw = (0..<labels.count).map { l in
                (0..<n).map { i in Int(Int16(bitPattern: UInt16(b[2 * (l * n + i)]) | UInt16(b[2 * (l * n + i) + 1]) << 8)) }
            }
        default:
            throw ECGFormatError.unsupported(file: file, feature: "waveform compression '\(compression)'")
        }
        let n = raw.map(\.count).min() ?? 0
        guard n > 0 else { throw ECGFormatError.noLeads(file: file) }
        if raw.contains(where: { $0.count != n }) {
            notes.append("leads decoded to unequal lengths (\(Set(raw.map(\.count)).sorted())); cut to \(n) samples")
            raw = raw.map { Array($0.prefix(n)) }
        }
        if let durText = pw.attr("durationperchannel"), let dur = Int(durText) {
            let expected = Int((Double(dur) * rate / 1000).rounded())
            if expected != n { notes.append("durationperchannel \(dur) ms implies \(expected) samples, data holds \(n)") }
        }
        var derived = Set<String>()
        let limb = ["I", "II", "III", "aVR", "aVL", "aVF"]
        if isXLI, labels.count >= 6, Array(labels.prefix(6)) == limb {
            reconstructLimbLeads(&raw)
            derived = ["III", "aVR", "aVL", "aVF"]
            notes.append("III, aVR, aVL, aVF rebuilt from the XLI residuals and I, II (Philips lead reconstruction)")
        } else if isXLI {
            notes.append("XLI leads not in I, II, III, aVR, aVL, aVF order (\(labels.prefix(6).joined(separator: " "))): no lead reconstruction")
        }
        // Philips writes an 11 s lead: the ECG, then a tail where every lead is 0 except a 1 mV calibration
        // pulse (seen in all 4 real files: zeros, 200 LSB x 5 uV from sample 5350 to 5449, zeros). That tail is
        // not ECG (it reads as clipping to the quality gate) and is cut, with a note.
        let oneMV = Int((1000 / resolution).rounded())
        var end = n
        while end > 0, raw.allSatisfy({ $0[end - 1] == 0 || $0[end - 1] == oneMV }) { end -= 1 }
        let tailHasPulse = end < n && raw[0][end..<n].contains(oneMV)
        if tailHasPulse, end > Int(rate) {
            notes.append("calibration tail (\(n - end) samples: zeros and a 1 mV pulse in every lead) cut; \(end) samples kept")
            raw = raw.map { Array($0.prefix(end)) }
        }
        let scale = resolution / 1000
        var leads: [ECGLead] = []
        for (label, values) in zip(labels, raw) {
            let name = ECGLeadName.normalise(label)
            if leads.contains(where: { $0.name == name }) {
                throw ECGFormatError.malformedXML(file: file, reason: "lead \(name) appears twice")
            }
            leads.append(ECGLead(name: name, originalLabel: label, samples: values.map { Float(Double($0) * scale) },
                                 isDerived: derived.contains(label),
                                 derivation: derived.contains(label) ? "Philips XLI reconstruction from I, II and the stored residual" : nil))
        }
        let rhythm = try ECGWaveform(kind: .rhythm, samplingRateHz: rate, leads: leads, file: file)

        let interp = root.child("interpretations")?.child("interpretation") ?? root.descendants("interpretation").first
        var statements: [String] = []
        if let i = interp {
            if let sev = i.child("severity")?.text.trimmingCharacters(in: .whitespacesAndNewlines), !sev.isEmpty { statements.append(sev) }
            for st in i.children("statement") {
                let l = st.child("leftstatement")?.text.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                let r = st.child("rightstatement")?.text.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                let s = [l, r].filter { !$0.isEmpty }.joined(separator: " — ")
                if !s.isEmpty { statements.append(s) }
            }
        }
        var measurements: [ECGMeasurement] = []
        if let gm = interp?.child("globalmeasurements") ?? root.descendants("globalmeasurements").first {
            for c in gm.children where c.children.isEmpty {
                guard let v = Double(c.text.trimmingCharacters(in: .whitespacesAndNewlines)), v.isFinite else { continue }
                measurements.append(ECGMeasurement(name: c.name, value: v, unit: unit(for: c.name)))
            }
        }
        let device = [acq.child("machine")?.text, acq.child("machine")?.attr("detaildescription")]
            .compactMap { $0?.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }.joined(separator: " ")
        var startText: String?, start: Date?
        if let d = acq.attr("date"), let t = acq.attr("time") {
            startText = "\(d) \(t)"
            start = parseDate(d, t)
        }
        let pid = root.path("patient", "generalpatientdata", "patientid")?.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let acqInfo = ECGAcquisitionInfo(recordID: nil, patientID: (pid?.isEmpty ?? true) ? nil : pid,
                                         startTimeText: startText, startTime: start, device: device.isEmpty ? nil : device)
        notes.insert("\(docType) \(docVersion), \(compression) waveform data", at: 0)
        return ECGRecord(sourceFormat: .philipsXML, sourceFile: file, rhythm: rhythm, medianBeat: nil,
                         acquisition: acqInfo, machineStatements: statements, measurements: measurements, notes: notes)
    }

    /// Lead labels: `leadlabels` (first `numberofleads`) in 1.04 files; in 1.03 files the names implied by
    /// `acquisitiontype` (STD-12, 10-WIRE: I, II, III, aVR, aVL, aVF, V1–V6) for `numberchannelsallocated` channels.
    static func leadLabels(sig: XMLElement, pw: XMLElement, file: String) throws -> [String] {
        if let ll = pw.attr("leadlabels"), !ll.trimmingCharacters(in: .whitespaces).isEmpty {
            var labels = ll.split(separator: " ").map(String.init)
            if let nText = pw.attr("numberofleads") {
                guard let n = Int(nText), n > 0, n <= labels.count else {
                    throw ECGFormatError.invalidValue(file: file, field: "numberofleads", value: nText)
                }
                labels = Array(labels.prefix(n))
            }
            return labels
        }
        let nText = sig.child("numberchannelsallocated")?.text.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard let n = Int(nText), (1...64).contains(n) else {
            throw ECGFormatError.invalidValue(file: file, field: "numberchannelsallocated", value: nText.isEmpty ? "missing" : nText)
        }
        let type = sig.child("acquisitiontype")?.text.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let std = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]
        return (0..<n).map { i in (type == "STD-12" || type == "10-WIRE") && i < 12 ? std[i] : "Channel \(i + 1)" }
    }

    /// Rebuilds III, aVR, aVL, aVF (indices 2–5) in place from I, II and the stored residuals (floor division).
    static func reconstructLimbLeads(_ raw: inout [[Int]]) {
        func floorHalf(_ v: Int) -> Int { v >= 0 ? v / 2 : -((-v + 1) / 2) }
        let n = raw[0].count
        for k in 0..<n {
            let i = raw[0][k], ii = raw[1][k]
            let iii = ii - i - raw[2][k]
            raw[2][k] = iii
            raw[3][k] = -raw[3][k] - floorHalf(i + ii)
            raw[4][k] = floorHalf(i - iii) - raw[4][k]
            raw[5][k] = floorHalf(ii + iii) - raw[5][k]
        }
    }

    /// `YYYY-MM-DD` and `HH:MM:SS`, interpreted as UTC (the file gives no time zone).
    static func parseDate(_ d: String, _ t: String) -> Date? {
        let dp = d.split(separator: "-").compactMap { Int($0) }
        let tp = t.split(separator: ":").compactMap { Int($0) }
        guard dp.count == 3, tp.count == 3, (1...12).contains(dp[1]), (1...31).contains(dp[2]),
              (0..<24).contains(tp[0]), (0..<60).contains(tp[1]), (0..<61).contains(tp[2]) else { return nil }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        return cal.date(from: DateComponents(year: dp[0], month: dp[1], day: dp[2], hour: tp[0], minute: tp[1], second: tp[2]))
    }
}

/// Philips XLI waveform decompression: a sequence of chunks, one per lead, each an 8-byte header
/// (int32 LE compressed size, int16 unused code, int16 LE first sample) followed by that many bytes of LZW codes
/// (10-bit, most significant bit first, dictionary of 256 single bytes grown up to code 1022). The decompressed bytes
/// hold n int16 values as n high bytes followed by n low bytes; values 2… are second-difference residuals offset by 64:
/// yₖ = 2yₖ₋₁ − yₖ₋₂ − (rₖ₋₁ − 64), with the header's first sample in place of r₁ − 64.
public enum XLIDecoder {
    /// Decodes all chunks of `bytes` into one int16 array per chunk.
    /// - Throws: `ECGFormatError.truncatedData` when a chunk header or body runs past the end,
    ///   `ECGFormatError.invalidValue` when a decoded sample leaves the int16 range (corrupt data).
    public static func decode(_ bytes: [UInt8], file: String) throws -> [[Int16]] {
        var out: [[Int16]] = []
        var off = 0
        while off < bytes.count {
            guard off + 8 <= bytes.count else {
                throw ECGFormatError.truncatedData(file: file, expectedBytes: off + 8, actualBytes: bytes.count)
            }
            let size = Int(Int32(bitPattern: UInt32(bytes[off]) | UInt32(bytes[off + 1]) << 8 | UInt32(bytes[off + 2]) << 16 | UInt32(bytes[off + 3]) << 24))
            let first = Int(Int16(bitPattern: UInt16(bytes[off + 6]) | UInt16(bytes[off + 7]) << 8))
            off += 8
            guard size >= 0, size <= bytes.count - off else {
                throw ECGFormatError.truncatedData(file: file, expectedBytes: off + max(size, 0), actualBytes: bytes.count)
            }
            let plain = lzwDecode(bytes[off..<(off + size)])
            off += size
            out.append(try undelta(plain, first: first, file: file, chunk: out.count))
        }
        return out
    }

    /// LZW with fixed 10-bit codes; stops at the first code above 1022 or when fewer than 10 bits remain.
    static func lzwDecode(_ codes: ArraySlice<UInt8>) -> [UInt8] {
        let bits = 10, maxCode = (1 << bits) - 2
        var table: [[UInt8]] = (0..<256).map { [UInt8($0)] }
        table.reserveCapacity(maxCode + 1)
        var out: [UInt8] = []
        out.reserveCapacity(codes.count * 2)
        var previous: [UInt8] = []
        var acc: UInt32 = 0, accBits = 0
        var it = codes.makeIterator()
        while true {
            while accBits < bits, let b = it.next() { acc = (acc << 8) | UInt32(b); accBits += 8 }
            guard accBits >= bits else { break }
            let code = Int((acc >> UInt32(accBits - bits)) & UInt32((1 << bits) - 1))
            accBits -= bits
            acc &= (1 << UInt32(accBits)) - 1
            guard code <= maxCode else { break }
            let entry: [UInt8]
            if code < table.count {
                entry = table[code]
            } else {
                // The code being defined by this very step (the cScSc case), or a corrupt code: previous + its first byte.
                guard let f = previous.first else { break }
                entry = previous + [f]
                if code != table.count { break }
            }
            if !previous.isEmpty, table.count <= maxCode { table.append(previous + [entry[0]]) }
            previous = entry
            out.append(contentsOf: entry)
        }
        return out
    }

    static func undelta(_ plain: [UInt8], first: Int, file: String, chunk: Int) throws -> [Int16] {
        var buf = plain
        if buf.count % 2 == 1 { buf.append(0) }
        let n = buf.count / 2
        var v = (0..<n).map { Int(Int16(bitPattern: UInt16(buf[$0]) << 8 | UInt16(buf[n + $0]))) }
        guard n > 2 else { return v.map { Int16($0) } }
        var x = v[0], y = v[1], last = first
        for i in 2..<n {
            let z = 2 * y - x - last
            last = v[i] - 64
            guard let z16 = Int16(exactly: z) else {
                throw ECGFormatError.invalidValue(file: file, field: "XLI chunk \(chunk) sample \(i)", value: "\(z) (outside int16)")
            }
            v[i] = Int(z16)
            x = y; y = z
        }
        return v.map { Int16($0) }
    }
}
