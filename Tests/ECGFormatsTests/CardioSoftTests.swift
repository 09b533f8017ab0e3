import Foundation
import Testing
@testable import ECGFormats

// SampleData/ecg/synthetic_cardiosoft.xml is synthetic (see SampleData/ecg/README.md): 12 leads at
// 500 Hz and 5 µV/LSB. Rhythm strip (500 samples): lead I is round(200·sin(2πk/100)) (5 Hz, ±1 mV),
// lead j ≥ 1 (file order I, II, III, aVR, aVL, aVF, V1…V6) is (k mod 100)·j − 50·j. Median beat
// (300 samples): (k − 150)·(j + 1). The expected values below are recomputed from these formulas and
// converted as the reader documents (value × 5 / 1000 in Double, rounded once to Float).

/// The lead order of the sample file.
private let sampleLeads = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]

/// Digital rhythm sample `k` of lead index `j` in the sample file.
private func rhythmDigital(_ j: Int, _ k: Int) -> Int {
    if j == 0 { return Int((200 * sin(2 * Double.pi * Double(k) / 100)).rounded()) }
    return (k % 100) * j - 50 * j
}

/// mV as the reader computes it from a digital value at 5 µV/LSB.
private func mV(_ digital: Int) -> Float { Float(Double(digital) * 5 / 1000) }

/// A minimal CardioSoft document: `strip` is the StripData content after the header elements.
private func cardioSoft(rate: String? = "<SampleRate units=\"Hz\">500</SampleRate>",
                        resolution: String? = "<Resolution units=\"uVperLsb\">5</Resolution>",
                        strip: String = "<WaveformData lead=\"I\">\t1,2,3</WaveformData><WaveformData lead=\"II\">4,5,6</WaveformData>",
                        extra: String = "") -> Data {
    Data("""
    <?xml version="1.0" encoding="ISO-8859-1"?>
    <CardiologyXML><ObservationType>RestECG</ObservationType>\(extra)
    <StripData>\(rate ?? "")\(resolution ?? "")\(strip)</StripData></CardiologyXML>
    """.utf8)
}

@Suite("GE CardioSoft XML")
struct CardioSoftTests {
    let url = Paths.sampleData.appendingPathComponent("synthetic_cardiosoft.xml")

    @Test func rhythmStripMatchesFormulaExactly() throws {
        let rec = try CardioSoftXMLReader.read(url: url)
        #expect(rec.rhythm.kind == .rhythm)
        #expect(rec.rhythm.samplingRateHz == 500)
        #expect(rec.rhythm.sampleCount == 500)
        #expect(rec.rhythm.leads.map(\.name) == sampleLeads)
        #expect(rec.rhythm.leads.allSatisfy { !$0.isDerived })
        for (j, lead) in rec.rhythm.leads.enumerated() {
            expectSamples(lead.samples[...], (0..<500).map { Double(mV(rhythmDigital(j, $0))) }, "rhythm \(lead.name)")
        }
        // The sine peaks at exactly ±1 mV (±200 LSB × 5 µV) at samples 25 and 75.
        let i = try #require(rec.rhythm.lead(named: "I"))
        #expect(i.samples[25] == 1 && i.samples[75] == -1 && i.samples[0] == 0)
        #expect(rec.rhythm.lead(named: "V6")?.samples[0] == -2.75)  // (0 − 550) × 5 µV
        #expect(rec.rhythm.invalidSampleCounts.isEmpty)
    }

    @Test func medianBeatIsKeptApart() throws {
        let rec = try CardioSoftXMLReader.read(url: url)
        let median = try #require(rec.medianBeat)
        #expect(median.kind == .medianBeat)
        #expect(median.samplingRateHz == 500 && median.sampleCount == 300)
        #expect(median.leads.map(\.name) == sampleLeads)
        for (j, lead) in median.leads.enumerated() {
            expectSamples(lead.samples[...], (0..<300).map { Double(mV(($0 - 150) * (j + 1))) }, "median \(lead.name)")
        }
        #expect(median.lead(named: "II")?.samples[0] == -1.5)  // (0 − 150) × 2 × 5 µV
    }

    @Test func statementsMeasurementsAndMetadata() throws {
        let rec = try CardioSoftXMLReader.read(url: url)
        #expect(rec.machineStatements == ["Sinus rhythm", "Normal ECG"])
        let want: [(String, Double, String)] = [
            ("VentricularRate", 60, "BPM"), ("PQInterval", 160, "ms"), ("PDuration", 100, "ms"),
            ("QRSDuration", 92, "ms"), ("QTInterval", 400, "ms"), ("QTCInterval", 400, "ms"),
            ("RRInterval", 1000, "ms"), ("PAxis", 50, "degrees"), ("RAxis", -15, "degrees"), ("TAxis", 40, "degrees"),
        ]
        #expect(rec.measurements.map(\.name) == want.map(\.0))
        for (name, value, unit) in want {
            #expect(rec.measurements.first { $0.name == name } == ECGMeasurement(name: name, value: value, unit: unit))
        }
        #expect(rec.acquisition.patientID == "SYNTH-CS-0001")
        #expect(rec.acquisition.startTimeText == "2013-8-12 9:30:5")
        #expect(rec.acquisition.startTime == CardioSoftXMLReader.parseDate([2013, 8, 12, 9, 30, 5]))
        #expect(rec.acquisition.startTime?.timeIntervalSince1970 == 1_376_299_805)
        #expect(rec.notes.contains { $0.contains("FullDisclosure") })
        #expect(!rec.description.contains("SYNTH-CS-0001"))
        #expect(!String(decoding: try rec.summary().jsonData(), as: UTF8.self).contains("SYNTH-CS-0001"))
    }

    @Test func dispatchedByRootElement() throws {
        let rec = try ECGReader.read(url: url)
        #expect(rec.sourceFormat == .cardioSoftXML)
        #expect(rec == (try CardioSoftXMLReader.read(url: url)))
    }

    @Test func leadLabelsAreNormalisedAndMissingLimbLeadsDerived() throws {
        let doc = cardioSoft(strip: "<WaveformData lead=\"i\">10,20</WaveformData><WaveformData lead=\"ii\">30,40</WaveformData><WaveformData lead=\"v1\">1,2</WaveformData>")
        let rec = try CardioSoftXMLReader.parse(doc, file: "n.xml")
        #expect(rec.rhythm.leads.map(\.name) == ["I", "II", "V1", "III", "aVR", "aVL", "aVF"])
        #expect(rec.rhythm.leads[0].originalLabel == "i")
        #expect(rec.rhythm.lead(named: "III")?.samples == [0.1, 0.1])          // (30 − 10) × 5 µV
        #expect(rec.rhythm.lead(named: "aVR")?.derivation == "aVR = -(I + II) / 2")
        var opts = ECGReadOptions()
        opts.deriveLimbLeads = false
        #expect(try CardioSoftXMLReader.parse(doc, file: "n.xml", options: opts).rhythm.leads.count == 3)
    }

    @Test func trailingCommaAndTabsAreAccepted() throws {
        let rec = try CardioSoftXMLReader.parse(cardioSoft(strip: "<WaveformData lead=\"I\">\t-1, 2,\n3,</WaveformData>"), file: "t.xml")
        #expect(rec.rhythm.leads[0].samples == [-0.005, 0.01, 0.015])
    }

    @Test func raggedLeadLengthsAreRefused() {
        let e = ecgError { _ = try CardioSoftXMLReader.parse(cardioSoft(strip: "<WaveformData lead=\"I\">1,2,3</WaveformData><WaveformData lead=\"II\">1,2</WaveformData>"), file: "r.xml") }
        #expect(e == .unequalLeadLengths(file: "r.xml", detail: "I=3, II=2"))
    }

    @Test func nonNumericSampleNamesLeadAndPosition() {
        let e = ecgError { _ = try CardioSoftXMLReader.parse(cardioSoft(strip: "<WaveformData lead=\"V2\">1,2,x7</WaveformData>"), file: "x.xml") }
        #expect(e == .malformedXML(file: "x.xml", reason: "StripData lead V2: sample 3 is 'x7', not an integer"))
        let frac = ecgError { _ = try CardioSoftXMLReader.parse(cardioSoft(strip: "<WaveformData lead=\"I\">1.5</WaveformData>"), file: "x.xml") }
        #expect(frac == .malformedXML(file: "x.xml", reason: "StripData lead I: sample 1 is '1.5', not an integer"))
        let empty = ecgError { _ = try CardioSoftXMLReader.parse(cardioSoft(strip: "<WaveformData lead=\"I\">1,,2</WaveformData>"), file: "x.xml") }
        #expect(empty == .malformedXML(file: "x.xml", reason: "StripData lead I: sample 2 is '', not an integer"))
        let huge = ecgError { _ = try CardioSoftXMLReader.parse(cardioSoft(strip: "<WaveformData lead=\"I\">-9223372036854775808</WaveformData>"), file: "x.xml") }
        #expect({ if case .malformedXML("x.xml", _)? = huge { return true }; return false }(), "\(String(describing: huge))")
    }

    @Test func missingOrBadSampleRateAndResolution() {
        #expect(ecgError { _ = try CardioSoftXMLReader.parse(cardioSoft(rate: nil), file: "m.xml") } == .missingSamplingRate(file: "m.xml"))
        #expect(ecgError { _ = try CardioSoftXMLReader.parse(cardioSoft(rate: "<SampleRate units=\"Hz\">0</SampleRate>"), file: "m.xml") }
                == .invalidValue(file: "m.xml", field: "StripData SampleRate", value: "0"))
        #expect(ecgError { _ = try CardioSoftXMLReader.parse(cardioSoft(rate: "<SampleRate units=\"kHz\">0.5</SampleRate>"), file: "m.xml") }
                == .invalidValue(file: "m.xml", field: "StripData SampleRate units", value: "kHz"))
        #expect(ecgError { _ = try CardioSoftXMLReader.parse(cardioSoft(resolution: nil), file: "m.xml") }
                == .malformedXML(file: "m.xml", reason: "StripData has no Resolution (µV per LSB)"))
        #expect(ecgError { _ = try CardioSoftXMLReader.parse(cardioSoft(resolution: "<Resolution units=\"uVperLsb\">abc</Resolution>"), file: "m.xml") }
                == .invalidValue(file: "m.xml", field: "StripData Resolution", value: "abc"))
        #expect(ecgError { _ = try CardioSoftXMLReader.parse(cardioSoft(resolution: "<Resolution units=\"mVperLsb\">1</Resolution>"), file: "m.xml") }
                == .invalidValue(file: "m.xml", field: "StripData Resolution units", value: "mVperLsb"))
    }

    @Test func declaredCountsAreChecked() {
        let n = ecgError { _ = try CardioSoftXMLReader.parse(cardioSoft(strip: "<NumberOfLeads>12</NumberOfLeads><WaveformData lead=\"I\">1</WaveformData>"), file: "c.xml") }
        #expect(n == .lengthMismatch(file: "c.xml", detail: "StripData: NumberOfLeads 12, 1 WaveformData elements"))
        let c = ecgError { _ = try CardioSoftXMLReader.parse(cardioSoft(strip: "<ChannelSampleCountTotal>5000</ChannelSampleCountTotal><WaveformData lead=\"I\">1</WaveformData>"), file: "c.xml") }
        #expect(c == .lengthMismatch(file: "c.xml", detail: "StripData: ChannelSampleCountTotal 5000, leads hold 1 samples"))
    }

    @Test func structuralDefects() {
        let noStrip = ecgError { _ = try CardioSoftXMLReader.parse(Data("<CardiologyXML><ObservationType>RestECG</ObservationType></CardiologyXML>".utf8), file: "s.xml") }
        #expect(noStrip == .malformedXML(file: "s.xml", reason: "no StripData element (rhythm strip)"))
        #expect(ecgError { _ = try CardioSoftXMLReader.parse(cardioSoft(strip: ""), file: "s.xml") } == .noLeads(file: "s.xml"))
        let noLabel = ecgError { _ = try CardioSoftXMLReader.parse(cardioSoft(strip: "<WaveformData>1</WaveformData>"), file: "s.xml") }
        #expect(noLabel == .malformedXML(file: "s.xml", reason: "StripData WaveformData without a lead attribute"))
        let twice = ecgError { _ = try CardioSoftXMLReader.parse(cardioSoft(strip: "<WaveformData lead=\"I\">1</WaveformData><WaveformData lead=\"i\">2</WaveformData>"), file: "s.xml") }
        #expect(twice == .malformedXML(file: "s.xml", reason: "lead I appears twice in StripData"))
        let noData = ecgError { _ = try CardioSoftXMLReader.parse(cardioSoft(strip: "<WaveformData lead=\"I\"> </WaveformData>"), file: "s.xml") }
        #expect(noData == .malformedXML(file: "s.xml", reason: "StripData lead I has no samples"))
        let wrongRoot = ecgError { _ = try CardioSoftXMLReader.parse(Data("<RestingECG/>".utf8), file: "s.xml") }
        #expect(wrongRoot == .malformedXML(file: "s.xml", reason: "root element is RestingECG, expected CardiologyXML"))
    }

    @Test func raggedMedianBeatIsRefused() {
        let median = "<RestingECGMeasurements><MedianSamples><WaveformData lead=\"I\">1,2</WaveformData><WaveformData lead=\"II\">1</WaveformData></MedianSamples></RestingECGMeasurements>"
        let e = ecgError { _ = try CardioSoftXMLReader.parse(cardioSoft(extra: median), file: "md.xml") }
        #expect(e == .unequalLeadLengths(file: "md.xml", detail: "I=2, II=1"))
    }

    @Test func truncatedDocumentIsMalformed() throws {
        let full = try Data(contentsOf: url)
        for cut in [full.count / 2, full.count - 20, 200] {
            let e = ecgError { _ = try CardioSoftXMLReader.parse(full.prefix(cut), file: "cut.xml") }
            #expect({ if case .malformedXML("cut.xml", _)? = e { return true }; return false }(), "cut at \(cut): \(String(describing: e))")
        }
    }

    @Test func unparseableMeasurementIsNotedNotFatal() throws {
        let m = "<RestingECGMeasurements><QRSDuration units=\"ms\">n/a</QRSDuration><QTInterval units=\"ms\">380</QTInterval></RestingECGMeasurements>"
        let rec = try CardioSoftXMLReader.parse(cardioSoft(extra: m), file: "q.xml")
        #expect(rec.measurements == [ECGMeasurement(name: "QTInterval", value: 380, unit: "ms")])
        #expect(rec.notes.contains("measurement QRSDuration is not a number, ignored"))
    }

    @Test func doctypeWithAbsentDTDIsAccepted() throws {
        // Exports may name a DTD that is not shipped with them; it is never fetched or resolved.
        var doc = Data("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<!DOCTYPE CardiologyXML SYSTEM \"CardiologyXML.dtd\">\n".utf8)
        doc.append(Data("<CardiologyXML><StripData><SampleRate units=\"Hz\">500</SampleRate><Resolution units=\"uVperLsb\">5</Resolution><WaveformData lead=\"I\">2</WaveformData></StripData></CardiologyXML>".utf8))
        #expect(try CardioSoftXMLReader.parse(doc, file: "d.xml").rhythm.leads[0].samples == [0.01])
    }

    @Test("single-byte corruptions of the sample give a record or an ECGFormatError, never a crash")
    func corruptedBytesNeverCrash() throws {
        let full = [UInt8](try Data(contentsOf: url))
        var errors = 0
        for pos in stride(from: 0, to: full.count, by: 431) {
            for byte: UInt8 in [0x00, 0x2C, 0x3C, 0xFF] {
                var bytes = full
                bytes[pos] = byte
                do { _ = try CardioSoftXMLReader.parse(Data(bytes), file: "f.xml") } catch let e as ECGFormatError {
                    #expect(e.file == "f.xml")
                    errors += 1
                } catch {
                    Issue.record("position \(pos), byte \(byte): not an ECGFormatError: \(error)")
                }
            }
        }
        #expect(errors > 0)  // some corruptions (a '<' inside a sample list, say) must be refused
    }
}
