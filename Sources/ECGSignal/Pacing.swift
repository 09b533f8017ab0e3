import Foundation

/// Result of the pacing-spike search on one record.
public struct PacingDetection: Sendable, Equatable {
    /// Whether the search could run (false below `PacingDetector.minimumSampleRate`; `limitation` says why).
    public let assessed: Bool
    /// Why the result is limited or missing, in words; nil when nothing needs saying.
    public let limitation: String?
    /// Sample index (at the input rate) of each pacing spike found, ascending.
    public let spikes: [Int]
    /// Number of leads in which each spike was seen (same order as `spikes`).
    public let spikeLeadCounts: [Int]
    /// Beats with a spike between 350 ms before and 20 ms after their fiducial point.
    public let pacedBeats: Int
    /// The verdict: a paced rhythm (at least 3 spikes, and at least 30% of the beats preceded by one).
    public let paced: Bool
}

/// Pacemaker-spike detector on the **raw** leads, before any low-pass filter (a 40 Hz low-pass removes
/// the spikes it looks for).
///
/// A spike is a sample that stands out from the straight line joining its neighbours 2 ms either side
/// (`d[i] = x[i] − (x[i−w] + x[i+w]) / 2`, `w = round(2 ms × fs)`, at least one sample) by at least
/// `minimumSpikeMv` and by at least `noiseMultiple` times the lead's robust spread of `d` (1.4826 × MAD),
/// and after which the signal returns near its level before the spike within 4 ms (a step, such as an
/// electrode-motion jump, does not). A spike must be seen in at least two leads at once (one lead for
/// single-lead records), within 2 ms.
///
/// Limits (stated, not hidden): pacing pulses last 0.5–2 ms. At 500 Hz a pulse is one sample or none,
/// and what remains depends on the recorder's own anti-aliasing filter: many electrocardiographs
/// remove the spike and store a marker instead, and bipolar pacing gives spikes of a fraction of a
/// millivolt. So a negative result does not exclude pacing; below 250 Hz the search is not run.
/// The thresholds are engineering choices tested on synthetic spikes, not on a pacemaker database.
public struct PacingDetector: Sendable {
    /// Smallest sampling rate at which the search runs (Hz).
    public var minimumSampleRate = 250.0
    /// Smallest spike height over the neighbour line (mV).
    public var minimumSpikeMv = 0.4
    /// Spike height over the lead's robust spread of the neighbour-line residual.
    public var noiseMultiple = 10.0

    /// Creates a detector with the default thresholds.
    public init() {}

    /// Searches for pacing spikes.
    /// - Parameters:
    ///   - leads: raw equal-length leads in mV at `sampleRate` (non-finite samples are skipped).
    ///   - sampleRate: Hz.
    ///   - beats: QRS fiducial indices at `sampleRate`, to tell how many beats are paced (may be empty).
    public func detect(leads: [[Float]], sampleRate fs: Double, beats: [Int]) -> PacingDetection {
        guard fs >= minimumSampleRate else {
            return PacingDetection(assessed: false,
                                   limitation: String(format: "sampling rate %.0f Hz is below %.0f Hz: pacing spikes cannot be seen", fs, minimumSampleRate),
                                   spikes: [], spikeLeadCounts: [], pacedBeats: 0, paced: false)
        }
        guard let n = leads.first?.count, leads.allSatisfy({ $0.count == n }) else {
            return PacingDetection(assessed: false, limitation: "no leads of equal length", spikes: [], spikeLeadCounts: [], pacedBeats: 0, paced: false)
        }
        let w = max(1, Int((0.002 * fs).rounded()))
        let settle = max(w + 1, Int((0.004 * fs).rounded()))
        var perLead: [[Int]] = []
        for lead in leads {
            guard n > 2 * settle + 2 else { perLead.append([]); continue }
            var d = [Double](repeating: 0, count: n)
            for i in w..<(n - w) {
                let a = Double(lead[i]), l = Double(lead[i - w]), r = Double(lead[i + w])
                d[i] = (a.isFinite && l.isFinite && r.isFinite) ? a - (l + r) / 2 : 0
            }
            let absd = d.map(abs)
            let spread = 1.4826 * median(absd)
            let thr = max(minimumSpikeMv, noiseMultiple * spread)
            var found: [Int] = []
            var i = settle
            while i < n - settle {
                if absd[i] >= thr && absd[i] >= absd[i - 1] && absd[i] >= absd[i + 1] {
                    // Returns to its pre-spike level within `settle` samples (not a step).
                    let before = Double(lead[i - settle]), after = Double(lead[i + settle])
                    if before.isFinite && after.isFinite && abs(after - before) < 0.5 * absd[i] {
                        found.append(i)
                        i += settle
                        continue
                    }
                }
                i += 1
            }
            perLead.append(found)
        }
        let needed = leads.count >= 2 ? 2 : 1
        let all = perLead.enumerated().flatMap { l, s in s.map { ($0, l) } }.sorted { $0.0 < $1.0 }
        var spikes: [Int] = [], counts: [Int] = []
        var k = 0
        while k < all.count {
            var j = k + 1
            while j < all.count && all[j].0 - all[k].0 <= w { j += 1 }
            let leadsSeen = Set(all[k..<j].map(\.1)).count
            if leadsSeen >= needed { spikes.append(all[k].0); counts.append(leadsSeen) }
            k = j
        }
        let before = Int((0.35 * fs).rounded()), after = Int((0.02 * fs).rounded())
        let pacedBeats = beats.filter { b in spikes.contains { $0 >= b - before && $0 <= b + after } }.count
        let paced = spikes.count >= 3 && (beats.isEmpty || Double(pacedBeats) >= 0.3 * Double(beats.count))
        var limitation: String? = nil
        if fs < 1000 {
            limitation = String(format: "at %.0f Hz a 0.5–2 ms pacing pulse is at most %d sample(s); recorders that filter or replace spikes hide them, so absence of spikes does not exclude pacing",
                                fs, max(1, Int((0.002 * fs).rounded())))
        }
        return PacingDetection(assessed: true, limitation: limitation, spikes: spikes, spikeLeadCounts: counts,
                               pacedBeats: pacedBeats, paced: paced)
    }
}
