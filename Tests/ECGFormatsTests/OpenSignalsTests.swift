import Foundation
import Testing
@testable import ECGFormats

@Suite("OpenSignals text (BITalino ECG)")
struct OpenSignalsTests {
    struct Reference: Decodable {
        struct OS: Decodable { let file: String; let fs: Double; let n: Int; let first: [Double]; let last: [Double]; let sum: Double }
        let opensignals: OS
    }

    @Test func pyhrvSampleMatchesNumpyTransferFunction() throws {
        let ref = try JSONDecoder().decode(Reference.self,
            from: Data(contentsOf: Paths.fixtures.appendingPathComponent("csv_reference.json"))).opensignals
        let rec = try OpenSignalsReader.read(url: Paths.sampleData.appendingPathComponent(ref.file))
        #expect(rec.sourceFormat == .openSignals)
        #expect(rec.rhythm.samplingRateHz == ref.fs)
        #expect(rec.rhythm.sampleCount == ref.n)
        let lead = rec.rhythm.leads[0]
        #expect(lead.name == "ECG" && lead.originalLabel == "A2")
        expectSamples(lead.samples.prefix(ref.first.count), ref.first.map { $0 }, "first")
        expectSamples(lead.samples.suffix(ref.last.count), ref.last.map { $0 }, "last")
        let sum = lead.samples.reduce(0.0) { $0 + Double($1) }
        // Float rounding of n samples bounds the difference by n · max|x| · 2^-24.
        let maxAbs = Double(lead.samples.map { abs($0) }.max()!)
        #expect(abs(sum - ref.sum) <= Double(ref.n) * maxAbs * 0x1p-24)
        #expect(rec.acquisition.device == "bitalino")
    }

    @Test func badRowsAreErrors() {
        let header = """
        # OpenSignals Text File Format
        # {"00:00": {"sampling rate": 100, "column": ["nSeq", "A1"], "resolution": [4, 10], "label": ["A1"], "sensor": ["ECG"], "device": "bitalino"}}
        # EndOfHeader

        """
        let ragged = ecgError { _ = try OpenSignalsReader.parse(Data((header + "1\t500\n2\n").utf8), file: "o.txt") }
        #expect({ if case .malformedCSV("o.txt", 5, nil, _)? = ragged { return true }; return false }())
        let range = ecgError { _ = try OpenSignalsReader.parse(Data((header + "1\t5000\n").utf8), file: "o.txt") }
        #expect({ if case .malformedCSV("o.txt", 4, 2, _)? = range { return true }; return false }())
        let ok = try? OpenSignalsReader.parse(Data((header + "1\t512\n").utf8), file: "o.txt")
        #expect(ok?.rhythm.leads[0].samples == [0])
        let noECG = ecgError { _ = try OpenSignalsReader.parse(Data(header.replacingOccurrences(of: "\"ECG\"", with: "\"EDA\"").utf8), file: "o.txt") }
        #expect(noECG == .noECGChannel(file: "o.txt", channels: ["A1: sensor EDA"]))
    }
}
