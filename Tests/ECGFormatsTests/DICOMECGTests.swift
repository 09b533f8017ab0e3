import Foundation
import Testing
@testable import ECGFormats

// DICOM ECG waveforms against pydicom 3.0.2: Fixtures/dicom/reference.json is written by
// Tools/formats/ecg_dicom_fixtures.py from `ds.waveform_array(i)` (stored × sensitivity × correction +
// baseline, float64) converted to mV in float64.
//
// Tolerance statement: the reader computes each value in Double with the same operations and rounds once
// to Float, so samples, minima and maxima are compared exactly with the reference rounded to Float
// (`Float(ref) == value`). Sums are over Float samples (accumulated in Double) against the float64 sum, so
// they may differ by the float32 rounding of each sample: |Δ| ≤ n × max|x| × 2⁻²⁴ (half an ulp per sample).

private enum DICOMPaths {
    static let dir = Paths.fixtures.appendingPathComponent("dicom")
    static let real = Paths.sampleData.appendingPathComponent("pydicom-3.0.2_waveform_ecg.dcm")
    static func fixture(_ name: String) -> URL { dir.appendingPathComponent(name) }
}

private struct DICOMReference: Decodable {
    struct Lead: Decodable {
        let channel: Int
        let code_value: String?
        let code_meaning: String?
        let label: String?
        let voltage: Bool
        let nan_count: Int?
        let sum: Double?
        let min: Double?
        let max: Double?
        let samples: [Double?]?
        let first: [Double?]?
        let last: [Double?]?
    }
    struct Group: Decodable {
        let index: Int
        let label: String?
        let sampling_frequency: Double
        let samples: Int
        let channels: Int
        let leads: [Lead]
    }
    struct Measurement: Decodable {
        let name: String
        let value: Double
        let unit: String
        let group: Int
        let channel: Int
    }
    struct Point: Decodable {
        let group: Int
        let channel: Int
        let position: Int
        let code_value: String?
        let code_meaning: String?
        let annotation_group: Int
    }
    struct File: Decodable {
        let file: String
        let sop_class: String
        let groups: [Group]
        let statements: [String]
        let measurements: [Measurement]
        let points: [Point]
        let device: String
    }
    let generator: String
    let files: [File]

    static let shared: DICOMReference = {
        let data = try! Data(contentsOf: DICOMPaths.dir.appendingPathComponent("reference.json"))
        return try! JSONDecoder().decode(DICOMReference.self, from: data)
    }()
    static func file(_ name: String) -> File { shared.files.first { $0.file == name }! }
}

/// Compares one waveform with a reference group: voltage channels in order, samples (all or first/last),
/// NaN counts, sums (stated tolerance), minima and maxima (exact in Float).
private func expectGroup(_ w: ECGWaveform, _ g: DICOMReference.Group, _ context: String,
                         sourceLocation: SourceLocation = #_sourceLocation) {
    let refLeads = g.leads.filter(\.voltage)
    #expect(w.samplingRateHz == g.sampling_frequency, "\(context): rate", sourceLocation: sourceLocation)
    #expect(w.sampleCount == g.samples, "\(context): sample count", sourceLocation: sourceLocation)
    #expect(w.leads.count == refLeads.count, "\(context): lead count", sourceLocation: sourceLocation)
    for (lead, ref) in zip(w.leads, refLeads) {
        let ctx = "\(context) \(lead.name)"
        #expect(lead.originalLabel == (ref.label ?? ref.code_meaning), "\(ctx): original label", sourceLocation: sourceLocation)
        if let all = ref.samples { expectSamples(lead.samples[...], all, ctx, sourceLocation: sourceLocation) }
        if let first = ref.first {
            expectSamples(lead.samples.prefix(first.count), first, "\(ctx) first", sourceLocation: sourceLocation)
        }
        if let last = ref.last {
            expectSamples(lead.samples.suffix(last.count), last, "\(ctx) last", sourceLocation: sourceLocation)
        }
        let valid = lead.samples.filter { !$0.isNaN }
        #expect(lead.samples.count - valid.count == ref.nan_count, "\(ctx): NaN count", sourceLocation: sourceLocation)
        let sum = valid.reduce(0.0) { $0 + Double($1) }
        let maxAbs = valid.reduce(0.0) { max($0, abs(Double($1))) }
        let tol = Double(valid.count) * maxAbs * 0x1p-24 + 1e-12
        #expect(abs(sum - ref.sum!) <= tol, "\(ctx): sum \(sum) vs \(ref.sum!) (tolerance \(tol))", sourceLocation: sourceLocation)
        #expect(valid.min() == Float(ref.min!), "\(ctx): min", sourceLocation: sourceLocation)
        #expect(valid.max() == Float(ref.max!), "\(ctx): max", sourceLocation: sourceLocation)
    }
}

@Suite("DICOM ECG waveforms")
struct DICOMECGTests {
    // MARK: The real file (pydicom's Mortara ELI 250 12-lead ECG)

    @Test("real 12-lead ECG: rhythm and median beat match pydicom's waveform_array")
    func realWaveforms() throws {
        let ref = DICOMReference.file("pydicom-3.0.2_waveform_ecg.dcm")
        #expect(ref.sop_class == DICOMECGReader.twelveLeadECGSOPClass)
        let rec = try DICOMECGReader.read(url: DICOMPaths.real)
        #expect(rec.sourceFormat == .dicom)
        #expect(rec.sourceFile == "pydicom-3.0.2_waveform_ecg.dcm")
        #expect(rec.rhythm.kind == .rhythm)
        #expect(rec.rhythm.leads.map(\.name) == ECGLeadName.standard12)
        #expect(rec.rhythm.durationSeconds == 10)
        #expect(rec.rhythm.invalidSampleCounts.isEmpty)
        expectGroup(rec.rhythm, ref.groups[0], "rhythm")
        let median = try #require(rec.medianBeat)
        #expect(median.kind == .medianBeat)
        #expect(median.leads.map(\.name) == ECGLeadName.standard12)
        #expect(median.sampleCount == 1200)
        expectGroup(median, ref.groups[1], "median")
        #expect(rec.rhythm.lead(named: "I")?.originalLabel == "Lead I (Einthoven)")
    }

    @Test("real 12-lead ECG: statements, measurements and fiducial points match pydicom")
    func realAnnotations() throws {
        let ref = DICOMReference.file("pydicom-3.0.2_waveform_ecg.dcm")
        let rec = try DICOMECGReader.read(url: DICOMPaths.real)
        #expect(rec.machineStatements == ["RITMO SINUSALE", "ECG NORMALE"])
        #expect(rec.machineStatements == ref.statements)
        #expect(rec.measurements.count == 9)
        #expect(rec.measurements.map(\.name) == ref.measurements.map(\.name))
        #expect(rec.measurements.map(\.value) == ref.measurements.map(\.value))
        #expect(rec.measurements.map(\.unit) == ref.measurements.map(\.unit))
        #expect(rec.measurements.allSatisfy { $0.lead == nil })
        let qrs = try #require(rec.measurements.first { $0.name == "QRS Duration" })
        #expect(qrs.value == 75 && qrs.unit == "ms")
        #expect(rec.measurements.first { $0.name == "QRS Axis" }?.unit == "deg")

        // Every fiducial refers to multiplex group 1 (the rhythm), all channels; positions are 1-based.
        #expect(ref.points.count == 66)
        #expect(rec.annotations.count == ref.points.count)
        let want = ref.points.sorted { $0.position < $1.position }
        for (a, p) in zip(rec.annotations, want) {
            #expect(p.group == 1)
            #expect(a.sample == p.position - 1)
            #expect(a.timeSeconds == Double(p.position - 1) / 1000)
            #expect(a.meaning == p.code_meaning)
            #expect(a.symbol == p.code_value)
            #expect(a.subtype == 0 && a.channel == p.channel && a.code == nil)
        }
        // Pairs (sample, group) as a multiset agree, whatever the order of equal samples.
        let got = rec.annotations.map { "\($0.sample)/\($0.number)/\($0.meaning ?? "")" }.sorted()
        let exp = ref.points.map { "\($0.position - 1)/\($0.annotation_group)/\($0.code_meaning ?? "")" }.sorted()
        #expect(got == exp)
        #expect(rec.annotations.filter { $0.meaning == "QRS Onset" }.count == 11)
    }

    @Test("real 12-lead ECG: acquisition data read, identifiers kept out of the description")
    func realAcquisition() throws {
        let ref = DICOMReference.file("pydicom-3.0.2_waveform_ecg.dcm")
        let rec = try DICOMECGReader.read(url: DICOMPaths.real)
        #expect(rec.acquisition.device == ref.device)
        #expect(rec.acquisition.startTimeText == "20130125105919")
        #expect(rec.acquisition.startTime != nil)
        let text = rec.description
        #expect(text.contains("12 leads") && text.contains("10000 samples at 1000.0 Hz"))
        if let pid = rec.acquisition.patientID { #expect(!text.contains(pid)) }
        let summary = String(decoding: try rec.summary().jsonData(), as: UTF8.self)
        #expect(summary.contains("\"medianBeat\""))
        #expect(rec.summary().acquisition.patientID == nil)
    }

    @Test("ECGReader dispatches .dcm files and DICM content to the DICOM reader")
    func dispatch() throws {
        let byExtension = try ECGReader.read(url: DICOMPaths.real)
        #expect(byExtension.sourceFormat == .dicom && byExtension.rhythm.leads.count == 12)
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-dicom-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let renamed = tmp.appendingPathComponent("ecg_export.bin")
        try FileManager.default.copyItem(at: DICOMPaths.fixture("synth_ok.dcm"), to: renamed)
        let byContent = try ECGReader.read(url: renamed)
        #expect(byContent.sourceFormat == .dicom && byContent.sourceFile == "ecg_export.bin")
        #expect(byContent.rhythm.leads.map(\.name) == ["I", "II", "V1"])
    }

    // MARK: Synthetic file (baseline, correction factor, mV, 8-bit, padding, lead codes, median-beat points)

    @Test("synthetic General ECG: every sample matches pydicom, padding is NaN, non-voltage channel left out")
    func syntheticWaveforms() throws {
        let ref = DICOMReference.file("synth_ok.dcm")
        #expect(ref.sop_class == DICOMECGReader.generalECGSOPClass)
        let rec = try DICOMECGReader.read(url: DICOMPaths.fixture("synth_ok.dcm"))
        #expect(rec.rhythm.leads.map(\.name) == ["I", "II", "V1"])
        #expect(rec.rhythm.leads.map(\.originalLabel) == ["Lead I", "Lead II", "chest 1"])
        #expect(rec.rhythm.invalidSampleCounts == ["I": 2])
        #expect(rec.rhythm.lead(named: "I")?.samples[7].isNaN == true)
        expectGroup(rec.rhythm, ref.groups[0], "rhythm")
        #expect(rec.notes.contains { $0.contains("channel 4") && $0.contains("not a voltage") })
        let median = try #require(rec.medianBeat)
        #expect(median.leads.map(\.name) == ["aVR", "V6"])
        #expect(median.samplingRateHz == 250)
        expectGroup(median, ref.groups[1], "median")
        #expect(rec.notes.contains { $0.contains("multiplex group 2 taken as the median beat") })
        // A hand check of the formula on sample 0 of lead II: stored −900 × 0.005 mV × 1.02 + 0.25 mV.
        #expect(rec.rhythm.lead(named: "II")?.samples[0] == Float(-900.0 * 0.005 * 1.02 + 0.25))
    }

    @Test("synthetic General ECG: lead-specific measurement, Latin-1 statement, points in the median beat")
    func syntheticAnnotations() throws {
        let rec = try DICOMECGReader.read(url: DICOMPaths.fixture("synth_ok.dcm"))
        #expect(rec.machineStatements == ["Synthetic statement one", "Ritmo sinusale è normale"])
        #expect(rec.measurements == [
            ECGMeasurement(name: "QRS Duration", value: 88, unit: "ms"),
            ECGMeasurement(name: "R Amplitude", value: 1.125, unit: "mV", lead: "II"),
        ])
        #expect(rec.annotations.map(\.sample) == [11, 39, 4])
        #expect(rec.annotations.map(\.subtype) == [0, 0, 1])
        #expect(rec.annotations.map(\.meaning) == ["Fiducial Point", "Fiducial Point", "QRS Onset"])
        #expect(rec.annotations[2].timeSeconds == 4.0 / 250)
        #expect(rec.annotations[2].number == 2)
        #expect(rec.notes.contains { $0.contains("1 waveform annotation(s) not read: sample position outside") })
        #expect(rec.acquisition.startTimeText == "20200102030405")
        #expect(rec.acquisition.patientID == "SYNTH-0002")
        #expect(!rec.description.contains("SYNTH-0002"))
    }

    // MARK: Bad input

    private func badError(_ name: String) -> ECGFormatError? {
        ecgError { _ = try DICOMECGReader.read(url: DICOMPaths.fixture(name)) }
    }

    @Test("Waveform Data shorter than channels × samples × bytes")
    func badLength() {
        let e = badError("bad_length.dcm")
        guard case .lengthMismatch(let f, let d)? = e else { Issue.record("got \(String(describing: e))"); return }
        #expect(f == "bad_length.dcm")
        #expect(d.contains("4 channels × 50 samples × 2 bytes = 400 bytes") && d.contains("has 398"))
    }

    @Test("unknown sample interpretation and bits that disagree with it")
    func badInterpretation() {
        let e = badError("bad_interpretation.dcm")
        guard case .unsupported(let f, let what)? = e else { Issue.record("got \(String(describing: e))"); return }
        #expect(f == "bad_interpretation.dcm" && what.contains("'ZZ'"))
        let b = badError("bad_bits.dcm")
        guard case .invalidValue(let f2, let field, let v)? = b else { Issue.record("got \(String(describing: b))"); return }
        #expect(f2 == "bad_bits.dcm" && field.contains("multiplex group 2") && v.contains("SB"))
    }

    @Test("missing sequences and attributes are named")
    func badMissing() {
        let cases: [(String, String)] = [
            ("bad_no_waveform_sequence.dcm", "no Waveform Sequence (5400,0100)"),
            ("bad_no_channel_definitions.dcm", "no Channel Definition Sequence (003A,0200)"),
            ("bad_no_units.dcm", "without Channel Sensitivity Units Sequence (003A,0211)"),
            ("bad_no_sample_count.dcm", "no Number of Waveform Samples (003A,0010)"),
        ]
        for (name, detail) in cases {
            let e = badError(name)
            guard case .malformedDICOM(let f, let d)? = e else { Issue.record("\(name): got \(String(describing: e))"); continue }
            #expect(f == name)
            #expect(d.contains(detail), "\(name): \(d)")
            #expect(e?.description.hasPrefix("\(name): malformed DICOM ECG") == true)
        }
    }

    @Test("zero sampling frequency")
    func badZeroRate() {
        let e = badError("bad_zero_rate.dcm")
        guard case .invalidValue(let f, let field, let v)? = e else { Issue.record("got \(String(describing: e))"); return }
        #expect(f == "bad_zero_rate.dcm" && field.contains("Sampling Frequency") && v == "0.0")
    }

    @Test("absurd declared size is refused before allocating")
    func badAbsurdSize() {
        let e = badError("bad_absurd_size.dcm")
        guard case .lengthMismatch(let f, let d)? = e else { Issue.record("got \(String(describing: e))"); return }
        #expect(f == "bad_absurd_size.dcm" && d.contains("65535 channels × 4294967295 samples"))
    }

    @Test("truncated file, non-ECG SOP class, not DICOM at all")
    func badOther() throws {
        let t = badError("bad_truncated.dcm")
        guard case .malformedDICOM(let f, _)? = t else { Issue.record("got \(String(describing: t))"); return }
        #expect(f == "bad_truncated.dcm")
        let n = badError("bad_not_ecg.dcm")
        guard case .unsupported(let f2, let what)? = n else { Issue.record("got \(String(describing: n))"); return }
        #expect(f2 == "bad_not_ecg.dcm" && what.contains("1.2.840.10008.5.1.4.1.1.2"))
        let g = ecgError { _ = try DICOMECGReader.parse(Array("not a dicom file at all".utf8), file: "x.dcm") }
        guard case .malformedDICOM(let f3, let d3)? = g else { Issue.record("got \(String(describing: g))"); return }
        #expect(f3 == "x.dcm" && d3.contains("not a DICOM file"))
    }

    @Test("every prefix of the synthetic file is refused with an error or read, never a crash")
    func prefixes() throws {
        let bytes = [UInt8](try Data(contentsOf: DICOMPaths.fixture("synth_ok.dcm")))
        var errors = 0
        for n in stride(from: 0, to: bytes.count, by: 7) {
            do { _ = try DICOMECGReader.parse(Array(bytes[..<n]), file: "prefix.dcm") } catch let e as ECGFormatError {
                #expect(e.file == "prefix.dcm")
                errors += 1
            }
        }
        #expect(errors > 0)
    }

    @Test("single-byte corruptions of the synthetic file give a record or an ECGFormatError, never a crash")
    func corruptions() throws {
        let bytes = [UInt8](try Data(contentsOf: DICOMPaths.fixture("synth_ok.dcm")))
        var errors = 0, records = 0
        for i in stride(from: 128, to: bytes.count, by: 3) {
            for flip: UInt8 in [0xFF, 0x80] {
                var b = bytes
                b[i] ^= flip
                do {
                    let r = try DICOMECGReader.parse(b, file: "flip.dcm")
                    #expect(r.rhythm.leads.allSatisfy { $0.samples.count == r.rhythm.sampleCount })
                    records += 1
                } catch let e as ECGFormatError {
                    #expect(e.file == "flip.dcm")
                    errors += 1
                }
            }
        }
        #expect(errors > 0 && records > 0)
    }
}
