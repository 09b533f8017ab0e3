/// Why images could not be turned into a volume. Names the file(s) or series and the defect; no patient data.
public struct ImagingError: Error, CustomStringConvertible, Sendable {
    /// The file, folder or series concerned.
    public let source: String
    /// What is wrong.
    public let detail: String

    /// Makes an error.
    public init(source: String, detail: String) {
        self.source = source
        self.detail = detail
    }

    public var description: String { "\(source): \(detail)" }
}

/// Series-level facts carried with a volume (never patient names or identifiers).
public struct SeriesMetadata: Codable, Sendable, Equatable {
    /// Modality (0008,0060), e.g. "CT".
    public var modality: String?
    /// Series Instance UID (0020,000E).
    public var seriesInstanceUID: String?
    /// Study Instance UID (0020,000D).
    public var studyInstanceUID: String?
    /// Series Description (0008,103E).
    public var seriesDescription: String?
    /// Nominal slice thickness (0018,0050), mm.
    public var sliceThicknessMM: Double?
    /// Peak tube voltage (0018,0060), kV.
    public var kvp: Double?
    /// Contrast/bolus agent (0018,0010); nil when not recorded.
    public var contrastAgent: String?
    /// Body part examined (0018,0015).
    public var bodyPart: String?
    /// Manufacturer (0008,0070).
    public var manufacturer: String?
    /// Manufacturer's model name (0008,1090).
    public var manufacturerModel: String?
    /// Convolution kernel (0018,1210).
    public var convolutionKernel: String?
    /// Transfer syntax UID of the source files (DICOM only).
    public var transferSyntaxUID: String?

    /// An empty record.
    public init() {}
}

/// A CT volume: voxels in Hounsfield units on a regular grid with its patient-space geometry.
///
/// Voxels are stored slice-major in C order: index `(s * rows + r) * columns + c`. Slice `s`, row `r`,
/// column `c` has its centre at `originMM + c * columnSpacingMM * rowDirection + r * rowSpacingMM *
/// columnDirection + s * sliceSpacingMM * sliceDirection` (DICOM patient coordinates, mm).
public struct ImageVolume: Sendable {
    /// Number of slices (≥ 1).
    public let slices: Int
    /// Rows per slice.
    public let rows: Int
    /// Columns per slice.
    public let columns: Int
    /// Voxel values, Float, slices × rows × columns, C order. Hounsfield units for CT
    /// (stored value × rescale slope + rescale intercept).
    public let voxels: [Float]
    /// Distance between the centres of adjacent rows, mm (PixelSpacing[0]).
    public let rowSpacingMM: Double
    /// Distance between the centres of adjacent columns, mm (PixelSpacing[1]).
    public let columnSpacingMM: Double
    /// Distance between adjacent slice centres along `sliceDirection`, mm (median of the position
    /// differences); nil for a single slice without Spacing Between Slices.
    public let sliceSpacingMM: Double?
    /// Unit vector (3) along which the column index increases (ImageOrientationPatient[0..<3]).
    public let rowDirection: [Double]
    /// Unit vector (3) along which the row index increases (ImageOrientationPatient[3..<6]).
    public let columnDirection: [Double]
    /// Unit vector (3) along which the slice index increases: rowDirection × columnDirection.
    public let sliceDirection: [Double]
    /// Patient-space position (3, mm) of the centre of voxel (0, 0, 0) (ImagePositionPatient of slice 0).
    public let originMM: [Double]
    /// Position of each slice along `sliceDirection` (mm), ascending.
    public let slicePositionsMM: [Double]
    /// Where each slice came from (file path, and frame number for multi-frame files).
    public let sliceSources: [String]
    /// Series facts.
    public let metadata: SeriesMetadata
    /// Problems that did not prevent building the volume (gaps, uneven spacing, assumptions made).
    public let warnings: [String]
    /// False when the files give no Pixel Spacing (a Secondary Capture of a CT, for instance): the grid then
    /// uses 1 mm as a placeholder, sizes in mm are unknown, and detectors must not measure on it.
    public let pixelSpacingKnown: Bool

    /// Makes a volume; `voxels.count` must equal `slices * rows * columns`.
    public init(slices: Int, rows: Int, columns: Int, voxels: [Float], rowSpacingMM: Double, columnSpacingMM: Double,
                sliceSpacingMM: Double?, rowDirection: [Double], columnDirection: [Double], originMM: [Double],
                slicePositionsMM: [Double], sliceSources: [String], metadata: SeriesMetadata, warnings: [String],
                pixelSpacingKnown: Bool = true) {
        precondition(voxels.count == slices * rows * columns, "voxel count does not match the shape")
        self.slices = slices
        self.rows = rows
        self.columns = columns
        self.voxels = voxels
        self.rowSpacingMM = rowSpacingMM
        self.columnSpacingMM = columnSpacingMM
        self.sliceSpacingMM = sliceSpacingMM
        self.rowDirection = rowDirection
        self.columnDirection = columnDirection
        self.sliceDirection = cross(rowDirection, columnDirection)
        self.originMM = originMM
        self.slicePositionsMM = slicePositionsMM
        self.sliceSources = sliceSources
        self.metadata = metadata
        self.warnings = warnings
        self.pixelSpacingKnown = pixelSpacingKnown
    }

    /// The same volume with one more warning.
    public func addingWarning(_ w: String) -> ImageVolume {
        ImageVolume(slices: slices, rows: rows, columns: columns, voxels: voxels, rowSpacingMM: rowSpacingMM,
                    columnSpacingMM: columnSpacingMM, sliceSpacingMM: sliceSpacingMM, rowDirection: rowDirection,
                    columnDirection: columnDirection, originMM: originMM, slicePositionsMM: slicePositionsMM,
                    sliceSources: sliceSources, metadata: metadata, warnings: warnings + [w],
                    pixelSpacingKnown: pixelSpacingKnown)
    }

    /// The voxels as Float HU in C order, shape [slices, rows, columns].
    public var voxelsSlicesRowsColumns: [Float] { voxels }

    /// Shape [slices, rows, columns].
    public var shape: [Int] { [slices, rows, columns] }

    /// The voxel at (slice, row, column).
    public subscript(slice: Int, row: Int, column: Int) -> Float {
        voxels[(slice * rows + row) * columns + column]
    }

    /// A JSON-ready description of the volume (no voxel data, no patient data).
    public var summary: ImageVolumeSummary {
        var lo = Float.infinity, hi = -Float.infinity, sum = 0.0
        for v in voxels {
            lo = min(lo, v)
            hi = max(hi, v)
            sum += Double(v)
        }
        return ImageVolumeSummary(
            shape: shape, rowSpacingMM: rowSpacingMM, columnSpacingMM: columnSpacingMM, sliceSpacingMM: sliceSpacingMM,
            rowDirection: rowDirection, columnDirection: columnDirection, sliceDirection: sliceDirection,
            originMM: originMM, slicePositionsMM: slicePositionsMM, minimum: voxels.isEmpty ? nil : Double(lo),
            maximum: voxels.isEmpty ? nil : Double(hi), mean: voxels.isEmpty ? nil : sum / Double(voxels.count),
            metadata: metadata, warnings: warnings, sliceSources: sliceSources)
    }
}

/// Codable summary of an `ImageVolume` for JSON output (`vigil ct convert`).
public struct ImageVolumeSummary: Codable, Sendable, Equatable {
    /// [slices, rows, columns].
    public let shape: [Int]
    /// Row spacing, mm.
    public let rowSpacingMM: Double
    /// Column spacing, mm.
    public let columnSpacingMM: Double
    /// Slice spacing, mm (nil for one slice of unknown spacing).
    public let sliceSpacingMM: Double?
    /// Direction of increasing column index (3).
    public let rowDirection: [Double]
    /// Direction of increasing row index (3).
    public let columnDirection: [Double]
    /// Direction of increasing slice index (3).
    public let sliceDirection: [Double]
    /// Centre of the first voxel, mm (3).
    public let originMM: [Double]
    /// Slice positions along the slice direction, mm.
    public let slicePositionsMM: [Double]
    /// Smallest voxel value (HU).
    public let minimum: Double?
    /// Largest voxel value (HU).
    public let maximum: Double?
    /// Mean voxel value (HU).
    public let mean: Double?
    /// Series facts.
    public let metadata: SeriesMetadata
    /// Assembly warnings.
    public let warnings: [String]
    /// Source of each slice.
    public let sliceSources: [String]
}

func cross(_ a: [Double], _ b: [Double]) -> [Double] {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}

func dot(_ a: [Double], _ b: [Double]) -> Double { a[0] * b[0] + a[1] * b[1] + a[2] * b[2] }
