import Foundation

/// Errors raised by ECGSignal functions when their inputs cannot give a meaningful result.
public enum ECGSignalError: Error, Equatable, CustomStringConvertible {
    /// A parameter is outside its valid range (the message names it).
    case invalidParameter(String)
    /// The signal is too short for the operation (`needed` samples, `got` samples).
    case signalTooShort(needed: Int, got: Int)

    /// A one-line English description of the error.
    public var description: String {
        switch self {
        case .invalidParameter(let m): return "invalid parameter: \(m)"
        case .signalTooShort(let n, let g): return "signal too short: needs more than \(n) samples, got \(g)"
        }
    }
}

/// A digital IIR filter in transfer-function form, `H(z) = B(z) / A(z)`, with `a[0] == 1`.
///
/// Coefficients are Double; filtering runs in Double and returns Float samples.
/// The designs follow the definitions documented for `scipy.signal.butter` (analog Butterworth
/// prototype, frequency pre-warping, bilinear transform) and `scipy.signal.iirnotch`, and are
/// tested against those functions' coefficients.
public struct IIRFilter: Sendable, Equatable {
    /// Numerator coefficients `b[0...]` (dimensionless).
    public let b: [Double]
    /// Denominator coefficients `a[0...]`, normalised so that `a[0] == 1`.
    public let a: [Double]

    /// Creates a filter from transfer-function coefficients; both arrays are divided by `a[0]`.
    public init(b: [Double], a: [Double]) throws {
        guard !b.isEmpty, !a.isEmpty, a[0] != 0 else { throw ECGSignalError.invalidParameter("a[0] must be non-zero") }
        self.b = b.map { $0 / a[0] }
        self.a = a.map { $0 / a[0] }
    }

    /// Order of the filter: `max(b.count, a.count) - 1`.
    public var order: Int { max(b.count, a.count) - 1 }

    // MARK: Designs

    /// Butterworth band-pass of `order` per edge (the transfer function has order `2 * order`),
    /// like `scipy.signal.butter(order, [lowHz, highHz], btype="bandpass", fs=sampleRate)`.
    /// - Parameters: `lowHz < highHz < sampleRate / 2`, all in Hz.
    public static func butterworthBandPass(order: Int, lowHz: Double, highHz: Double, sampleRate: Double) throws -> IIRFilter {
        try checkEdges(order: order, [lowHz, highHz], sampleRate)
        guard lowHz < highHz else { throw ECGSignalError.invalidParameter("lowHz must be below highHz") }
        let fs2 = 4.0  // bilinear transform on the normalised (fs = 2) frequency axis
        let wl = fs2 * tan(Double.pi * lowHz / sampleRate), wh = fs2 * tan(Double.pi * highHz / sampleRate)
        let bw = wh - wl, w0sq = wl * wh
        var poles: [Complex] = []
        for p in prototypePoles(order) {
            let pl = p * (bw / 2)
            let root = (pl * pl - Complex(w0sq, 0)).squareRoot()
            poles.append(pl + root)
            poles.append(pl - root)
        }
        let zeros = [Complex](repeating: Complex(0, 0), count: order)
        return bilinear(zeros: zeros, poles: poles, gain: pow(bw, Double(order)), fs2: fs2)
    }

    /// Butterworth low-pass, like `scipy.signal.butter(order, cutoffHz, btype="lowpass", fs=sampleRate)`.
    public static func butterworthLowPass(order: Int, cutoffHz: Double, sampleRate: Double) throws -> IIRFilter {
        try checkEdges(order: order, [cutoffHz], sampleRate)
        let fs2 = 4.0, wc = fs2 * tan(Double.pi * cutoffHz / sampleRate)
        let poles = prototypePoles(order).map { $0 * wc }
        return bilinear(zeros: [], poles: poles, gain: pow(wc, Double(order)), fs2: fs2)
    }

    /// Butterworth high-pass, like `scipy.signal.butter(order, cutoffHz, btype="highpass", fs=sampleRate)`.
    public static func butterworthHighPass(order: Int, cutoffHz: Double, sampleRate: Double) throws -> IIRFilter {
        try checkEdges(order: order, [cutoffHz], sampleRate)
        let fs2 = 4.0, wc = fs2 * tan(Double.pi * cutoffHz / sampleRate)
        let poles = prototypePoles(order).map { Complex(wc, 0) / $0 }
        // Prototype gain is 1 and has no zeros: the high-pass gain is real(1 / prod(-p)) = 1 for Butterworth.
        var prodNeg = Complex(1, 0)
        for p in prototypePoles(order) { prodNeg = prodNeg * (Complex(0, 0) - p) }
        let zeros = [Complex](repeating: Complex(0, 0), count: order)
        return bilinear(zeros: zeros, poles: poles, gain: (Complex(1, 0) / prodNeg).re, fs2: fs2)
    }

    /// Second-order IIR notch at `notchHz` with quality factor `q` (−3 dB width `notchHz / q`),
    /// like `scipy.signal.iirnotch(notchHz, q, fs=sampleRate)`. Typical use: 50 or 60 Hz mains, `q` = 30.
    public static func notch(notchHz: Double, q: Double = 30, sampleRate: Double) throws -> IIRFilter {
        guard sampleRate > 0, notchHz > 0, notchHz < sampleRate / 2, q > 0 else {
            throw ECGSignalError.invalidParameter("notch needs 0 < notchHz < sampleRate/2 and q > 0")
        }
        let w0 = 2 * Double.pi * notchHz / sampleRate
        let bw = w0 / q
        // Gain at the band edges is 1/sqrt(2), so beta reduces to tan(bw / 2).
        let beta = tan(bw / 2)
        let gain = 1 / (1 + beta)
        let c = cos(w0)
        return try IIRFilter(b: [gain, -2 * gain * c, gain], a: [1, -2 * gain * c, 2 * gain - 1])
    }

    private static func checkEdges(order: Int, _ edges: [Double], _ fs: Double) throws {
        guard order >= 1, order <= 12 else { throw ECGSignalError.invalidParameter("order must be 1...12") }
        guard fs > 0 else { throw ECGSignalError.invalidParameter("sampleRate must be positive") }
        for e in edges where !(e > 0 && e < fs / 2) {
            throw ECGSignalError.invalidParameter("edge \(e) Hz must lie in (0, \(fs / 2)) Hz")
        }
    }

    /// Poles of the analog Butterworth prototype with unit cut-off: `exp(i*pi*(2k + n - 1) / (2n))`, k = 1...n.
    private static func prototypePoles(_ n: Int) -> [Complex] {
        (1...n).map { k in
            let theta = Double.pi * Double(2 * k + n - 1) / Double(2 * n)
            return Complex(cos(theta), sin(theta))
        }
    }

    /// Bilinear transform of an analog zero-pole-gain system (`fs2` = 2 * sampling rate), then expansion to polynomials.
    private static func bilinear(zeros: [Complex], poles: [Complex], gain: Double, fs2: Double) -> IIRFilter {
        let f = Complex(fs2, 0)
        var zz = zeros.map { (f + $0) / (f - $0) }
        let pz = poles.map { (f + $0) / (f - $0) }
        zz += [Complex](repeating: Complex(-1, 0), count: poles.count - zeros.count)
        var num = Complex(1, 0), den = Complex(1, 0)
        for z in zeros { num = num * (f - z) }
        for p in poles { den = den * (f - p) }
        let k = gain * (num / den).re
        let b = polynomial(zz).map { $0.re * k }
        let a = polynomial(pz).map { $0.re }
        return try! IIRFilter(b: b, a: a)  // a[0] == 1 by construction
    }

    /// Coefficients (highest power first) of `prod (x - r)`.
    private static func polynomial(_ roots: [Complex]) -> [Complex] {
        var c = [Complex(1, 0)]
        for r in roots {
            var next = c + [Complex(0, 0)]
            for i in 0..<c.count { next[i + 1] = next[i + 1] - r * c[i] }
            c = next
        }
        return c
    }

    // MARK: Filtering

    /// One causal pass (direct form II transposed), like `scipy.signal.lfilter(b, a, x, zi=zi)`.
    /// - Parameters: `x` samples; `state` initial conditions (count `order`), updated in place.
    /// - Returns: filtered samples, same count as `x`.
    func lfilter(_ x: [Double], state: inout [Double]) -> [Double] {
        let n = order
        let bb = b + [Double](repeating: 0, count: n + 1 - b.count)
        let aa = a + [Double](repeating: 0, count: n + 1 - a.count)
        var y = [Double](repeating: 0, count: x.count)
        if n == 0 {
            for i in 0..<x.count { y[i] = bb[0] * x[i] }
            return y
        }
        var z = state
        for i in 0..<x.count {
            let xi = x[i]
            let yi = bb[0] * xi + z[0]
            for k in 0..<(n - 1) { z[k] = bb[k + 1] * xi + z[k + 1] - aa[k + 1] * yi }
            z[n - 1] = bb[n] * xi - aa[n] * yi
            y[i] = yi
        }
        state = z
        return y
    }

    /// Steady-state initial conditions for a unit step input, like `scipy.signal.lfilter_zi(b, a)`:
    /// solves `(I - A^T) zi = b[1:] - a[1:] * b[0]` where `A` is the companion matrix of `a`.
    func stepInitialState() -> [Double] {
        let n = order
        guard n > 0 else { return [] }
        let bb = b + [Double](repeating: 0, count: n + 1 - b.count)
        let aa = a + [Double](repeating: 0, count: n + 1 - a.count)
        // Companion matrix: first row -a[1:], sub-diagonal ones. M = I - A^T.
        var m = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in 0..<n {
                var at = 0.0  // A^T[i][j] = A[j][i]
                if j == 0 { at = -aa[i + 1] } else if i == j - 1 { at = 1 }
                m[i][j] = (i == j ? 1 : 0) - at
            }
        }
        var rhs = (0..<n).map { bb[$0 + 1] - aa[$0 + 1] * bb[0] }
        // Gaussian elimination with partial pivoting.
        for col in 0..<n {
            var piv = col
            for r in col..<n where abs(m[r][col]) > abs(m[piv][col]) { piv = r }
            m.swapAt(col, piv); rhs.swapAt(col, piv)
            let d = m[col][col]
            for r in (col + 1)..<max(col + 1, n) {
                let f = m[r][col] / d
                if f == 0 { continue }
                for c in col..<n { m[r][c] -= f * m[col][c] }
                rhs[r] -= f * rhs[col]
            }
        }
        var zi = [Double](repeating: 0, count: n)
        for r in stride(from: n - 1, through: 0, by: -1) {
            var s = rhs[r]
            for c in (r + 1)..<max(r + 1, n) { s -= m[r][c] * zi[c] }
            zi[r] = s / m[r][r]
        }
        return zi
    }

    /// Number of samples `filtfilt` adds at each end by odd extension: `3 * max(a.count, b.count)`.
    public var defaultPadLength: Int { 3 * max(a.count, b.count) }

    /// Zero-phase forward-backward filtering in Double, like `scipy.signal.filtfilt(b, a, x)` with its
    /// defaults (odd extension of `3 * max(len(a), len(b))` samples at each end, steady-state initial
    /// conditions scaled by the first sample of each pass).
    /// - Parameter x: samples of one lead (any unit; the output has the same unit).
    /// - Returns: filtered samples, same count as `x`.
    /// - Throws: `signalTooShort` when `x.count <= defaultPadLength`.
    public func filtfilt(_ x: [Double]) throws -> [Double] {
        let pad = defaultPadLength
        guard x.count > pad else { throw ECGSignalError.signalTooShort(needed: pad, got: x.count) }
        let n = x.count
        var ext = [Double](); ext.reserveCapacity(n + 2 * pad)
        for i in stride(from: pad, through: 1, by: -1) { ext.append(2 * x[0] - x[i]) }
        ext += x
        for i in 1...pad { ext.append(2 * x[n - 1] - x[n - 1 - i]) }
        let zi = stepInitialState()
        var state = zi.map { $0 * ext[0] }
        var y = lfilter(ext, state: &state)
        y.reverse()
        state = zi.map { $0 * y[0] }
        y = lfilter(y, state: &state)
        y.reverse()
        return Array(y[pad..<(pad + n)])
    }

    /// Float convenience for `filtfilt(_:)`: converts to Double, filters, returns Float samples.
    public func filtfilt(_ x: [Float]) throws -> [Float] {
        try filtfilt(x.map(Double.init)).map(Float.init)
    }
}

/// Minimal complex arithmetic for filter design.
struct Complex: Equatable {
    var re: Double, im: Double
    init(_ re: Double, _ im: Double) { self.re = re; self.im = im }
    static func + (l: Complex, r: Complex) -> Complex { Complex(l.re + r.re, l.im + r.im) }
    static func - (l: Complex, r: Complex) -> Complex { Complex(l.re - r.re, l.im - r.im) }
    static func * (l: Complex, r: Complex) -> Complex { Complex(l.re * r.re - l.im * r.im, l.re * r.im + l.im * r.re) }
    static func * (l: Complex, r: Double) -> Complex { Complex(l.re * r, l.im * r) }
    static func / (l: Complex, r: Complex) -> Complex {
        let d = r.re * r.re + r.im * r.im
        return Complex((l.re * r.re + l.im * r.im) / d, (l.im * r.re - l.re * r.im) / d)
    }
    /// Principal square root.
    func squareRoot() -> Complex {
        let m = (re * re + im * im).squareRoot()
        let r = ((m + re) / 2).squareRoot()
        var i = ((m - re) / 2).squareRoot()
        if im < 0 { i = -i }
        return Complex(r, i)
    }
}
