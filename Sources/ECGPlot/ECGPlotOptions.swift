/// Which arrangement of panels to draw.
public enum ECGPlotLayout: String, Sendable, CaseIterable {
    /// 3 rows × 4 columns (I aVR V1 V4 / II aVL V2 V5 / III aVF V3 V6), each column a quarter of the
    /// page's seconds (2.5 s of the same 10 s at 25 mm/s), then a full-width lead II rhythm strip.
    case standard12
    /// One full-width strip (10 s at 25 mm/s) per lead, in record order (for 1–3-lead and other non-12-lead records).
    case strips
}

/// How to draw a plot: resolution, paper speed and gain, time window, filter.
public struct ECGPlotOptions: Sendable, Equatable {
    /// Pixels per millimetre of paper (4…40); 10 gives a 2700-pixel-wide, A4-landscape-like page.
    public var pxPerMM: Int = 10
    /// Paper speed in mm/s (25 is the standard; 50 is allowed).
    public var mmPerSecond: Double = 25
    /// Gain in mm/mV (10 is the standard; 5 and 20 are allowed).
    public var mmPerMillivolt: Double = 10
    /// Record time at the left edge of the traces, in seconds.
    public var startSeconds: Double = 0
    /// Display filter; nil plots the samples as recorded.
    public var filter: DisplayFilter? = DisplayFilter()
    /// Panel arrangement; nil chooses ``ECGPlotLayout/standard12`` when the record has at least six of
    /// the twelve standard leads, else ``ECGPlotLayout/strips``.
    public var layout: ECGPlotLayout?

    /// Creates the standard options: 10 px/mm, 25 mm/s, 10 mm/mV, from 0 s, 0.5–40 Hz + 50 Hz notch.
    public init() {}

    /// Checks the ranges above.
    /// - Throws: ``ECGPlotError/invalidOption(_:)`` naming the option.
    public func validate() throws {
        guard (4...40).contains(pxPerMM) else { throw ECGPlotError.invalidOption("px-per-mm must be 4…40, got \(pxPerMM)") }
        guard mmPerSecond == 25 || mmPerSecond == 50 else {
            throw ECGPlotError.invalidOption("paper speed must be 25 or 50 mm/s, got \(mmPerSecond)")
        }
        guard [5, 10, 20].contains(mmPerMillivolt) else {
            throw ECGPlotError.invalidOption("gain must be 5, 10 or 20 mm/mV, got \(mmPerMillivolt)")
        }
        guard startSeconds.isFinite, startSeconds >= 0 else {
            throw ECGPlotError.invalidOption("start must be ≥ 0 s, got \(startSeconds)")
        }
        try filter?.validate()
    }
}
