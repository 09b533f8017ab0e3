import DetectorInputs
import Foundation
import ImagingFormats
import VigilTestSupport
@testable import CTDetector

/// Fixture locations and the small synthetic volumes the tests score (built here, in HU).
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let repository = Repository.root

    /// A test model pair (`std`: the contract sizes; `small`: a hospital's own pair with other sizes).
    static func models(_ tag: String) throws -> CTModelPair {
        let dir = root.appendingPathComponent("models").appendingPathComponent(tag)
        return try CTModelPair(localizerFolder: dir.appendingPathComponent("localizer"),
                               lesionFolder: dir.appendingPathComponent("lesion"))
    }

    static func referenceJSON() throws -> [String: Any] {
        let data = try Data(contentsOf: root.appendingPathComponent("reference.json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CTDetectorError.cardKey(path: "reference.json", key: "/", problem: "is not an object")
        }
        return object
    }
}

/// Header facts of a series that is within the test models' intended use.
func abdomenMetadata(modality: String? = "CT", bodyPart: String? = "ABDOMEN", thickness: Double? = 2.5,
                     contrast: String? = "IOHEXOL") -> SeriesMetadata {
    var m = SeriesMetadata()
    m.modality = modality
    m.bodyPart = bodyPart
    m.sliceThicknessMM = thickness
    m.contrastAgent = contrast
    return m
}

/// A synthetic "abdomen" for the band test models (Tools/ct/make_test_models.py):
/// air −1000 outside an elliptical body (semi-axes 150 × 110 mm) with a 20 mm fat ring (−80 HU) around
/// soft tissue (120 HU); an "organ" ellipse at 200 HU (the localiser's 190–230 HU band) centred
/// `organOffsetMM` from the image centre; optionally a "lesion" disc (30 HU, the lesion model's 10–50 HU
/// band) of `lesionRadiusMM` inside the organ on slices `lesionSlices`.
struct Phantom {
    var slices = 12
    var side = 160
    var spacingMM = 2.5
    var sliceSpacingMM = 2.5
    var organSlices = 2..<10
    var organOffsetMM = (row: 10.0, column: -20.0)
    var lesionSlices: Range<Int>? = 5..<8
    var lesionRadiusMM = 8.0
    var lesionOffsetMM = (row: 2.0, column: 5.0)
    var metadata = abdomenMetadata()

    /// The lesion centre in source pixel coordinates.
    var lesionCenterPixel: (row: Double, column: Double) {
        let c = Double(side - 1) / 2
        return (c + (organOffsetMM.row + lesionOffsetMM.row) / spacingMM, c + (organOffsetMM.column + lesionOffsetMM.column) / spacingMM)
    }

    func hu(slice s: Int, yMM: Double, xMM: Double) -> Float {
        let body = (yMM * yMM) / (110 * 110) + (xMM * xMM) / (150 * 150)
        if body > 1 { return -1000 }
        let inner = (yMM * yMM) / (90 * 90) + (xMM * xMM) / (130 * 130)
        if inner > 1 { return -80 }
        let (oy, ox) = (yMM - organOffsetMM.row, xMM - organOffsetMM.column)
        if organSlices.contains(s), (oy * oy) / (18 * 18) + (ox * ox) / (35 * 35) <= 1 {
            if let lesion = lesionSlices, lesion.contains(s) {
                let (ly, lx) = (oy - lesionOffsetMM.row, ox - lesionOffsetMM.column)
                if ly * ly + lx * lx <= lesionRadiusMM * lesionRadiusMM { return 30 }
            }
            return 200
        }
        return 120
    }

    func volume() -> ImageVolume {
        var voxels = [Float](repeating: 0, count: slices * side * side)
        let c = Double(side - 1) / 2
        for s in 0..<slices {
            for r in 0..<side {
                for col in 0..<side {
                    voxels[(s * side + r) * side + col] = hu(slice: s, yMM: (Double(r) - c) * spacingMM, xMM: (Double(col) - c) * spacingMM)
                }
            }
        }
        return ImageVolume(
            slices: slices, rows: side, columns: side, voxels: voxels, rowSpacingMM: spacingMM, columnSpacingMM: spacingMM,
            sliceSpacingMM: slices > 1 ? sliceSpacingMM : nil, rowDirection: [1, 0, 0], columnDirection: [0, 1, 0],
            originMM: [0, 0, 0], slicePositionsMM: (0..<slices).map { Double($0) * sliceSpacingMM },
            sliceSources: (0..<slices).map { "phantom-\($0)" }, metadata: metadata, warnings: [])
    }

    func study(_ label: String = "phantom") -> CTStudy { CTStudy(label: label, volumes: [volume()]) }
}

/// A volume with arbitrary voxels and the given geometry (for intended-use tests).
func makeVolume(slices: Int, rows: Int, columns: Int, spacingMM: Double, metadata: SeriesMetadata = abdomenMetadata(),
                hu: (Int, Double, Double) -> Float) -> ImageVolume {
    var voxels = [Float](repeating: 0, count: slices * rows * columns)
    let (cr, cc) = (Double(rows - 1) / 2, Double(columns - 1) / 2)
    for s in 0..<slices {
        for r in 0..<rows {
            for c in 0..<columns {
                voxels[(s * rows + r) * columns + c] = hu(s, (Double(r) - cr) * spacingMM, (Double(c) - cc) * spacingMM)
            }
        }
    }
    return ImageVolume(slices: slices, rows: rows, columns: columns, voxels: voxels, rowSpacingMM: spacingMM, columnSpacingMM: spacingMM,
                       sliceSpacingMM: slices > 1 ? 2.5 : nil, rowDirection: [1, 0, 0], columnDirection: [0, 1, 0], originMM: [0, 0, 0],
                       slicePositionsMM: (0..<slices).map { Double($0) * 2.5 }, sliceSources: (0..<slices).map { "v\($0)" },
                       metadata: metadata, warnings: [])
}
