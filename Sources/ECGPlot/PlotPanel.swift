import Rendering

/// One lead's trace area on the page: which lead, which seconds of the record, and where.
public struct PlotPanel: Sendable, Equatable {
    /// The label printed (the lead's standard name).
    public let lead: String
    /// Index of the lead in the record's rhythm leads, or nil when the record lacks it ("n/a").
    public let leadIndex: Int?
    /// Row (0-based from the top) and column (0-based from the left).
    public let row: Int, column: Int
    /// Record seconds shown: `startSeconds ..< endSeconds`.
    public let startSeconds: Double, endSeconds: Double
    /// True for a full-width strip (the rhythm strip of the 12-lead layout, or any row of the strips layout).
    public let isStrip: Bool
    /// The panel's area on the page: its columns of the traces area × its row band.
    public let area: PixelRect
    /// Pixel x of `startSeconds`.
    public let originX: Double
    /// Pixel y of 0 mV.
    public let baselineY: Double
    /// The geometry the positions were computed with.
    public let geometry: PaperGeometry

    /// Pixel x (centre coordinates) of record time `seconds`.
    public func x(atSeconds seconds: Double) -> Double { originX + (seconds - startSeconds) * geometry.pxPerSecond }
    /// Pixel y (centre coordinates) of `millivolts` (up is positive).
    public func y(millivolts: Double) -> Double { baselineY - millivolts * geometry.pxPerMillivolt }
    /// True when record time `seconds` lies in the panel.
    public func shows(seconds: Double) -> Bool { seconds >= startSeconds && seconds < endSeconds }
}
