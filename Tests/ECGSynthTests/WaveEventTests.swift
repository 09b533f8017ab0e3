import Testing
@testable import ECGSynth

@Suite("WaveEvent")
struct WaveEventTests {
    @Test("a bump is 1 at its peak, 0 at and outside its onset and offset, and rises monotonically")
    func bump() {
        let e = WaveEvent.bump(1.0, 1.2, peakAt: 0.25, SIMD3(1, 0, 0))
        #expect(e.envelope(1.05) == 1)
        #expect(e.envelope(1.0) == 0 && e.envelope(1.2) == 0 && e.envelope(0.9) == 0 && e.envelope(1.3) == 0)
        var last = 0.0
        for k in 1...50 { let v = e.envelope(1.0 + 0.05 * Double(k) / 50); #expect(v >= last); last = v }
        // (1 − u²)² at u = 0.5: 0.5625.
        #expect(abs(e.envelope(1.025) - 0.5625) < 1e-12)
        #expect(abs(e.envelope(1.125) - 0.5625) < 1e-12)
    }

    @Test("a plateau is flat between its ramps")
    func plateau() {
        let e = WaveEvent(onset: 0, offset: 1, shape: .plateau(rise: 0.1, fall: 0.2), vector: SIMD3(0, 1, 0))
        #expect(e.envelope(0.1) == 1 && e.envelope(0.5) == 1 && e.envelope(0.8) == 1)
        #expect(abs(e.envelope(0.05) - 0.5) < 1e-12 && abs(e.envelope(0.9) - 0.5) < 1e-12)
    }

    @Test("a rendered pulse keeps its area (amplitude × width) whatever its phase against the samples")
    func pulseArea() {
        let fs = 500.0
        for start in [0.1, 0.1003, 0.1011, 0.10199] {
            var x = [Double](repeating: 0, count: 200), y = x, z = x
            WaveEvent(onset: start, offset: start + 0.0012, shape: .pulse, vector: SIMD3(4, -2, 0)).render(into: &x, &y, &z, fs: fs)
            #expect(abs(x.reduce(0, +) / fs - 4 * 0.0012) < 1e-12)
            #expect(abs(y.reduce(0, +) / fs + 2 * 0.0012) < 1e-12)
            #expect(z.allSatisfy { $0 == 0 })
        }
    }

    @Test("rendering adds the event's vector times its envelope at each sample, clipped to the record")
    func render() {
        let fs = 100.0
        var x = [Double](repeating: 0, count: 10), y = x, z = x
        let e = WaveEvent.bump(-0.05, 0.05, SIMD3(2, 0, -1))
        e.render(into: &x, &y, &z, fs: fs)
        #expect(x[0] == 2 && z[0] == -1)
        #expect(abs(x[1] - 2 * e.envelope(0.01)) < 1e-12)
        #expect(x[5...].allSatisfy { $0 == 0 })
    }
}
