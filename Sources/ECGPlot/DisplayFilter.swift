import ECGSignal

/// The filter applied to leads before drawing: ECGSignal's zero-phase Butterworth band-pass and an
/// optional mains notch (``Preprocessing`` at the record's own rate, so no resampling happens).
///
/// Invalid (NaN or infinite) samples stay gaps: they are bridged by straight lines only while
/// filtering, then put back as NaN so the plot shows the gap, never invented signal.
public struct DisplayFilter: Sendable, Equatable {
    /// High-pass edge in Hz (baseline wander).
    public var lowHz: Double = 0.5
    /// Low-pass edge in Hz; lowered to 0.45 × the sampling rate for records sampled below 89 Hz.
    public var highHz: Double = 40
    /// Mains frequency to notch (50 or 60 Hz), or nil for none; skipped when at or above 0.45 × the rate.
    public var mainsHz: Double? = 50

    /// The standard display filter: 0.5–40 Hz with a 50 Hz notch.
    public init(lowHz: Double = 0.5, highHz: Double = 40, mainsHz: Double? = 50) {
        self.lowHz = lowHz
        self.highHz = highHz
        self.mainsHz = mainsHz
    }

    /// Checks the edges.
    /// - Throws: ``ECGPlotError/invalidOption(_:)`` for edges that are not 0 < low < high.
    public func validate() throws {
        guard lowHz.isFinite, highHz.isFinite, lowHz > 0, highHz > lowHz else {
            throw ECGPlotError.invalidOption("filter edges must satisfy 0 < low < high, got \(lowHz)–\(highHz) Hz")
        }
        if let mainsHz, !(mainsHz.isFinite && mainsHz > 0) {
            throw ECGPlotError.invalidOption("mains frequency must be > 0 Hz, got \(mainsHz)")
        }
    }

    /// Filters `leads` sampled at `rateHz`; returns the filtered leads and a footer description of what
    /// was applied (e.g. `"0.5–40 Hz, notch 50 Hz"`).
    /// - Throws: ``ECGPlotError/filterFailed(file:detail:)`` for a non-integer rate, or leads shorter
    ///   than one period of the high-pass edge (2 s at 0.5 Hz).
    public func apply(to leads: [[Float]], rateHz: Double, file: String) throws -> (leads: [[Float]], description: String) {
        try validate()
        guard rateHz.rounded() == rateHz, rateHz >= 1, rateHz <= 1_000_000 else {
            throw ECGPlotError.filterFailed(file: file, detail: "sampling rate \(rateHz) Hz is not a whole number")
        }
        let rate = Int(rateHz)
        let high = min(highHz, 0.45 * rateHz)
        guard high > lowHz else {
            throw ECGPlotError.filterFailed(file: file, detail: "sampling rate \(rate) Hz is too low for a \(lowHz) Hz high-pass")
        }
        // A high-pass needs about one period of its edge to say where the baseline is; shorter records
        // come out of filtfilt as edge artefacts, so they are refused rather than drawn misleadingly.
        let longest = leads.map(\.count).max() ?? 0
        let needed = 1 / lowHz
        guard Double(longest) / rateHz >= needed else {
            throw ECGPlotError.filterFailed(
                file: file,
                detail: "the record is \(Self.format(Double(longest) / rateHz)) s, shorter than the \(Self.format(needed)) s a \(Self.format(lowHz)) Hz high-pass needs")
        }
        let notch = mainsHz.flatMap { $0 < 0.45 * rateHz ? $0 : nil }
        let chain = Preprocessing(outputRate: rate, mainsHz: notch, lowHz: lowHz, highHz: high)
        var out: [[Float]] = []
        for lead in leads {
            let valid = lead.map(\.isFinite)
            guard valid.contains(true) else { out.append(lead); continue }
            do {
                let filtered = try chain.apply(leads: [Self.bridged(lead, valid: valid)], inputRate: rate)[0]
                out.append(zip(filtered, valid).map { $1 ? $0 : .nan })
            } catch {
                throw ECGPlotError.filterFailed(file: file, detail: "\(error)")
            }
        }
        var text = "\(Self.format(lowHz))–\(Self.format(high)) Hz"
        if let notch { text += ", notch \(Self.format(notch)) Hz" }
        return (out, text)
    }

    /// `lead` with each run of invalid samples replaced by the straight line between its valid
    /// neighbours (the nearest valid value at either end).
    static func bridged(_ lead: [Float], valid: [Bool]) -> [Float] {
        var x = lead
        var lastValid: Int?
        var i = 0
        while i < x.count {
            if valid[i] { lastValid = i; i += 1; continue }
            var j = i
            while j < x.count && !valid[j] { j += 1 }
            let left = lastValid.map { x[$0] }, right = j < x.count ? x[j] : nil
            for k in i..<j {
                switch (left, right) {
                case let (l?, r?):
                    let f = Float(k - i + 1) / Float(j - i + 1)
                    x[k] = l + (r - l) * f
                case let (l?, nil): x[k] = l
                case let (nil, r?): x[k] = r
                case (nil, nil): x[k] = 0
                }
            }
            i = j
        }
        return x
    }

    static func format(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        return r.rounded() == r ? String(Int(r)) : String(r)
    }
}
