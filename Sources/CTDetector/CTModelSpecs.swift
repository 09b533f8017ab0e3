import Foundation
import DetectorKit

/// What stage 1 (the pancreas localiser) needs, read from its model card (docs/ct-models.md).
public struct LocalizerSpec: Sendable, Hashable {
    /// The graph input's name.
    public let inputName: String
    /// Rows and columns of the model's input slice.
    public let rows: Int, columns: Int
    /// In-plane spacing the slice is resampled to, mm.
    public let pixelSpacingMM: Double
    /// HU used outside the scanned field of view.
    public let padHU: Double
    /// The intensity window.
    public let window: HUWindow
    /// Slices whose mask has fewer pixels than this are not scored.
    public let minMaskPixels: Int
    /// The mask output's name.
    public let outputName: String
    /// The mask label (temperature, threshold on the calibrated per-pixel probability).
    public let maskLabel: OutputLabel

    /// Reads the spec from `card` (loaded from `path`, named in errors).
    /// - Throws: ``CTDetectorError/cardKey(path:key:problem:)``.
    public init(card: ModelCard, path: String) throws {
        do { try self.init(reading: card, path: path) } catch let e as ModelCardKeyError { throw CTDetectorError(e) }
    }

    private init(reading card: ModelCard, path: String) throws {
        guard card.io.inputs.count == 1 else {
            throw CTDetectorError.cardKey(path: path, key: "io.inputs", problem: "must list exactly one input (the slice), found \(card.io.inputs.count)")
        }
        let input = card.io.inputs[0]
        let size = try planeSize(input, channels: 1, path: path)
        rows = size.rows
        columns = size.columns
        inputName = input.name
        let keys = ModelCardKeys(path: path, values: input.preprocessing, prefix: "io.inputs[0].preprocessing.")
        pixelSpacingMM = try keys.positive("pixelSpacingMM")
        padHU = try keys.number("padHU")
        window = HUWindow(centerHU: try keys.number("windowCenterHU"), widthHU: try keys.positive("windowWidthHU"))
        minMaskPixels = try keys.integer("minMaskPixels", default: 4, minimum: 1)
        guard let output = card.io.outputs.first(where: { $0.kind == .maskLogits }) else {
            throw CTDetectorError.cardKey(path: path, key: "io.outputs", problem: "must have a mask_logits output (the pancreas mask)")
        }
        outputName = output.name
        maskLabel = output.labels[0]
    }
}

/// What stage 2 (the lesion scorer on pancreas crops) needs, read from its model card.
public struct LesionSpec: Sendable, Hashable {
    /// The graph input's name.
    public let inputName: String
    /// Rows and columns of each crop.
    public let rows: Int, columns: Int
    /// In-plane spacing of the crop, mm.
    public let pixelSpacingMM: Double
    /// Spacing of the three neighbouring slices along z, mm.
    public let sliceSpacingMM: Double
    /// HU used outside the scanned field of view.
    public let padHU: Double
    /// The intensity window.
    public let window: HUWindow
    /// Consecutive scored slices averaged before the study-level maximum.
    public let aggregationWindow: Int
    /// How many top slices are reported as evidence and rendered.
    public let evidenceSlices: Int
    /// Occlusion patch side, crop pixels.
    public let occlusionPatch: Int
    /// Occlusion patch step, crop pixels.
    public let occlusionStride: Int
    /// HU the occlusion patch is filled with.
    public let occlusionFillHU: Double
    /// The study-level score output's name and label (temperature, operating threshold).
    public let scoreOutputName: String
    /// The label of the score: code, name, calibration, threshold.
    public let scoreLabel: OutputLabel
    /// The score output's kind (`logits` or `probabilities`).
    public let scoreKind: OutputKind
    /// The lesion segmentation output's name.
    public let maskOutputName: String
    /// The lesion mask label (threshold on the calibrated per-pixel probability).
    public let maskLabel: OutputLabel
    /// Intended-use checks (modality, body part, slice thickness, contrast, pixel heuristic).
    public let intendedUse: IntendedUseSpec

    /// Reads the spec from `card` (loaded from `path`, named in errors).
    /// - Throws: ``CTDetectorError/cardKey(path:key:problem:)``.
    public init(card: ModelCard, path: String) throws {
        do { try self.init(reading: card, path: path) } catch let e as ModelCardKeyError { throw CTDetectorError(e) }
    }

    private init(reading card: ModelCard, path: String) throws {
        guard card.io.inputs.count == 1 else {
            throw CTDetectorError.cardKey(path: path, key: "io.inputs", problem: "must list exactly one input (the 3-slice crop), found \(card.io.inputs.count)")
        }
        let input = card.io.inputs[0]
        let size = try planeSize(input, channels: 3, path: path)
        rows = size.rows
        columns = size.columns
        inputName = input.name
        let keys = ModelCardKeys(path: path, values: input.preprocessing, prefix: "io.inputs[0].preprocessing.")
        pixelSpacingMM = try keys.positive("pixelSpacingMM")
        sliceSpacingMM = try keys.positive("sliceSpacingMM")
        padHU = try keys.number("padHU")
        window = HUWindow(centerHU: try keys.number("windowCenterHU"), widthHU: try keys.positive("windowWidthHU"))
        aggregationWindow = try keys.integer("aggregationWindow", default: 3, minimum: 1)
        evidenceSlices = try keys.integer("evidenceSlices", default: 3, minimum: 1)
        occlusionPatch = try keys.integer("occlusionPatchPixels", default: max(4, min(rows, columns) / 8), minimum: 2)
        occlusionStride = try keys.integer("occlusionStridePixels", default: max(1, occlusionPatch / 2), minimum: 1)
        occlusionFillHU = try keys.number("occlusionFillHU", default: 100)
        if let cropMM = input.preprocessing["cropSizeMM"]?.doubleValue {
            let implied = Double(max(rows, columns)) * pixelSpacingMM
            if abs(cropMM - implied) > 1e-6 * max(1, implied) {
                throw keys.fail("cropSizeMM", "is \(cropMM) but the input shape × pixelSpacingMM gives \(implied)")
            }
        }
        intendedUse = try IntendedUseSpec(keys: keys.object("intendedUseChecks"), path: path)
        guard let score = card.io.outputs.first(where: { $0.kind != .maskLogits }) else {
            throw CTDetectorError.cardKey(path: path, key: "io.outputs", problem: "must have a logits (or probabilities) output: the lesion score")
        }
        guard let mask = card.io.outputs.first(where: { $0.kind == .maskLogits }) else {
            throw CTDetectorError.cardKey(path: path, key: "io.outputs", problem: "must have a mask_logits output: the lesion segmentation")
        }
        scoreOutputName = score.name
        scoreLabel = score.labels[0]
        scoreKind = score.kind
        maskOutputName = mask.name
        maskLabel = mask.labels[0]
    }
}

/// Rows and columns of a `[-1 or N, channels, rows, columns]` input.
private func planeSize(_ input: ModelInputSpec, channels: Int, path: String) throws -> (rows: Int, columns: Int) {
    let s = input.shape
    guard s.count == 4, s[1] == channels, s[2] > 0, s[3] > 0 else {
        throw CTDetectorError.cardKey(path: path, key: "io.inputs[0].shape",
                                      problem: "must be [-1, \(channels), rows, columns] with fixed rows and columns, got \(s)")
    }
    return (s[2], s[3])
}


