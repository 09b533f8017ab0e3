import DICOM

/// One 2-D image plane with its geometry, in HU, before it is placed in a volume.
struct Plane {
    let rows: Int
    let columns: Int
    let hu: [Float]
    let pixelSpacing: [Double]  // [row spacing, column spacing] mm
    let orientation: [Double]  // 6
    let position: [Double]?  // 3
    let instanceNumber: Int?
    let source: String
    let seriesUID: String?
    /// Frame of Reference UID and Acquisition Number: with the geometry, they group images whose
    /// Series Instance UID was blanked (anonymisers do this).
    var frameOfReferenceUID: String? = nil
    var acquisitionNumber: Int? = nil
    /// False when the file has no Pixel Spacing (`pixelSpacing` is then a 1 mm placeholder).
    var pixelSpacingKnown = true
    let metadata: SeriesMetadata
    let spacingBetweenSlices: Double?
    let warnings: [String]
}

enum CTSlices {
    static func fail(_ f: DICOMFile, _ kind: DICOMError.Kind, _ d: String) -> DICOMError {
        DICOMError(file: f.file, kind: kind, detail: d)
    }

    static func metadata(_ f: DICOMFile) throws -> SeriesMetadata {
        let ds = f.dataSet
        var m = SeriesMetadata()
        m.modality = try ds.string(.modality)
        m.seriesInstanceUID = try ds.string(.seriesInstanceUID).flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        m.studyInstanceUID = try ds.string(.studyInstanceUID).flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        m.seriesDescription = try? ds.string(.seriesDescription)
        m.sliceThicknessMM = try ds.double(.sliceThickness)
        m.kvp = try ds.double(.kvp)
        m.contrastAgent = try? ds.string(.contrastBolusAgent)
        m.bodyPart = try ds.string(.bodyPartExamined)
        m.manufacturer = try? ds.string(.manufacturer)
        m.manufacturerModel = try? ds.string(.manufacturerModelName)
        m.convolutionKernel = try? ds.string(.convolutionKernel)
        m.transferSyntaxUID = f.transferSyntax.uid
        return m
    }

    /// Rescale slope and intercept from a data set (or functional group item); nil when neither is present.
    static func rescale(_ ds: DICOMDataSet, _ f: DICOMFile) throws -> (Double, Double)? {
        let slope = try ds.double(.rescaleSlope), intercept = try ds.double(.rescaleIntercept)
        if slope == nil && intercept == nil { return nil }
        guard let s = slope, let i = intercept else {
            throw fail(f, .missingAttribute, "Rescale Slope and Rescale Intercept must both be present (only one is)")
        }
        guard s != 0 else { throw fail(f, .invalidValue, "Rescale Slope is 0") }
        return (s, i)
    }

    static func vector(_ ds: DICOMDataSet, _ tag: DICOMTag, _ n: Int, _ name: String, _ f: DICOMFile) throws -> [Double]? {
        guard let v = try ds.doubles(tag) else { return nil }
        guard v.count == n else { throw fail(f, .invalidValue, "\(name) \(tag) has \(v.count) values, expected \(n)") }
        return v
    }

    /// Checks and normalises ImageOrientationPatient: two unit, orthogonal direction cosines.
    static func checkOrientation(_ o: [Double], _ f: DICOMFile) throws -> [Double] {
        let r = Array(o[0..<3]), c = Array(o[3..<6])
        let nr = dot(r, r).squareRoot(), nc = dot(c, c).squareRoot()
        guard abs(nr - 1) < 1e-3, abs(nc - 1) < 1e-3, abs(dot(r, c)) < 1e-3 else {
            throw fail(f, .invalidValue, "Image Orientation (Patient) is not two orthogonal unit vectors")
        }
        return o
    }

    /// All planes of a CT image file (one per frame), in HU.
    static func planes(_ f: DICOMFile) throws -> [Plane] {
        let ds = f.dataSet
        var meta = try metadata(f)
        var warnings: [String] = []
        if let mod = meta.modality, mod != "CT" {
            warnings.append("modality is \(mod.prefix(16)), not CT: values are rescaled stored values, not Hounsfield units")
        }
        if ds.contains(.modalityLUTSequence) {
            throw fail(f, .unsupportedImage, "a Modality LUT Sequence is present: only linear rescale is supported")
        }
        let pixels = try DICOMPixels.stored(f)
        let perFrame = pixels.rows * pixels.columns
        let shared = try ds.sequence(.sharedFunctionalGroupsSequence)?.first
        let perFrameItems = try ds.sequence(.perFrameFunctionalGroupsSequence)
        if let items = perFrameItems, items.count != pixels.frames {
            throw fail(f, .invalidValue, "Per-frame Functional Groups Sequence has \(items.count) items for \(pixels.frames) frames")
        }
        /// Looks a macro attribute up in the per-frame group, then the shared group.
        func group(_ frame: Int, _ seq: DICOMTag) throws -> DICOMDataSet? {
            if let items = perFrameItems, let g = try items[frame].sequence(seq)?.first { return g }
            if let shared, let g = try shared.sequence(seq)?.first { return g }
            return nil
        }
        let topRescale = try rescale(ds, f)
        var out: [Plane] = []
        for k in 0..<pixels.frames {
            let posDS = try group(k, .planePositionSequence) ?? ds
            let oriDS = try group(k, .planeOrientationSequence) ?? ds
            let measDS = try group(k, .pixelMeasuresSequence) ?? ds
            var resc = topRescale
            if let pvt = try group(k, .pixelValueTransformationSequence), let r = try rescale(pvt, f) { resc = r }
            var w = warnings
            if resc == nil {
                w.append("no Rescale Slope/Intercept: stored values taken as Hounsfield units")
            }
            let (slope, intercept) = resc ?? (1, 0)
            // No Pixel Spacing (Secondary Capture of a CT, some exports): read the pixels as pydicom does,
            // with a 1 mm placeholder grid and a warning; the volume says its spacing is unknown.
            let givenSpacing = try vector(measDS, .pixelSpacing, 2, "Pixel Spacing", f)
            if givenSpacing == nil {
                w.append("no Pixel Spacing (0028,0030): pixel size unknown, 1 mm used as a placeholder; sizes in mm are not meaningful")
            }
            let spacing = givenSpacing ?? [1, 1]
            guard spacing[0] > 0, spacing[1] > 0 else { throw fail(f, .invalidValue, "Pixel Spacing must be positive") }
            guard let ori = try vector(oriDS, .imageOrientationPatient, 6, "Image Orientation (Patient)", f) else {
                throw fail(f, .missingAttribute, "no Image Orientation (Patient) (0020,0037)")
            }
            let pos = try vector(posDS, .imagePositionPatient, 3, "Image Position (Patient)", f)
            var hu = [Float](repeating: 0, count: perFrame)
            let base = k * perFrame
            for i in 0..<perFrame {
                hu[i] = Float(Double(pixels.values[base + i]) * slope + intercept)
            }
            if meta.sliceThicknessMM == nil, let t = try measDS.double(.sliceThickness) { meta.sliceThicknessMM = t }
            out.append(Plane(
                rows: pixels.rows, columns: pixels.columns, hu: hu, pixelSpacing: spacing,
                orientation: try checkOrientation(ori, f), position: pos, instanceNumber: try? ds.int(.instanceNumber),
                source: pixels.frames == 1 ? f.file : "\(f.file)#frame\(k + 1)", seriesUID: meta.seriesInstanceUID,
                frameOfReferenceUID: try? ds.string(.frameOfReferenceUID),
                acquisitionNumber: try? ds.int(DICOMTag(0x0020, 0x0012)), pixelSpacingKnown: givenSpacing != nil,
                metadata: meta, spacingBetweenSlices: try ds.double(.spacingBetweenSlices), warnings: w))
        }
        return out
    }
}
