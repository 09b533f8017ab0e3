import Foundation
import Testing
@testable import ECGSignal

// Tolerances (against scipy 1.17 float64 references, written with 17 significant digits for coefficients
// and 10 for outputs):
// - coefficients: max |swift - scipy| <= 1e-12 * max |scipy coefficient|
// - filtfilt in Double: max |swift - scipy| <= 1e-7 (inputs are O(1) mV; the reference is rounded to 1e-10)
// - Float API: max |swift - scipy| <= 2e-6 (one Float rounding of O(1) values)
// - resample_poly: max |swift - scipy| <= 1e-9 in Double

@Suite struct FilterTests {
    let fixture: FilterFixture

    init() throws { fixture = try Fixtures.load("filters.json", as: FilterFixture.self) }

    func design(_ c: FilterFixture.Case) throws -> IIRFilter {
        switch c.kind {
        case "bandpass": return try .butterworthBandPass(order: c.order!, lowHz: c.low!, highHz: c.high!, sampleRate: c.fs)
        case "lowpass": return try .butterworthLowPass(order: c.order!, cutoffHz: c.cutoff!, sampleRate: c.fs)
        case "highpass": return try .butterworthHighPass(order: c.order!, cutoffHz: c.cutoff!, sampleRate: c.fs)
        case "notch": return try .notch(notchHz: c.f0!, q: c.q!, sampleRate: c.fs)
        default: throw ECGSignalError.invalidParameter(c.kind)
        }
    }

    @Test func fixtureCoversEveryDesign() {
        #expect(Set(fixture.cases.map(\.kind)) == ["bandpass", "lowpass", "highpass", "notch"])
    }

    @Test func coefficientsMatchScipy() throws {
        for c in fixture.cases {
            let f = try design(c)
            #expect(f.b.count == c.b.count && f.a.count == c.a.count, "\(c.kind) \(c.fs)")
            let scale = (c.b + c.a).map(abs).max()!
            #expect(maxAbsDiff(f.b, c.b) <= 1e-12 * scale, "b \(c.kind) fs=\(c.fs)")
            #expect(maxAbsDiff(f.a, c.a) <= 1e-12 * scale, "a \(c.kind) fs=\(c.fs)")
        }
    }

    @Test func filtfiltMatchesScipy() throws {
        for c in fixture.cases {
            let f = try design(c)
            let y = try f.filtfilt(c.x.map(Double.init))
            let err = maxAbsDiff(y, c.y)
            #expect(err <= 1e-7, "\(c.kind) fs=\(c.fs): max error \(err)")
            let yf = try f.filtfilt(c.x)
            let errF = maxAbsDiff(yf.map(Double.init), c.y)
            #expect(errF <= 2e-6, "Float \(c.kind) fs=\(c.fs): max error \(errF)")
        }
    }

    @Test func notchRemovesMainsAndKeepsDC() throws {
        let fs = 500.0
        let f = try IIRFilter.notch(notchHz: 50, sampleRate: fs)
        let x = (0..<2000).map { 1.0 + sin(2 * Double.pi * 50 * Double($0) / fs) }
        let y = try f.filtfilt(x)
        // Away from the ends the 50 Hz sine (amplitude 1) is attenuated below 5e-3 (scipy gives 2.3e-3 on
        // the same input) and the DC level is kept.
        let mid = y[500..<1500]
        #expect(mid.allSatisfy { abs($0 - 1) < 5e-3 })
    }

    @Test func rejectsBadParameters() {
        #expect(throws: ECGSignalError.self) { try IIRFilter.butterworthBandPass(order: 2, lowHz: 40, highHz: 0.5, sampleRate: 500) }
        #expect(throws: ECGSignalError.self) { try IIRFilter.butterworthLowPass(order: 2, cutoffHz: 300, sampleRate: 500) }
        #expect(throws: ECGSignalError.self) { try IIRFilter.notch(notchHz: 60, q: 0, sampleRate: 500) }
        let f = try! IIRFilter.notch(notchHz: 50, sampleRate: 500)
        #expect(throws: ECGSignalError.signalTooShort(needed: 9, got: 9)) { try f.filtfilt([Double](repeating: 0, count: 9)) }
    }
}

@Suite struct ResampleTests {
    @Test func matchesScipyResamplePoly() throws {
        let fixture = try Fixtures.load("resample.json", as: ResampleFixture.self)
        #expect(fixture.cases.count == 6)
        for c in fixture.cases {
            let r = try PolyphaseResampler(inputRate: c.fsIn, outputRate: c.fsOut)
            #expect(r.up == c.up && r.down == c.down)
            let y = r.resample(c.x.map(Double.init))
            #expect(y.count == c.y.count, "\(c.fsIn)->\(c.fsOut)")
            let err = maxAbsDiff(y, c.y)
            #expect(err <= 1e-9, "\(c.fsIn)->\(c.fsOut): max error \(err)")
            let errF = maxAbsDiff(r.resample(c.x).map(Double.init), c.y)
            #expect(errF <= 2e-6, "Float \(c.fsIn)->\(c.fsOut): max error \(errF)")
        }
    }

    @Test func identityRatioCopies() throws {
        let r = try PolyphaseResampler(up: 3, down: 3)
        #expect(r.resample([1.0, 2, 3]) == [1.0, 2, 3])
        #expect(throws: ECGSignalError.self) { try PolyphaseResampler(up: 0, down: 2) }
    }
}

@Suite struct PreprocessingTests {
    @Test func chainEqualsItsStepsInOrder() throws {
        let fx = try Fixtures.load("resample.json", as: ResampleFixture.self)
        let c = try #require(fx.cases.first { $0.fsIn == 360 && $0.fsOut == 500 })
        let chain = Preprocessing(outputRate: 500, mainsHz: 60)
        let out = try chain.apply(leads: [c.x, c.x.map { -$0 }], inputRate: 360)
        #expect(out.count == 2 && out[0].count == c.y.count)
        // Same steps by hand, starting from scipy's resample_poly output.
        let notched = try IIRFilter.notch(notchHz: 60, q: 30, sampleRate: 500).filtfilt(c.y)
        let banded = try IIRFilter.butterworthBandPass(order: 2, lowHz: 0.5, highHz: 40, sampleRate: 500).filtfilt(notched)
        #expect(maxAbsDiff(out[0].map(Double.init), banded) <= 2e-6)
        #expect(zip(out[0], out[1]).allSatisfy { $0 == -$1 })
        #expect(throws: ECGSignalError.self) { try Preprocessing(outputRate: 100, mainsHz: 60).apply(leads: [c.x], inputRate: 360) }
    }
}
