import Foundation
import ImagingFormats
import Rendering

/// Writes phantoms as folders of 16-bit PNG slices with the `vigil-ct-png/1` sidecar that `ImageVolumeReader`
/// reads, label masks as 8-bit PNG, the ground truth as JSON, and one `labels.csv` row per study.
///
/// Layout of `DIR/<study>/`: `ct/volume.json` + `ct/slice_000.png …` (HU + 1024, rescale intercept −1024);
/// `labels/labels.json` + `labels/label_000.png …` (0 background, 1 pancreas, 2 lesion); `phantom.json`.
public enum PhantomWriter {
    /// The header of `labels.csv`.
    public static let csvHeader = "study,lesion_present,lesion_diameter_mm,lesion_center_slice,seed"

    /// Writes one study into `folder/name/`; returns its `labels.csv` row.
    /// - Throws: `PhantomError.writeFailed` or `RenderingError`, naming the file.
    @discardableResult
    public static func write(_ study: PhantomStudy, name: String, into folder: URL) throws -> String {
        let root = folder.appendingPathComponent(name)
        let ctDir = root.appendingPathComponent("ct"), labelDir = root.appendingPathComponent("labels")
        for d in [ctDir, labelDir] {
            do { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) } catch {
                throw PhantomError.writeFailed(path: d.path, detail: "cannot create folder: \(error.localizedDescription)")
            }
        }
        let v = study.volume
        let per = v.rows * v.columns
        var names: [String] = [], labelNames: [String] = []
        for s in 0..<v.slices {
            let stored = (0..<per).map { UInt16(clamping: Int(v.voxels[s * per + $0]) + 1024) }
            let sliceName = String(format: "slice_%03d.png", s), labelName = String(format: "label_%03d.png", s)
            try PNGWriter.writeGray16(stored, width: v.columns, height: v.rows, to: ctDir.appendingPathComponent(sliceName))
            try PNGWriter.writeGray8(Array(study.labels[(s * per)..<((s + 1) * per)]), width: v.columns, height: v.rows,
                                     to: labelDir.appendingPathComponent(labelName))
            names.append(sliceName)
            labelNames.append(labelName)
        }
        let sidecar = PNGSidecar(slices: names, pixelSpacingMM: [v.rowSpacingMM, v.columnSpacingMM], sliceSpacingMM: v.sliceSpacingMM,
                                 orientation: v.rowDirection + v.columnDirection, originMM: v.originMM, rescaleSlope: 1,
                                 rescaleIntercept: -1024, sliceOrder: "increasing", metadata: v.metadata)
        try writeJSON(sidecar, to: ctDir.appendingPathComponent("volume.json"))
        try writeJSON(LabelSidecar(slices: labelNames), to: labelDir.appendingPathComponent("labels.json"))
        try writeJSON(study.truth, to: root.appendingPathComponent("phantom.json"))
        return csvRow(study, name: name)
    }

    /// The `labels.csv` row of a study.
    public static func csvRow(_ study: PhantomStudy, name: String) -> String {
        let l = study.truth.lesion
        return [name, l == nil ? "0" : "1", l.map { String(format: "%.2f", $0.diameterMM) } ?? "",
                l.map { String($0.centerSlice) } ?? "", String(study.truth.seed)].joined(separator: ",")
    }

    private static func writeJSON<T: Encodable>(_ value: T, to url: URL) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do { try enc.encode(value).write(to: url) } catch {
            throw PhantomError.writeFailed(path: url.path, detail: error.localizedDescription)
        }
    }
}

/// The sidecar of a label-mask series (`labels/labels.json`), same slice order as the CT series.
public struct LabelSidecar: Codable, Sendable {
    /// "vigil-ct-labels/1".
    public var format = "vigil-ct-labels/1"
    /// 8-bit PNG files, one per CT slice, in CT slice order.
    public var slices: [String]
    /// Meaning of each label value.
    public var labels: [String: String] = ["0": "background", "1": "pancreas", "2": "pancreatic lesion"]
}
