import Rendering

enum TraceDrawing {
    /// Draws `samples` (mV at `rateHz`; `samples[0]` is record sample `firstSample`) for the seconds
    /// the panel shows, clipped to the panel's columns and the grid's rows; invalid samples leave gaps.
    static func drawTrace(_ samples: [Float], firstSample: Int, rateHz: Double, panel p: PlotPanel, gridClip: PixelRect,
                          on canvas: inout Canvas) {
        guard !samples.isEmpty else { return }
        let first = max(firstSample, Int((p.startSeconds * rateHz).rounded(.up)))
        let last = min(firstSample + samples.count - 1, Int((p.endSeconds * rateHz).rounded(.down)))
        guard first <= last else { return }
        var points: [Point] = []
        points.reserveCapacity(last - first + 1)
        for i in first...last {
            let v = samples[i - firstSample]
            points.append(Point(x: p.x(atSeconds: Double(i) / rateHz), y: v.isFinite ? p.y(millivolts: Double(v)) : .nan))
        }
        let clip = PixelRect(x: p.area.x - 1, y: gridClip.y, width: p.area.width + 2, height: gridClip.height)
        canvas.strokePolyline(points, color: PaperStyle.ink, width: p.geometry.traceWidth, clip: clip)
    }

    /// The 1 mV calibration pulse in the calibration zone of `row`: baseline from 2 to 4 mm, a step up
    /// of exactly 1 mV × gain, 5 mm (0.2 s at 25 mm/s) of plateau, a step down, baseline to 10 mm.
    static func drawCalibration(row: Int, geometry g: PaperGeometry, on canvas: inout Canvas) {
        let base = Double(g.baseline(row)), top = base - g.pxPerMillivolt
        let x = { (mm: Int) in Double(g.gridLeft + g.px(mm)) }
        let pts = [Point(x: x(2), y: base), Point(x: x(4), y: base), Point(x: x(4), y: top), Point(x: x(9), y: top),
                   Point(x: x(9), y: base), Point(x: x(PaperGeometry.calibrationMM), y: base)]
        canvas.strokePolyline(pts, color: PaperStyle.ink, width: g.traceWidth)
    }

    /// The short vertical bar printers put where one lead's column ends and the next begins.
    static func drawSeparator(panel p: PlotPanel, on canvas: inout Canvas) {
        let g = p.geometry
        canvas.drawLine(from: Point(x: p.originX, y: p.baselineY - g.px(3.0)), to: Point(x: p.originX, y: p.baselineY + g.px(3.0)),
                        color: PaperStyle.ink, width: g.traceWidth)
    }
}
