/// A Hounsfield-unit window: values are clipped to `[center − width/2, center + width/2]` and scaled
/// linearly to 0…1, as the CT model cards' `windowCenterHU` / `windowWidthHU` specify.
///
/// ```swift
/// let w = HUWindow(centerHU: 40, widthHU: 400)
/// w.normalized(-1000)   // 0
/// w.normalized(40)      // 0.5
/// ```
public struct HUWindow: Sendable, Hashable {
    /// Window centre (level), HU.
    public let centerHU: Double
    /// Window width, HU (> 0).
    public let widthHU: Double

    /// Creates a window; `widthHU` must be positive (card readers check it).
    public init(centerHU: Double, widthHU: Double) {
        self.centerHU = centerHU
        self.widthHU = widthHU
    }

    /// Lowest HU inside the window.
    public var lowerHU: Double { centerHU - widthHU / 2 }

    /// `hu` clipped to the window and scaled to 0…1.
    @inlinable
    public func normalized(_ hu: Float) -> Float {
        let lo = Float(centerHU - widthHU / 2)
        let v = (hu - lo) / Float(widthHU)
        return min(1, max(0, v))
    }
}
