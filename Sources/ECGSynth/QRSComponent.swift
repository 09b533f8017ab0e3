import Foundation

/// One component of a QRS (or ectopic/paced QRS) template, with times as fractions of the QRS duration.
struct QRSComponent: Sendable, Equatable {
    /// Start and end as fractions (0…1) of the QRS duration.
    var start: Double, end: Double
    /// Where the peak falls within [start, end] (0…1).
    var peakAt: Double
    /// Dipole at the peak (mV).
    var vector: SIMD3<Double>

    /// The wave event for a QRS starting at `onset` and lasting `duration` seconds, scaled by `gain`.
    func event(onset: Double, duration: Double, gain: Double) -> WaveEvent {
        .bump(onset + start * duration, onset + end * duration, peakAt: peakAt, vector * gain)
    }
}

/// A complete ventricular complex template: QRS components, optional ST shift and T wave.
struct VentricularTemplate: Sendable, Equatable {
    /// QRS duration (s).
    var qrsDuration: Double
    /// QRS components (fractions of `qrsDuration`).
    var components: [QRSComponent]
    /// ST-segment shift dipole (plateau from late QRS to the T wave), nil for none.
    var stVector: SIMD3<Double>?
    /// T-wave dipole at its peak.
    var tVector: SIMD3<Double>
    /// T duration as a fraction of (QT − QRS duration); the rest is the ST segment.
    var tFraction: Double
    /// Where the T peak falls within the T wave (0…1; > 0.5: slow upstroke, faster downstroke).
    var tPeakAt: Double

    /// The mean direction of the QRS (sum of component vectors), normalised.
    var meanQRSDirection: SIMD3<Double> { normalised(components.reduce(SIMD3<Double>(repeating: 0)) { $0 + $1.vector }) }
}
