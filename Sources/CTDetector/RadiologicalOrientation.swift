import DetectorKit
import ImagingFormats

/// Puts a volume in the standard radiological orientation before scoring (docs/ct-models.md,
/// "Orientation"): rows running towards the patient's posterior (column direction y ≥ 0) and columns
/// towards the patient's left (row direction x ≥ 0). A series stored otherwise is mirrored; geometry
/// (directions, origin) is updated so every voxel keeps its patient position.
public struct RadiologicalOrientation: Sendable, Hashable {
    /// Whether the row order was reversed.
    public let flipRows: Bool
    /// Whether the column order was reversed.
    public let flipColumns: Bool
    /// Rows and columns of the volume.
    public let rows: Int, columns: Int

    /// What `volume` needs.
    public init(of volume: ImageVolume) {
        flipRows = volume.columnDirection.count == 3 && volume.columnDirection[1] < 0
        flipColumns = volume.rowDirection.count == 3 && volume.rowDirection[0] < 0
        rows = volume.rows
        columns = volume.columns
    }

    /// Whether the volume is already oriented.
    public var isIdentity: Bool { !flipRows && !flipColumns }

    /// `volume` mirrored as needed (the same value when nothing is needed).
    public func apply(to volume: ImageVolume) -> ImageVolume {
        guard !isIdentity else { return volume }
        let (r, c) = (volume.rows, volume.columns)
        var voxels = [Float](repeating: 0, count: volume.voxels.count)
        volume.voxels.withUnsafeBufferPointer { src in
            for s in 0..<volume.slices {
                for row in 0..<r {
                    let from = (s * r + (flipRows ? r - 1 - row : row)) * c, to = (s * r + row) * c
                    if flipColumns {
                        for col in 0..<c { voxels[to + col] = src[from + c - 1 - col] }
                    } else {
                        for col in 0..<c { voxels[to + col] = src[from + col] }
                    }
                }
            }
        }
        var origin = volume.originMM, rowDir = volume.rowDirection, colDir = volume.columnDirection
        if flipRows, origin.count == 3, colDir.count == 3 {
            for k in 0..<3 { origin[k] += Double(r - 1) * volume.rowSpacingMM * colDir[k] }
            colDir = colDir.map { -$0 }
        }
        if flipColumns, origin.count == 3, rowDir.count == 3 {
            for k in 0..<3 { origin[k] += Double(c - 1) * volume.columnSpacingMM * rowDir[k] }
            rowDir = rowDir.map { -$0 }
        }
        return ImageVolume(slices: volume.slices, rows: r, columns: c, voxels: voxels, rowSpacingMM: volume.rowSpacingMM,
                           columnSpacingMM: volume.columnSpacingMM, sliceSpacingMM: volume.sliceSpacingMM, rowDirection: rowDir,
                           columnDirection: colDir, originMM: origin, slicePositionsMM: volume.slicePositionsMM,
                           sliceSources: volume.sliceSources, metadata: volume.metadata, warnings: volume.warnings)
    }

    /// A box in the oriented pixel grid, in the stored (original) pixel grid.
    public func original(_ box: BoundingBox) -> BoundingBox {
        BoundingBox(x: flipColumns ? columns - box.x - box.width : box.x,
                    y: flipRows ? rows - box.y - box.height : box.y, width: box.width, height: box.height)
    }
}
