import Foundation
import ImagingFormats
import Rendering

/// One rendered picture of a scoring result: a key slice's overlay or the montage of the top slices.
public struct CTOverlay: Sendable {
    /// File name to write it under (`slice-0122.png`, `montage.png`).
    public let fileName: String
    /// What it shows, for the evidence caption.
    public let caption: String
    /// The picture.
    public let canvas: Canvas
}

/// Draws the key slices for a radiologist: the slice in a soft-tissue window (default W400/L40), the
/// occlusion saliency as a heat map over the crop, the lesion segmentation's outline (green), the crop
/// footprint (yellow); beside it the crop region enlarged. The montage puts the enlarged crops of the
/// top slices side by side.
public struct CTOverlayRenderer: Sendable {
    /// Display window centre, HU.
    public let windowCenterHU: Double
    /// Display window width, HU.
    public let windowWidthHU: Double
    /// Side of the enlarged crop panel, pixels.
    public let zoomSide: Int
    /// Heat below this (0…1) is not drawn, so the anatomy stays visible.
    public let heatThreshold: Float

    /// Creates a renderer.
    public init(windowCenterHU: Double = 40, windowWidthHU: Double = 400, zoomSide: Int = 384, heatThreshold: Float = 0.2) {
        self.windowCenterHU = windowCenterHU
        self.windowWidthHU = windowWidthHU
        self.zoomSide = zoomSide
        self.heatThreshold = heatThreshold
    }

    static let yellow = RGB(255, 220, 0)
    static let green = RGB(0, 230, 90)

    /// The overlays of `result`'s key slices and their montage. `volume` is the oriented volume the
    /// result was computed on (``RadiologicalOrientation``); `mirrored` says whether it differs from the
    /// stored pixel order (the captions then say so).
    public func render(_ result: CTScoringResult, volume: ImageVolume, spec: LesionSpec, mirrored: Bool = false) throws -> [CTOverlay] {
        var overlays: [CTOverlay] = []
        var zooms: [Canvas] = [], captions: [String] = []
        for (rank, key) in result.keySlices.enumerated() {
            let (full, zoom) = try draw(key, volume: volume, spec: spec)
            let title = "slice \(key.score.index)  score \(String(format: "%.2f", key.score.logit))"
            let sizeText = key.lesionLongestAxisMM.map { String(format: "lesion ~%.1f mm", $0) } ?? "no lesion mask"
            let detail = "z \(String(format: "%.1f", key.score.positionMM)) mm  \(sizeText)"
            let panel = try Canvas.montage([full, zoom], columns: 2, captions: [title, detail])
            let orientation = mirrored ? " (mirrored from the stored pixel order to anterior up, patient's right on the left; evidence boxes use the stored order)" : ""
            overlays.append(CTOverlay(fileName: String(format: "slice-%04d.png", key.score.index),
                                      caption: "Axial slice \(key.score.index) (rank \(rank + 1)): W\(Int(windowWidthHU))/L\(Int(windowCenterHU)), occlusion saliency heat map, lesion outline green, crop yellow\(orientation)",
                                      canvas: panel))
            zooms.append(zoom)
            captions.append("#\(rank + 1) slice \(key.score.index) score \(String(format: "%.2f", key.score.logit))")
        }
        if !zooms.isEmpty {
            let montage = try Canvas.montage(zooms, columns: zooms.count, captions: captions)
            overlays.append(CTOverlay(fileName: "montage.png",
                                      caption: "Top \(zooms.count) slices by lesion score (crops with occlusion saliency)", canvas: montage))
        }
        return overlays
    }

    /// The full slice with the heat map and crop frame (scaled to `zoomSide` pixels high) and the crop
    /// region resampled at `zoomSide` resolution with the heat map and the lesion outline.
    func draw(_ key: KeySlice, volume: ImageVolume, spec: LesionSpec) throws -> (Canvas, Canvas) {
        let (rows, cols) = (volume.rows, volume.columns)
        let plane = rows * cols
        let s = key.score.index
        let hu = Array(volume.voxels[(s * plane)..<((s + 1) * plane)])
        let geometry = CropGeometry(volume: volume, spec: spec, centerRow: key.score.centerRow, centerColumn: key.score.centerColumn)
        let box = key.cropBox

        // Full slice.
        var canvas = try Canvas.windowed(values: hu, width: cols, height: rows, center: windowCenterHU, window: windowWidthHU)
        var heat = [Float](repeating: 0, count: plane)
        for r in box.y..<(box.y + box.height) {
            for c in box.x..<(box.x + box.width) {
                let (i, j) = geometry.crop(Double(r), Double(c))
                heat[r * cols + c] = Self.bilinear(key.saliency, rows: spec.rows, columns: spec.columns, i, j)
            }
        }
        try canvas.overlayHeatmap(heat, maxAlpha: 0.6, threshold: heatThreshold)
        canvas.strokeRect(x: box.x, y: box.y, width: box.width, height: box.height, color: Self.yellow, thickness: max(1, cols / 256))
        let shrink = Double(zoomSide) / Double(rows)
        let full = try canvas.scaled(width: max(1, Int((Double(cols) * shrink).rounded())), height: zoomSide)

        // Crop region at zoom resolution.
        let scale = Double(zoomSide) / Double(max(box.width, box.height))
        let zw = max(1, Int((Double(box.width) * scale).rounded())), zh = max(1, Int((Double(box.height) * scale).rounded()))
        var zoomHU = [Float](repeating: 0, count: zw * zh), zoomHeat = [Float](repeating: 0, count: zw * zh)
        var zoomMask = [Bool](repeating: false, count: zw * zh)
        for y in 0..<zh {
            let r = Double(box.y) - 0.5 + (Double(y) + 0.5) * Double(box.height) / Double(zh)
            for x in 0..<zw {
                let c = Double(box.x) - 0.5 + (Double(x) + 0.5) * Double(box.width) / Double(zw)
                let k = y * zw + x
                zoomHU[k] = Self.bilinear(hu, rows: rows, columns: cols, min(max(r, 0), Double(rows - 1)), min(max(c, 0), Double(cols - 1)))
                let (i, j) = geometry.crop(r, c)
                zoomHeat[k] = Self.bilinear(key.saliency, rows: spec.rows, columns: spec.columns, i, j)
                let (ni, nj) = (Int(i.rounded()), Int(j.rounded()))
                if ni >= 0, ni < spec.rows, nj >= 0, nj < spec.columns { zoomMask[k] = key.lesionMask[ni * spec.columns + nj] }
            }
        }
        var zoom = try Canvas.windowed(values: zoomHU, width: zw, height: zh, center: windowCenterHU, window: windowWidthHU)
        try zoom.overlayHeatmap(zoomHeat, maxAlpha: 0.6, threshold: heatThreshold)
        if zoomMask.contains(true) { try zoom.drawContour(mask: zoomMask, color: Self.green, thickness: 2) }
        return (full, zoom)
    }

    /// Bilinear sample of a rows × columns map at fractional (i, j); 0 outside.
    static func bilinear(_ map: [Float], rows: Int, columns: Int, _ i: Double, _ j: Double) -> Float {
        guard map.count == rows * columns, i >= 0, j >= 0, i <= Double(rows - 1), j <= Double(columns - 1) else { return 0 }
        let i0 = min(Int(i), max(0, rows - 2)), j0 = min(Int(j), max(0, columns - 2))
        let i1 = min(i0 + 1, rows - 1), j1 = min(j0 + 1, columns - 1)
        let fi = Float(i - Double(i0)), fj = Float(j - Double(j0))
        let top = map[i0 * columns + j0] * (1 - fj) + map[i0 * columns + j1] * fj
        let bottom = map[i1 * columns + j0] * (1 - fj) + map[i1 * columns + j1] * fj
        return top * (1 - fi) + bottom * fi
    }
}
