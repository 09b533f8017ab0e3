import Foundation
import Testing
@testable import ECGFormats

@Suite("CSV reader")
struct CSVReaderTests {
    struct Reference: Decodable {
        struct CSV: Decodable { let file: String; let fs: Double; let leads: [String]; let samples_mV: [[Double]] }
        let csv: CSV
    }

    @Test func sampleFileMatchesNumpyReference() throws {
        let ref = try JSONDecoder().decode(Reference.self,
            from: Data(contentsOf: Paths.fixtures.appendingPathComponent("csv_reference.json"))).csv
        let rec = try CSVECGReader.read(url: Paths.sampleData.appendingPathComponent(ref.file))
        #expect(rec.sourceFormat == .csv)
        #expect(rec.rhythm.samplingRateHz == ref.fs)
        #expect(rec.rhythm.leads.map(\.name) == ref.leads)
        #expect(rec.rhythm.leads.map(\.originalLabel) == ["Lead I", "ii", "V1"])
        #expect(rec.notes.contains { $0.contains("time_s") })
        for (lead, want) in zip(rec.rhythm.leads, ref.samples_mV) {
            expectSamples(lead.samples[...], want.map { Optional($0) }, "csv \(lead.name)")
        }
    }

    @Test func optionsOverrideRateAndUnits() throws {
        let text = "# sampling_rate_hz: 500\nI;aVR\n1000;-2000\n1500;2500\n"
        var opts = ECGReadOptions()
        opts.samplingRateHz = 250
        opts.csvUnits = "µV"
        let rec = try CSVECGReader.parse(Data(text.utf8), file: "x.csv", options: opts)
        #expect(rec.rhythm.samplingRateHz == 250)
        #expect(rec.rhythm.leads.map(\.name) == ["I", "aVR"])
        #expect(rec.rhythm.leads[1].samples == [-2, 2.5])
    }

    @Test func tabDelimitedWithoutTimeColumn() throws {
        let rec = try CSVECGReader.parse(Data("# fs = 100 Hz\nV1\tV2\n0.5\t-0.25\n".utf8), file: "t.tsv")
        #expect(rec.rhythm.samplingRateHz == 100 && rec.rhythm.leads[1].samples == [-0.25])
        #expect(rec.notes.isEmpty)
    }

    @Test func nanCellsAreInvalidSamplesAndReported() throws {
        let rec = try CSVECGReader.read(url: Paths.bad.appendingPathComponent("nan.csv"))
        #expect(rec.rhythm.invalidSampleCounts == ["I": 1])
        #expect(rec.rhythm.leads[0].samples[1].isNaN)
        #expect(rec.rhythm.leads[0].samples[2] == 5)
    }

    @Test func raggedRowNamesRow() {
        let e = ecgError { _ = try CSVECGReader.read(url: Paths.bad.appendingPathComponent("ragged.csv")) }
        #expect(e == .malformedCSV(file: "ragged.csv", row: 4, column: nil, reason: "1 cells, header has 2 (ragged row)"))
    }

    @Test func nonNumericCellNamesRowAndColumn() {
        let e = ecgError { _ = try CSVECGReader.read(url: Paths.bad.appendingPathComponent("nonnumeric.csv")) }
        guard case .malformedCSV(let f, let row, let col, let reason)? = e else { Issue.record("wrong error \(String(describing: e))"); return }
        #expect(f == "nonnumeric.csv" && row == 4 && col == 2 && reason.contains("abc"))
        #expect(e!.description.hasPrefix("nonnumeric.csv: row 4, column 2"))
    }

    @Test func missingRateIsAnError() {
        let e = ecgError { _ = try CSVECGReader.read(url: Paths.bad.appendingPathComponent("norate.csv")) }
        #expect(e == .missingSamplingRate(file: "norate.csv"))
    }

    @Test func infiniteEmptyAndHeaderlessAreErrors() {
        let inf = ecgError { _ = try CSVECGReader.read(url: Paths.bad.appendingPathComponent("inf.csv")) }
        #expect({ if case .malformedCSV("inf.csv", 4, 1, _)? = inf { return true }; return false }())
        let empty = ecgError { _ = try CSVECGReader.read(url: Paths.bad.appendingPathComponent("empty.csv")) }
        #expect({ if case .malformedCSV("empty.csv", _, nil, "no data rows")? = empty { return true }; return false }())
        let noHeader = ecgError { _ = try CSVECGReader.parse(Data("1,2\n3,4\n".utf8), file: "h.csv") }
        #expect({ if case .malformedCSV("h.csv", 1, nil, _)? = noHeader { return true }; return false }())
        let dup = ecgError { _ = try CSVECGReader.parse(Data("# fs: 1\nI,lead i\n1,2\n".utf8), file: "d.csv") }
        #expect({ if case .malformedCSV("d.csv", _, 2, _)? = dup { return true }; return false }())
        let unit = ecgError { _ = try CSVECGReader.parse(Data("# fs: 1\n# units: mmHg\nI\n1\n".utf8), file: "u.csv") }
        #expect(unit == .invalidValue(file: "u.csv", field: "units", value: "mmHg"))
    }

    @Test func leadNameNormalisation() {
        let cases = ["i": "I", "Lead II": "II", "lead_iii": "III", "AVR": "aVR", "avl": "aVL", "aVf": "aVF",
                     "v1": "V1", "V 6": "V6", "MDC_ECG_LEAD_AVR": "aVR", "MDC_ECG_LEAD_V3": "V3", "mlii": "MLII",
                     "v4r": "V4R", "ECG1": "ECG1", "2": "II", " x ": "X"]
        for (label, want) in cases { #expect(ECGLeadName.normalise(label) == want, "\(label)") }
    }
}
