import Foundation
import Testing
@testable import ECGFormats

// Quirks of real PhysioNet files, on small synthetic records that reproduce them (Fixtures/quirks/,
// written with wfdb-python's reading as the reference by Tools/formats/wfdb_quirk_fixtures.py).
// Samples are compared with the float64 reference rounded to Float, exactly.

struct QuirkReference: Decodable {
    let signals: [String]
    let units: [String]
    let fs: Double
    let samples: [[Double]]
    let true_checksum: Int?
}

enum Quirks {
    static let dir = Paths.fixtures.appendingPathComponent("quirks")
    static let reference: [String: QuirkReference] = {
        let data = try! Data(contentsOf: Paths.fixtures.appendingPathComponent("quirks_reference.json"))
        return try! JSONDecoder().decode([String: QuirkReference].self, from: data)
    }()
    static func read(_ name: String) throws -> ECGRecord {
        try WFDBReader.read(url: dir.appendingPathComponent("\(name).hea"))
    }
}

@Suite struct WFDBQuirkTests {
    @Test func cinc2017StyleMatFileWithPlaceholderChecksumAndISODateReads() throws {
        let r = try Quirks.read("cinc2017_style")
        let ref = try #require(Quirks.reference["cinc2017_style"])
        #expect(r.rhythm.leads.map(\.name) == ["ECG"])
        #expect(r.rhythm.samplingRateHz == 300)
        let got = r.rhythm.leads[0].samples
        #expect(got.count == ref.samples[0].count)
        #expect(zip(got, ref.samples[0]).allSatisfy { $0 == Float($1) })
        // Both quirks are kept with the record as warnings, not refusals.
        #expect(r.warnings.count == 2)
        let cs = try #require(ref.true_checksum)
        #expect(r.warnings.contains { $0.contains("checksum mismatch") && $0.contains("header says 0") && $0.contains("sum to \(cs)") })
        #expect(r.warnings.contains { $0.contains("ISO order") })
        // The ISO date is read: 2014-05-08 05:05:15 UTC.
        let expected = DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"),
                                      year: 2014, month: 5, day: 8, hour: 5, minute: 5, second: 15).date
        #expect(r.acquisition.startTime == expected)
        #expect(r.summary().warnings == r.warnings)
    }

    @Test func unparseableDateTimeIsAWarningAndNoDate() throws {
        let r = try Quirks.read("bad_datetime")
        let ref = try #require(Quirks.reference["bad_datetime"])
        #expect(zip(r.rhythm.leads[0].samples, ref.samples[0]).allSatisfy { $0 == Float($1) })
        #expect(r.acquisition.startTime == nil)
        #expect(r.acquisition.startTimeText == "25:61:00 31/13/2014")
        #expect(r.warnings == ["bad_datetime.hea: base time/date '25:61:00 31/13/2014' does not parse as HH:MM:SS DD/MM/YYYY; start time unknown"])
    }

    @Test func specDateGivesNoWarning() throws {
        let h = try WFDBHeader.parse("r 1 250 10 10:20:30.5 02/03/2001\nr.dat 16 200 16 0 0 0 0 I\n", file: "r.hea")
        let reading = h.startDateReading()
        #expect(reading.warning == nil)
        #expect(reading.date?.timeIntervalSince1970 == 983_528_430.5)
        let timeOnly = try WFDBHeader.parse("r 1 250 10 10:20:30\nr.dat 16 200 16 0 0 0 0 I\n", file: "r.hea")
        #expect(timeOnly.startDateReading().warning == nil && timeOnly.startDateReading().date == nil)
    }

    @Test func recordDecodesWithoutTheNewFields() throws {
        let r = try Quirks.read("bad_datetime")
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(r)) as! [String: Any]
        json.removeValue(forKey: "warnings"); json.removeValue(forKey: "ignoredChannels")
        let back = try JSONDecoder().decode(ECGRecord.self, from: JSONSerialization.data(withJSONObject: json))
        #expect(back.warnings.isEmpty && back.rhythm == r.rhythm)
    }
}
