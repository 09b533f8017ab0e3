/// Occlusion saliency on lesion crops: a square patch (``LesionSpec/occlusionPatch`` pixels, moved by
/// ``LesionSpec/occlusionStride`` pixels, the last patch flush with the edge) is filled with ``LesionSpec/occlusionFillHU`` (windowed)
/// on all three slices, and the drop of the lesion score, `max(0, base − occluded)`, is averaged over the
/// patches covering each pixel. All patches of all key slices run as one batched stage. Maps are
/// normalised together by their largest value, so a weaker slice looks weaker; all zeros when no patch
/// lowers the score.
struct OcclusionSaliency {
    let pipeline: CTPipeline

    /// Patch origins along an axis of `extent` pixels.
    static func origins(extent: Int, patch: Int, stride: Int) -> [Int] {
        guard extent > patch else { return [0] }
        var o = Array(Swift.stride(from: 0, through: extent - patch, by: max(1, stride)))
        if let last = o.last, last != extent - patch { o.append(extent - patch) }
        return o
    }

    /// One map (crop rows × columns) per crop.
    func maps(crops: [[Float]], baseScores: [Float], timings: inout CTStageTimings) throws -> [[Float]] {
        let les = pipeline.models.lesionSpec
        let (rows, cols) = (les.rows, les.columns)
        let plane = rows * cols
        let patch = min(les.occlusionPatch, rows, cols)
        let rowOrigins = Self.origins(extent: rows, patch: patch, stride: les.occlusionStride)
        let colOrigins = Self.origins(extent: cols, patch: patch, stride: les.occlusionStride)
        let perCrop = rowOrigins.count * colOrigins.count
        let fill = les.window.normalized(Float(les.occlusionFillHU))
        guard !crops.isEmpty else { return [] }
        var batch = [Float](repeating: 0, count: crops.count * perCrop * 3 * plane)
        timings.preprocessing += clock {
            var item = 0
            for crop in crops {
                for r0 in rowOrigins {
                    for c0 in colOrigins {
                        let base = item * 3 * plane
                        for k in 0..<(3 * plane) { batch[base + k] = crop[k] }
                        for ch in 0..<3 {
                            for r in r0..<(r0 + patch) {
                                let off = base + ch * plane + r * cols
                                for c in c0..<(c0 + patch) { batch[off + c] = fill }
                            }
                        }
                        item += 1
                    }
                }
            }
        }
        var scores: [Float] = []
        timings.saliency += try clock {
            scores = try pipeline.runBatched(pipeline.models.lesion, input: les.inputName, data: batch, items: crops.count * perCrop,
                                             itemShape: [3, rows, cols], outputs: [les.scoreOutputName])[0]
        }
        var maps: [[Float]] = []
        var largest: Float = 0
        timings.other += clock {
            for (k, base) in baseScores.enumerated() {
                var sum = [Float](repeating: 0, count: plane), cover = [Float](repeating: 0, count: plane)
                var item = k * perCrop
                for r0 in rowOrigins {
                    for c0 in colOrigins {
                        let drop = scores[item].isFinite ? max(0, base - scores[item]) : 0
                        for r in r0..<(r0 + patch) {
                            for c in c0..<(c0 + patch) {
                                sum[r * cols + c] += drop
                                cover[r * cols + c] += 1
                            }
                        }
                        item += 1
                    }
                }
                let map = zip(sum, cover).map { $1 > 0 ? $0 / $1 : 0 }
                largest = max(largest, map.max() ?? 0)
                maps.append(map)
            }
            if largest > 0 { maps = maps.map { $0.map { $0 / largest } } }
        }
        return maps
    }
}
