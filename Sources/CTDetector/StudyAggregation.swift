/// Study-level aggregation (docs/ct-models.md): the maximum, over windows of `window` consecutive
/// scored slices, of the window's mean score (all slices when there are fewer than `window`).
public enum StudyAggregation {
    /// The best window's mean and its range in `scores`; nil for no scores.
    public static func maxWindowMean(_ scores: [Double], window: Int) -> (value: Double, range: Range<Int>)? {
        guard !scores.isEmpty else { return nil }
        let w = max(1, min(window, scores.count))
        var sum = scores[0..<w].reduce(0, +)
        var best = (value: sum / Double(w), range: 0..<w)
        if scores.count > w {
            for start in 1...(scores.count - w) {
                sum += scores[start + w - 1] - scores[start - 1]
                let mean = sum / Double(w)
                if mean > best.value { best = (mean, start..<(start + w)) }
            }
        }
        return best
    }
}
