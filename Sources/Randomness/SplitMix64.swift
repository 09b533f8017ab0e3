import Foundation

/// SplitMix64 (Steele, Lea & Flood, OOPSLA 2014; the constants of Vigna's reference `splitmix64.c`): a tiny
/// seeded generator whose sequence is a pure function of its seed on every platform and build. Vigil's one
/// seeded generator for tests, fuzzing and phantoms, and the seeder of ``Xoshiro256StarStar``. Not for
/// cryptography (tokens use `SystemRandomNumberGenerator`).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The 64-bit state; `next()` adds the golden-ratio increment first, as the reference code does.
    public private(set) var state: UInt64

    /// Starts the sequence whose state is `seed` (the reference seeding: the first output mixes `seed + γ`).
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform Double in [0, 1) with 53 random bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A uniform Double in [lo, hi).
    public mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * unit() }

    /// A standard normal deviate (Box–Muller; one of the pair is used, so each call takes two draws).
    public mutating func gaussian() -> Double {
        let u1 = max(unit(), 1e-300), u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Two independent standard normal deviates from one Box–Muller draw (two uniform draws).
    public mutating func gaussianPair() -> (Double, Double) {
        let u1 = max(unit(), 1e-300), u2 = unit()
        let r = (-2 * log(u1)).squareRoot(), t = 2 * Double.pi * u2
        return (r * cos(t), r * sin(t))
    }
}
