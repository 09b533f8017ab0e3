import Foundation
import VigilTestSupport
@testable import DICOM
@testable import ImagingFormats

enum Fixture {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let root = Repository.root
    static func url(_ name: String) -> URL { here.appendingPathComponent("Fixtures/\(name)") }
    static func sample(_ name: String) -> URL { root.appendingPathComponent("SampleData/ct/\(name)") }
    static func bytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

    /// References written by Tools/formats/dicom_fixtures.py (pydicom's modality LUT output).
    static func reference(_ key: String) throws -> [String: Any] {
        let d = try Data(contentsOf: url("reference.json"))
        let all = try JSONSerialization.jsonObject(with: d) as! [String: Any]
        return all[key] as! [String: Any]
    }

    static func hu(_ key: String) throws -> [Float] {
        let r = try reference(key)
        return (r["hu"] as! [NSNumber]).map { Float($0.doubleValue) }
    }

    /// Reads one file's planes and assembles them (as `ImageVolumeReader` does for a multi-frame file).
    static func volume(_ url: URL) throws -> ImageVolume {
        let vols = try ImageVolumeReader.read(paths: [url])
        precondition(vols.count == 1)
        return vols[0]
    }

    /// Parses `bytes` in memory and decodes its planes.
    static func planes(_ bytes: [UInt8], name: String) throws -> [Plane] {
        try CTSlices.planes(try DICOMFile.parse(bytes, name: name))
    }
}

extension Array where Element: Equatable {
    func firstIndex(of pattern: [Element]) -> Int? {
        guard pattern.count <= count else { return nil }
        for i in 0...(count - pattern.count) where Array(self[i..<i + pattern.count]) == pattern { return i }
        return nil
    }
}

/// Exact integer checksums over HU values (as in dicom_fixtures.py `checksums`).
struct Checksums: Equatable {
    var count = 0, min = Int.max, max = Int.min, sum = 0, sumSquares = 0, indexWeightedSum = 0

    init(_ hu: [Float]) {
        count = hu.count
        for (i, v) in hu.enumerated() {
            let x = Int(v)
            min = Swift.min(min, x)
            max = Swift.max(max, x)
            sum += x
            sumSquares += x * x
            indexWeightedSum += (i % 9973) * x
        }
    }

    init(reference r: [String: Any]) {
        count = r["count"] as! Int
        min = r["min"] as! Int
        max = r["max"] as! Int
        sum = (r["sum"] as! NSNumber).intValue
        sumSquares = (r["sumSquares"] as! NSNumber).intValue
        indexWeightedSum = (r["indexWeightedSum"] as! NSNumber).intValue
    }
}
