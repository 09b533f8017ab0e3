/// Millimetres of ECG paper to pixels, and the fixed page layout, all in whole millimetres so that the
/// grid lines fall on whole pixels.
///
/// Page, left to right: a 5 mm margin, the grid (a 10 mm calibration zone, then 10 s of traces), a
/// 5 mm margin. Top to bottom: a 5 mm margin, a 12 mm header, the grid (one 40 mm band per row, the
/// baseline 25 mm below the band's top), a 12 mm footer, a 5 mm margin.
public struct PaperGeometry: Sendable, Equatable {
    /// Pixels per millimetre.
    public let pxPerMM: Int
    /// Paper speed, mm/s.
    public let mmPerSecond: Double
    /// Gain, mm/mV.
    public let mmPerMillivolt: Double

    /// Outer margin on every side, mm.
    public static let marginMM = 5
    /// Header band height, mm.
    public static let headerMM = 12
    /// Footer band height, mm.
    public static let footerMM = 12
    /// Calibration zone at the left of each row, mm.
    public static let calibrationMM = 10
    /// Height of one row band, mm.
    public static let rowMM = 40
    /// Baseline position below a row band's top, mm.
    public static let baselineMM = 25
    /// Width of the traces area, mm.
    public static let traceMM = 250

    /// Creates the geometry.
    public init(pxPerMM: Int, mmPerSecond: Double = 25, mmPerMillivolt: Double = 10) {
        self.pxPerMM = pxPerMM
        self.mmPerSecond = mmPerSecond
        self.mmPerMillivolt = mmPerMillivolt
    }

    /// `mm` millimetres in pixels.
    public func px(_ mm: Double) -> Double { mm * Double(pxPerMM) }
    /// `mm` whole millimetres in pixels.
    public func px(_ mm: Int) -> Int { mm * pxPerMM }
    /// Pixels per second of signal.
    public var pxPerSecond: Double { mmPerSecond * Double(pxPerMM) }
    /// Pixels per millivolt.
    public var pxPerMillivolt: Double { mmPerMillivolt * Double(pxPerMM) }

    /// Seconds of signal across the traces area (10 s at 25 mm/s).
    public var pageSeconds: Double { Double(Self.traceMM) / mmPerSecond }
    /// Width of the traces area, mm.
    public var traceMM: Int { Self.traceMM }
    /// Grid width, mm (calibration zone + traces).
    public var gridWidthMM: Int { Self.calibrationMM + traceMM }
    /// Left edge of the grid, px.
    public var gridLeft: Int { px(Self.marginMM) }
    /// Top edge of the grid, px.
    public var gridTop: Int { px(Self.marginMM + Self.headerMM) }
    /// Left edge of the traces (record time = start), px.
    public var traceLeft: Int { px(Self.marginMM + Self.calibrationMM) }
    /// Page width, px.
    public var pageWidth: Int { px(2 * Self.marginMM + gridWidthMM) }
    /// Grid height for `rows` row bands, mm.
    public func gridHeightMM(rows: Int) -> Int { rows * Self.rowMM }
    /// Page height for `rows` row bands, px.
    public func pageHeight(rows: Int) -> Int {
        px(2 * Self.marginMM + Self.headerMM + gridHeightMM(rows: rows) + Self.footerMM)
    }
    /// Top of row band `row` (0-based), px.
    public func rowTop(_ row: Int) -> Int { gridTop + px(row * Self.rowMM) }
    /// Baseline (0 mV) of row `row`, px.
    public func baseline(_ row: Int) -> Int { rowTop(row) + px(Self.baselineMM) }
    /// Text scale for labels: font pixels at most 0.4 mm (capitals 2.8 mm tall at 10 px/mm), at least 1.
    public var textScale: Int { max(1, Int(Double(pxPerMM) * 0.4)) }
    /// Trace stroke width, px: 0.2 mm, at least 1 px.
    public var traceWidth: Double { max(1, 0.2 * Double(pxPerMM)) }
}
