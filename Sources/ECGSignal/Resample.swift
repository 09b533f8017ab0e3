import Foundation

/// Polyphase rational resampling with an anti-aliasing FIR low-pass, like
/// `scipy.signal.resample_poly(x, up, down)` with its defaults (Kaiser window, beta 5.0,
/// filter half-length `10 * max(up, down)` taps, zero padding outside the signal).
///
/// The filter is designed as documented for `scipy.signal.firwin`: a windowed sinc with cut-off
/// `1 / max(up, down)` of the Nyquist rate, scaled to unit DC gain, then multiplied by `up`.
public struct PolyphaseResampler: Sendable {
    /// Interpolation factor after reduction by the greatest common divisor.
    public let up: Int
    /// Decimation factor after reduction by the greatest common divisor.
    public let down: Int
    /// FIR taps (already multiplied by `up`), count `2 * 10 * max(up, down) + 1`.
    public let taps: [Double]
    /// Kaiser window shape parameter.
    public let kaiserBeta: Double

    /// Creates a resampler for the ratio `up / down` (both ≥ 1; reduced by their GCD).
    public init(up: Int, down: Int, kaiserBeta: Double = 5.0) throws {
        guard up >= 1, down >= 1 else { throw ECGSignalError.invalidParameter("up and down must be >= 1") }
        let g = gcd(up, down)
        self.up = up / g
        self.down = down / g
        self.kaiserBeta = kaiserBeta
        let maxRate = max(self.up, self.down)
        let halfLen = 10 * maxRate
        let cutoff = 1.0 / Double(maxRate)
        let n = 2 * halfLen + 1
        let alpha = Double(n - 1) / 2
        let i0Beta = besselI0(kaiserBeta)
        var h = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let m = Double(i) - alpha
            let arg = cutoff * m
            let sinc = arg == 0 ? 1.0 : sin(Double.pi * arg) / (Double.pi * arg)
            let r = 2 * Double(i) / Double(n - 1) - 1
            let w = besselI0(kaiserBeta * max(0, 1 - r * r).squareRoot()) / i0Beta
            h[i] = cutoff * sinc * w
        }
        let s = h.reduce(0, +)
        let upD = Double(self.up)
        self.taps = h.map { $0 / s * upD }
    }

    /// Creates a resampler from `inputRate` to `outputRate` (Hz, integers so the ratio is exact).
    public init(inputRate: Int, outputRate: Int) throws {
        try self.init(up: outputRate, down: inputRate)
    }

    /// Output length for `n` input samples: `ceil(n * up / down)`.
    public func outputCount(for n: Int) -> Int { (n * up + down - 1) / down }

    /// Resamples one lead in Double.
    /// - Parameter x: samples at the input rate.
    /// - Returns: `outputCount(for: x.count)` samples at the output rate (same unit).
    public func resample(_ x: [Double]) -> [Double] {
        if up == 1 && down == 1 { return x }
        let nIn = x.count
        guard nIn > 0 else { return [] }
        let nOut = outputCount(for: nIn)
        let halfLen = (taps.count - 1) / 2
        // Align the filter centre with output sample 0 (scipy pads the filter in front so that the
        // delay is a whole number of output samples, then drops those samples).
        let prePad = down - halfLen % down
        let preRemove = (halfLen + prePad) / down
        let h = taps
        let lenH = h.count
        var y = [Double](repeating: 0, count: nOut)
        for m in 0..<nOut {
            // Full-convolution index on the upsampled grid, in the padded-filter coordinates.
            let t = (m + preRemove) * down - prePad
            // y = sum over input i with 0 <= t - i*up < lenH of h[t - i*up] * x[i]
            var iHi = t >= 0 ? t / up : -1
            iHi = min(iHi, nIn - 1)
            let lowNum = t - lenH + 1
            var iLo = lowNum <= 0 ? 0 : (lowNum + up - 1) / up
            iLo = max(iLo, 0)
            var acc = 0.0
            if iLo <= iHi {
                for i in iLo...iHi { acc += h[t - i * up] * x[i] }
            }
            y[m] = acc
        }
        return y
    }

    /// Float convenience: resamples in Double and returns Float samples.
    public func resample(_ x: [Float]) -> [Float] {
        resample(x.map(Double.init)).map(Float.init)
    }
}

/// Greatest common divisor of two non-negative integers.
func gcd(_ a: Int, _ b: Int) -> Int {
    var (x, y) = (a, b)
    while y != 0 { (x, y) = (y, x % y) }
    return x
}

/// Modified Bessel function of the first kind, order 0, by its power series (converges for all real x).
func besselI0(_ x: Double) -> Double {
    var sum = 1.0, term = 1.0
    let q = x * x / 4
    var k = 1.0
    while term > 1e-17 * sum {
        term *= q / (k * k)
        sum += term
        k += 1
    }
    return sum
}
