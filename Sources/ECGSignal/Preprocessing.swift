import Foundation

/// The standard preprocessing chain for a detector's input: resampling to the model rate (polyphase,
/// anti-aliased), a power-line notch, and a zero-phase Butterworth band-pass. Runs in Double, returns Float.
public struct Preprocessing: Sendable {
    /// Output sampling rate in Hz.
    public let outputRate: Int
    /// Mains frequency to notch out (Hz, typically 50 or 60), or nil for none.
    public let mainsHz: Double?
    /// Notch quality factor (dimensionless).
    public let notchQ: Double
    /// Band-pass edges in Hz.
    public let lowHz: Double, highHz: Double
    /// Butterworth order per band edge (the band-pass has twice this order; filtfilt doubles it again).
    public let order: Int

    /// Creates a chain; defaults: 0.5–40 Hz band-pass of order 2, notch Q 30.
    public init(outputRate: Int, mainsHz: Double?, notchQ: Double = 30, lowHz: Double = 0.5, highHz: Double = 40, order: Int = 2) {
        self.outputRate = outputRate
        self.mainsHz = mainsHz
        self.notchQ = notchQ
        self.lowHz = lowHz
        self.highHz = highHz
        self.order = order
    }

    /// Applies the chain to every lead.
    /// - Parameters: `leads` equal-length leads (mV) at `inputRate` Hz (integer, so the ratio is exact).
    /// - Returns: leads at `outputRate`, each `ceil(count * outputRate / inputRate)` samples.
    /// - Throws: for invalid rates or edges (e.g. a notch at or above the output Nyquist frequency) and
    ///   for records too short to filter.
    public func apply(leads: [[Float]], inputRate: Int) throws -> [[Float]] {
        let resampler = try PolyphaseResampler(inputRate: inputRate, outputRate: outputRate)
        let fs = Double(outputRate)
        let band = try IIRFilter.butterworthBandPass(order: order, lowHz: lowHz, highHz: highHz, sampleRate: fs)
        let notch = try mainsHz.map { try IIRFilter.notch(notchHz: $0, q: notchQ, sampleRate: fs) }
        return try leads.map { lead in
            var x = resampler.resample(lead.map(Double.init))
            if let notch { x = try notch.filtfilt(x) }
            return try band.filtfilt(x).map(Float.init)
        }
    }
}
