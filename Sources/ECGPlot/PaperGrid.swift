import Rendering

enum PaperGrid {
    /// Paints the paper and its 1 mm / 5 mm lines over `rows` row bands. A line at millimetre `m`
    /// starts at pixel `gridLeft + m × pxPerMM` (or `gridTop + …`); minor lines are 1 px, major lines
    /// 2 px from 6 px/mm up (1 px below), extending right/down from that pixel.
    static func draw(on canvas: inout Canvas, geometry g: PaperGeometry, rows: Int) {
        let widthMM = g.gridWidthMM, heightMM = g.gridHeightMM(rows: rows)
        let w = g.px(widthMM) + 1, h = g.px(heightMM) + 1
        canvas.fillRect(x: g.gridLeft, y: g.gridTop, width: w, height: h, color: PaperStyle.paper)
        let major = majorThickness(g)
        for pass in 0..<2 {
            for mm in 0...widthMM where (mm % 5 == 0) == (pass == 1) {
                let x = g.gridLeft + g.px(mm)
                canvas.fillRect(x: x, y: g.gridTop, width: pass == 1 ? major : 1, height: h,
                                color: pass == 1 ? PaperStyle.majorLine : PaperStyle.minorLine)
            }
            for mm in 0...heightMM where (mm % 5 == 0) == (pass == 1) {
                let y = g.gridTop + g.px(mm)
                canvas.fillRect(x: g.gridLeft, y: y, width: w, height: pass == 1 ? major : 1,
                                color: pass == 1 ? PaperStyle.majorLine : PaperStyle.minorLine)
            }
        }
    }

    /// Width of the 5 mm lines in pixels.
    static func majorThickness(_ g: PaperGeometry) -> Int { g.pxPerMM >= 6 ? 2 : 1 }
}
