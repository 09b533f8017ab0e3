import Foundation
import Testing

// Fixtures in Tests/ECGSignalTests/Fixtures/ are written by Tools/ecg/signal_fixtures.py with numpy/scipy
// (filters.json: scipy.signal.butter/iirnotch/filtfilt; resample.json: scipy.signal.resample_poly;
// hrv.json: numpy; mitdb208.json: the first 60 s of the MIT-BIH 208 excerpt read with wfdb-python).

enum Fixtures {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        let data = try Data(contentsOf: dir.appendingPathComponent(name))
        return try JSONDecoder().decode(T.self, from: data)
    }
}

struct FilterFixture: Decodable {
    struct Case: Decodable {
        let kind: String
        let fs: Double
        let order: Int?
        let low: Double?
        let high: Double?
        let cutoff: Double?
        let f0: Double?
        let q: Double?
        let b: [Double]
        let a: [Double]
        let x: [Float]
        let y: [Double]
    }
    let cases: [Case]
}

struct ResampleFixture: Decodable {
    struct Case: Decodable {
        let fsIn: Int
        let fsOut: Int
        let up: Int
        let down: Int
        let x: [Float]
        let y: [Double]
    }
    let cases: [Case]
}

struct HRVFixture: Decodable {
    struct Case: Decodable {
        let rrMs: [Double]
        let meanMs: Double
        let sdMs: Double
        let rmssdMs: Double
        let heartRateBpm: Double
    }
    let cases: [Case]
}

struct MITDBFixture: Decodable {
    let fs: Double
    let gainPerMv: Double
    let baseline: Int
    let adc: [Int]
    /// Beats found by wfdb-python's XQRS and GQRS detectors (other detectors, not reference annotations).
    let xqrs: [Int]
    let gqrs: [Int]
    var millivolts: [Float] { adc.map { Float(Double($0 - baseline) / gainPerMv) } }
}

/// Largest absolute difference between two equal-length sequences (infinity when the lengths differ).
func maxAbsDiff(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
