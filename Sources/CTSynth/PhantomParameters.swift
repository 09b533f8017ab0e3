/// Whether a phantom has a pancreatic lesion, and how large.
public enum LesionRequest: Sendable, Equatable {
    /// No lesion.
    case absent
    /// A lesion of this longest diameter (mm, 5…40).
    case present(diameterMM: Double)
    /// Lesion with probability `probability`; its diameter log-uniform in 5…40 mm.
    case random(probability: Double)
}

/// What kind of study to synthesise. Unset optional values are drawn from the seed.
public struct PhantomParameters: Sendable, Equatable {
    /// Rows and columns per slice.
    public var matrix: Int = 512
    /// In-plane pixel spacing (mm); nil draws 0.7…0.9 mm.
    public var pixelSpacingMM: Double?
    /// Nominal slice thickness (mm): the FWHM of the Gaussian slice profile.
    public var sliceThicknessMM: Double = 2.5
    /// Distance between slice centres (mm).
    public var sliceSpacingMM: Double = 2.5
    /// Number of slices, centred on the pancreas level.
    public var sliceCount: Int = 64
    /// Lesion or not.
    public var lesion: LesionRequest = .random(probability: 0.5)
    /// Quantum noise standard deviation (HU); nil draws 10…20 HU.
    public var noiseSigmaHU: Double?
    /// In-plane point-spread function FWHM (mm); nil draws 0.9…1.3 mm.
    public var psfFWHMMM: Double?
    /// The seed: the same seed and parameters give the same study, voxel for voxel.
    public var seed: UInt64 = 1

    /// Default parameters (512 × 512 × 64, 2.5 mm slices, random lesion) with a seed.
    public init(seed: UInt64 = 1) { self.seed = seed }

    /// Checks the parameters, naming the first one out of range.
    /// - Throws: `PhantomError.invalidParameter`.
    public func validate() throws {
        func fail(_ name: String, _ detail: String) -> PhantomError { .invalidParameter(name: name, detail: detail) }
        guard (32...2048).contains(matrix) else { throw fail("matrix", "must be 32…2048, got \(matrix)") }
        if let p = pixelSpacingMM, !(p > 0.1 && p <= 5) { throw fail("pixelSpacingMM", "must be in (0.1, 5] mm, got \(p)") }
        guard sliceThicknessMM > 0.1, sliceThicknessMM <= 20 else { throw fail("sliceThicknessMM", "must be in (0.1, 20] mm, got \(sliceThicknessMM)") }
        guard sliceSpacingMM > 0.1, sliceSpacingMM <= 20 else { throw fail("sliceSpacingMM", "must be in (0.1, 20] mm, got \(sliceSpacingMM)") }
        guard (1...1000).contains(sliceCount) else { throw fail("sliceCount", "must be 1…1000, got \(sliceCount)") }
        if let n = noiseSigmaHU, !(n >= 0 && n <= 200) { throw fail("noiseSigmaHU", "must be 0…200 HU, got \(n)") }
        if let f = psfFWHMMM, !(f >= 0 && f <= 10) { throw fail("psfFWHMMM", "must be 0…10 mm, got \(f)") }
        switch lesion {
        case .absent: break
        case .present(let d): if !(d >= 5 && d <= 40) { throw fail("lesion diameter", "must be 5…40 mm, got \(d)") }
        case .random(let p): if !(p >= 0 && p <= 1) { throw fail("lesion probability", "must be 0…1, got \(p)") }
        }
    }
}

/// Why a phantom could not be made or written.
public enum PhantomError: Error, CustomStringConvertible, Sendable {
    /// A parameter is out of range.
    case invalidParameter(name: String, detail: String)
    /// A file or folder could not be written.
    case writeFailed(path: String, detail: String)

    public var description: String {
        switch self {
        case .invalidParameter(let name, let detail): "phantom parameter \(name): \(detail)"
        case .writeFailed(let path, let detail): "\(path): \(detail)"
        }
    }
}
