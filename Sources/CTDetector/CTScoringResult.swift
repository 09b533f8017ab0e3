import DetectorKit

/// The lesion score of one scored slice.
public struct SliceScore: Sendable, Hashable, Codable {
    /// Slice index in the volume (0-based, ascending position).
    public let index: Int
    /// Slice position along the slice normal, mm.
    public let positionMM: Double
    /// The lesion model's raw score output (a logit for `logits` cards).
    public let logit: Double
    /// Pancreas mask pixels found by the localiser on this slice.
    public let pancreasPixels: Int
    /// Crop centre, source pixel coordinates (row, column).
    public let centerRow: Double, centerColumn: Double
}

/// A top-scoring slice with what the segmentation head and occlusion saliency say about it.
public struct KeySlice: Sendable {
    /// Its score.
    public let score: SliceScore
    /// The crop's footprint on the slice, original pixels.
    public let cropBox: BoundingBox
    /// The lesion region (largest connected part of the thresholded lesion mask), original pixels; nil
    /// when the mask marks nothing.
    public let lesionBox: BoundingBox?
    /// Longest axis of that region, mm (longest distance between pixel centres plus one pixel).
    public let lesionLongestAxisMM: Double?
    /// The thresholded lesion mask's largest region on the crop grid (row-major, crop rows × columns).
    public let lesionMask: [Bool]
    /// Occlusion saliency on the crop grid, 0…1 (normalised by the largest value over all key slices).
    public let saliency: [Float]
}

/// Seconds spent in each stage of the pipeline for one series.
public struct CTStageTimings: Sendable, Hashable, Codable {
    /// Resampling and windowing (both stages and the occlusion batch).
    public var preprocessing = 0.0
    /// Stage-1 inference.
    public var localizer = 0.0
    /// Stage-2 inference.
    public var lesion = 0.0
    /// Occlusion inference.
    public var saliency = 0.0
    /// Everything else (masks, aggregation).
    public var other = 0.0
    /// Sum of the model runs.
    public var inference: Double { localizer + lesion + saliency }
    /// Sum of the pipeline's stages (checks and overlays are timed by ``CTStudyReport``).
    public var total: Double { preprocessing + localizer + lesion + saliency + other }
}

/// What the pipeline computed for one series.
public struct CTScoringResult: Sendable {
    /// Which series of the study (index into `CTStudy.volumes`).
    public let volumeIndex: Int
    /// Every scored slice, by index.
    public let sliceScores: [SliceScore]
    /// The aggregated raw study score and the scored slices it averages.
    public let studyLogit: Double
    /// Indices (into ``sliceScores``) of the window that gave the study score.
    public let studyWindow: Range<Int>
    /// Calibrated study probability, threshold and decision (from the lesion card's label).
    public let probability: Double, threshold: Double
    /// The decision at the threshold.
    public let decision: Decision
    /// Top slices with saliency and lesion regions, best first.
    public let keySlices: [KeySlice]
    /// Facts shown with the finding (padding, unrecorded header values).
    public let notes: [String]
    /// Time per stage.
    public let timings: CTStageTimings
}
