import Testing
@testable import ECGSynth

@Suite("LabelMix")
struct LabelMixTests {
    @Test("parsing: items cycle, '+' combines, unknown or incompatible labels are refused")
    func parse() throws {
        let m = try LabelMix.parse("afib, lbbb+pvc ,flat_line,noise_only")
        #expect(m.kind(index: 0, seed: 1) == .ecg([.afib]))
        #expect(m.kind(index: 1, seed: 1) == .ecg([.lbbb, .pvc]))
        #expect(m.kind(index: 2, seed: 1) == .flatLine)
        #expect(m.kind(index: 3, seed: 1) == .noiseOnly)
        #expect(m.kind(index: 4, seed: 1) == .ecg([.afib]))
        #expect(try LabelMix.parse("default") == .defaultMix)
        #expect(throws: ECGSynthError.self) { try LabelMix.parse("afib,stemi") }
        #expect(throws: ECGSynthError.self) { try LabelMix.parse("lbbb+rbbb") }
        #expect(throws: ECGSynthError.self) { try LabelMix.parse(" , ") }
    }

    @Test("the default mix covers every label, only with valid combinations, about 30% combined")
    func defaultMix() {
        var seen = Set<ECGSynthLabel>()
        var combined = 0
        let n = 2000
        for i in 0..<n {
            guard case .ecg(let labels) = LabelMix.defaultMix.kind(index: i, seed: 5) else { Issue.record("not an ECG"); continue }
            #expect(ECGSynthLabel.incompatibility(labels) == nil)
            seen.formUnion(labels)
            if labels.count > 1 { combined += 1 }
        }
        #expect(seen == Set(ECGSynthLabel.allCases))
        // 12 of 14 main draws are not 'normal'; 30% of those get an extra label: ≈ 26%.
        let fraction = Double(combined) / Double(n)
        #expect(fraction > 0.2 && fraction < 0.32)
    }
}
