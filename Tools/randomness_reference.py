#!/usr/bin/env python3
"""Reference outputs for Tests/RandomnessTests: SplitMix64 (Vigna, splitmix64.c) and xoshiro256** seeded by
four SplitMix64 outputs (Blackman & Vigna, xoshiro256starstar.c), transcribed from the published C code.

Usage: python3 Tools/randomness_reference.py   (prints the sequences the tests embed)
"""
M = (1 << 64) - 1


def splitmix64(state):
    while True:
        state = (state + 0x9E3779B97F4A7C15) & M
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
        yield z ^ (z >> 31)


def xoshiro256starstar(seed):
    sm = splitmix64(seed)
    s = [next(sm) for _ in range(4)]
    rotl = lambda x, k: ((x << k) | (x >> (64 - k))) & M
    while True:
        result = (rotl((s[1] * 5) & M, 7) * 9) & M
        t = (s[1] << 17) & M
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        yield result


if __name__ == "__main__":
    g = splitmix64(1234567)
    print("splitmix64(1234567):", [next(g) for _ in range(5)])
    x = xoshiro256starstar(42)
    print("xoshiro256**(42):", [next(x) for _ in range(3)])
