import Foundation

/// One deflection of the heart's dipole: a smooth bump or plateau in time with a fixed 3-D direction.
///
/// In the spirit of ECGSYN (McSharry et al., IEEE TBME 50(3), 2003), each ECG wave (P, Q, R, S, T…) is a
/// localised event; here each event has its own direction in space, so the 12 leads see it as projections
/// of one vectorcardiogram. Unlike a Gaussian, the shapes have compact support, so every wave has an exact
/// onset and offset that the generator reports as truth.
public struct WaveEvent: Sendable, Equatable {
    /// How the amplitude evolves between onset and offset.
    public enum Shape: Sendable, Equatable {
        /// Peak at `peak`; `(1 − u²)²` on each side, u running from 0 at the peak to 1 at onset/offset.
        case bump(peak: Double)
        /// Smooth rise over `rise` seconds, flat top, smooth fall over `fall` seconds.
        case plateau(rise: Double, fall: Double)
        /// A rectangular pulse (pacing spike); rendered as its average over each sample interval.
        case pulse
    }

    /// Start of the event in seconds from the start of the record (may be negative).
    public var onset: Double
    /// End of the event in seconds.
    public var offset: Double
    /// Shape between onset and offset.
    public var shape: Shape
    /// Dipole at the peak (direction × amplitude, mV).
    public var vector: SIMD3<Double>

    /// Creates an event.
    public init(onset: Double, offset: Double, shape: Shape, vector: SIMD3<Double>) {
        self.onset = onset; self.offset = offset; self.shape = shape; self.vector = vector
    }

    /// A bump from `onset` to `offset` peaking at the fraction `peakAt` (0…1) of its duration.
    public static func bump(_ onset: Double, _ offset: Double, peakAt: Double = 0.5, _ vector: SIMD3<Double>) -> WaveEvent {
        WaveEvent(onset: onset, offset: offset, shape: .bump(peak: onset + (offset - onset) * peakAt), vector: vector)
    }

    /// The shape's value (0…1) at time `t`.
    @inline(__always) func envelope(_ t: Double) -> Double {
        guard t > onset, t < offset else { return 0 }
        switch shape {
        case .bump(let peak):
            let u = t < peak ? (peak - t) / (peak - onset) : (t - peak) / (offset - peak)
            let v = 1 - u * u
            return v * v
        case .plateau(let rise, let fall):
            if t < onset + rise { return smooth((t - onset) / rise) }
            if t > offset - fall { return smooth((offset - t) / fall) }
            return 1
        case .pulse:
            return 1
        }
    }

    @inline(__always) private func smooth(_ x: Double) -> Double { x * x * (3 - 2 * x) }

    /// Adds the event to dipole arrays sampled at `fs` Hz (sample i at time i / fs).
    func render(into x: inout [Double], _ y: inout [Double], _ z: inout [Double], fs: Double) {
        let n = x.count
        if case .pulse = shape {
            // Average of the rectangle over each sample's interval [t − T/2, t + T/2].
            let dt = 1 / fs
            let first = max(0, Int(((onset - dt / 2) * fs).rounded(.down)))
            let last = min(n - 1, Int(((offset + dt / 2) * fs).rounded(.up)))
            guard first <= last else { return }
            for i in first...last {
                let t = Double(i) / fs
                let overlap = max(0, min(offset, t + dt / 2) - max(onset, t - dt / 2))
                let w = overlap / dt
                x[i] += vector.x * w; y[i] += vector.y * w; z[i] += vector.z * w
            }
            return
        }
        let first = max(0, Int((onset * fs).rounded(.up)))
        let last = min(n - 1, Int((offset * fs).rounded(.down)))
        guard first <= last else { return }
        for i in first...last {
            let w = envelope(Double(i) / fs)
            x[i] += vector.x * w; y[i] += vector.y * w; z[i] += vector.z * w
        }
    }
}

/// Unit vector in the direction of (x, y, z).
@inline(__always) func unitVector(_ x: Double, _ y: Double, _ z: Double) -> SIMD3<Double> {
    let v = SIMD3(x, y, z)
    return v / max(1e-12, (v * v).sum().squareRoot())
}

/// Normalises `v` to unit length.
@inline(__always) func normalised(_ v: SIMD3<Double>) -> SIMD3<Double> { v / max(1e-12, (v * v).sum().squareRoot()) }
