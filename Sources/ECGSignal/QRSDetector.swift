import Foundation

/// Result of multi-lead QRS detection.
public struct QRSDetection: Sendable, Equatable {
    /// Fiducial sample index of each detected beat (ascending, 0-based, at the input sampling rate):
    /// the point of largest combined 5–15 Hz band-passed amplitude inside the detected QRS, at or near the R peak.
    public let rPeaks: [Int]
    /// Weight each lead received in the combined detection feature (count = number of leads, each ≥ 0;
    /// 0 means the lead was judged to carry no usable QRS energy).
    public let leadWeights: [Double]
    /// Sampling rate of the input and of `rPeaks`, in Hz.
    public let sampleRate: Double
}

/// Multi-lead QRS detector in the style of Pan & Tompkins (IEEE Trans. Biomed. Eng. 32(3), 1985):
/// band-pass (about 5–15 Hz), derivative, squaring, moving-window integration (150 ms) and adaptive
/// signal/noise peak thresholds with a 200 ms refractory period, T-wave discrimination within 360 ms
/// (a candidate whose maximal slope is below half the previous QRS's is a T wave) and search-back after
/// 1.66 average RR intervals. Known consequence of the T-wave rule: a wide premature ventricular beat
/// falling within 360 ms of the previous beat (R-on-T) can be rejected as a T wave.
///
/// Unlike the single-lead original, the squared-derivative energy is computed per lead (so the sign
/// of a lead does not matter: an inverted lead contributes like an upright one), each lead is scaled by
/// its typical per-beat energy, and the leads are averaged with weights from how peaky their energy is
/// in each stretch of `leadWeightWindow` seconds (a lead of broadband noise or a flat lead gets weight 0;
/// a lead that is clean for most of a long record but noisy for a minute is left out for that minute
/// only). Band-pass filtering is zero-phase, so no group delay needs compensating.
///
/// Long records add a failure the 1985 rules do not handle: the signal level learns only from accepted
/// beats, so after an artefact tens of times larger than a QRS it stays so high that neither the threshold
/// nor the search-back threshold (half of it) is reached again, and every later beat is missed (on MIT-BIH
/// 115 one movement artefact at 24 min cost the 390 beats that followed). As Hamilton's open-source
/// detector (OSEA) does after 8 s without a beat, the levels are then learnt again: after `relearnAfter`
/// seconds without a beat and with nothing found by search-back, the signal level becomes the median of
/// the per-second maxima of the last `relearnSpan` seconds (one artefact second does not move a median),
/// and the candidates since the last beat are examined again with the new levels, so the beats of the
/// gap are not lost. The new level never goes below `relearnFloor` of the record's typical per-second
/// maximum, so a real pause or asystole does not make baseline noise into beats.
public struct QRSDetector: Sendable {
    /// Tunable parameters (times in seconds, frequencies in Hz).
    public struct Configuration: Sendable, Equatable {
        /// Lower and upper edge of the QRS-emphasising band-pass (Hz).
        public var bandLowHz = 5.0, bandHighHz = 15.0
        /// Moving-window integration width (s); Pan–Tompkins used about 150 ms.
        public var integrationWindow = 0.150
        /// Refractory period after a detection during which no other beat is accepted (s).
        public var refractory = 0.200
        /// Window after a beat in which a candidate with much lower slope energy is taken for a T wave (s).
        public var tWaveWindow = 0.360
        /// Search-back starts when no beat has been found for this many average RR intervals.
        public var searchBackFactor = 1.66
        /// Initial learning period used to seed the signal and noise levels (s).
        public var learningPeriod = 2.0
        /// Stretch over which each lead's weight is judged (s); records shorter than this (or `.infinity`) get one
        /// weight per lead.
        public var leadWeightWindow = 10.0
        /// Time without a beat, search-back having found none, after which the levels are learnt again (s);
        /// `.infinity` never relearns (the 1985 rules).
        public var relearnAfter = 3.0
        /// How far back the levels are learnt from when they are learnt again (s).
        public var relearnSpan = 8.0
        /// Lowest relearnt signal level, as a fraction of the record's median per-second maximum of the feature.
        public var relearnFloor = 0.25
        /// Each lead's normalised energy is clipped at this many times its typical per-beat level before the leads
        /// are combined (`.infinity`: not clipped), so an artefact spike in one lead cannot outweigh the others and
        /// a few huge ectopic beats do not raise the signal level above the ordinary beats.
        public var energyClip = 5.0
        /// A candidate is taken for noise, not a beat, when one lead outweighs every other by `dominantLeadRatio`
        /// or more at that point and its own normalised energy within ±75 ms stays below `dominantLeadVeto` of its
        /// typical beat level: the clean lead shows no QRS where a noisier one has a spike (0 turns this off).
        public var dominantLeadVeto = 0.1
        /// See `dominantLeadVeto`.
        public var dominantLeadRatio = 2.0
        /// A beat that splits an ordinary RR interval in two is dropped as noise when some usable lead shows less
        /// than `interpolatedBeatVeto` of its typical beat energy within ±75 ms of it (0 turns this off). "Splits":
        /// both flanking intervals are shorter than `interpolatedShortRR` of the median of the 8 intervals before
        /// it and together shorter than `interpolatedSumRR` of that median. A true interpolated ectopic beat shows
        /// QRS energy in every lead, so it is kept; an artefact spike in one lead is not.
        public var interpolatedBeatVeto = 0.05
        /// See `interpolatedBeatVeto`.
        public var interpolatedShortRR = 0.8, interpolatedSumRR = 1.15
        /// A candidate less than `replacementWindow` seconds after the last beat (too close for two ventricular
        /// depolarisations) replaces that beat when it is above the threshold and shows at least 0.1 of the typical
        /// beat energy in every usable lead, while the last beat showed less than `replacementWeakLead` (and under
        /// a quarter of the candidate's) in its weakest lead: the beat taken was a spike or a tall P wave just before
        /// the QRS. Multi-lead records only; 0 turns this off.
        public var replacementWeakLead = 0.2
        /// See `replacementWeakLead` (s).
        public var replacementWindow = 0.25
        /// Creates the default configuration.
        public init() {}
    }

    /// The parameters in use.
    public let configuration: Configuration

    /// Creates a detector.
    public init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    /// Detects QRS complexes using every lead.
    /// - Parameters:
    ///   - leads: one array per lead, all the same length (samples; any amplitude unit, typically mV).
    ///   - sampleRate: sampling rate in Hz (≥ 100).
    /// - Returns: beat positions and lead weights; `rPeaks` is empty when no lead carries QRS energy
    ///   (the caller must treat that as "not assessable", not as asystole).
    /// - Throws: when leads are missing, of unequal length, non-finite, or shorter than 1 s.
    public func detect(leads: [[Float]], sampleRate: Double) throws -> QRSDetection {
        let feature = try QRSFeature(leads: leads, sampleRate: sampleRate, configuration: configuration)
        guard feature.totalWeight > 0 else {
            return QRSDetection(rPeaks: [], leadWeights: feature.weights, sampleRate: sampleRate)
        }
        let peaks = thresholdPeaks(feature)
        return QRSDetection(rPeaks: peaks, leadWeights: feature.weights, sampleRate: sampleRate)
    }

    /// Pan–Tompkins style adaptive thresholding on the integrated feature; returns fiducial indices.
    private func thresholdPeaks(_ f: QRSFeature) -> [Int] {
        let fs = f.sampleRate
        let mwi = f.integrated
        let n = mwi.count
        let refractory = Int((configuration.refractory * fs).rounded())
        let tWindow = Int((configuration.tWaveWindow * fs).rounded())
        let half = Int((0.075 * fs).rounded())
        let replaceWithin = Int((configuration.replacementWindow * fs).rounded())

        // Candidate peaks: local maxima of the integrated feature.
        var candidates: [Int] = []
        if n >= 3 {
            for i in 1..<(n - 1) where mwi[i] > mwi[i - 1] && mwi[i] >= mwi[i + 1] { candidates.append(i) }
        }
        guard !candidates.isEmpty else { return [] }

        // Seed levels from the learning period (Pan–Tompkins: a third of the maximum and half the mean).
        let learnEnd = min(n, max(Int(configuration.learningPeriod * fs), 1))
        let learnMax = mwi[0..<learnEnd].max() ?? 0
        let learnMean = mwi[0..<learnEnd].reduce(0, +) / Double(learnEnd)
        var spki = learnMax / 3, npki = learnMean / 2
        var threshold1: Double { npki + 0.25 * (spki - npki) }

        var beats: [Int] = []           // indices into mwi of accepted peaks
        var beatSlope: [Double] = []     // peak of the raw combined energy near each beat
        var rr: [Int] = []
        var noiseSinceBeat: [Int] = []   // rejected candidates since the last beat, for search-back

        func slope(at i: Int) -> Double {
            let lo = max(0, i - half), hi = min(n - 1, i + half)
            return f.combinedEnergy[lo...hi].max() ?? 0
        }
        func isTWave(_ i: Int) -> Bool {
            guard let last = beats.last, i - last < tWindow, let lastSlope = beatSlope.last else { return false }
            // Energy is the squared slope, so "half the slope" becomes a quarter of the energy.
            return slope(at: i) < 0.25 * lastSlope
        }
        func accept(_ i: Int, searchBack: Bool) {
            if let last = beats.last { rr.append(i - last) }
            beats.append(i); beatSlope.append(slope(at: i))
            spki = searchBack ? 0.25 * mwi[i] + 0.75 * spki : 0.125 * mwi[i] + 0.875 * spki
            noiseSinceBeat.removeAll()
        }
        func isNoiseInTheDominantLead(_ i: Int) -> Bool {
            guard configuration.dominantLeadVeto > 0, f.leadEnergies.count > 1 else { return false }
            let w = f.leadWeights(at: i)
            guard let best = w.indices.max(by: { w[$0] < w[$1] }) else { return false }
            let others = w.indices.filter { $0 != best }.map { w[$0] }.max() ?? 0
            guard w[best] > 0, w[best] >= configuration.dominantLeadRatio * others else { return false }
            let lo = max(0, i - half), hi = min(n - 1, i + half)
            return (f.leadEnergies[best][lo...hi].max() ?? 0) < configuration.dominantLeadVeto
        }
        /// The weakest usable lead's normalised energy within ±75 ms of `i` (nil for single-lead records).
        func weakestLead(at i: Int) -> Double? {
            guard f.leadEnergies.count > 1 else { return nil }
            let levels = f.usableLeadLevels(at: i, half: half)
            return levels.count > 1 ? levels.min() : nil
        }
        /// Whether candidate `i`, too close to the last beat to be another beat, is the QRS and the last beat was
        /// noise or a P wave before it: `i` is above the threshold and shows in every usable lead, the last beat
        /// hardly shows in one of them (see `Configuration.replacementWeakLead`).
        func replacesLastBeat(_ i: Int) -> Bool {
            guard configuration.replacementWeakLead > 0, let last = beats.last, mwi[i] > threshold1,
                  let here = weakestLead(at: i), let there = weakestLead(at: last) else { return false }
            return here >= 0.1 && there < configuration.replacementWeakLead && there < 0.25 * here
        }
        func averageRR() -> Double? {
            guard !rr.isEmpty else { return nil }
            let recent = rr.suffix(8)
            return Double(recent.reduce(0, +)) / Double(recent.count)
        }
        /// Looks back over rejected candidates for a missed beat above the second (halved) threshold.
        func searchBack(before limit: Int) -> Bool {
            guard let last = beats.last, let avg = averageRR(), Double(limit - last) > configuration.searchBackFactor * avg
            else { return false }
            let thr2 = 0.5 * threshold1
            let pool = noiseSinceBeat.filter { $0 - last >= refractory && limit - $0 >= refractory && mwi[$0] > thr2 && !isTWave($0) }
            guard let best = pool.max(by: { mwi[$0] < mwi[$1] }) else { return false }
            accept(best, searchBack: true)
            return true
        }

        // Per-second maxima of the feature, for learning the levels again after a lock-out.
        let second = max(1, Int(fs.rounded()))
        let secondMaxima = stride(from: 0, to: n, by: second).map { mwi[$0..<min(n, $0 + second)].max()! }
        let floorLevel = configuration.relearnFloor * median(secondMaxima)
        // A non-finite or longer-than-the-record setting turns relearning off.
        let relearnGap = configuration.relearnAfter * fs < Double(n) ? Int((configuration.relearnAfter * fs).rounded()) : Int.max
        let relearnSpan = configuration.relearnSpan * fs < Double(n) ? Int((configuration.relearnSpan * fs).rounded()) : n
        var relearntAfterBeat: Int? = nil   // the beat after which the levels were last learnt again (once per gap)

        var k = 0
        while k < candidates.count {
            let i = candidates[k]
            while searchBack(before: i) {}
            if let last = beats.last, i - last > relearnGap, relearntAfterBeat != last {
                relearntAfterBeat = last
                let from = max(last + refractory, i - relearnSpan)
                let maxima = stride(from: from, to: i, by: second).map { mwi[$0..<min(i, $0 + second)].max()! }
                spki = max(median(maxima), floorLevel)
                npki = mwi[from..<i].reduce(0, +) / Double(max(1, i - from)) / 2
                noiseSinceBeat.removeAll()
                // Examine the gap's candidates again with the new levels.
                k = candidates.firstIndex { $0 >= last + refractory } ?? k
                continue
            }
            k += 1
            if let last = beats.last, i - last < replaceWithin, replacesLastBeat(i) {
                beats[beats.count - 1] = i; beatSlope[beatSlope.count - 1] = slope(at: i)
                if !rr.isEmpty { rr[rr.count - 1] += i - last }
                continue
            }
            if let last = beats.last, i - last < refractory { continue }
            if mwi[i] > threshold1 && !isTWave(i) && !isNoiseInTheDominantLead(i) {
                accept(i, searchBack: false)
            } else {
                npki = 0.125 * mwi[i] + 0.875 * npki
                noiseSinceBeat.append(i)
            }
        }
        while searchBack(before: n - 1 + refractory) {}
        beats = withoutInterpolatedNoise(beats, f)

        // Fiducial: largest combined band-passed amplitude within ±75 ms of each integrated peak.
        var fiducials: [Int] = []
        for b in beats {
            let lo = max(0, b - half), hi = min(n - 1, b + half)
            var best = lo
            for j in lo...hi where f.combinedAmplitude[j] > f.combinedAmplitude[best] { best = j }
            if let last = fiducials.last, best - last < refractory {
                if f.combinedAmplitude[best] > f.combinedAmplitude[last] { fiducials[fiducials.count - 1] = best }
                continue
            }
            fiducials.append(best)
        }
        return fiducials
    }
}

extension QRSDetector {
    /// Drops beats that split an ordinary RR interval and that some usable lead does not show (see
    /// `Configuration.interpolatedBeatVeto`). `beats` are ascending indices into the feature; the result keeps
    /// their order. Single-lead records are returned unchanged: the one lead shows every beat it found.
    func withoutInterpolatedNoise(_ beats: [Int], _ f: QRSFeature) -> [Int] {
        let c = configuration
        guard c.interpolatedBeatVeto > 0, f.leadEnergies.count > 1, beats.count >= 10 else { return beats }
        let half = Int((0.075 * f.sampleRate).rounded())
        var kept: [Int] = Array(beats.prefix(1))
        var j = 1
        while j < beats.count {
            let b = beats[j]
            defer { j += 1 }
            guard j + 1 < beats.count, kept.count >= 9, let prev = kept.last else { kept.append(b); continue }
            let next = beats[j + 1]
            let recent = (kept.count - 9..<kept.count - 1).map { Double(kept[$0 + 1] - kept[$0]) }
            let typical = median(recent)
            let before = Double(b - prev), after = Double(next - b)
            guard before < c.interpolatedShortRR * typical, after < c.interpolatedShortRR * typical,
                  before + after < c.interpolatedSumRR * typical else { kept.append(b); continue }
            let silent = f.usableLeadLevels(at: b, half: half).contains { $0 < c.interpolatedBeatVeto }
            if !silent { kept.append(b) }
        }
        return kept
    }
}

/// Per-lead QRS features combined across leads.
struct QRSFeature {
    let sampleRate: Double
    /// Per-lead weights (≥ 0): the mean over the record of each lead's windowed weight.
    let weights: [Double]
    let totalWeight: Double
    /// Weighted mean of per-lead normalised squared derivatives of the band-passed leads.
    let combinedEnergy: [Double]
    /// Weighted mean of per-lead normalised absolute band-passed amplitudes.
    let combinedAmplitude: [Double]
    /// `combinedEnergy` after centred moving-window integration.
    let integrated: [Double]
    /// Each lead's normalised (clipped) energy, and its weight per window with the windows' centre samples.
    let leadEnergies: [[Double]]
    /// Each lead's typical per-beat energy before normalisation (0: the lead has no energy, its values are raw).
    let leadScales: [Double]
    let windowWeights: [[Double]]
    let windowCentres: [Double]

    /// The largest normalised energy within ±`half` samples of `i` of each usable lead there (weight > 0 and some
    /// energy in the record), in lead order.
    func usableLeadLevels(at i: Int, half: Int) -> [Double] {
        let w = leadWeights(at: i)
        let lo = max(0, i - half), hi = min(integrated.count - 1, i + half)
        return leadEnergies.indices.filter { w[$0] > 0 && leadScales[$0] > 0 }.map { leadEnergies[$0][lo...hi].max() ?? 0 }
    }

    /// Each lead's weight at sample `i` (see `position`).
    func leadWeights(at i: Int) -> [Double] {
        let (k, t) = Self.position(of: i, centres: windowCentres)
        return windowWeights.map { Self.weight($0, k, t) }
    }

    /// Where sample `i` lies among the window centres: the window `k` at or before it and the fraction `t` (0..<1)
    /// of the way to the next centre; `t` is 0 before the first centre and from the last one on (weights are
    /// constant there).
    static func position(of i: Int, centres: [Double]) -> (k: Int, t: Double) {
        let x = Double(i)
        guard centres.count > 1, x > centres[0] else { return (0, 0) }
        var lo = 0, hi = centres.count - 1   // the last centre <= x, by bisection
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if centres[mid] <= x { lo = mid } else { hi = mid - 1 }
        }
        guard lo + 1 < centres.count else { return (lo, 0) }
        return (lo, (x - centres[lo]) / (centres[lo + 1] - centres[lo]))
    }

    /// A lead's weight at window position (`k`, `t`): linear between window centres.
    static func weight(_ perWindow: [Double], _ k: Int, _ t: Double) -> Double {
        t > 0 ? perWindow[k] + t * (perWindow[k + 1] - perWindow[k]) : perWindow[k]
    }

    init(leads: [[Float]], sampleRate fs: Double, configuration c: QRSDetector.Configuration) throws {
        guard !leads.isEmpty else { throw ECGSignalError.invalidParameter("no leads") }
        guard fs >= 100 else { throw ECGSignalError.invalidParameter("sampleRate must be at least 100 Hz") }
        let n = leads[0].count
        guard leads.allSatisfy({ $0.count == n }) else { throw ECGSignalError.invalidParameter("leads differ in length") }
        guard n >= Int(fs) else { throw ECGSignalError.signalTooShort(needed: Int(fs), got: n) }
        guard leads.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw ECGSignalError.invalidParameter("non-finite samples")
        }
        let bp = try IIRFilter.butterworthBandPass(order: 2, lowHz: c.bandLowHz, highHz: c.bandHighHz, sampleRate: fs)
        let second = Int(fs) // 1 s windows for the per-beat scale
        let span = c.leadWeightWindow * fs < Double(n) ? max(second, Int((c.leadWeightWindow * fs).rounded())) : n
        // Windows of `span` samples; a trailing part shorter than half a window joins the one before it.
        var starts = Array(stride(from: 0, to: n, by: span))
        if starts.count > 1, n - starts.last! < span / 2 { starts.removeLast() }
        let ends = Array(starts.dropFirst()) + [n]
        var windowWeights: [[Double]] = []   // [lead][window]
        var energies: [[Double]] = [], amplitudes: [[Double]] = [], scales: [Double] = []
        for lead in leads {
            let y = try bp.filtfilt(lead.map(Double.init))
            var e = [Double](repeating: 0, count: n)
            for i in 1..<(n - 1) {
                let d = (y[i + 1] - y[i - 1]) * fs / 2
                e[i] = d * d
            }
            let a = y.map(abs)
            // Typical per-beat level: median over 1 s windows of the window maximum.
            let eScale = median(windowMaxima(e, second))
            let aScale = median(windowMaxima(a, second))
            // Peakiness of the energy in each window: beats stand ~100x or more above the median in a clean
            // lead; band-limited noise gives about 10-30x. The weight is the log above 30x times the square of
            // the window's consistency: the median over its 1 s maxima of the energy divided by their 90th
            // percentile. (Squaring the log as well cut MIT-BIH's false beats further but gave a false beat on
            // a synthetic LBBB record, Tests/ECGSynthTests/RhythmPlanTests.) Beats
            // of one size give about 1; bursts of artefact, or a lead where ectopic beats dwarf the others (V1 in
            // ventricular bigeminy), give much less, and the lead whose beats are alike then leads.
            windowWeights.append(zip(starts, ends).map { s, end in
                guard eScale > 0 && aScale > 0 else { return 0 }
                let part = Array(e[s..<end])
                let background = median(part)
                let maxima = windowMaxima(part, second)
                let typical = median(maxima)
                let peakiness = background > 0 ? typical / background : 1e6
                let w = max(0, log10(peakiness / 30))
                let high = percentile(maxima.sorted(), 0.9)
                let consistency = high > 0 ? typical / high : 0
                return w * consistency * consistency
            })
            energies.append(eScale > 0 ? e.map { min($0 / eScale, c.energyClip) } : e)
            scales.append(eScale)
            amplitudes.append(aScale > 0 ? a.map { $0 / aScale } : a)
        }
        let weights = windowWeights.map { $0.reduce(0, +) / Double($0.count) }
        let total = weights.reduce(0, +)
        // Each sample's lead weights: linear between window centres, constant before the first and after the last.
        let centres = zip(starts, ends).map { Double($0 + $1) / 2 }
        var ce = [Double](repeating: 0, count: n), ca = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let (k, t) = Self.position(of: i, centres: centres)
            var sum = 0.0, se = 0.0, sa = 0.0
            for l in leads.indices {
                let w = Self.weight(windowWeights[l], k, t)
                guard w > 0 else { continue }
                sum += w; se += w * energies[l][i]; sa += w * amplitudes[l][i]
            }
            if sum > 0 { ce[i] = se / sum; ca[i] = sa / sum }
        }
        // Centred moving-window integration.
        let width = max(1, Int((c.integrationWindow * fs).rounded()))
        var integrated = [Double](repeating: 0, count: n)
        var prefix = [Double](repeating: 0, count: n + 1)
        for i in 0..<n { prefix[i + 1] = prefix[i] + ce[i] }
        for i in 0..<n {
            let lo = max(0, i - width / 2), hi = min(n, lo + width)
            integrated[i] = (prefix[hi] - prefix[lo]) / Double(width)
        }
        self.sampleRate = fs
        self.weights = weights
        self.totalWeight = total
        self.combinedEnergy = ce
        self.combinedAmplitude = ca
        self.integrated = integrated
        self.leadEnergies = energies
        self.leadScales = scales
        self.windowWeights = windowWeights
        self.windowCentres = centres
    }
}

/// Maxima of consecutive non-overlapping windows of `width` samples (a trailing partial window is included
/// when it is at least half a window long).
func windowMaxima(_ x: [Double], _ width: Int) -> [Double] {
    var out: [Double] = []
    var start = 0
    while start < x.count {
        let end = min(x.count, start + width)
        if end - start >= width / 2 || out.isEmpty { out.append(x[start..<end].max()!) }
        start = end
    }
    return out
}

/// Median of a sequence (mean of the two middle values for even counts); 0 for an empty sequence.
func median(_ x: [Double]) -> Double {
    guard !x.isEmpty else { return 0 }
    let s = x.sorted()
    let m = s.count / 2
    return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

/// Linear-interpolation percentile of ascending `sorted` values (numpy's default method), `q` in [0, 1]; 0 when empty.
func percentile(_ sorted: [Double], _ q: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let pos = q * Double(sorted.count - 1)
    let lo = Int(pos.rounded(.down)), hi = min(sorted.count - 1, lo + 1)
    return sorted[lo] + (pos - Double(lo)) * (sorted[hi] - sorted[lo])
}
