import ImagingFormats

/// Resamples axial slices of an ``ImageVolume`` onto a model's grid, and windows them.
///
/// Geometry: an output grid of `rows × columns` pixels, `spacingMM` apart, centred on the source point
/// `(centerRow, centerColumn)` (source pixel coordinates, pixel centres at integers). Output pixel
/// `(i, j)` samples the source at row `centerRow + (i − (rows − 1)/2) · spacingMM / rowSpacingMM` and
/// column `centerColumn + (j − (columns − 1)/2) · spacingMM / columnSpacingMM`, bilinearly; points
/// outside `[0, sourceRows − 1] × [0, sourceColumns − 1]` take `padHU` (scipy's
/// `map_coordinates(order=1, mode='constant', cval=padHU)`). Along z, a plane at position `zMM` is the
/// linear interpolation of the two slices around it (`slicePositionsMM`), the nearest slice beyond the
/// ends. The HU result is then windowed (``HUWindow``).
public struct SliceSampler: Sendable {
    /// The volume sampled.
    public let volume: ImageVolume

    /// Creates a sampler over `volume`.
    public init(volume: ImageVolume) { self.volume = volume }

    /// The grid's source coordinates for one axis: `count` positions, spacing `step` source pixels.
    @inline(__always)
    static func axis(count: Int, center: Double, step: Double) -> [Double] {
        (0..<count).map { center + (Double($0) - Double(count - 1) / 2) * step }
    }

    /// The two slices and the weight of the second for the plane at `zMM` (nearest slice beyond the ends).
    public func slicePair(atMM zMM: Double) -> (lower: Int, upper: Int, weight: Float) {
        let p = volume.slicePositionsMM
        guard p.count > 1, let first = p.first, let last = p.last else { return (0, 0, 0) }
        if zMM <= first { return (0, 0, 0) }
        if zMM >= last { return (p.count - 1, p.count - 1, 0) }
        var lo = 0, hi = p.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if p[mid] <= zMM { lo = mid } else { hi = mid }
        }
        let span = p[hi] - p[lo]
        return (lo, hi, span > 0 ? Float((zMM - p[lo]) / span) : 0)
    }

    /// Samples the plane at `zMM` on the grid and writes windowed values to `out` (rows × columns).
    public func sample(zMM: Double, centerRow: Double, centerColumn: Double, rows: Int, columns: Int,
                       spacingMM: Double, padHU: Double, window: HUWindow, into out: UnsafeMutablePointer<Float>) {
        let (s0, s1, w) = slicePair(atMM: zMM)
        let rs = Self.axis(count: rows, center: centerRow, step: spacingMM / volume.rowSpacingMM)
        let cs = Self.axis(count: columns, center: centerColumn, step: spacingMM / volume.columnSpacingMM)
        let srcRows = volume.rows, srcCols = volume.columns
        let maxR = Double(srcRows - 1), maxC = Double(srcCols - 1)
        let pad = Float(padHU)
        // Column taps shared by every row.
        var c0 = [Int](repeating: -1, count: columns), fc = [Float](repeating: 0, count: columns)
        for (j, c) in cs.enumerated() where c >= 0 && c <= maxC {
            let f = min(Int(c), srcCols - 2 >= 0 ? srcCols - 2 : 0)
            c0[j] = f
            fc[j] = Float(c - Double(f))
        }
        let plane = srcRows * srcCols
        volume.voxels.withUnsafeBufferPointer { vox in
            guard let base = vox.baseAddress, vox.count >= (max(s0, s1) + 1) * plane else { return }
            let a = base + s0 * plane, b = base + s1 * plane
            for (i, r) in rs.enumerated() {
                let row = out + i * columns
                guard r >= 0, r <= maxR else {
                    for j in 0..<columns { row[j] = window.normalized(pad) }
                    continue
                }
                let r0 = min(Int(r), max(0, srcRows - 2))
                let fr = Float(r - Double(r0))
                let r1 = min(r0 + 1, srcRows - 1)
                for j in 0..<columns {
                    let cc = c0[j]
                    guard cc >= 0 else { row[j] = window.normalized(pad); continue }
                    let c1 = min(cc + 1, srcCols - 1)
                    func bilinear(_ p: UnsafePointer<Float>) -> Float {
                        let top = p[r0 * srcCols + cc] * (1 - fc[j]) + p[r0 * srcCols + c1] * fc[j]
                        let bottom = p[r1 * srcCols + cc] * (1 - fc[j]) + p[r1 * srcCols + c1] * fc[j]
                        return top * (1 - fr) + bottom * fr
                    }
                    var hu = bilinear(a)
                    if s1 != s0 { hu = hu * (1 - w) + bilinear(b) * w }
                    row[j] = window.normalized(hu)
                }
            }
        }
    }

    /// Convenience returning a new array.
    public func sample(zMM: Double, centerRow: Double, centerColumn: Double, rows: Int, columns: Int,
                       spacingMM: Double, padHU: Double, window: HUWindow) -> [Float] {
        var out = [Float](repeating: 0, count: rows * columns)
        out.withUnsafeMutableBufferPointer { p in
            sample(zMM: zMM, centerRow: centerRow, centerColumn: centerColumn, rows: rows, columns: columns,
                   spacingMM: spacingMM, padHU: padHU, window: window, into: p.baseAddress!)
        }
        return out
    }

    /// The image centre in source pixel coordinates.
    public var imageCenter: (row: Double, column: Double) {
        (Double(volume.rows - 1) / 2, Double(volume.columns - 1) / 2)
    }
}
