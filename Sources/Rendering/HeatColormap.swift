/// Vigil's heat colour map: a piecewise-linear ramp through eight colours from near-black through
/// purple, red and orange to pale yellow, chosen to resemble matplotlib's perceptually uniform
/// "inferno" map (van der Walt & Smith, 2015). The control colours are Vigil's own rounded picks, not
/// inferno's table; what matters for reading is that luminance rises monotonically from 0 to 1 (the
/// tests check it), so "brighter" always means "hotter", in colour and in grayscale print.
public enum HeatColormap {
    /// The control points (position 0…1, colour), in increasing position.
    public static let stops: [(position: Double, color: RGB)] = [
        (0.00, RGB(0, 0, 4)),
        (0.15, RGB(40, 11, 84)),
        (0.30, RGB(101, 21, 110)),
        (0.45, RGB(159, 42, 99)),
        (0.60, RGB(212, 72, 66)),
        (0.75, RGB(245, 125, 21)),
        (0.90, RGB(250, 193, 39)),
        (1.00, RGB(252, 255, 164)),
    ]

    /// The colour for `value`, clamped to 0…1 (NaN gives the 0 colour), linearly interpolated between stops.
    public static func color(at value: Double) -> RGB {
        let t = value.isNaN ? 0 : min(max(value, 0), 1)
        for k in 1..<stops.count where t <= stops[k].position {
            let (p0, c0) = stops[k - 1], (p1, c1) = stops[k]
            let f = (t - p0) / (p1 - p0)
            func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) + (Double(b) - Double(a)) * f).rounded()) }
            return RGB(mix(c0.r, c1.r), mix(c0.g, c1.g), mix(c0.b, c1.b))
        }
        return stops[stops.count - 1].color
    }
}
