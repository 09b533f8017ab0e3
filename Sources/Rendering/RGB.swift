/// An 8-bit sRGB colour.
public struct RGB: Sendable, Hashable, CustomStringConvertible {
    /// Red, 0…255.
    public var r: UInt8
    /// Green, 0…255.
    public var g: UInt8
    /// Blue, 0…255.
    public var b: UInt8

    /// Creates a colour from its three channels.
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// A gray with all channels equal to `level`.
    public init(gray level: UInt8) { self.init(level, level, level) }

    /// Black (0, 0, 0).
    public static let black = RGB(0, 0, 0)
    /// White (255, 255, 255).
    public static let white = RGB(255, 255, 255)

    /// Relative luminance of the 8-bit values with Rec. 709 weights (0.2126, 0.7152, 0.0722), 0…255,
    /// computed on the coded values (no gamma decoding): enough to order colours by lightness.
    public var luminance: Double { 0.2126 * Double(r) + 0.7152 * Double(g) + 0.0722 * Double(b) }

    /// `self` blended over `background` with opacity `alpha` (clamped to 0…1), each channel
    /// `round(background × (1 − alpha) + self × alpha)`.
    public func over(_ background: RGB, alpha: Double) -> RGB {
        let a = alpha.isNaN ? 0 : min(max(alpha, 0), 1)
        func mix(_ bg: UInt8, _ fg: UInt8) -> UInt8 {
            UInt8((Double(bg) * (1 - a) + Double(fg) * a).rounded())
        }
        return RGB(mix(background.r, r), mix(background.g, g), mix(background.b, b))
    }

    /// "rgb(r, g, b)".
    public var description: String { "rgb(\(r), \(g), \(b))" }
}
