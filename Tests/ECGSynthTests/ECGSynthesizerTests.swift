import Testing
@testable import ECGSynth

@Suite("ECGSynthesizer")
struct ECGSynthesizerTests {
    @Test("the same request gives identical samples and beats; another seed gives another record")
    func determinism() throws {
        for labels in [Set([ECGSynthLabel.afib, .lbbb]), [.pvc], [.paced], [.stElevation, .rbbb]] {
            let a = try Synth.make(labels, seed: 99, snr: 15), b = try Synth.make(labels, seed: 99, snr: 15)
            let c = try Synth.make(labels, seed: 100, snr: 15)
            #expect(a.leads == b.leads)
            #expect(a.beats == b.beats)
            #expect(a.truth == b.truth)
            #expect(a.leads != c.leads)
        }
    }

    @Test("changing only the noise level leaves the clean ECG and the beats unchanged")
    func noiseIndependentOfMorphology() throws {
        let a = try Synth.make([.rbbb], seed: 5, snr: 10), b = try Synth.make([.rbbb], seed: 5, snr: 25)
        #expect(a.clean == b.clean)
        #expect(a.beats == b.beats)
        #expect(a.leads != b.leads)
    }

    @Test("rate and duration set the sample count; 12 standard leads")
    func shape() throws {
        let e = try Synth.make([.normal], seed: 1, rate: 250, seconds: 12)
        #expect(e.leadNames == ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"])
        #expect(e.leads.count == 12)
        #expect(e.leads.allSatisfy { $0.count == 3000 })
        #expect(e.leads.allSatisfy { $0.allSatisfy(\.isFinite) })
    }

    @Test("bad requests are refused with a reason")
    func badRequests() {
        #expect(throws: ECGSynthError.self) { try Synth.make([.normal], seed: 1, rate: 50) }
        #expect(throws: ECGSynthError.self) { try Synth.make([.normal], seed: 1, seconds: 1) }
        #expect(throws: ECGSynthError.self) { try Synth.make([.normal], seed: 1, snr: .nan) }
        #expect(throws: ECGSynthError.self) { try Synth.make([.normal, .afib], seed: 1) }
        #expect(throws: ECGSynthError.self) { try Synth.make([.afib, .firstDegreeAVBlock], seed: 1) }
        #expect(throws: ECGSynthError.self) { try Synth.make([.lbbb, .rbbb], seed: 1) }
        #expect(throws: ECGSynthError.self) { try Synth.make([], seed: 1) }
    }
}

@Suite("Arm lead reversal")
struct ArmLeadReversalTests {
    @Test("LA/RA reversal inverts I, swaps II/III and aVR/aVL, leaves aVF and V1–V6, keeps the beats")
    func reversal() throws {
        let normal = try ECGSynthesizer.generate(ECGSynthRequest(kind: .ecg([.normal]), seed: 12, snrDB: 20))
        let swapped = try ECGSynthesizer.generate(ECGSynthRequest(kind: .armLeadReversal, seed: 12, snrDB: 20))
        let a = normal.leads, b = swapped.leads
        func close(_ x: [Float], _ y: [Float]) -> Bool { zip(x, y).allSatisfy { abs($0 - $1) <= 1e-5 } }
        #expect(close(b[0], a[0].map { -$0 }))
        #expect(close(b[1], a[2]) && close(b[2], a[1]))
        #expect(close(b[3], a[4]) && close(b[4], a[3]))
        #expect(close(b[5], a[5]))
        for k in 6..<12 { #expect(b[k] == a[k]) }
        #expect(swapped.beats == normal.beats)
        #expect(swapped.request.kind.labelText == "la_ra_reversal")
    }
}
