import Foundation

/// xoshiro256** (Blackman & Vigna, ACM TOMS 47:36, 2021), its 256-bit state filled by four ``SplitMix64``
/// outputs as the authors recommend. The synthetic ECG generator's source of randomness: a given seed
/// produces the same record on every platform and run. Not for cryptography.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator from a 64-bit seed (state = the first four SplitMix64 outputs for `seed`).
    public init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        s = (seeder.next(), seeder.next(), seeder.next(), seeder.next())
    }

    /// A generator for an independent stream derived from `seed` and a stream number (e.g. one stream
    /// for rhythm, one for morphology, one for noise, so that changing the noise level leaves the beats unchanged).
    public init(seed: UInt64, stream: UInt64) {
        self.init(seed: Xoshiro256StarStar.mix(seed, stream))
    }

    /// Mixes two 64-bit values into one well-spread value (used to derive per-record seeds).
    public static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var z = a ^ (b &* 0x9E37_79B9_7F4A_7C15) &+ 0x632B_E59B_D9B4_E019
        z = (z ^ (z >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        z = (z ^ (z >> 33)) &* 0xC4CE_B9FE_1A85_EC53
        return z ^ (z >> 33)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = rotl(s.3, 45)
        return result
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [lo, hi).
    public mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * unit() }

    /// Standard normal deviate (Box–Muller; one value per call, the partner is discarded so that the
    /// stream position does not depend on call history).
    public mutating func normal() -> Double {
        let u1 = max(unit(), 0x1.0p-60), u2 = unit()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }

    /// Normal deviate with mean `mean` and standard deviation `sd`.
    public mutating func normal(mean: Double, sd: Double) -> Double { mean + sd * normal() }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// A uniformly chosen index in `0..<count` (`count` ≥ 1).
    public mutating func index(_ count: Int) -> Int { min(count - 1, Int(unit() * Double(count))) }
}
