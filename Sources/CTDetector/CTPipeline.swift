import DetectorKit
import Foundation
import ImagingFormats
import TensorCore

/// The two-stage scoring of one series, as docs/ct-models.md describes: localise the pancreas on every
/// slice, score 2.5-D crops around it, aggregate to a calibrated study probability, and explain the top
/// slices with the segmentation head and occlusion saliency.
///
/// ```swift
/// let pipeline = CTPipeline(models: try CTModelPair(modelsDirectory: modelsURL))
/// if let result = try pipeline.score(volume, volumeIndex: 0, notes: []) { print(result.probability) }
/// ```
public struct CTPipeline: Sendable {
    /// The models and their specs.
    public let models: CTModelPair
    /// Items per model run (the last run of a stage may be smaller).
    public let batchSize: Int

    /// Creates a pipeline.
    public init(models: CTModelPair, batchSize: Int = 32) {
        self.models = models
        self.batchSize = max(1, batchSize)
    }

    /// Scores `volume`; nil when the localiser finds the pancreas on no slice.
    public func score(_ volume: ImageVolume, volumeIndex: Int, notes: [String]) throws -> CTScoringResult? {
        var timings = CTStageTimings()
        var notes = notes
        let sampler = SliceSampler(volume: volume)
        let loc = models.localizerSpec, les = models.lesionSpec

        // Stage 1: every slice, centred on the image centre.
        let (plane1, n) = (loc.rows * loc.columns, volume.slices)
        var stage1 = [Float](repeating: 0, count: n * plane1)
        timings.preprocessing += clock {
            let center = sampler.imageCenter
            stage1.withUnsafeMutableBufferPointer { buf in
                let base = UnsafeSendablePointer(buf.baseAddress!)
                TensorThreads.parallelFor(n) { s in
                    sampler.sample(zMM: volume.slicePositionsMM[s], centerRow: center.row, centerColumn: center.column,
                                   rows: loc.rows, columns: loc.columns, spacingMM: loc.pixelSpacingMM, padHU: loc.padHU,
                                   window: loc.window, into: base.pointer + s * plane1)
                }
            }
        }
        var masks: [Float] = []
        timings.localizer += try clock {
            masks = try runBatched(models.localizer, input: loc.inputName, data: stage1, items: n,
                                   itemShape: [1, loc.rows, loc.columns], outputs: [loc.outputName])[0]
        }
        guard masks.count == n * plane1 else {
            throw CTDetectorError.modelMismatch(path: models.localizer.cardURL.path,
                                                problem: "output '\(loc.outputName)' has \(masks.count) values for \(n) slices of \(loc.rows)×\(loc.columns)")
        }

        // Centroids of the thresholded masks.
        var candidates: [(index: Int, pixels: Int, row: Double, column: Double)] = []
        timings.other += clock {
            let t = Float(loc.maskLabel.logitThreshold)
            let center = sampler.imageCenter
            for s in 0..<n {
                var count = 0, sr = 0.0, sc = 0.0
                for p in 0..<plane1 where masks[s * plane1 + p] >= t && masks[s * plane1 + p].isFinite {
                    count += 1
                    sr += Double(p / loc.columns)
                    sc += Double(p % loc.columns)
                }
                guard count >= loc.minMaskPixels else { continue }
                let mr = sr / Double(count), mc = sc / Double(count)
                let row = center.row + (mr - Double(loc.rows - 1) / 2) * loc.pixelSpacingMM / volume.rowSpacingMM
                let column = center.column + (mc - Double(loc.columns - 1) / 2) * loc.pixelSpacingMM / volume.columnSpacingMM
                candidates.append((s, count, row, column))
            }
        }
        guard !candidates.isEmpty else { return nil }

        // Stage 2: 2.5-D crops around the centroids.
        if volume.slices == 1 {
            notes.append("Single-slice series: the slices below and above the scored slice were replaced by copies of it (edge replication along z).")
        }
        let plane2 = les.rows * les.columns
        let crops = try timed(&timings.preprocessing) { try cropBatch(sampler, les, candidates.map { ($0.index, $0.row, $0.column) }) }
        var outputs: [[Float]] = []
        timings.lesion += try clock {
            outputs = try runBatched(models.lesion, input: les.inputName, data: crops, items: candidates.count,
                                     itemShape: [3, les.rows, les.columns], outputs: [les.scoreOutputName, les.maskOutputName])
        }
        let (rawScores, lesionMasks) = (outputs[0], outputs[1])
        guard rawScores.count == candidates.count, lesionMasks.count == candidates.count * plane2 else {
            throw CTDetectorError.modelMismatch(path: models.lesion.cardURL.path,
                                                problem: "outputs have \(rawScores.count) scores and \(lesionMasks.count) mask values for \(candidates.count) crops of \(les.rows)×\(les.columns)")
        }
        if let bad = rawScores.firstIndex(where: { !$0.isFinite }) {
            throw CTDetectorError.modelFailure(path: models.lesion.cardURL.path, problem: "score of slice \(candidates[bad].index) is not finite")
        }
        let scores = candidates.enumerated().map { k, c in
            SliceScore(index: c.index, positionMM: volume.slicePositionsMM[c.index], logit: Double(rawScores[k]),
                       pancreasPixels: c.pixels, centerRow: c.row, centerColumn: c.column)
        }
        guard let study = StudyAggregation.maxWindowMean(scores.map(\.logit), window: les.aggregationWindow) else { return nil }
        let probability = les.scoreLabel.calibratedProbability(raw: study.value, kind: les.scoreKind)
        guard probability.isFinite else {
            throw CTDetectorError.modelFailure(path: models.lesion.cardURL.path, problem: "calibrated probability is not finite")
        }

        // Key slices: segmentation region and occlusion saliency.
        let order = scores.indices.sorted { scores[$0].logit > scores[$1].logit || (scores[$0].logit == scores[$1].logit && $0 < $1) }
        let top = Array(order.prefix(les.evidenceSlices))
        let saliency = try OcclusionSaliency(pipeline: self).maps(
            crops: top.map { Array(crops[($0 * 3 * plane2)..<(($0 + 1) * 3 * plane2)]) },
            baseScores: top.map { rawScores[$0] }, timings: &timings)
        var keys: [KeySlice] = []
        timings.other += clock {
            let t = Float(les.maskLabel.logitThreshold)
            for (rank, k) in top.enumerated() {
                let flags = (0..<plane2).map { lesionMasks[k * plane2 + $0] >= t }
                let region = LesionRegion(flags: flags, rows: les.rows, columns: les.columns)
                let s = scores[k]
                let geometry = CropGeometry(volume: volume, spec: les, centerRow: s.centerRow, centerColumn: s.centerColumn)
                keys.append(KeySlice(
                    score: s, cropBox: geometry.box(rows: 0...(les.rows - 1), columns: 0...(les.columns - 1)),
                    lesionBox: region.map { geometry.box(rows: $0.rowRange, columns: $0.columnRange) },
                    lesionLongestAxisMM: region.map { $0.longestAxisPixels * les.pixelSpacingMM },
                    lesionMask: region?.mask ?? [Bool](repeating: false, count: plane2), saliency: saliency[rank]))
            }
        }
        return CTScoringResult(
            volumeIndex: volumeIndex, sliceScores: scores, studyLogit: study.value, studyWindow: study.range,
            probability: probability, threshold: les.scoreLabel.operatingThreshold,
            decision: les.scoreLabel.decision(probability: probability), keySlices: keys, notes: notes, timings: timings)
    }

    /// The 3-channel crops (below, centre, above) for `(slice, centerRow, centerColumn)` items.
    func cropBatch(_ sampler: SliceSampler, _ les: LesionSpec, _ items: [(Int, Double, Double)]) throws -> [Float] {
        let plane2 = les.rows * les.columns
        var crops = [Float](repeating: 0, count: items.count * 3 * plane2)
        let positions = sampler.volume.slicePositionsMM
        crops.withUnsafeMutableBufferPointer { buf in
            let base = UnsafeSendablePointer(buf.baseAddress!)
            TensorThreads.parallelFor(items.count * 3) { job in
                let (k, channel) = (job / 3, job % 3)
                let (s, r, c) = items[k]
                let z = positions[s] + Double(channel - 1) * les.sliceSpacingMM
                sampler.sample(zMM: z, centerRow: r, centerColumn: c, rows: les.rows, columns: les.columns,
                               spacingMM: les.pixelSpacingMM, padHU: les.padHU, window: les.window,
                               into: base.pointer + job * plane2)
            }
        }
        return crops
    }

    /// Runs `model` over `items` items of `itemShape` in batches of ``batchSize``; returns each named
    /// output concatenated over the batches.
    func runBatched(_ model: CTLoadedModel, input: String, data: [Float], items: Int, itemShape: [Int], outputs: [String]) throws -> [[Float]] {
        let itemSize = itemShape.reduce(1, *)
        var result = [[Float]](repeating: [], count: outputs.count)
        var start = 0
        while start < items {
            let count = min(batchSize, items - start)
            let slice = Array(data[(start * itemSize)..<((start + count) * itemSize)])
            let out = try model.run(input, slice, shape: [count] + itemShape)
            for (i, name) in outputs.enumerated() {
                guard let values = out[name] else {
                    throw CTDetectorError.modelMismatch(path: model.cardURL.path, problem: "the model did not return output '\(name)'")
                }
                result[i].append(contentsOf: values)
            }
            start += count
        }
        return result
    }
}

/// Maps crop-grid pixels back to the slice's pixels.
struct CropGeometry {
    let volume: ImageVolume
    let spec: LesionSpec
    let centerRow: Double, centerColumn: Double

    /// Source (row, column) of crop pixel (i, j).
    func source(_ i: Double, _ j: Double) -> (row: Double, column: Double) {
        (centerRow + (i - Double(spec.rows - 1) / 2) * spec.pixelSpacingMM / volume.rowSpacingMM,
         centerColumn + (j - Double(spec.columns - 1) / 2) * spec.pixelSpacingMM / volume.columnSpacingMM)
    }

    /// Crop pixel (fractional) of source pixel (r, c).
    func crop(_ r: Double, _ c: Double) -> (i: Double, j: Double) {
        ((r - centerRow) * volume.rowSpacingMM / spec.pixelSpacingMM + Double(spec.rows - 1) / 2,
         (c - centerColumn) * volume.columnSpacingMM / spec.pixelSpacingMM + Double(spec.columns - 1) / 2)
    }

    /// The source-pixel box covering crop rows × columns (pixel extents, clamped to the slice).
    func box(rows: ClosedRange<Int>, columns: ClosedRange<Int>) -> BoundingBox {
        let a = source(Double(rows.lowerBound) - 0.5, Double(columns.lowerBound) - 0.5)
        let b = source(Double(rows.upperBound) + 0.5, Double(columns.upperBound) + 0.5)
        let r0 = max(0, min(volume.rows - 1, Int((a.row + 0.5).rounded(.down))))
        let r1 = max(r0, min(volume.rows - 1, Int((b.row - 0.5).rounded(.up))))
        let c0 = max(0, min(volume.columns - 1, Int((a.column + 0.5).rounded(.down))))
        let c1 = max(c0, min(volume.columns - 1, Int((b.column - 0.5).rounded(.up))))
        return BoundingBox(x: c0, y: r0, width: c1 - c0 + 1, height: r1 - r0 + 1)
    }
}

/// A pointer handed to `parallelFor` bodies that write disjoint ranges.
struct UnsafeSendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
}

/// Seconds `body` takes.
func clock(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Runs `body`, adding its seconds to `total`.
func timed<T>(_ total: inout Double, _ body: () throws -> T) rethrows -> T {
    let start = DispatchTime.now().uptimeNanoseconds
    defer { total += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
    return try body()
}
