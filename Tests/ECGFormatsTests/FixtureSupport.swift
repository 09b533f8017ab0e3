import Foundation
import Testing
@testable import ECGFormats

// Fixtures in Tests/ECGFormatsTests/Fixtures/ and sample files in SampleData/ecg/ are written by
// Tools/formats/ecg_fixtures.py: reference values come from wfdb-python's rdrecord/rdann (WFDB) and
// numpy float64 (CSV, MUSE, aECG).
//
// Tolerance statement: the readers compute each physical value in Double and round once to Float, so
// they are compared with the float64 reference rounded to Float *exactly* (`Float(ref) == value`), except
// where a test says otherwise (averaged frames, sums over many samples).

enum Paths {
    static let testsDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixtures = testsDir.appendingPathComponent("Fixtures")
    static let wfdb = fixtures.appendingPathComponent("wfdb")
    static let bad = fixtures.appendingPathComponent("bad")
    static let sampleData = testsDir.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SampleData/ecg")
}

struct WFDBReference: Decodable {
    struct Lead: Decodable {
        let label: String
        let units: String
        let fmt: String
        let adc_gain: Double
        let baseline: Int
        let checksum: Int?
        let nan_count: Int
        let sum: Double
        let min: Double
        let max: Double
        let samples: [Double?]?
        let first: [Double?]?
        let last: [Double?]?
    }
    struct Annotation: Decodable {
        let sample: Int
        let symbol: String
        let subtype: Int
        let chan: Int
        let num: Int
        let aux: String
    }
    struct Record: Decodable {
        let name: String
        let fs: Double
        let sig_len: Int
        let leads: [Lead]
        let annotations: [Annotation]?
    }
    let generator: String
    let records: [Record]

    static let shared: WFDBReference = {
        let data = try! Data(contentsOf: Paths.fixtures.appendingPathComponent("wfdb_reference.json"))
        return try! JSONDecoder().decode(WFDBReference.self, from: data)
    }()
    static func record(_ name: String) -> Record { shared.records.first { $0.name == name }! }
}

/// Exact float32 comparison of a reader's samples against float64 references (nil = NaN).
func expectSamples(_ got: ArraySlice<Float>, _ want: [Double?], _ context: String,
                   sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(got.count == want.count, "\(context): count", sourceLocation: sourceLocation)
    var mismatches = 0
    for (g, w) in zip(got, want) {
        let ok: Bool
        if let w { ok = g == Float(w) } else { ok = g.isNaN }
        if !ok {
            mismatches += 1
            if mismatches <= 3 { Issue.record("\(context): got \(g), want \(String(describing: w))", sourceLocation: sourceLocation) }
        }
    }
    #expect(mismatches == 0, "\(context): \(mismatches) mismatching samples", sourceLocation: sourceLocation)
}

/// Runs `body` and returns the ECGFormatError it throws (records an issue if it throws nothing or
/// something else).
func ecgError(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> ECGFormatError? {
    do {
        try body()
        Issue.record("expected an ECGFormatError, nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let e as ECGFormatError {
        return e
    } catch {
        Issue.record("expected an ECGFormatError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
