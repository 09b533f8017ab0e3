import Foundation

/// The pixel grid of one axial plane: `size` × `size` pixels, centre of pixel (0, 0) at (x0, y0) mm.
struct PlaneGrid: Sendable {
    var size: Int
    var spacing: Double
    var x0: Double
    var y0: Double
}

/// Turns the analytic anatomy into one CT slice: slice-profile averaging, PSF blur, correlated noise, int16 HU.
enum ImageFormation {
    /// Offsets across the slice profile (fractions of the thickness) and their Gaussian weights (FWHM = thickness).
    static let profileOffsets: [Double] = [-0.8, -0.4, 0, 0.4, 0.8]

    static func slice(z: Double, anatomy: Anatomy, grid: PlaneGrid, huTable: [Float], thicknessMM: Double, psfFWHMMM: Double,
                      noiseSigmaHU: Double, noiseCorrelationPx: Double, rng: SeededRandom) -> (hu: [Float], tissue: [UInt8]) {
        let count = grid.size * grid.size
        let sigmaProfile = thicknessMM / 2.3548
        var weights = profileOffsets.map { exp(-($0 * thicknessMM) * ($0 * thicknessMM) / (2 * sigmaProfile * sigmaProfile)) }
        let wsum = weights.reduce(0, +)
        weights = weights.map { $0 / wsum }
        var hu = [Float](repeating: 0, count: count)
        var centre = [UInt8](repeating: 0, count: count)
        var plane = [UInt8](repeating: 0, count: count)
        for (k, off) in profileOffsets.enumerated() {
            render(z: z + off * thicknessMM, anatomy: anatomy, grid: grid, into: &plane)
            let w = Float(weights[k])
            for i in 0..<count { hu[i] += w * huTable[Int(plane[i])] }
            if off == 0 { centre = plane }
        }
        gaussianBlur(&hu, size: grid.size, sigmaPx: psfFWHMMM / 2.3548 / grid.spacing)
        var noise = [Float](repeating: 0, count: count)
        var r = rng
        var i = 0
        while i < count {
            let (g1, g2) = r.gaussianPair()
            noise[i] = Float(g1)
            if i + 1 < count { noise[i + 1] = Float(g2) }
            i += 2
        }
        let gain = gaussianBlur(&noise, size: grid.size, sigmaPx: noiseCorrelationPx)
        let scale = Float(noiseSigmaHU / gain)
        for i in 0..<count { hu[i] = min(max((hu[i] + scale * noise[i]).rounded(), -1024), 3071) }
        return (hu, centre)
    }

    /// Paints the tissues of the plane at `z` (painter's order, later layers on top).
    static func render(z: Double, anatomy: Anatomy, grid: PlaneGrid, into plane: inout [UInt8]) {
        for i in plane.indices { plane[i] = Tissue.air.rawValue }
        for layer in anatomy.layers {
            let b = layer.bounds
            if z < b.minZ || z > b.maxZ { continue }
            switch layer.shape {
            case .ellipsoid(let s): paint(s, layer, z, anatomy.cavity, grid, &plane)
            case .cylinder(let s): paint(s, layer, z, anatomy.cavity, grid, &plane)
            case .tube(let s): paint(s, layer, z, anatomy.cavity, grid, &plane)
            case .rib(let s): paint(s, layer, z, anatomy.cavity, grid, &plane)
            case .lesion(let s): paint(s, layer, z, anatomy.cavity, grid, &plane)
            }
        }
    }

    private static func paint<S: Solid>(_ whole: S, _ layer: Layer, _ z: Double, _ cavity: EllipticCylinder, _ grid: PlaneGrid,
                                        _ plane: inout [UInt8]) {
        guard let solid = whole.restricted(toPlane: z) else { return }
        var b = solid.bounds
        if layer.clipToCavity {
            b.minX = max(b.minX, cavity.centerX - cavity.semiX)
            b.maxX = min(b.maxX, cavity.centerX + cavity.semiX)
            b.minY = max(b.minY, cavity.centerY - cavity.semiY)
            b.maxY = min(b.maxY, cavity.centerY + cavity.semiY)
        }
        let n = grid.size
        let c0 = max(0, Int(((b.minX - grid.x0) / grid.spacing).rounded(.down)))
        let c1 = min(n - 1, Int(((b.maxX - grid.x0) / grid.spacing).rounded(.up)))
        let r0 = max(0, Int(((b.minY - grid.y0) / grid.spacing).rounded(.down)))
        let r1 = min(n - 1, Int(((b.maxY - grid.y0) / grid.spacing).rounded(.up)))
        guard c0 <= c1, r0 <= r1 else { return }
        let code = layer.tissue.rawValue
        plane.withUnsafeMutableBufferPointer { out in
            for r in r0...r1 {
                let y = grid.y0 + Double(r) * grid.spacing
                for c in c0...c1 {
                    let x = grid.x0 + Double(c) * grid.spacing
                    if layer.clipToCavity, !cavity.contains(x, y, z) { continue }
                    if solid.contains(x, y, z) { out[r * n + c] = code }
                }
            }
        }
    }

    /// Separable Gaussian blur with edge clamping; returns the noise gain sqrt(Σ w²) of the 2-D kernel
    /// (the standard deviation of blurred unit white noise).
    @discardableResult
    static func gaussianBlur(_ image: inout [Float], size n: Int, sigmaPx: Double) -> Double {
        guard sigmaPx > 0.05 else { return 1 }
        let radius = max(1, Int((3 * sigmaPx).rounded(.up)))
        var k = (-radius...radius).map { Float(exp(-Double($0 * $0) / (2 * sigmaPx * sigmaPx))) }
        let s = k.reduce(0, +)
        k = k.map { $0 / s }
        var tmp = [Float](repeating: 0, count: image.count)
        image.withUnsafeBufferPointer { src in
            tmp.withUnsafeMutableBufferPointer { dst in
                for r in 0..<n {
                    let row = r * n
                    for c in 0..<n {
                        var acc: Float = 0
                        for j in -radius...radius { acc += k[j + radius] * src[row + min(max(c + j, 0), n - 1)] }
                        dst[row + c] = acc
                    }
                }
            }
        }
        tmp.withUnsafeBufferPointer { src in
            image.withUnsafeMutableBufferPointer { dst in
                for r in 0..<n {
                    for c in 0..<n {
                        var acc: Float = 0
                        for j in -radius...radius { acc += k[j + radius] * src[min(max(r + j, 0), n - 1) * n + c] }
                        dst[r * n + c] = acc
                    }
                }
            }
        }
        let oneD = k.reduce(0) { $0 + Double($1) * Double($1) }
        return oneD  // 2-D gain² = (Σ w²)², so the gain is Σ w² of the 1-D kernel
    }
}
