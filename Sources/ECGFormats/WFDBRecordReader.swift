import Foundation

/// Options shared by the ECG readers.
public struct ECGReadOptions: Sendable {
    /// Largest data file accepted, in bytes (checked before reading). Default 512 MiB.
    public var maxFileBytes: Int = 512 << 20
    /// WFDB annotators to read (file extensions such as `"atr"`). nil: read `<record>.atr` if it exists;
    /// an explicit list requires every file to exist.
    public var wfdbAnnotators: [String]? = nil
    /// WFDB: compare the header checksums with the samples; a mismatch becomes a warning on the record
    /// (`ECGRecord.warnings`), as wfdb-python and the WFDB library read past it. Default true.
    public var verifyChecksums: Bool = true
    /// CSV: sampling rate in Hz (overrides a header comment; one of the two is required).
    public var samplingRateHz: Double? = nil
    /// CSV: unit of the values (`"mV"`, `"uV"`/`"µV"`, `"V"`); nil means the file's `# units:` comment, else mV.
    public var csvUnits: String? = nil
    /// MUSE XML: derive III, aVR, aVL, aVF from I and II when the file lacks them. Default true.
    public var deriveLimbLeads: Bool = true

    /// Default options.
    public init() {}
}

/// Reader for WFDB records (PhysioNet): a `.hea` header, its signal files and optional annotation files.
///
/// Decoded formats: 16, 61, 80, 160, 212, 24, 32. Not decoded (refused with `.unsupported`): 8, 310, 311,
/// FLAC formats 508/516/524, multi-segment records, non-zero skew, block-structured files.
/// Physical value = (digital − baseline) / gain, converted to mV from the header's unit; signals that are
/// not ECG leads by description and unit (`ECGChannelClassifier`: EEG in mV, BP, Resp, SpO2…) are left
/// out and listed in `ECGRecord.ignoredChannels` (and `notes`). Invalid sample codes (−32768 for
/// 16/61/160, −2048 for 212, −128 for 80) become NaN and are counted per lead. Frames with several samples
/// of a signal (`16x4`) are averaged to one value per frame as wfdb-python's `rdrecord` does by default
/// (digital mean truncated toward zero); a frame holding an invalid sample becomes NaN.
public enum WFDBReader {
    /// Reads the record whose header is `url` (`…/name.hea`).
    /// - Throws: `ECGFormatError` naming the header, data or annotation file and the defect.
    public static func read(url: URL, options: ECGReadOptions = .init()) throws -> ECGRecord {
        let headerName = url.lastPathComponent
        let headerData = try readFileBytes(url, maxBytes: 4 << 20)
        guard let text = String(data: headerData, encoding: .utf8) ?? String(data: headerData, encoding: .isoLatin1) else {
            throw ECGFormatError.malformedHeader(file: headerName, line: 1, reason: "not text")
        }
        let header = try WFDBHeader.parse(text, file: headerName)
        return try read(header: header, headerFile: headerName, directory: url.deletingLastPathComponent(),
                        options: options)
    }

    /// Reads the signals described by a parsed header, resolving data files in `directory`.
    public static func read(header: WFDBHeader, headerFile: String, directory: URL,
                            options: ECGReadOptions = .init()) throws -> ECGRecord {
        let nsig = header.signals.count
        guard nsig > 0 else { throw ECGFormatError.noLeads(file: headerFile) }
        var digital = [[Int32]](repeating: [], count: nsig)
        var frames: Int? = header.samplesPerSignal
        var notes: [String] = []
        var warnings: [String] = []

        // Group signals by data file, in order of first appearance.
        var groups: [(file: String, indices: [Int])] = []
        for (i, s) in header.signals.enumerated() {
            if let g = groups.firstIndex(where: { $0.file == s.fileName }) { groups[g].indices.append(i) }
            else { groups.append((s.fileName, [i])) }
        }
        for group in groups {
            let specs = group.indices.map { header.signals[$0] }
            let fmt = specs[0].format
            let dataName = group.file
            guard dataName != "~", !dataName.isEmpty else {
                throw ECGFormatError.unsupported(file: headerFile, feature: "signals without a data file ('~')")
            }
            guard !dataName.contains("/"), !dataName.contains("\\"), dataName != "..", dataName != "." else {
                throw ECGFormatError.malformedHeader(file: headerFile, line: 2, reason: "data file name '\(dataName)' is not a plain file name")
            }
            guard WFDBFormat.bitsPerSample(fmt) != nil else {
                throw ECGFormatError.unsupported(file: headerFile, feature: "signal format \(fmt) in \(dataName)")
            }
            for s in specs {
                guard s.format == fmt, s.byteOffset == specs[0].byteOffset else {
                    throw ECGFormatError.malformedHeader(file: headerFile, line: 2,
                        reason: "signals in \(dataName) disagree in format or byte offset")
                }
                if s.skew != 0 { throw ECGFormatError.unsupported(file: headerFile, feature: "skew \(s.skew) on signal '\(s.description)'") }
                if s.blockSize != 0 { throw ECGFormatError.unsupported(file: headerFile, feature: "block size \(s.blockSize) in \(dataName)") }
            }
            let spf = specs.map(\.samplesPerFrame)
            let perFrame = spf.reduce(0, +)
            let dataURL = directory.appendingPathComponent(dataName)
            let size = try fileSize(dataURL)
            let offset = specs[0].byteOffset
            guard size >= offset else {
                throw ECGFormatError.truncatedData(file: dataName, expectedBytes: offset, actualBytes: size)
            }
            let available = size - offset
            let nFrames: Int
            if let n = frames {
                // Refuse before allocating: the header's count must fit in the file.
                let (total, overflow) = n.multipliedReportingOverflow(by: perFrame)
                guard !overflow, total <= Int.max / 4 else {
                    throw ECGFormatError.tooLarge(file: headerFile, detail: "\(n) samples per signal")
                }
                let need = WFDBFormat.byteCount(samples: total, format: fmt)
                if need > available {
                    throw ECGFormatError.truncatedData(file: dataName, expectedBytes: need, actualBytes: available)
                }
                // Allow the unused half of a final 212 byte triple; anything more is a disagreement.
                let slack = fmt == 212 && total % 2 == 1 ? 1 : 0
                if available > need + slack {
                    throw ECGFormatError.lengthMismatch(file: dataName,
                        detail: "header gives \(n) samples per signal (\(need) bytes), file holds \(available) bytes")
                }
                nFrames = n
            } else {
                let samples = WFDBFormat.sampleCount(bytes: available, format: fmt)
                let used = WFDBFormat.byteCount(samples: samples, format: fmt)
                let slack = fmt == 212 && samples % 2 == 1 ? 1 : 0
                guard samples % perFrame == 0, available <= used + slack else {
                    throw ECGFormatError.lengthMismatch(file: dataName, detail: "\(available) bytes is not a whole number of frames")
                }
                nFrames = samples / perFrame
                frames = nFrames
            }
            if available > options.maxFileBytes {
                throw ECGFormatError.tooLarge(file: dataName, detail: "\(available) bytes, limit \(options.maxFileBytes)")
            }
            if let f = frames, f != nFrames {
                throw ECGFormatError.lengthMismatch(file: dataName, detail: "\(nFrames) frames, other files hold \(f)")
            }
            let data = try readFileBytes(dataURL, maxBytes: options.maxFileBytes)
            guard data.count == size else {
                throw ECGFormatError.unreadable(file: dataName, reason: "size changed while reading")
            }
            let stream = WFDBFormat.decode(data, offset: offset, count: nFrames * perFrame, format: fmt)
            // De-interleave: frame f holds spf[k] samples of each signal k in order.
            var start = 0
            for (k, sigIndex) in group.indices.enumerated() {
                var out = [Int32](repeating: 0, count: nFrames * spf[k])
                var src = start
                var dst = 0
                for _ in 0..<nFrames {
                    for j in 0..<spf[k] { out[dst + j] = stream[src + j] }
                    src += perFrame; dst += spf[k]
                }
                digital[sigIndex] = out
                start += spf[k]
            }
        }

        // Checksums over all stored samples (16-bit).
        if options.verifyChecksums {
            for (i, s) in header.signals.enumerated() {
                guard let expected = s.checksum else { continue }
                var sum: Int = 0
                for v in digital[i] { sum &+= Int(v) }
                let actual16 = Int(Int16(truncatingIfNeeded: sum))
                if actual16 & 0xFFFF != expected & 0xFFFF {
                    // A placeholder checksum (CinC 2017 writes 0) is common; the samples are still read.
                    warnings.append(ECGFormatError.checksumMismatch(file: headerFile, signal: "\(i) '\(s.description)'",
                                                                    expected: expected, actual: actual16).description
                                    + "; samples read as stored")
                }
            }
        }

        // Physical values in mV.
        var leads: [ECGLead] = []
        var ignored: [String] = []
        for (i, s) in header.signals.enumerated() {
            let label = s.description.isEmpty ? "signal \(i)" : s.description
            if case .other(let kind) = ECGChannelClassifier.classify(label: s.description, unit: s.units) {
                ignored.append(ECGChannelClassifier.describeIgnored(label: label, unit: s.units, kind: kind))
                if VoltageUnit(s.units) == nil {
                    notes.append("signal \(i) ('\(label)') left out: unit '\(s.units)' is not a voltage")
                } else {
                    notes.append("signal \(i) ('\(label)') left out: not an ECG channel (\(kind))")
                }
                continue
            }
            guard let conv = VoltageUnit(s.units) else { continue }
            guard s.adcGain.isFinite, s.adcGain != 0 else {
                throw ECGFormatError.invalidValue(file: headerFile, field: "ADC gain of signal \(i)", value: "\(s.adcGain)")
            }
            let invalid = WFDBFormat.invalidValue(s.format)
            let spf = s.samplesPerFrame
            let d = digital[i]
            let n = d.count / spf
            var samples = [Float](repeating: 0, count: n)
            let base = Double(s.baseline), gain = s.adcGain
            if spf == 1 {
                for j in 0..<n {
                    let v = d[j]
                    samples[j] = v == invalid ? .nan : Float(conv.toMillivolts((Double(v) - base) / gain))
                }
            } else {
                for j in 0..<n {
                    var acc = 0, bad = false
                    for q in 0..<spf { let v = d[j * spf + q]; if v == invalid { bad = true }; acc += Int(v) }
                    // Digital mean truncated toward zero, as wfdb-python's smooth_frames does.
                    samples[j] = bad ? .nan : Float(conv.toMillivolts((Double(acc / spf) - base) / gain))
                }
                notes.append("signal \(i) ('\(label)') has \(spf) samples per frame; averaged to one per frame")
            }
            var name = ECGLeadName.normalise(label)
            if leads.contains(where: { $0.name == name }) {
                var k = 2
                while leads.contains(where: { $0.name == "\(name)#\(k)" }) { k += 1 }
                notes.append("signal \(i): lead name \(name) repeats; named \(name)#\(k)")
                name = "\(name)#\(k)"
            }
            leads.append(ECGLead(name: name, originalLabel: s.description, samples: samples))
        }
        guard !leads.isEmpty else { throw ECGFormatError.noECGChannel(file: headerFile, channels: ignored) }
        let rhythm = try ECGWaveform(kind: .rhythm, samplingRateHz: header.samplingFrequency, leads: leads, file: headerFile)

        // Annotations.
        var annotations: [ECGAnnotation] = []
        let annotators = options.wfdbAnnotators ?? ["atr"]
        for ext in annotators {
            guard !ext.contains("/"), !ext.isEmpty else {
                throw ECGFormatError.invalidValue(file: headerFile, field: "annotator", value: ext)
            }
            let annURL = directory.appendingPathComponent("\(header.recordName).\(ext)")
            if options.wfdbAnnotators == nil, !FileManager.default.fileExists(atPath: annURL.path) { continue }
            let contents = try WFDBAnnotationFile.read(url: annURL, samplingRateHz: header.samplingFrequency,
                                                       maxBytes: options.maxFileBytes)
            annotations.append(contentsOf: contents.annotations)
            notes.append("\(contents.annotations.count) annotations read from the .\(ext) file")
        }
        annotations.sort { $0.sample < $1.sample }

        var startText: String?
        if let t = header.baseTime { startText = header.baseDate.map { "\(t) \($0)" } ?? t }
        let start = header.startDateReading()
        if let w = start.warning { warnings.append("\(headerFile): \(w)") }
        let acq = ECGAcquisitionInfo(recordID: header.recordName, startTimeText: startText,
                                     startTime: start.date, comments: header.comments)
        return ECGRecord(sourceFormat: .wfdb, sourceFile: headerFile, rhythm: rhythm, acquisition: acq,
                         annotations: annotations, notes: notes, warnings: warnings,
                         ignoredChannels: ignored)
    }
}
