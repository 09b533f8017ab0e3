import Randomness
import Testing

@Suite struct RandomnessTests {
    /// The first outputs of Vigna's reference splitmix64.c for the state 1234567 (the values java.util.SplittableRandom's
    /// tests and many ports check); Tools/randomness_reference.py recomputes them in Python.
    @Test func splitMix64MatchesTheReferenceSequence() {
        var g = SplitMix64(seed: 1_234_567)
        let expected: [UInt64] = [6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
                                  4_593_380_528_125_082_431, 16_408_922_859_458_223_821]
        #expect((0..<5).map { _ in g.next() } == expected)
    }

    /// xoshiro256** seeded with four SplitMix64 outputs of 42 (the authors' recommended seeding), against
    /// Tools/randomness_reference.py (a Python transcription of xoshiro256starstar.c).
    @Test func xoshiroMatchesThePythonReference() {
        var g = Xoshiro256StarStar(seed: 42)
        #expect((0..<3).map { _ in g.next() } == [1_546_998_764_402_558_742, 6_990_951_692_964_543_102, 12_544_586_762_248_559_009])
    }

    /// Uniform draws stay in [0, 1) and [lo, hi); Gaussian draws have mean ≈ 0 and SD ≈ 1 (20,000 draws: the
    /// standard error of the mean is 0.007, so ±0.03 is over 4 SE; of the SD about 0.005, so ±0.03 too).
    @Test func drawsHaveTheirRangesAndMoments() {
        var g = SplitMix64(seed: 9)
        var sum = 0.0, sumSq = 0.0
        for _ in 0..<20_000 {
            let u = g.unit()
            #expect(u >= 0 && u < 1)
            let v = g.uniform(-3, 5)
            #expect(v >= -3 && v < 5)
            let x = g.gaussian()
            sum += x; sumSq += x * x
        }
        let mean = sum / 20_000, sd = (sumSq / 20_000 - mean * mean).squareRoot()
        #expect(abs(mean) < 0.03)
        #expect(abs(sd - 1) < 0.03)
    }

    /// Streams of one seed differ from each other and from the seed's own stream; the same seed repeats exactly.
    @Test func streamsAreIndependentAndReproducible() {
        var a = Xoshiro256StarStar(seed: 5), b = Xoshiro256StarStar(seed: 5)
        var s1 = Xoshiro256StarStar(seed: 5, stream: 1), s2 = Xoshiro256StarStar(seed: 5, stream: 2)
        let xa = (0..<4).map { _ in a.next() }, xb = (0..<4).map { _ in b.next() }
        let x1 = (0..<4).map { _ in s1.next() }, x2 = (0..<4).map { _ in s2.next() }
        #expect(xa == xb)
        #expect(x1 != xa && x2 != xa && x1 != x2)
    }
}
