import ECGSignal
import Foundation

/// The CNN detector's pacing check, on the raw leads the model reads (before any filter): the
/// detector abstains with `paced_rhythm` when the card's `pacedRhythm` is `outside_intended_use` and
/// `PacingDetector` calls the record paced. It runs before the signal-quality check, because pacing
/// spikes also raise the quality check's high-frequency noise measure. A negative result does not
/// exclude pacing (see `PacingDetector`'s limits); when the search cannot run (rate below 250 Hz) the
/// findings say so.
enum CNNPacingCheck {
    /// Runs `PacingDetector` on the prepared input's raw leads, with QRS positions from `QRSDetector` on
    /// the same leads (none when QRS detection fails: then only the spike count can decide).
    static func detect(prepared: CNNPreparedInput) -> PacingDetection {
        let fs = prepared.rawSampleRateHz
        let beats = (try? QRSDetector().detect(leads: prepared.rawLeads, sampleRate: fs).rPeaks) ?? []
        return PacingDetector().detect(leads: prepared.rawLeads, sampleRate: fs, beats: beats)
    }
}
