import Foundation
import Testing
@testable import ECGFormats

struct XMLReference: Decodable {
    struct Muse: Decodable {
        let file: String
        let fs: Double
        let units_per_bit_uV: Double
        let rhythm: [String: [Double]]
        let median: [String: [Double]]
        let statements: [String]
        let measurements: [String: Double]
    }
    struct AECG: Decodable { let file: String; let fs: Double; let rhythm: [String: [Double]] }
    let muse: Muse
    let aecg: AECG
    static let shared = try! JSONDecoder().decode(XMLReference.self,
        from: Data(contentsOf: Paths.fixtures.appendingPathComponent("xml_reference.json")))
}

@Suite("GE MUSE XML")
struct MUSEXMLTests {
    let ref = XMLReference.shared.muse

    @Test func rhythmAndMedianMatchReferenceIncludingDerivedLeads() throws {
        let rec = try MUSEXMLReader.read(url: Paths.sampleData.appendingPathComponent(ref.file))
        #expect(rec.sourceFormat == .museXML)
        #expect(rec.rhythm.samplingRateHz == ref.fs)
        #expect(rec.rhythm.leads.map(\.name) == ["I", "II", "V1", "V2", "V3", "V4", "V5", "V6", "III", "aVR", "aVL", "aVF"])
        #expect(rec.rhythm.leads.filter(\.isDerived).map(\.name) == ["III", "aVR", "aVL", "aVF"])
        #expect(rec.rhythm.lead(named: "aVR")?.derivation == "aVR = -(I + II) / 2")
        for lead in rec.rhythm.leads { expectSamples(lead.samples[...], ref.rhythm[lead.name]!.map { $0 }, "rhythm \(lead.name)") }
        let median = try #require(rec.medianBeat)
        #expect(median.kind == .medianBeat && median.sampleCount == 300)
        for lead in median.leads { expectSamples(lead.samples[...], ref.median[lead.name]!.map { $0 }, "median \(lead.name)") }
        #expect(rec.notes.contains { $0.contains("derived from I and II") })
    }

    @Test func sineAmplitudeRoundTrip() throws {
        // Lead I is a 1 Hz sine of 0.5 mV stored at 4.88 µV/bit: its peak is within half a bit of 0.5 mV.
        let rec = try MUSEXMLReader.read(url: Paths.sampleData.appendingPathComponent(ref.file))
        let peak = rec.rhythm.leads[0].samples.map { abs($0) }.max()!
        #expect(abs(Double(peak) - 0.5) <= 0.5 * ref.units_per_bit_uV / 1000 + 1e-7)
    }

    @Test func statementsMeasurementsAndMetadata() throws {
        let rec = try MUSEXMLReader.read(url: Paths.sampleData.appendingPathComponent(ref.file))
        #expect(rec.machineStatements == ref.statements)
        for (name, value) in ref.measurements {
            let m = rec.measurements.first { $0.name == name }
            #expect(m?.value == value, "\(name)")
        }
        #expect(rec.measurements.first { $0.name == "QRSDuration" }?.unit == "ms")
        #expect(rec.measurements.first { $0.name == "RAxis" }?.unit == "deg")
        #expect(rec.acquisition.patientID == "SYNTH-0001")
        #expect(rec.acquisition.device == "MAC5500 010A")
        #expect(rec.acquisition.startTimeText == "08-12-2013 09:30:00")
        // Identifiers never appear in the loggable description or the default summary.
        #expect(!rec.description.contains("SYNTH-0001"))
        let json = String(decoding: try rec.summary().jsonData(), as: UTF8.self)
        #expect(!json.contains("SYNTH-0001"))
        #expect(String(decoding: try rec.summary(includeIdentifiers: true).jsonData(), as: UTF8.self).contains("SYNTH-0001"))
    }

    @Test func noDerivationWhenDisabled() throws {
        var opts = ECGReadOptions()
        opts.deriveLimbLeads = false
        let rec = try MUSEXMLReader.read(url: Paths.sampleData.appendingPathComponent(ref.file), options: opts)
        #expect(rec.rhythm.leads.count == 8 && !rec.rhythm.leads.contains(where: \.isDerived))
    }

    @Test func badBase64NamesLead() {
        let e = ecgError { _ = try MUSEXMLReader.read(url: Paths.bad.appendingPathComponent("muse_bad_base64.xml")) }
        #expect(e == .badBase64(file: "muse_bad_base64.xml", lead: "I"))
    }

    @Test func truncatedXMLIsMalformed() {
        let e = ecgError { _ = try ECGReader.read(url: Paths.bad.appendingPathComponent("muse_truncated.xml")) }
        #expect({ if case .malformedXML("muse_truncated.xml", _)? = e { return true }; return false }(), "\(String(describing: e))")
    }

    @Test func inputsThatCrashFoundationXMLParserAreRefused() {
        // Found by fuzzing: Foundation's XMLParser (Linux) crashes on a data-less processing instruction,
        // and reports success for malformed documents while setting parserError.
        for text in ["<RestingECG>text<?x?></RestingECG>", "<?x?><RestingECG/>", "<a b=\"<?x?>\"/>"] {
            let e = ecgError { _ = try MUSEXMLReader.parse(Data(text.utf8), file: "pi.xml") }
            #expect({ if case .malformedXML("pi.xml", let r)? = e { return r.contains("processing instruction") }; return false }(), "\(text)")
        }
        for text in ["<RestingECG><b<c/></RestingECG>", "<RestingECG><b c=\"1\"<d/></RestingECG>"] {
            let e = ecgError { _ = try MUSEXMLReader.parse(Data(text.utf8), file: "m.xml") }
            #expect({ if case .malformedXML("m.xml", _)? = e { return true }; return false }(), "\(text)")
        }
        // Invalid UTF-8 in a name crashes XMLParser: refused before parsing.
        let utf = ecgError { _ = try MUSEXMLReader.parse(Data([0x3C, 0xE8, 0xE8, 0xE8, 0xE8]), file: "u.xml") }
        #expect(utf == .malformedXML(file: "u.xml", reason: "bytes are not valid utf-8"))
        let enc = ecgError { _ = try MUSEXMLReader.parse(Data("<?xml version='1.0' encoding='EBCDIC'?><a/>".utf8), file: "e.xml") }
        #expect(enc == .unsupported(file: "e.xml", feature: "XML encoding 'ebcdic'"))
        #expect(XMLTree.emptyProcessingInstruction(in: Data("<?xml version=\"1.0\"?><a><?x y?></a>".utf8)) == nil)
    }

    @Test func latin1DocumentIsDecoded() throws {
        var bytes = Data("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><RestingECG><Diagnosis><DiagnosisStatement><StmtText>R".utf8)
        bytes.append(0xE9)  // é in ISO-8859-1
        bytes.append(contentsOf: Data("gime sinusal</StmtText></DiagnosisStatement></Diagnosis><Waveform><WaveformType>Rhythm</WaveformType><SampleBase>500</SampleBase><LeadData><LeadID>I</LeadID><LeadAmplitudeUnitsPerBit>1</LeadAmplitudeUnitsPerBit><LeadAmplitudeUnits>MICROVOLTS</LeadAmplitudeUnits><WaveFormData>AQA=</WaveFormData></LeadData></Waveform></RestingECG>".utf8))
        let rec = try MUSEXMLReader.parse(bytes, file: "l.xml")
        #expect(rec.machineStatements == ["Régime sinusal"])
        #expect(rec.rhythm.leads.map(\.name) == ["I"])  // no II: nothing derived
    }

    @Test func sampleCountMismatchAndOddBytes() {
        func muse(_ leadData: String) -> Data {
            Data("""
            <RestingECG><Waveform><WaveformType>Rhythm</WaveformType><SampleBase>500</SampleBase>
            <LeadData><LeadID>I</LeadID><LeadAmplitudeUnitsPerBit>5</LeadAmplitudeUnitsPerBit>
            <LeadAmplitudeUnits>MICROVOLTS</LeadAmplitudeUnits>\(leadData)</LeadData></Waveform></RestingECG>
            """.utf8)
        }
        let count = ecgError { _ = try MUSEXMLReader.parse(muse("<LeadSampleCountTotal>3</LeadSampleCountTotal><WaveFormData>AQACAA==</WaveFormData>"), file: "m.xml") }
        #expect(count == .lengthMismatch(file: "m.xml", detail: "lead I: LeadSampleCountTotal 3, data holds 2 samples"))
        let odd = ecgError { _ = try MUSEXMLReader.parse(muse("<WaveFormData>AQAC</WaveFormData>"), file: "m.xml") }
        #expect({ if case .lengthMismatch("m.xml", _)? = odd { return true }; return false }())
        let ok = try? MUSEXMLReader.parse(muse("<WaveFormData>AQ\nAC/w==</WaveFormData>"), file: "m.xml")
        // 0x0001, 0xFF02 → 1 × 5 µV, -254 × 5 µV
        #expect(ok?.rhythm.leads[0].samples == [0.005, -1.27])
    }
}

@Suite("HL7 aECG")
struct HL7aECGTests {
    let ref = XMLReference.shared.aecg

    @Test func rhythmMatchesReference() throws {
        let rec = try ECGReader.read(url: Paths.sampleData.appendingPathComponent(ref.file))
        #expect(rec.sourceFormat == .hl7aECG)
        #expect(rec.rhythm.samplingRateHz == ref.fs)
        #expect(rec.rhythm.leads.map(\.name) == ["I", "II", "V1"])
        #expect(rec.rhythm.leads[0].originalLabel == "MDC_ECG_LEAD_I")
        for lead in rec.rhythm.leads { expectSamples(lead.samples[...], ref.rhythm[lead.name]!.map { $0 }, "aecg \(lead.name)") }
        #expect(rec.acquisition.recordID == "SYNTH-AECG-1")
        #expect(rec.acquisition.patientID == "SUBJ-0001")
        #expect(rec.acquisition.device == "SYNTH-DEVICE")
        #expect(rec.acquisition.startTime == HL7aECGReader.parseTS("20130812093000"))
        #expect(rec.acquisition.startTime != nil)
    }

    @Test func timestampEdgeCasesDoNotCrash() {
        for ts in ["", ".", "2013", "20131312", "20130812", "20130812093000.5+0100"] { _ = HL7aECGReader.parseTS(ts) }
        #expect(HL7aECGReader.parseTS(".") == nil && HL7aECGReader.parseTS("20131312") == nil)
        #expect(HL7aECGReader.parseTS("20130812") != nil)
    }

    @Test func nonIntegerDigitIsAnError() {
        let e = ecgError { _ = try ECGReader.read(url: Paths.bad.appendingPathComponent("aecg_bad_digits.xml")) }
        #expect(e == .malformedXML(file: "aecg_bad_digits.xml", reason: "digit 2 of MDC_ECG_LEAD_I is 'x7', not an integer"))
    }
}

@Suite("ECGReader dispatch and record helpers")
struct ECGReaderTests {
    @Test func dispatchByExtensionAndContent() throws {
        #expect(try ECGReader.read(url: Paths.sampleData.appendingPathComponent("mitdb208_excerpt.hea")).sourceFormat == .wfdb)
        #expect(try ECGReader.read(url: Paths.sampleData.appendingPathComponent("mitdb208_excerpt.dat")).sourceFormat == .wfdb)
        #expect(try ECGReader.read(url: Paths.sampleData.appendingPathComponent("mitdb208_excerpt")).sourceFormat == .wfdb)
        #expect(try ECGReader.read(url: Paths.sampleData.appendingPathComponent("synthetic_3lead.csv")).sourceFormat == .csv)
        #expect(try ECGReader.read(url: Paths.sampleData.appendingPathComponent("synthetic_muse.xml")).sourceFormat == .museXML)
        let unknown = ecgError { _ = try ECGReader.read(url: Paths.bad.appendingPathComponent("unknown_root.xml")) }
        #expect(unknown == .unknownFormat(file: "unknown_root.xml", detail: "XML root element 'SomethingElse'"))
        #expect(try ECGReader.read(url: Paths.sampleData.appendingPathComponent("pyhrv-0.5.0_SampleECG.txt")).sourceFormat == .openSignals)
        let garbage = ecgError { _ = try ECGReader.read(url: Paths.bad.appendingPathComponent("garbage.hea").deletingPathExtension().appendingPathExtension("bin")) }
        #expect(garbage == .fileNotFound(file: "garbage.bin"))
        #expect(ecgError { _ = try ECGReader.read(url: Paths.bad.appendingPathComponent("nope.xml")) } == .fileNotFound(file: "nope.xml"))
    }

    @Test func leadsMatrixIsRowMajorLeadsBySamples() throws {
        let rec = try ECGReader.read(url: Paths.wfdb.appendingPathComponent("multifile.hea"))
        let (names, m) = rec.leadsMatrix()
        let n = rec.rhythm.sampleCount
        #expect(names == ["MLII", "V5", "aVF"])
        #expect(m.count == 3 * n)
        #expect(Array(m[n..<(2 * n)]) == rec.rhythm.leads[1].samples)
    }

    @Test func summaryJSONAndCodableRoundTrip() throws {
        let rec = try ECGReader.read(url: Paths.sampleData.appendingPathComponent("synth_annotated.hea"))
        let s = rec.summary()
        #expect(s.rhythm.leads == ["MLII", "V1"] && s.rhythm.unit == "mV" && s.rhythm.sampleCount == 3600)
        #expect(s.annotationCounts["N"] == 5 && s.annotationCounts["+"] == 2)
        #expect(s.acquisition.recordID == nil)
        let decoded = try JSONDecoder().decode(ECGRecordSummary.self, from: try JSONEncoder().encode(s))
        #expect(decoded == s)
        let full = try JSONDecoder().decode(ECGRecord.self, from: try JSONEncoder().encode(rec))
        #expect(full == rec)
    }

    @Test func unequalLeadLengthsAreRefused() {
        let e = ecgError {
            _ = try ECGWaveform(kind: .rhythm, samplingRateHz: 100, leads: [
                ECGLead(name: "I", originalLabel: "I", samples: [1, 2]),
                ECGLead(name: "II", originalLabel: "II", samples: [1])], file: "u.xml")
        }
        #expect(e == .unequalLeadLengths(file: "u.xml", detail: "I=2, II=1"))
    }
}
