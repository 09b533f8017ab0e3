import ECGSignal
@testable import ECGSynth
import Foundation

/// Shared helpers for the generator tests.
enum Synth {
    /// Generates a record; `snr` nil means noise-free.
    static func make(_ labels: Set<ECGSynthLabel>, seed: UInt64, snr: Double? = .infinity, rate: Double = 500,
                     seconds: Double = 10) throws -> SyntheticECG {
        try ECGSynthesizer.generate(ECGSynthRequest(kind: .ecg(labels), seed: seed, sampleRate: rate,
                                                    durationSeconds: seconds, snrDB: snr))
    }

    /// Index of a lead by name.
    static func lead(_ name: String) -> Int { LeadProjection.leadNames.firstIndex(of: name)! }

    /// Every single label, for tests that loop over all of them.
    static let singleLabels: [ECGSynthLabel] = ECGSynthLabel.allCases

    /// Isoelectric level of a beat: mean of the 20 ms before QRS onset (PR segment) in a lead.
    static func baseline(_ x: [Float], _ b: SyntheticBeat, fs: Double) -> Double {
        let on = b.qrsOnset!
        let w = Int(0.02 * fs)
        let seg = x[max(0, on - w)..<on]
        return seg.reduce(0) { $0 + Double($1) } / Double(max(1, seg.count))
    }

    /// Beats with all of QRS and T inside the record and a P-free segment before QRS available.
    static func fullBeats(_ e: SyntheticECG) -> [SyntheticBeat] {
        e.beats.filter { $0.qrsOnset != nil && $0.tOffset != nil && ($0.qrsOnset ?? 0) > 20 }
    }
}
