import Randomness

/// The synthetic ECG generator's seeded generator: xoshiro256** (Sources/Randomness), so that a given seed
/// produces the same record on every platform and run.
public typealias SeededRandom = Xoshiro256StarStar
