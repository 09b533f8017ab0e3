import Foundation

/// The cut-offs of the rhythm detector's rules, in one place so a reviewer can read and change them.
///
/// Sources of the conventional values: rate bands 60–100 /min (AHA/ACCF/HRS recommendations for the
/// standardization and interpretation of the ECG, Part I, Kligfield et al., Circulation 2007); QRS ≥ 120
/// ms (Part III, Surawicz et al., Circulation 2009); prolonged QTc ≥ 450 ms in men and ≥ 460 ms in
/// women (Part IV, Rautaharju et al., Circulation 2009; the file does not give the sex, so the higher
/// cut-off is used). The AF irregularity statistic (RMSSD / mean NN) follows Dash et al., Ann. Biomed.
/// Eng. 2009; its threshold here and the ectopy rate (at least one ventricular beat per 10 s of
/// recording, i.e. 6 per minute) are engineering choices, tested on synthetic records only.
public struct RhythmCriteria: Sendable, Equatable {
    /// Sinus bradycardia below this mean rate (/min).
    public var bradycardiaBelowBpm = 60.0
    /// Sinus tachycardia above this mean rate (/min).
    public var tachycardiaAboveBpm = 100.0
    /// RR irregularity (RMSSD / mean NN) at or above which the rhythm counts as irregular.
    public var irregularNormalisedRMSSD = 0.10
    /// Median absolute successive RR difference over the median RR (all readable intervals, ectopic ones
    /// included) at or above which the irregularity counts for AF. An isolated premature beat changes two
    /// successive differences, so sinus rhythm with occasional PACs/PVCs keeps this statistic near 0, while in AF
    /// most successive differences are large. The AF rule needs both this and `irregularNormalisedRMSSD`.
    /// 0.08 is the largest value that loses no AF record on CinC 2017 (300 records, 273 judged; `vigil bench
    /// rhythm-af --msd` sweep 0–0.12): AF F1 0.615 → 0.661, false AF 33 → 25, sensitivity unchanged 36/48.
    /// CinC 2021 was not used to choose it.
    public var irregularMedianSuccessiveDifference = 0.08
    /// Fewest NN intervals needed to judge regularity.
    public var minimumNNIntervals = 6
    /// QTc (Bazett) at or above which the QTc is prolonged (ms).
    public var longQTcMs = 460.0
    /// QRS duration at or above which the QRS is wide (ms).
    public var wideQRSMs = 120.0
    /// Fewest ventricular beats per minute of recording for frequent ectopy (one per 10 s).
    public var frequentEctopyPerMinute = 6.0

    /// Records longer than this (s) are also judged window by window (`RhythmEpisodes`): AF episodes and burden.
    public var longRecordSeconds = 60.0
    /// Fewest readable RR intervals a 10 s window needs for its rhythm to be judged.
    public var minimumWindowIntervals = 6
    /// Shortest AF episode reported (s); shorter runs of AF windows are not episodes. 30 s is the conventional
    /// minimum duration of an AF episode (ESC 2020 AF guidelines, Hindricks et al.).
    public var minimumAFEpisodeSeconds = 30.0

    /// Creates the default criteria.
    public init() {}
}
