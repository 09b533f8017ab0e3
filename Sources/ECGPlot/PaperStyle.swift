import Rendering

/// The colours of the plot: pink paper like a printed ECG, black traces, blue for Vigil's marks
/// (evidence shading, beat ticks) so they never read as part of the signal or the grid.
public enum PaperStyle {
    /// Paper inside the grid.
    public static let paper = RGB(255, 246, 246)
    /// 1 mm lines.
    public static let minorLine = RGB(248, 196, 204)
    /// 5 mm lines.
    public static let majorLine = RGB(232, 120, 136)
    /// Traces, calibration pulses, labels.
    public static let ink = RGB.black
    /// Page outside the grid.
    public static let page = RGB.white
    /// Evidence shading (blended at ``evidenceAlpha``) and its top bar (at ``evidenceBarAlpha``).
    public static let evidence = RGB(40, 110, 230)
    /// Opacity of the evidence shading.
    public static let evidenceAlpha = 0.18
    /// Opacity of the bar along the top of an evidence span.
    public static let evidenceBarAlpha = 0.6
    /// Evidence label text.
    public static let evidenceText = RGB(20, 60, 160)
    /// Beat ticks.
    public static let beat = RGB(0, 80, 200)
}
