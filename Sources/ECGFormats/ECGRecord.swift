import Foundation

// The shared in-memory ECG every Vigil ECG reader returns (WFDB, CSV, GE MUSE XML, HL7 aECG, and the
// DICOM waveform reader). Conventions, all readers alike:
//
// - Amplitudes are in millivolts (mV), stored as Float. Readers convert from the file's unit (µV, V, …).
// - Invalid/missing samples (WFDB's invalid codes, CSV "NaN" cells) are Float.nan and counted per lead in
//   `ECGWaveform.invalidSampleCounts`; a reader never replaces them by a guess.
// - Within one waveform every lead has the same number of samples, at the waveform's sampling rate.
//   A file whose leads disagree in length is refused (`ECGFormatError.unequalLeadLengths`), never padded
//   or cut.
// - Identifiers (patient id, record id, names) are carried as given by the file and treated as PHI:
//   `description` and `ECGRecordSummary` (by default) leave them out, so logging a record is safe.

/// What a waveform represents.
public enum ECGWaveformKind: String, Codable, Sendable, Equatable {
    /// A continuous recording (the rhythm strip of a resting ECG, a Holter/MIT-BIH record).
    case rhythm
    /// A representative (median or average) beat computed by the acquiring device.
    case medianBeat
}

/// One lead of a waveform.
public struct ECGLead: Codable, Sendable, Equatable {
    /// Standard lead name when recognised (`I`, `II`, `III`, `aVR`, `aVL`, `aVF`, `V1`…`V6`, and common
    /// extra leads such as `MLII`, `MLI`, `MLIII`, `V3R`, `V4R`, `X`, `Y`, `Z`); otherwise the file's label,
    /// trimmed. See `ECGLeadName.normalise(_:)`.
    public var name: String
    /// The lead's label exactly as the file gives it (e.g. `"MDC_ECG_LEAD_AVR"`, `"avr"`, `"ECG1"`).
    public var originalLabel: String
    /// Samples in mV, `sampleCount` of them; `Float.nan` marks an invalid sample.
    public var samples: [Float]
    /// True when the reader computed this lead from others instead of reading it (e.g. MUSE stores only
    /// I, II, V1–V6; III, aVR, aVL, aVF are derived). `derivation` says how.
    public var isDerived: Bool
    /// The formula used for a derived lead, e.g. `"III = II - I"`; nil for recorded leads.
    public var derivation: String?

    /// Creates a lead. `samples` are in mV.
    public init(name: String, originalLabel: String, samples: [Float], isDerived: Bool = false,
                derivation: String? = nil) {
        self.name = name
        self.originalLabel = originalLabel
        self.samples = samples
        self.isDerived = isDerived
        self.derivation = derivation
    }
}

/// A set of leads sampled together at one rate: the rhythm strip or the median beat.
public struct ECGWaveform: Codable, Sendable, Equatable {
    /// Rhythm strip or representative beat.
    public var kind: ECGWaveformKind
    /// Samples per second per lead (Hz).
    public var samplingRateHz: Double
    /// The leads, in file order (derived leads appended after the recorded ones).
    public var leads: [ECGLead]
    /// Number of invalid samples (stored as NaN) per lead name; leads without invalid samples are absent.
    public var invalidSampleCounts: [String: Int]

    /// Creates a waveform; `file` names the source for the error.
    /// - Throws: `ECGFormatError.unequalLeadLengths` when the leads differ in length,
    ///   `ECGFormatError.invalidValue` when the rate is not a positive finite number.
    public init(kind: ECGWaveformKind, samplingRateHz: Double, leads: [ECGLead], file: String = "<memory>") throws {
        guard samplingRateHz.isFinite, samplingRateHz > 0 else {
            throw ECGFormatError.invalidValue(file: file, field: "sampling rate", value: "\(samplingRateHz)")
        }
        if let first = leads.first, leads.contains(where: { $0.samples.count != first.samples.count }) {
            let desc = leads.map { "\($0.name)=\($0.samples.count)" }.joined(separator: ", ")
            throw ECGFormatError.unequalLeadLengths(file: file, detail: desc)
        }
        self.kind = kind
        self.samplingRateHz = samplingRateHz
        self.leads = leads
        var counts: [String: Int] = [:]
        for lead in leads {
            let n = lead.samples.reduce(0) { $0 + ($1.isNaN ? 1 : 0) }
            if n > 0 { counts[lead.name, default: 0] += n }
        }
        self.invalidSampleCounts = counts
    }

    /// Samples per lead (0 for a waveform without leads).
    public var sampleCount: Int { leads.first?.samples.count ?? 0 }
    /// Duration in seconds: `sampleCount / samplingRateHz`.
    public var durationSeconds: Double { Double(sampleCount) / samplingRateHz }
    /// The lead with the given standard name (case-insensitive), if present.
    public func lead(named name: String) -> ECGLead? {
        let want = ECGLeadName.normalise(name).lowercased()
        return leads.first { $0.name.lowercased() == want }
    }
}

/// A measurement the acquiring device or file reports (interval, rate, axis, amplitude…).
public struct ECGMeasurement: Codable, Sendable, Equatable {
    /// The name as the file gives it (e.g. `"QRSDuration"`, `"MDC_ECG_TIME_PD_QRS"`).
    public var name: String
    /// The numeric value in `unit`.
    public var value: Double
    /// The unit as given or documented by the format (e.g. `"ms"`, `"bpm"`, `"deg"`, `"mV"`).
    public var unit: String
    /// The lead it refers to, when lead-specific.
    public var lead: String?

    /// Creates a measurement.
    public init(name: String, value: Double, unit: String, lead: String? = nil) {
        self.name = name; self.value = value; self.unit = unit; self.lead = lead
    }
}

/// A beat, rhythm or other annotation at one sample.
public struct ECGAnnotation: Codable, Sendable, Equatable {
    /// Sample index (0-based, at the annotation's own rate, normally the record's sampling rate).
    public var sample: Int
    /// Time from the start of the record in seconds (`sample / rate`).
    public var timeSeconds: Double
    /// Numeric code in the file's vocabulary (MIT/WFDB annotation code 1…49 for WFDB), nil if none.
    public var code: Int?
    /// The file's own symbol: MIT symbols such as `N`, `V`, `A`, `+` (rhythm change), `~` (noise).
    public var symbol: String
    /// Human-readable meaning of the symbol where known (e.g. "Normal beat").
    public var meaning: String?
    /// Annotation subtype (WFDB `subtyp`), 0 when absent.
    public var subtype: Int
    /// Signal/channel the annotation refers to (WFDB `chan`), 0 when absent.
    public var channel: Int
    /// WFDB `num` field, 0 when absent.
    public var number: Int
    /// Auxiliary text, e.g. `"(AFIB"` on a rhythm change; nil when absent.
    public var auxText: String?

    /// Creates an annotation.
    public init(sample: Int, timeSeconds: Double, code: Int?, symbol: String, meaning: String? = nil,
                subtype: Int = 0, channel: Int = 0, number: Int = 0, auxText: String? = nil) {
        self.sample = sample; self.timeSeconds = timeSeconds; self.code = code; self.symbol = symbol
        self.meaning = meaning; self.subtype = subtype; self.channel = channel; self.number = number
        self.auxText = auxText
    }

    /// True for MIT beat annotations (codes N, L, R, a, V, F, J, A, S, E, j, /, Q, e, n, f, r, B).
    public var isBeat: Bool { MITAnnotationCode.beatCodes.contains(code ?? -1) }
    /// True for rhythm changes (`+`, MIT code 28); the rhythm is in `auxText`, e.g. `"(AFIB"`.
    public var isRhythmChange: Bool { code == 28 }
}

/// Acquisition and identification data, as given by the file. Identifiers are pseudonymous at best:
/// never log them (`ECGRecord.description` leaves them out).
public struct ECGAcquisitionInfo: Codable, Sendable, Equatable {
    /// The record's own identifier (WFDB record name, MUSE/aECG id). PHI-grade: do not log.
    public var recordID: String?
    /// Patient identifier as given by the file. PHI: do not log.
    public var patientID: String?
    /// Acquisition start, as the file writes it (e.g. `"19:35:00 12/03/1980"`, `"20130812093000"`).
    public var startTimeText: String?
    /// Acquisition start parsed, when the text could be parsed unambiguously (UTC unless the file says).
    public var startTime: Date?
    /// Acquisition device (model, software) as given.
    public var device: String?
    /// Free-text comments from the file (WFDB `#` lines, etc.). May hold PHI: do not log.
    public var comments: [String]

    /// Creates acquisition info.
    public init(recordID: String? = nil, patientID: String? = nil, startTimeText: String? = nil,
                startTime: Date? = nil, device: String? = nil, comments: [String] = []) {
        self.recordID = recordID; self.patientID = patientID; self.startTimeText = startTimeText
        self.startTime = startTime; self.device = device; self.comments = comments
    }
}

/// Which reader produced a record.
public enum ECGSourceFormat: String, Codable, Sendable, Equatable {
    /// PhysioNet WFDB record (`.hea` + signal files, optional annotation files).
    case wfdb
    /// Delimited text, one column per lead.
    case csv
    /// GE MUSE resting ECG XML (`RestingECG`).
    case museXML
    /// GE CardioSoft resting ECG XML (`CardiologyXML`, as UK Biobank distributes it).
    case cardioSoftXML
    /// HL7 v3 annotated ECG (`AnnotatedECG`).
    case hl7aECG
    /// PLUX OpenSignals text export (BITalino).
    case openSignals
    /// DICOM waveform (12-lead and General ECG Waveform Storage), read by `DICOMECGReader`.
    case dicom
    /// Philips SierraECG / PhilipsECG XML 1.03–1.04 (`restingecgdata`), read by `PhilipsXMLReader`.
    case philipsXML
}

/// An ECG as read from one file: the rhythm strip, optionally a median beat, and what the file says about it.
///
/// `Codable`: note that JSON cannot hold NaN, so encoding a record with invalid samples needs a
/// `JSONEncoder.nonConformingFloatEncodingStrategy` (or use `leadsMatrix()` + `summary()` instead).
/// Identifiers in `acquisition` are PHI-grade: `description` and `summary()` leave them out.
public struct ECGRecord: Codable, Sendable, Equatable {
    /// The format the record was read from.
    public var sourceFormat: ECGSourceFormat
    /// The file the record came from (last path component only, no directories).
    public var sourceFile: String
    /// The continuous recording (kind `.rhythm`). Leads in mV.
    public var rhythm: ECGWaveform
    /// The representative beat, when the file carries one (kind `.medianBeat`).
    public var medianBeat: ECGWaveform?
    /// Acquisition metadata and identifiers (PHI: never log).
    public var acquisition: ECGAcquisitionInfo
    /// The device's interpretive statements in file order (e.g. "Sinus rhythm"). Not a diagnosis.
    public var machineStatements: [String]
    /// The device's global or per-lead measurements.
    public var measurements: [ECGMeasurement]
    /// Beat, rhythm and other annotations, sorted by sample.
    public var annotations: [ECGAnnotation]
    /// Things the reader noticed and did not treat as errors (signals skipped because they are not
    /// voltages, derived leads, ignored fields). No PHI.
    public var notes: [String]
    /// Defects the reader found in the file and read past, as wfdb-python and the WFDB library do
    /// (a header checksum that disagrees with the samples, a start date/time that does not parse).
    /// The samples were read; a user should see these (`vigil ecg convert|score` print them). No PHI.
    public var warnings: [String]
    /// Channels present in the file that are not ECG leads (EEG, blood pressure, respiration, SpO2…),
    /// left out of `rhythm`: "label (unit)" in file order. Empty when every channel is a lead.
    public var ignoredChannels: [String]

    /// Creates a record.
    public init(sourceFormat: ECGSourceFormat, sourceFile: String, rhythm: ECGWaveform,
                medianBeat: ECGWaveform? = nil, acquisition: ECGAcquisitionInfo = .init(),
                machineStatements: [String] = [], measurements: [ECGMeasurement] = [],
                annotations: [ECGAnnotation] = [], notes: [String] = [], warnings: [String] = [],
                ignoredChannels: [String] = []) {
        self.sourceFormat = sourceFormat; self.sourceFile = sourceFile; self.rhythm = rhythm
        self.medianBeat = medianBeat; self.acquisition = acquisition
        self.machineStatements = machineStatements; self.measurements = measurements
        self.annotations = annotations; self.notes = notes; self.warnings = warnings
        self.ignoredChannels = ignoredChannels
    }

    private enum CodingKeys: String, CodingKey {
        case sourceFormat, sourceFile, rhythm, medianBeat, acquisition, machineStatements, measurements
        case annotations, notes, warnings, ignoredChannels
    }

    /// Decodes a record; `warnings` and `ignoredChannels` may be absent (records encoded before they existed).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sourceFormat = try c.decode(ECGSourceFormat.self, forKey: .sourceFormat)
        sourceFile = try c.decode(String.self, forKey: .sourceFile)
        rhythm = try c.decode(ECGWaveform.self, forKey: .rhythm)
        medianBeat = try c.decodeIfPresent(ECGWaveform.self, forKey: .medianBeat)
        acquisition = try c.decode(ECGAcquisitionInfo.self, forKey: .acquisition)
        machineStatements = try c.decode([String].self, forKey: .machineStatements)
        measurements = try c.decode([ECGMeasurement].self, forKey: .measurements)
        annotations = try c.decode([ECGAnnotation].self, forKey: .annotations)
        notes = try c.decode([String].self, forKey: .notes)
        warnings = try c.decodeIfPresent([String].self, forKey: .warnings) ?? []
        ignoredChannels = try c.decodeIfPresent([String].self, forKey: .ignoredChannels) ?? []
    }

    /// The rhythm leads as one row-major matrix: `samples[l * n + i]` is lead `l`, sample `i`, in mV,
    /// with `n = rhythm.sampleCount`; shape leads × samples.
    public func leadsMatrix() -> (leads: [String], samples: [Float]) {
        var out: [Float] = []
        out.reserveCapacity(rhythm.leads.count * rhythm.sampleCount)
        for lead in rhythm.leads { out.append(contentsOf: lead.samples) }
        return (rhythm.leads.map(\.name), out)
    }

    /// A JSON-ready summary for `vigil ecg convert`. Identifiers are left out unless `includeIdentifiers`.
    public func summary(includeIdentifiers: Bool = false) -> ECGRecordSummary {
        ECGRecordSummary(record: self, includeIdentifiers: includeIdentifiers)
    }
}

extension ECGRecord: CustomStringConvertible {
    /// A one-line description without identifiers, comments or statements (safe to log).
    public var description: String {
        let leads = rhythm.leads.map(\.name).joined(separator: ",")
        let median = medianBeat.map { ", median beat \($0.sampleCount) samples" } ?? ""
        return "ECGRecord(\(sourceFormat.rawValue), \(rhythm.leads.count) leads [\(leads)], "
            + "\(rhythm.sampleCount) samples at \(rhythm.samplingRateHz) Hz\(median), "
            + "\(annotations.count) annotations)"
    }
}

/// Metadata of a record without samples, for the JSON written next to converted files.
public struct ECGRecordSummary: Codable, Sendable, Equatable {
    /// Per-waveform facts.
    public struct Waveform: Codable, Sendable, Equatable {
        /// Rhythm or median beat.
        public var kind: ECGWaveformKind
        /// Sampling rate in Hz.
        public var samplingRateHz: Double
        /// Samples per lead.
        public var sampleCount: Int
        /// Duration in seconds.
        public var durationSeconds: Double
        /// Standard lead names in matrix order.
        public var leads: [String]
        /// Original labels, same order.
        public var originalLabels: [String]
        /// Names of derived leads.
        public var derivedLeads: [String]
        /// Invalid (NaN) sample counts per lead.
        public var invalidSampleCounts: [String: Int]
        /// Physical unit of the samples: always "mV".
        public var unit: String

        init(_ w: ECGWaveform) {
            kind = w.kind; samplingRateHz = w.samplingRateHz; sampleCount = w.sampleCount
            durationSeconds = w.durationSeconds; leads = w.leads.map(\.name)
            originalLabels = w.leads.map(\.originalLabel)
            derivedLeads = w.leads.filter(\.isDerived).map(\.name)
            invalidSampleCounts = w.invalidSampleCounts; unit = "mV"
        }
    }
    /// Source format.
    public var sourceFormat: ECGSourceFormat
    /// Rhythm strip facts.
    public var rhythm: Waveform
    /// Median beat facts, if any.
    public var medianBeat: Waveform?
    /// Machine statements (device text; may be absent).
    public var machineStatements: [String]
    /// Machine measurements.
    public var measurements: [ECGMeasurement]
    /// Number of annotations and how many of each symbol.
    public var annotationCounts: [String: Int]
    /// Reader notes.
    public var notes: [String]
    /// Defects read past (see `ECGRecord.warnings`).
    public var warnings: [String]
    /// Channels that are not ECG leads, left out (see `ECGRecord.ignoredChannels`).
    public var ignoredChannels: [String]
    /// Acquisition data; identifiers only when asked for.
    public var acquisition: ECGAcquisitionInfo

    init(record r: ECGRecord, includeIdentifiers: Bool) {
        sourceFormat = r.sourceFormat
        rhythm = Waveform(r.rhythm)
        medianBeat = r.medianBeat.map(Waveform.init)
        machineStatements = r.machineStatements
        measurements = r.measurements
        var counts: [String: Int] = [:]
        for a in r.annotations { counts[a.symbol, default: 0] += 1 }
        annotationCounts = counts
        notes = r.notes
        warnings = r.warnings
        ignoredChannels = r.ignoredChannels
        var acq = r.acquisition
        if !includeIdentifiers {
            acq.recordID = nil; acq.patientID = nil; acq.comments = []
        }
        acquisition = acq
    }

    /// Pretty-printed JSON with sorted keys (dates ISO 8601).
    public func jsonData() throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        enc.dateEncodingStrategy = .iso8601
        return try enc.encode(self)
    }
}

/// Lead-name normalisation shared by all readers.
public enum ECGLeadName {
    /// The twelve standard leads in conventional order.
    public static let standard12 = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]

    /// Maps a file's lead label to a standard name: case-insensitive, ignoring spaces, `-`, `_`, and the
    /// prefixes `lead`, `MDC_ECG_LEAD_`; accepts Roman or Arabic limb numbers (`1`, `2`, `3` → I, II, III),
    /// `avr`/`aVR`, `V1`…`V9`, `V3R`…`V6R`, `MLI`/`MLII`/`MLIII`, `X`/`Y`/`Z`. An unrecognised label is
    /// returned trimmed, unchanged otherwise.
    public static func normalise(_ label: String) -> String {
        let trimmed = label.trimmingCharacters(in: .whitespacesAndNewlines)
        var key = trimmed.lowercased().filter { !" -_.".contains($0) }
        for prefix in ["mdcecglead", "lead"] where key.hasPrefix(prefix) && key.count > prefix.count {
            key.removeFirst(prefix.count)
        }
        switch key {
        case "i", "1": return "I"
        case "ii", "2": return "II"
        case "iii", "3": return "III"
        case "avr": return "aVR"
        case "avl": return "aVL"
        case "avf": return "aVF"
        case "mli", "ml1": return "MLI"
        case "mlii", "ml2": return "MLII"
        case "mliii", "ml3": return "MLIII"
        case "x", "y", "z": return key.uppercased()
        default: break
        }
        if key.count >= 2, key.first == "v", let n = Int(key.dropFirst()), (1...9).contains(n) { return "V\(n)" }
        if key.count >= 3, key.first == "v", key.last == "r", let n = Int(key.dropFirst().dropLast()),
           (1...9).contains(n) { return "V\(n)R" }
        return trimmed
    }
}

/// Unit conversion to mV. Sub-millivolt units divide (µV: v / 1000) rather than multiply by a
/// rounded reciprocal, so results match references computed the same way in float64.
struct VoltageUnit: Sendable {
    private let multiply: Double
    private let divide: Double

    /// The converter for `unit`, or nil if `unit` is not a voltage.
    init?(_ unit: String) {
        switch unit.trimmingCharacters(in: .whitespaces).lowercased() {
        case "mv", "millivolt", "millivolts", "millivolt(s)": (multiply, divide) = (1, 1)
        case "uv", "µv", "μv", "microvolt", "microvolts", "microvolt(s)": (multiply, divide) = (1, 1000)
        case "nv", "nanovolt", "nanovolts": (multiply, divide) = (1, 1_000_000)
        case "v", "volt", "volts": (multiply, divide) = (1000, 1)
        default: return nil
        }
    }

    /// `value` (in the unit) in mV.
    @inline(__always) func toMillivolts(_ value: Double) -> Double {
        divide == 1 ? value * multiply : value / divide
    }
}
