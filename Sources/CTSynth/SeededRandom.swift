import Randomness

/// The phantoms' seeded generator: ``SplitMix64`` (Sources/Randomness) with the phantoms' own seeding rule,
/// so that a phantom is a pure function of its seed on every platform and in every build.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var core: SplitMix64

    /// Starts the sequence for `seed` (the SplitMix64 state `seed + γ`: the phantoms' rule since they were made).
    public init(seed: UInt64) { core = SplitMix64(seed: seed &+ 0x9E37_79B9_7F4A_7C15) }

    /// Starts an independent sequence derived from `seed` and a `stream` number (one per slice, per purpose).
    public init(seed: UInt64, stream: UInt64) {
        var mixer = SeededRandom(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        core = SplitMix64(seed: mixer.next())
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 { core.next() }

    /// A uniform Double in [0, 1).
    public mutating func unit() -> Double { core.unit() }

    /// A uniform Double in [lo, hi).
    public mutating func uniform(_ lo: Double, _ hi: Double) -> Double { core.uniform(lo, hi) }

    /// A standard normal deviate (Box–Muller; one of the pair is used, so the stream stays simple).
    public mutating func gaussian() -> Double { core.gaussian() }

    /// Two independent standard normal deviates from one Box–Muller draw.
    public mutating func gaussianPair() -> (Double, Double) { core.gaussianPair() }
}
