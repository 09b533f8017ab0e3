import Foundation
import ImagingFormats

/// Ground truth and acquisition facts of one phantom (what `labels.csv` and `phantom.json` record).
public struct PhantomTruth: Codable, Sendable, Equatable {
    /// The seed the study was made from.
    public var seed: UInt64
    /// The lesion, when there is one.
    public var lesion: LesionTruth?
    /// Mean HU per tissue before blur and noise, indexed by `Tissue.rawValue`.
    public var tissueHU: TissueHU
    /// Quantum noise standard deviation (HU) in flat regions.
    public var noiseSigmaHU: Double
    /// In-plane PSF FWHM (mm).
    public var psfFWHMMM: Double
    /// Pixel spacing (mm).
    public var pixelSpacingMM: Double
    /// Slice thickness (mm).
    public var sliceThicknessMM: Double
    /// Slice spacing (mm).
    public var sliceSpacingMM: Double
}

/// A synthetic abdominal CT study with its label masks.
public struct PhantomStudy: Sendable {
    /// The CT volume in HU (integers, as from an int16 scanner), with geometry and metadata.
    public let volume: ImageVolume
    /// Label per voxel (same layout as `volume.voxels`): 0 background, 1 pancreas, 2 lesion.
    public let labels: [UInt8]
    /// Tissue per voxel at the slice centre (`Tissue.rawValue`), before blur and noise.
    public let tissues: [UInt8]
    /// Ground truth.
    public let truth: PhantomTruth

    /// Label value of the pancreas in `labels`.
    public static let pancreasLabel: UInt8 = 1
    /// Label value of the lesion in `labels`.
    public static let lesionLabel: UInt8 = 2
}

/// Makes analytic portal-venous-phase abdominal CT phantoms, deterministic by seed.
///
/// ```swift
/// var p = PhantomParameters(seed: 7)
/// p.lesion = .present(diameterMM: 20)
/// let study = try PhantomGenerator.generate(p)   // 512 × 512 × 64 HU volume + pancreas/lesion labels
/// ```
///
/// Image formation: each slice is the Gaussian-weighted mean of five planes across the slice profile
/// (FWHM = slice thickness), blurred in-plane by a Gaussian PSF, plus spatially correlated Gaussian noise
/// (white noise smoothed by a Gaussian, rescaled to the requested σ), rounded to integer HU and clipped to
/// the int16 CT range −1024…3071. Labels and tissues are taken at the slice centre.
public enum PhantomGenerator {
    /// Generates one study.
    /// - Throws: `PhantomError.invalidParameter` when a parameter is out of range.
    public static func generate(_ p: PhantomParameters) throws -> PhantomStudy {
        try p.validate()
        var rng = SeededRandom(seed: p.seed)
        let spacing = { let v = rng.uniform(0.7, 0.9); return p.pixelSpacingMM ?? v }()
        let sigma = { let v = rng.uniform(10, 20); return p.noiseSigmaHU ?? v }()
        let psf = { let v = rng.uniform(0.9, 1.3); return p.psfFWHMMM ?? v }()
        let noiseCorrelationPx = rng.uniform(0.6, 0.9)
        let lesionDraw = rng.unit()
        let logDiameter = rng.uniform(log(5), log(40))
        let contrast = rng.uniform(30, 70)
        let diameter: Double?
        switch p.lesion {
        case .absent: diameter = nil
        case .present(let d): diameter = d
        case .random(let prob): diameter = lesionDraw < prob ? exp(logDiameter) : nil
        }
        let hu = TissueHU.draw(&rng, lesionContrastHU: contrast)
        let n = p.sliceCount, m = p.matrix
        let sliceZ = (0..<n).map { (Double($0) - Double(n - 1) / 2) * p.sliceSpacingMM }
        let anatomy = Anatomy.draw(&rng, hu: hu, sliceZ: sliceZ, lesionDiameterMM: diameter)
        let origin = [-Double(m - 1) / 2 * spacing, -Double(m - 1) / 2 * spacing, sliceZ[0]]
        let grid = PlaneGrid(size: m, spacing: spacing, x0: origin[0], y0: origin[1])

        let perSlice = m * m
        var voxels = [Float](repeating: 0, count: n * perSlice)
        var labels = [UInt8](repeating: 0, count: n * perSlice)
        var tissues = [UInt8](repeating: 0, count: n * perSlice)
        let huTable = hu.values.map(Float.init)
        let thickness = p.sliceThicknessMM, seed = p.seed
        voxels.withUnsafeMutableBufferPointer { vb in
            labels.withUnsafeMutableBufferPointer { lb in
                tissues.withUnsafeMutableBufferPointer { tb in
                    nonisolated(unsafe) let v = vb, l = lb, t = tb
                    DispatchQueue.concurrentPerform(iterations: n) { s in
                        let slice = ImageFormation.slice(z: sliceZ[s], anatomy: anatomy, grid: grid, huTable: huTable,
                                                         thicknessMM: thickness, psfFWHMMM: psf, noiseSigmaHU: sigma,
                                                         noiseCorrelationPx: noiseCorrelationPx,
                                                         rng: SeededRandom(seed: seed, stream: UInt64(s) + 1))
                        let base = s * perSlice
                        for i in 0..<perSlice {
                            v[base + i] = slice.hu[i]
                            t[base + i] = slice.tissue[i]
                            l[base + i] = slice.tissue[i] == Tissue.lesion.rawValue ? PhantomStudy.lesionLabel
                                : (slice.tissue[i] == Tissue.pancreas.rawValue ? PhantomStudy.pancreasLabel : 0)
                        }
                    }
                }
            }
        }
        var meta = SeriesMetadata()
        meta.modality = "CT"
        meta.bodyPart = "ABDOMEN"
        meta.contrastAgent = "IV iodinated contrast, portal venous phase (synthetic phantom)"
        meta.sliceThicknessMM = p.sliceThicknessMM
        meta.kvp = 120
        meta.manufacturer = "Vigil CTSynth"
        meta.manufacturerModel = "synthetic abdominal phantom"
        meta.convolutionKernel = "Gaussian PSF \(String(format: "%.2f", psf)) mm FWHM"
        meta.seriesDescription = "Synthetic abdominal CT phantom (not patient data), seed \(p.seed)"
        meta.seriesInstanceUID = "2.25.\(p.seed).\(m).\(n)"
        meta.studyInstanceUID = "2.25.\(p.seed)"
        let volume = ImageVolume(
            slices: n, rows: m, columns: m, voxels: voxels, rowSpacingMM: spacing, columnSpacingMM: spacing,
            sliceSpacingMM: p.sliceSpacingMM, rowDirection: [1, 0, 0], columnDirection: [0, 1, 0], originMM: origin,
            slicePositionsMM: sliceZ, sliceSources: (0..<n).map { "synthetic slice \($0)" }, metadata: meta, warnings: [])
        let truth = PhantomTruth(seed: p.seed, lesion: anatomy.lesion, tissueHU: hu, noiseSigmaHU: sigma, psfFWHMMM: psf,
                                 pixelSpacingMM: spacing, sliceThicknessMM: p.sliceThicknessMM, sliceSpacingMM: p.sliceSpacingMM)
        return PhantomStudy(volume: volume, labels: labels, tissues: tissues, truth: truth)
    }
}
