import DICOM
import Foundation

/// Reader for DICOM waveform ECGs: 12-lead ECG Waveform Storage (`1.2.840.10008.5.1.4.1.1.9.1.1`) and
/// General ECG Waveform Storage (`1.2.840.10008.5.1.4.1.1.9.1.2`), Waveform module (PS3.3 C.10.9) and
/// Waveform Annotation module (PS3.3 C.10.10).
///
/// Waveforms. Each item of the Waveform Sequence (5400,0100) is a multiplex group: Number of Waveform
/// Channels × Number of Waveform Samples at one Sampling Frequency, the samples interleaved by channel in
/// Waveform Data (5400,1010) as Waveform Bits Allocated / Waveform Sample Interpretation say (8-bit SB/UB,
/// 16-bit SS/US, 32-bit SL/UL, little endian; µ-law/A-law MB/AB are refused). A group labelled (Multiplex
/// Group Label) `RHYTHM` becomes `ECGRecord.rhythm`; one labelled `MEDIAN…`/`REPRESENTATIVE…`/`AVERAGE…`
/// becomes `ECGRecord.medianBeat`. Without such labels the longest group is the rhythm and a shorter one of
/// at most 2 s the median beat; further groups are left out and named in `ECGRecord.notes`.
///
/// Physical values. Per channel, as the standard defines Channel Sensitivity, Channel Sensitivity
/// Correction Factor and Channel Baseline (the baseline is in Channel Sensitivity units, C.10.9.1.4) and as
/// pydicom's `waveform_array` computes them: value = stored × sensitivity × correction factor + baseline, in
/// Double, then converted to mV from the Channel Sensitivity Units Sequence code (UCUM `uV`, `mV`, `V`, `nV`
/// or the meaning `microvolt`…) and rounded once to Float. A missing correction factor or baseline counts
/// as 1 or 0. Samples equal to Waveform Padding Value (5400,100A) are invalid: NaN. A channel without
/// Channel Sensitivity, or whose unit is not a voltage, is left out with a note.
///
/// Lead names. From the Channel Source Sequence code: SCP-ECG `5.6.3-9-n` or MDC `2:n` (n = 1, 2, 61, 62,
/// 63, 64, 3…8 → I, II, III, aVR, aVL, aVF, V1…V6), else the code meaning or Channel Label through
/// `ECGLeadName.normalise` (with any parenthesised remark such as "(Einthoven)" dropped). `originalLabel` is
/// the Channel Label when present, else the code meaning.
///
/// Annotations (Waveform Annotation Sequence, 0040,B020). The first (M, C) pair of Referenced Waveform
/// Channels names the multiplex group M (1-based) and channel C (0 = all channels).
/// - with Referenced Sample Positions (1-based): one `ECGAnnotation` per position, `sample` = position − 1
///   in that group, `symbol` = concept code value, `meaning` = concept code meaning, `channel` = C,
///   `number` = Annotation Group Number, `subtype` = 0 when the group is the rhythm and 1 when it is the
///   median beat, `auxText` = the annotation text if any. Sorted by subtype, then sample.
/// - with Numeric Value: an `ECGMeasurement` named by the concept code meaning, unit = the Measurement Units
///   Code Sequence code value (UCUM, e.g. `ms`, `deg`), `lead` = channel C's lead name when C > 0.
/// - with Unformatted Text Value only: a machine statement (file order). A coded name (with a coded value)
///   without position or number is a statement too ("name: value").
/// Annotations the reader cannot place (time offsets, positions out of range, unknown groups) are
/// counted in the notes, never guessed at.
///
/// Errors: `ECGFormatError` naming the file (last path component) and the defect; DICOM-level defects
/// (truncation, bad lengths, unsupported transfer syntax) are `.malformedDICOM`. Memory is bounded by the
/// file size (limit `ECGReadOptions.maxFileBytes`): declared sizes are checked against Waveform Data's
/// length before anything is allocated.
public enum DICOMECGReader {
    /// SOP Class UID of 12-lead ECG Waveform Storage.
    public static let twelveLeadECGSOPClass = "1.2.840.10008.5.1.4.1.1.9.1.1"
    /// SOP Class UID of General ECG Waveform Storage.
    public static let generalECGSOPClass = "1.2.840.10008.5.1.4.1.1.9.1.2"

    /// Reads the DICOM ECG at `url`.
    /// - Throws: `ECGFormatError` naming the file and the defect.
    public static func read(url: URL, options: ECGReadOptions = .init()) throws -> ECGRecord {
        let data = try readFileBytes(url, maxBytes: options.maxFileBytes)
        return try parse([UInt8](data), file: url.lastPathComponent)
    }

    /// Parses a DICOM ECG held in memory; `file` is the name used in errors and `ECGRecord.sourceFile`.
    /// - Throws: `ECGFormatError` naming `file` and the defect.
    public static func parse(_ bytes: [UInt8], file: String) throws -> ECGRecord {
        do {
            let dcm = try DICOMFile.parse(bytes, name: file)
            var reader = Reader(file: file, notes: dcm.notes)
            return try reader.record(dcm.dataSet)
        } catch let e as DICOMError {
            let at = e.offset.map { " (at byte \($0))" } ?? ""
            throw ECGFormatError.malformedDICOM(file: file, detail: e.detail + at)
        }
    }
}

// MARK: - Tags (PS3.6), named here because the generated dictionary names only a few

private extension DICOMTag {
    static let waveformSequence = DICOMTag(0x5400, 0x0100)
    static let numberOfWaveformChannels = DICOMTag(0x003A, 0x0005)
    static let numberOfWaveformSamples = DICOMTag(0x003A, 0x0010)
    static let samplingFrequency = DICOMTag(0x003A, 0x001A)
    static let multiplexGroupLabel = DICOMTag(0x003A, 0x0020)
    static let channelDefinitionSequence = DICOMTag(0x003A, 0x0200)
    static let channelLabel = DICOMTag(0x003A, 0x0203)
    static let channelSourceSequence = DICOMTag(0x003A, 0x0208)
    static let channelSensitivity = DICOMTag(0x003A, 0x0210)
    static let channelSensitivityUnitsSequence = DICOMTag(0x003A, 0x0211)
    static let channelSensitivityCorrectionFactor = DICOMTag(0x003A, 0x0212)
    static let channelBaseline = DICOMTag(0x003A, 0x0213)
    static let waveformBitsAllocated = DICOMTag(0x5400, 0x1004)
    static let waveformSampleInterpretation = DICOMTag(0x5400, 0x1006)
    static let waveformPaddingValue = DICOMTag(0x5400, 0x100A)
    static let waveformData = DICOMTag(0x5400, 0x1010)
    static let codeValue = DICOMTag(0x0008, 0x0100)
    static let codingSchemeDesignator = DICOMTag(0x0008, 0x0102)
    static let codeMeaning = DICOMTag(0x0008, 0x0104)
    static let waveformAnnotationSequence = DICOMTag(0x0040, 0xB020)
    static let unformattedTextValue = DICOMTag(0x0070, 0x0006)
    static let conceptNameCodeSequence = DICOMTag(0x0040, 0xA043)
    static let conceptCodeSequence = DICOMTag(0x0040, 0xA168)
    static let numericValue = DICOMTag(0x0040, 0xA30A)
    static let measurementUnitsCodeSequence = DICOMTag(0x0040, 0x08EA)
    static let referencedWaveformChannels = DICOMTag(0x0040, 0xA0B0)
    static let referencedSamplePositions = DICOMTag(0x0040, 0xA132)
    static let referencedTimeOffsets = DICOMTag(0x0040, 0xA138)
    static let referencedDateTime = DICOMTag(0x0040, 0xA13A)
    static let annotationGroupNumber = DICOMTag(0x0040, 0xA180)
    static let acquisitionDateTime = DICOMTag(0x0008, 0x002A)
    static let contentDate = DICOMTag(0x0008, 0x0023)
    static let contentTime = DICOMTag(0x0008, 0x0033)
    static let softwareVersions = DICOMTag(0x0018, 0x1020)
    static let patientID = DICOMTag(0x0010, 0x0020)
}

/// A coded entry (Code Sequence Macro): value, scheme, meaning; any may be absent.
private struct Code {
    var value: String?
    var scheme: String?
    var meaning: String?

    init?(_ items: [DICOMDataSet]?) throws {
        guard let item = items?.first else { return nil }
        value = try item.string(.codeValue)
        scheme = try item.string(.codingSchemeDesignator)
        meaning = try item.string(.codeMeaning)
    }
}

/// One multiplex group's header, validated, before its samples are decoded.
private struct GroupHeader {
    var index: Int
    var label: String
    var channels: Int
    var samples: Int
    var rate: Double
    var duration: Double { Double(samples) / rate }
}

/// A decoded multiplex group.
private struct DecodedGroup {
    var waveform: ECGWaveform
    /// Lead name per channel (1-based channel c at index c − 1); nil for channels left out.
    var channelLeads: [String?]
}

private struct Reader {
    let file: String
    var notes: [String]
    /// Rhythm-group channels that are not ECG leads ("label (unit): kind").
    var ignored: [String] = []
    private var decodingRhythm = false

    init(file: String, notes: [String]) {
        self.file = file
        self.notes = notes
    }

    mutating func record(_ ds: DICOMDataSet) throws -> ECGRecord {
        if let sop = try ds.string(.sopClassUID) {
            guard sop == DICOMECGReader.twelveLeadECGSOPClass || sop == DICOMECGReader.generalECGSOPClass else {
                throw ECGFormatError.unsupported(
                    file: file, feature: "DICOM SOP class \(sop.prefix(64)) (only 12-lead ECG and General ECG waveforms are read)")
            }
        } else {
            notes.append("no SOP Class UID (0008,0016): read as an ECG waveform")
        }
        guard let groups = try ds.sequence(.waveformSequence) else {
            throw ECGFormatError.malformedDICOM(file: file, detail: "no Waveform Sequence (5400,0100)")
        }
        guard !groups.isEmpty else {
            throw ECGFormatError.malformedDICOM(file: file, detail: "Waveform Sequence (5400,0100) has no item")
        }
        let headers = try groups.enumerated().map { try header($0.element, index: $0.offset) }
        let (rhythmIndex, medianIndex) = classify(headers)
        for h in headers where h.index != rhythmIndex && h.index != medianIndex {
            notes.append("multiplex group \(h.index + 1) ('\(h.label.prefix(32))', \(h.samples) samples) left out")
        }
        decodingRhythm = true
        let rhythm = try decode(groups[rhythmIndex], headers[rhythmIndex], kind: .rhythm)
        decodingRhythm = false
        var median = try medianIndex.map { try decode(groups[$0], headers[$0], kind: .medianBeat) }
        guard !rhythm.waveform.leads.isEmpty else {
            throw ignored.isEmpty ? ECGFormatError.noLeads(file: file) : ECGFormatError.noECGChannel(file: file, channels: ignored)
        }
        if let m = median, m.waveform.leads.isEmpty {
            notes.append("median-beat group has no voltage channel: left out")
            median = nil
        }

        var decoded: [Int: DecodedGroup] = [rhythmIndex: rhythm]
        let medianRead = median == nil ? nil : medianIndex
        if let medianRead, let median { decoded[medianRead] = median }
        var out = Annotations()
        if let items = try ds.sequence(.waveformAnnotationSequence) {
            for item in items { try annotation(item, groups: decoded, medianIndex: medianRead, into: &out) }
        }
        for (reason, n) in out.skipped.sorted(by: { $0.key < $1.key }) {
            notes.append("\(n) waveform annotation(s) not read: \(reason)")
        }
        out.annotations.sort { ($0.subtype, $0.sample) < ($1.subtype, $1.sample) }
        return ECGRecord(sourceFormat: .dicom, sourceFile: file, rhythm: rhythm.waveform,
                         medianBeat: median?.waveform, acquisition: try acquisition(ds),
                         machineStatements: out.statements, measurements: out.measurements,
                         annotations: out.annotations, notes: notes, ignoredChannels: ignored)
    }

    // MARK: Waveforms

    private func header(_ g: DICOMDataSet, index: Int) throws -> GroupHeader {
        let where_ = "multiplex group \(index + 1)"
        guard let channels = try g.int(.numberOfWaveformChannels) else {
            throw ECGFormatError.malformedDICOM(file: file, detail: "\(where_): no Number of Waveform Channels (003A,0005)")
        }
        guard let samples = try g.int(.numberOfWaveformSamples) else {
            throw ECGFormatError.malformedDICOM(file: file, detail: "\(where_): no Number of Waveform Samples (003A,0010)")
        }
        guard channels > 0 else {
            throw ECGFormatError.invalidValue(file: file, field: "\(where_) Number of Waveform Channels", value: "\(channels)")
        }
        guard samples > 0 else {
            throw ECGFormatError.invalidValue(file: file, field: "\(where_) Number of Waveform Samples", value: "\(samples)")
        }
        guard let rate = try g.double(.samplingFrequency) else {
            throw ECGFormatError.missingSamplingRate(file: file)
        }
        guard rate.isFinite, rate > 0 else {
            throw ECGFormatError.invalidValue(file: file, field: "\(where_) Sampling Frequency (003A,001A)", value: "\(rate)")
        }
        return GroupHeader(index: index, label: try g.string(.multiplexGroupLabel) ?? "",
                           channels: channels, samples: samples, rate: rate)
    }

    /// Picks the rhythm group and the median-beat group (by label, else by duration).
    private mutating func classify(_ headers: [GroupHeader]) -> (Int, Int?) {
        func kind(_ label: String) -> ECGWaveformKind? {
            let l = label.uppercased()
            if l.contains("RHYTHM") { return .rhythm }
            if l.contains("MEDIAN") || l.contains("REPRESENTATIVE") || l.contains("AVERAGE") { return .medianBeat }
            return nil
        }
        var rhythm = headers.first { kind($0.label) == .rhythm }?.index
        var median = headers.first { kind($0.label) == .medianBeat }?.index
        let unlabelled = headers.filter { kind($0.label) == nil }
        if rhythm == nil {
            // The longest group (first of equals) that is not the labelled median beat.
            let candidates = headers.filter { $0.index != median }
            rhythm = candidates.max { $0.duration < $1.duration || ($0.duration == $1.duration && $0.index > $1.index) }?.index
            if let r = rhythm { notes.append("multiplex group \(r + 1) taken as the rhythm strip (longest group)") }
        }
        if rhythm == nil, let m = median {  // only a median beat: nothing else to read
            rhythm = m
            median = nil
            notes.append("only a median-beat group: read as the rhythm waveform")
        }
        let r = rhythm ?? 0
        if median == nil {
            let rd = headers[r].duration
            if let m = unlabelled.first(where: { $0.index != r && $0.duration <= 2.0 && $0.duration < rd }) {
                median = m.index
                notes.append("multiplex group \(m.index + 1) taken as the median beat (\(m.samples) samples, at most 2 s)")
            }
        }
        return (r, median)
    }

    private mutating func decode(_ g: DICOMDataSet, _ h: GroupHeader, kind: ECGWaveformKind) throws -> DecodedGroup {
        let where_ = "multiplex group \(h.index + 1)"
        guard let bits = try g.int(.waveformBitsAllocated) else {
            throw ECGFormatError.malformedDICOM(file: file, detail: "\(where_): no Waveform Bits Allocated (5400,1004)")
        }
        guard let interp = try g.string(.waveformSampleInterpretation) else {
            throw ECGFormatError.malformedDICOM(file: file, detail: "\(where_): no Waveform Sample Interpretation (5400,1006)")
        }
        let signed: Bool
        let size: Int
        switch interp {
        case "SB": (signed, size) = (true, 1)
        case "UB": (signed, size) = (false, 1)
        case "SS": (signed, size) = (true, 2)
        case "US": (signed, size) = (false, 2)
        case "SL": (signed, size) = (true, 4)
        case "UL": (signed, size) = (false, 4)
        case "MB", "AB":
            throw ECGFormatError.unsupported(file: file, feature: "\(where_): µ-law/A-law samples (interpretation \(interp))")
        default:
            throw ECGFormatError.unsupported(
                file: file, feature: "\(where_): Waveform Sample Interpretation '\(interp.prefix(16))' (SB, UB, SS, US, SL, UL are read)")
        }
        guard bits == size * 8 else {
            throw ECGFormatError.invalidValue(
                file: file, field: "\(where_) Waveform Bits Allocated (5400,1004)",
                value: "\(bits) with sample interpretation \(interp) (needs \(size * 8))")
        }
        guard let data = g.bytes(.waveformData) else {
            throw ECGFormatError.malformedDICOM(file: file, detail: "\(where_): no Waveform Data (5400,1010)")
        }
        // Declared size, overflow-checked, against the data (an odd length may carry one padding byte).
        let (cs, o1) = h.channels.multipliedReportingOverflow(by: h.samples)
        let (expected, o2) = cs.multipliedReportingOverflow(by: size)
        guard !o1, !o2 else {
            throw ECGFormatError.tooLarge(file: file, detail: "\(where_): \(h.channels) channels × \(h.samples) samples")
        }
        guard data.count == expected || (expected % 2 == 1 && data.count == expected + 1) else {
            throw ECGFormatError.lengthMismatch(
                file: file,
                detail: "\(where_): \(h.channels) channels × \(h.samples) samples × \(size) bytes = \(expected) bytes, Waveform Data (5400,1010) has \(data.count)")
        }
        guard let defs = try g.sequence(.channelDefinitionSequence) else {
            throw ECGFormatError.malformedDICOM(file: file, detail: "\(where_): no Channel Definition Sequence (003A,0200)")
        }
        guard defs.count == h.channels else {
            throw ECGFormatError.lengthMismatch(
                file: file, detail: "\(where_): \(h.channels) channels declared, Channel Definition Sequence (003A,0200) has \(defs.count) items")
        }
        let padding: Int64? = try g.bytes(.waveformPaddingValue).flatMap { b in
            guard b.count >= size else {
                throw ECGFormatError.invalidValue(file: file, field: "\(where_) Waveform Padding Value (5400,100A)", value: "\(b.count) bytes")
            }
            return sample(b, at: b.startIndex, size: size, signed: signed)
        }

        var leads: [ECGLead] = []
        var channelLeads: [String?] = []
        for (c, def) in defs.enumerated() {
            let chWhere = "\(where_) channel \(c + 1)"
            let label = try def.string(.channelLabel)
            let source = try Code(def.sequence(.channelSourceSequence))
            let original = label ?? source?.meaning ?? source?.value ?? "channel \(c + 1)"
            let name = leadName(source: source, label: label) ?? ECGLeadName.normalise(original)
            guard let sensitivity = try def.double(.channelSensitivity) else {
                notes.append("\(chWhere) (\(name)): no Channel Sensitivity, left out")
                channelLeads.append(nil)
                continue
            }
            guard sensitivity.isFinite, sensitivity != 0 else {
                throw ECGFormatError.invalidValue(file: file, field: "\(chWhere) Channel Sensitivity (003A,0210)", value: "\(sensitivity)")
            }
            guard let unitCode = try Code(def.sequence(.channelSensitivityUnitsSequence)) else {
                throw ECGFormatError.malformedDICOM(file: file, detail: "\(chWhere): Channel Sensitivity without Channel Sensitivity Units Sequence (003A,0211)")
            }
            guard let unit = unitCode.value.flatMap(VoltageUnit.init) ?? unitCode.meaning.flatMap(VoltageUnit.init) else {
                notes.append("\(chWhere) (\(name)): unit '\((unitCode.value ?? unitCode.meaning ?? "").prefix(16))' is not a voltage, left out")
                if decodingRhythm {
                    ignored.append(ECGChannelClassifier.describeIgnored(label: String(original.prefix(32)),
                        unit: String((unitCode.value ?? unitCode.meaning ?? "").prefix(16)), kind: "non-voltage signal"))
                }
                channelLeads.append(nil)
                continue
            }
            if leadName(source: source, label: label) == nil,
               case .other(let kind) = ECGChannelClassifier.classify(label: original, unit: unitCode.value ?? unitCode.meaning) {
                notes.append("\(chWhere) (\(name)): not an ECG channel (\(kind)), left out")
                if decodingRhythm {
                    ignored.append(ECGChannelClassifier.describeIgnored(label: String(original.prefix(32)), unit: unitCode.value, kind: kind))
                }
                channelLeads.append(nil)
                continue
            }
            let correction = try def.double(.channelSensitivityCorrectionFactor) ?? 1
            guard correction.isFinite, correction != 0 else {
                throw ECGFormatError.invalidValue(file: file, field: "\(chWhere) Channel Sensitivity Correction Factor (003A,0212)", value: "\(correction)")
            }
            let baseline = try def.double(.channelBaseline) ?? 0
            guard baseline.isFinite else {
                throw ECGFormatError.invalidValue(file: file, field: "\(chWhere) Channel Baseline (003A,0213)", value: "\(baseline)")
            }
            var values = [Float](repeating: 0, count: h.samples)
            var at = data.startIndex + c * size
            let stride = h.channels * size
            for s in 0..<h.samples {
                let stored = sample(data, at: at, size: size, signed: signed)
                if let padding, stored == padding {
                    values[s] = .nan
                } else {
                    values[s] = Float(unit.toMillivolts(Double(stored) * sensitivity * correction + baseline))
                }
                at += stride
            }
            leads.append(ECGLead(name: name, originalLabel: original, samples: values))
            channelLeads.append(name)
        }
        let w = try ECGWaveform(kind: kind, samplingRateHz: h.rate, leads: leads, file: file)
        return DecodedGroup(waveform: w, channelLeads: channelLeads)
    }

    /// One little-endian sample of `size` bytes at `at`.
    @inline(__always)
    private func sample(_ b: ArraySlice<UInt8>, at: Int, size: Int, signed: Bool) -> Int64 {
        switch size {
        case 1: return signed ? Int64(Int8(bitPattern: b[at])) : Int64(b[at])
        case 2:
            let u = UInt16(b[at]) | UInt16(b[at + 1]) << 8
            return signed ? Int64(Int16(bitPattern: u)) : Int64(u)
        default:
            let u = UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
            return signed ? Int64(Int32(bitPattern: u)) : Int64(u)
        }
    }

    /// Standard lead name from an SCP-ECG (`5.6.3-9-n`) or MDC (`2:n`) code, else from the code meaning or
    /// the channel label; nil when none is recognised.
    private func leadName(source: Code?, label: String?) -> String? {
        if let v = source?.value {
            var n: Int?
            if v.hasPrefix("5.6.3-9-") { n = Int(v.dropFirst(8)) } else if v.hasPrefix("2:") { n = Int(v.dropFirst(2)) }
            let byNumber: [Int: String] = [1: "I", 2: "II", 61: "III", 62: "aVR", 63: "aVL", 64: "aVF",
                                           3: "V1", 4: "V2", 5: "V3", 6: "V4", 7: "V5", 8: "V6"]
            if let n, let name = byNumber[n] { return name }
        }
        for text in [source?.meaning, label].compactMap({ $0 }) {
            // "Lead I (Einthoven)" → "Lead I"
            let core = text.split(separator: "(", maxSplits: 1).first.map(String.init) ?? text
            let name = ECGLeadName.normalise(core)
            if name != core.trimmingCharacters(in: .whitespacesAndNewlines) || ECGLeadName.standard12.contains(name) {
                return name
            }
        }
        return nil
    }

    // MARK: Annotations

    private struct Annotations {
        var statements: [String] = []
        var measurements: [ECGMeasurement] = []
        var annotations: [ECGAnnotation] = []
        var skipped: [String: Int] = [:]
    }

    private func annotation(_ item: DICOMDataSet, groups: [Int: DecodedGroup], medianIndex: Int?,
                            into out: inout Annotations) throws {
        let text = try item.string(.unformattedTextValue)
        let name = try Code(item.sequence(.conceptNameCodeSequence))
        let value = try Code(item.sequence(.conceptCodeSequence))
        let numeric = try item.double(.numericValue)
        let positions = try item.doubles(.referencedSamplePositions) ?? []
        let refs = try item.doubles(.referencedWaveformChannels) ?? []
        let groupNumber = try item.int(.annotationGroupNumber) ?? 0
        // First (M, C) pair: multiplex group M (1-based), channel C (0 = all).
        var groupIndex: Int?
        var channel = 0
        if refs.count >= 2, (1...65535).contains(refs[0]), (0...65535).contains(refs[1]) {
            groupIndex = Int(refs[0]) - 1
            channel = Int(refs[1])
        }
        let group = groupIndex.flatMap { groups[$0] }
        var lead: String?
        if let group, channel >= 1, channel <= group.channelLeads.count { lead = group.channelLeads[channel - 1] }

        if !positions.isEmpty {
            guard let groupIndex else { out.skipped["sample positions without a referenced multiplex group", default: 0] += 1; return }
            guard let group else { out.skipped["sample positions in a multiplex group that was not read", default: 0] += 1; return }
            let n = group.waveform.sampleCount
            let rate = group.waveform.samplingRateHz
            for p in positions {
                guard p >= 1, p <= Double(n), p == p.rounded() else {
                    out.skipped["sample position outside its multiplex group", default: 0] += 1
                    continue
                }
                let s = Int(p) - 1
                out.annotations.append(ECGAnnotation(
                    sample: s, timeSeconds: Double(s) / rate, code: nil,
                    symbol: name?.value ?? name?.meaning ?? "text", meaning: name?.meaning ?? text,
                    subtype: groupIndex == medianIndex ? 1 : 0, channel: channel, number: groupNumber,
                    auxText: text))
            }
            return
        }
        if item.contains(.referencedTimeOffsets) || item.contains(.referencedDateTime) {
            out.skipped["time offsets or date-times instead of sample positions", default: 0] += 1
            return
        }
        if let numeric {
            guard numeric.isFinite else { out.skipped["numeric value not finite", default: 0] += 1; return }
            let units = try Code(item.sequence(.measurementUnitsCodeSequence))
            out.measurements.append(ECGMeasurement(
                name: name?.meaning ?? name?.value ?? "measurement", value: numeric,
                unit: units?.value ?? units?.meaning ?? "", lead: lead))
            return
        }
        if let text { out.statements.append(text); return }
        if let n = name?.meaning ?? name?.value {
            if let v = value?.meaning ?? value?.value { out.statements.append("\(n): \(v)") } else { out.statements.append(n) }
            return
        }
        out.skipped["no text, code or number", default: 0] += 1
    }

    // MARK: Acquisition

    private func acquisition(_ ds: DICOMDataSet) throws -> ECGAcquisitionInfo {
        var start = try ds.string(.acquisitionDateTime)
        if start == nil, let d = try ds.string(.contentDate) {
            start = d + (try ds.string(.contentTime) ?? "")
        }
        let device = try [ds.string(.manufacturer), ds.string(.manufacturerModelName), ds.string(.softwareVersions)]
            .compactMap { $0 }.joined(separator: " ")
        return ECGAcquisitionInfo(recordID: try ds.string(.sopInstanceUID), patientID: try ds.string(.patientID),
                                  startTimeText: start, startTime: start.flatMap(HL7aECGReader.parseTS),
                                  device: device.isEmpty ? nil : device)
    }
}
