import Foundation
import Randomness
import Testing
@testable import ECGFormats

// Fixtures in Fixtures/philips/ are written by Tools/formats/philips_fixtures.py: synthetic signals, XLI-encoded by
// the script's own encoder and checked there by decoding with the `sierraecg` package (0.4.0). The expected
// integer samples are exact (tolerance 0 LSB); physical values are LSB x 5 uV rounded once to Float.

struct PhilipsReference: Decodable {
    let sampling_rate: Double
    let resolution_uV: Double
    let labels: [String]
    let samples_lsb: [String: [Int]]
    let measurements: [String: Double]
    let statements: [String]
}

@Suite struct PhilipsXMLTests {
    static let dir = Paths.fixtures.appendingPathComponent("philips")
    static func reference() throws -> PhilipsReference {
        try JSONDecoder().decode(PhilipsReference.self, from: Data(contentsOf: dir.appendingPathComponent("philips_reference.json")))
    }

    @Test(arguments: ["synth_104_utf16.xml", "synth_103_utf8.xml"])
    func decodesLikeSierraECG(file: String) throws {
        let ref = try Self.reference()
        let rec = try ECGReader.read(url: Self.dir.appendingPathComponent(file))
        #expect(rec.sourceFormat == .philipsXML)
        #expect(rec.rhythm.samplingRateHz == ref.sampling_rate)
        #expect(rec.rhythm.leads.map(\.originalLabel) == ref.labels)
        for lead in rec.rhythm.leads {
            let want = try #require(ref.samples_lsb[lead.originalLabel])
            #expect(lead.samples.count == want.count)
            let expected = want.map { Float(Double($0) * ref.resolution_uV / 1000) }
            #expect(lead.samples == expected, "lead \(lead.originalLabel)")
        }
        let derived = Set(rec.rhythm.leads.filter(\.isDerived).map(\.name))
        #expect(derived == ["III", "aVR", "aVL", "aVF"])
        for (name, v) in ref.measurements {
            #expect(rec.measurements.first { $0.name == name }?.value == v, "\(name)")
        }
        #expect(rec.measurements.first { $0.name == "qtint" }?.unit == "ms")
        #expect(rec.measurements.first { $0.name == "qrsfrontaxis" }?.unit == "deg")
        #expect(rec.machineStatements == ref.statements)
        #expect(rec.acquisition.patientID == "SYNTH-0001")
        #expect(rec.acquisition.startTimeText == "2024-01-02 03:04:05")
    }

    @Test func unsupportedVersionIsRefusedByName() throws {
        var text = try String(contentsOf: Self.dir.appendingPathComponent("synth_103_utf8.xml"), encoding: .utf8)
        text = text.replacingOccurrences(of: "<documentversion>1.03</documentversion>", with: "<documentversion>2.00</documentversion>")
        #expect {
            try PhilipsXMLReader.parse(Data(text.utf8), file: "v2.xml")
        } throws: { e in
            guard case ECGFormatError.unsupported(let f, let what) = e else { return false }
            return f == "v2.xml" && what.contains("2.00")
        }
    }

    /// Corrupted variants (truncations, bit flips, garbage in the base64 payload): each is read or refused with an
    /// `ECGFormatError`; none crashes.
    @Test(arguments: ["synth_104_utf16.xml", "synth_103_utf8.xml"])
    func corruptedVariantsNeverCrash(file: String) throws {
        let data = try Data(contentsOf: Self.dir.appendingPathComponent(file))
        var variants: [Data] = []
        for k in 1...40 { variants.append(data.prefix(data.count * k / 41)) }
        var rng = SplitMix64(seed: 0x5EED)
        for _ in 0..<120 {
            var d = data
            let i = Int(rng.next() % UInt64(d.count))
            d[i] ^= UInt8(1 << (rng.next() % 8))
            variants.append(d)
        }
        // Payload-level damage: decode, corrupt XLI bytes, re-encode (stays valid base64 and valid XML).
        let text = String(decoding: data.starts(with: [0xFF, 0xFE]) ? Data() : data, as: UTF8.self)
        if let open = text.range(of: "bitspersample=\"16\">"), let close = text.range(of: "</parsedwaveforms>") {
            let b64 = String(text[open.upperBound..<close.lowerBound]).filter { !$0.isWhitespace }
            if let payload = Data(base64Encoded: b64) {
                for _ in 0..<60 {
                    var p = [UInt8](payload)
                    for _ in 0..<(1 + Int(rng.next() % 4)) { p[Int(rng.next() % UInt64(p.count))] = UInt8(rng.next() & 0xFF) }
                    if rng.next() % 3 == 0 { p = Array(p.prefix(Int(rng.next() % UInt64(p.count)))) }
                    let t = String(text[..<open.upperBound]) + Data(p).base64EncodedString() + String(text[close.lowerBound...])
                    variants.append(Data(t.utf8))
                }
            }
        }
        var read = 0, refused = 0
        for v in variants {
            do { _ = try PhilipsXMLReader.parse(v, file: "bad.xml"); read += 1 } catch is ECGFormatError { refused += 1 }
        }
        #expect(read + refused == variants.count)
        #expect(refused > 0)
    }

    /// Uncompressed data with the calibration tail the real files carry (zeros, a 1 mV pulse, zeros in every lead):
    /// the tail is cut, the ECG part kept exactly, no lead reconstruction on uncompressed data.
    @Test func calibrationTailIsCut() throws {
        let labels = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]
        let n = 1500, ecg = 1000
        var bytes: [UInt8] = []
        var want: [[Int16]] = []
        for l in 0..<12 {
            var lead: [Int16] = (0..<n).map { k in k < ecg ? Int16(10 + l + (k % 37)) : 0 }
            for k in 1200..<1300 { lead[k] = 200 }
            want.append(Array(lead.prefix(ecg)))
            for v in lead { let u = UInt16(bitPattern: v); bytes += [UInt8(u & 0xFF), UInt8(u >> 8)] }
        }
        let xml = """
        <restingecgdata><documentinfo><documenttype>PhilipsECG</documenttype><documentversion>1.04</documentversion></documentinfo>
        <dataacquisition><signalcharacteristics><samplingrate>500</samplingrate><resolution>5</resolution></signalcharacteristics></dataacquisition>
        <waveforms><parsedwaveforms dataencoding="Base64" numberofleads="12" leadlabels="\(labels.joined(separator: " "))" durationperchannel="3000">\(Data(bytes).base64EncodedString())</parsedwaveforms></waveforms>
        </restingecgdata>
        """
        let rec = try PhilipsXMLReader.parse(Data(xml.utf8), file: "tail.xml")
        #expect(rec.rhythm.leads.count == 12)
        for (lead, w) in zip(rec.rhythm.leads, want) {
            #expect(lead.samples == w.map { Float(Double($0) * 5 / 1000) })
            #expect(!lead.isDerived)
        }
        #expect(rec.notes.contains { $0.contains("calibration tail") })
    }

    @Test func xliRoundTripsTheLZWSpecialCase() throws {
        // "aaaa…" makes the LZW decoder meet a code defined in the same step (the cScSc case).
        let codes: [Int] = [97, 256, 257]  // a, aa, aaa
        var bits: [UInt8] = []
        var acc = 0, n = 0
        for c in codes { acc = (acc << 10) | c; n += 10; while n >= 8 { bits.append(UInt8((acc >> (n - 8)) & 0xFF)); n -= 8 } }
        if n > 0 { bits.append(UInt8((acc << (8 - n)) & 0xFF)) }
        #expect(XLIDecoder.lzwDecode(bits[...]) == Array(repeating: 97, count: 6))
    }
}

