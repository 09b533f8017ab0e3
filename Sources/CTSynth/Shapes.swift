import Foundation

/// A point or vector in patient coordinates (mm): x toward the patient's left, y posterior, z superior.
struct Vec3: Sendable, Codable, Equatable {
    var x: Double
    var y: Double
    var z: Double

    static func + (a: Vec3, b: Vec3) -> Vec3 { Vec3(x: a.x + b.x, y: a.y + b.y, z: a.z + b.z) }
    static func - (a: Vec3, b: Vec3) -> Vec3 { Vec3(x: a.x - b.x, y: a.y - b.y, z: a.z - b.z) }
    static func * (s: Double, a: Vec3) -> Vec3 { Vec3(x: s * a.x, y: s * a.y, z: s * a.z) }
    func dot(_ b: Vec3) -> Double { x * b.x + y * b.y + z * b.z }
}

/// An axis-aligned box (mm) bounding a shape, used to skip pixels and planes it cannot touch.
struct Bounds: Sendable {
    var minX: Double, maxX: Double, minY: Double, maxY: Double, minZ: Double, maxZ: Double
}

/// A solid the phantom paints: a membership test in patient coordinates and its bounding box.
protocol Solid: Sendable {
    var bounds: Bounds { get }
    func contains(_ x: Double, _ y: Double, _ z: Double) -> Bool
    /// The solid as far as the plane at `z` needs it (fewer segments, tighter bounds); nil when it misses the plane.
    func restricted(toPlane z: Double) -> Self?
}

extension Solid {
    func restricted(toPlane z: Double) -> Self? {
        let b = bounds
        return z < b.minZ || z > b.maxZ ? nil : self
    }
}

/// An ellipsoid rotated by `angle` about the z axis, optionally cut by the plane y = `maxY` (keeping y < maxY).
struct Ellipsoid: Solid {
    var center: Vec3
    var semiAxes: Vec3
    var angle: Double { didSet { cosA = cos(angle); sinA = sin(angle) } }
    var maxY: Double
    private var cosA: Double
    private var sinA: Double

    init(center: Vec3, semiAxes: Vec3, angle: Double = 0, maxY: Double = .infinity) {
        self.center = center
        self.semiAxes = semiAxes
        self.angle = angle
        self.maxY = maxY
        cosA = cos(angle)
        sinA = sin(angle)
    }

    func restricted(toPlane z: Double) -> Ellipsoid? {
        let w = (z - center.z) / semiAxes.z
        return w * w > 1 ? nil : self
    }

    var bounds: Bounds {
        let r = max(semiAxes.x, semiAxes.y)
        return Bounds(minX: center.x - r, maxX: center.x + r, minY: center.y - r, maxY: min(center.y + r, maxY),
                      minZ: center.z - semiAxes.z, maxZ: center.z + semiAxes.z)
    }

    func contains(_ x: Double, _ y: Double, _ z: Double) -> Bool {
        if y >= maxY { return false }
        let dx = x - center.x, dy = y - center.y, dz = z - center.z
        let c = cosA, s = sinA
        let u = (c * dx + s * dy) / semiAxes.x, v = (-s * dx + c * dy) / semiAxes.y, w = dz / semiAxes.z
        return u * u + v * v + w * w <= 1
    }

    /// The same ellipsoid shrunk by `mm` along every axis (for walls and inner parts).
    func shrunk(by mm: Double) -> Ellipsoid {
        var e = self
        e.semiAxes = Vec3(x: max(semiAxes.x - mm, 0.5), y: max(semiAxes.y - mm, 0.5), z: max(semiAxes.z - mm, 0.5))
        return e
    }
}

/// An elliptic cylinder along z between `minZ` and `maxZ`, rotated by `angle` in the axial plane.
struct EllipticCylinder: Solid {
    var centerX: Double
    var centerY: Double
    var semiX: Double
    var semiY: Double
    var angle: Double
    var minZ: Double
    var maxZ: Double
    private let cosA: Double
    private let sinA: Double

    init(centerX: Double, centerY: Double, semiX: Double, semiY: Double, angle: Double = 0, minZ: Double = -.infinity, maxZ: Double = .infinity) {
        self.centerX = centerX
        self.centerY = centerY
        self.semiX = semiX
        self.semiY = semiY
        self.angle = angle
        self.minZ = minZ
        self.maxZ = maxZ
        cosA = cos(angle)
        sinA = sin(angle)
    }

    var bounds: Bounds {
        let r = max(semiX, semiY)
        return Bounds(minX: centerX - r, maxX: centerX + r, minY: centerY - r, maxY: centerY + r, minZ: minZ, maxZ: maxZ)
    }

    func contains(_ x: Double, _ y: Double, _ z: Double) -> Bool {
        if z < minZ || z > maxZ { return false }
        let dx = x - centerX, dy = y - centerY
        let c = cosA, s = sinA
        let u = (c * dx + s * dy) / semiX, v = (-s * dx + c * dy) / semiY
        return u * u + v * v <= 1
    }
}

/// A smooth 3-D wave pattern in −1…1 (sum of plane waves) that makes contours lobulated.
struct Lobulation: Sendable {
    var amplitudeMM: Double
    var waves: [(k: Vec3, phase: Double)]

    static let none = Lobulation(amplitudeMM: 0, waves: [])

    static func draw(_ rng: inout SeededRandom, amplitudeMM: Double, wavelengthMM: ClosedRange<Double>, count: Int = 3) -> Lobulation {
        var waves: [(Vec3, Double)] = []
        for _ in 0..<count {
            let theta = rng.uniform(0, 2 * .pi), cz = rng.uniform(-1, 1)
            let sxy = (1 - cz * cz).squareRoot()
            let k = 2 * Double.pi / rng.uniform(wavelengthMM.lowerBound, wavelengthMM.upperBound)
            waves.append((k * Vec3(x: sxy * cos(theta), y: sxy * sin(theta), z: cz), rng.uniform(0, 2 * .pi)))
        }
        return Lobulation(amplitudeMM: amplitudeMM, waves: waves.map { (k: $0.0, phase: $0.1) })
    }

    func offset(_ x: Double, _ y: Double, _ z: Double) -> Double {
        if waves.isEmpty || amplitudeMM == 0 { return 0 }
        var s = 0.0
        for w in waves { s += sin(w.k.x * x + w.k.y * y + w.k.z * z + w.phase) }
        return amplitudeMM * s / Double(waves.count)
    }
}

/// A tube around a polyline with a radius interpolated between its points, plus lobulation.
struct Tube: Solid {
    var points: [Vec3]
    var radii: [Double]
    var lobulation: Lobulation = .none
    /// Cross-section flattening: offsets along y count `yScale` times (> 1 makes the tube thinner front to back).
    var yScale: Double = 1

    var bounds: Bounds {
        let pad = (radii.max() ?? 0) + lobulation.amplitudeMM
        return Bounds(minX: (points.map(\.x).min() ?? 0) - pad, maxX: (points.map(\.x).max() ?? 0) + pad,
                      minY: (points.map(\.y).min() ?? 0) - pad, maxY: (points.map(\.y).max() ?? 0) + pad,
                      minZ: (points.map(\.z).min() ?? 0) - pad, maxZ: (points.map(\.z).max() ?? 0) + pad)
    }

    /// The point on the centre line at fraction `t` (0…1) of the polyline's segments, and the radius there.
    func centerLine(at t: Double) -> (point: Vec3, radius: Double) {
        let n = points.count - 1
        let f = min(max(t, 0), 1) * Double(n)
        let i = min(Int(f), n - 1), u = f - Double(i)
        return (points[i] + u * (points[i + 1] - points[i]), radii[i] + u * (radii[i + 1] - radii[i]))
    }

    func restricted(toPlane z: Double) -> Tube? {
        let pad = lobulation.amplitudeMM
        var keep: [Int] = []
        for i in 0..<(points.count - 1) {
            let r = max(radii[i], radii[i + 1]) + pad
            if z >= min(points[i].z, points[i + 1].z) - r, z <= max(points[i].z, points[i + 1].z) + r { keep.append(i) }
        }
        if keep.isEmpty { return nil }
        if keep.count == points.count - 1 { return self }
        // keep runs of segments: emit them as separate point lists joined by zero-radius jumps is awkward, so keep
        // the span from the first to the last relevant segment
        let lo = keep.first!, hi = keep.last! + 1
        var t = self
        t.points = Array(points[lo...hi])
        t.radii = Array(radii[lo...hi])
        return t
    }

    func contains(_ x: Double, _ y: Double, _ z: Double) -> Bool {
        let p = Vec3(x: x, y: y, z: z)
        let extra = lobulation.offset(x, y, z)
        for i in 0..<(points.count - 1) {
            let a = points[i], d = points[i + 1] - a
            let len2 = d.dot(d)
            let t = len2 > 0 ? min(max((p - a).dot(d) / len2, 0), 1) : 0
            let q = p - (a + t * d)
            let r = radii[i] + t * (radii[i + 1] - radii[i]) + extra
            if r <= 0 { continue }
            let dist2 = q.x * q.x + yScale * yScale * q.y * q.y + q.z * q.z
            if dist2 <= r * r { return true }
        }
        return false
    }
}

/// A rib: an arc just inside the body surface over an angular range, running obliquely in z.
struct Rib: Solid {
    var bodyCenterX: Double
    var bodyCenterY: Double
    var bodySemiX: Double
    var bodySemiY: Double
    var startAngle: Double
    var endAngle: Double
    /// Depth of the rib's centre below the skin (mm).
    var depthMM: Double
    /// z of the rib's centre at `startAngle` and its change per radian.
    var z0: Double
    var zSlope: Double
    var halfWidthMM: Double
    var halfHeightMM: Double

    var bounds: Bounds {
        let zs = [z0, z0 + zSlope * (endAngle - startAngle)]
        return Bounds(minX: bodyCenterX - bodySemiX, maxX: bodyCenterX + bodySemiX, minY: bodyCenterY - bodySemiY,
                      maxY: bodyCenterY + bodySemiY, minZ: zs.min()! - halfHeightMM, maxZ: zs.max()! + halfHeightMM)
    }

    func contains(_ x: Double, _ y: Double, _ z: Double) -> Bool {
        let dx = x - bodyCenterX, dy = y - bodyCenterY
        var theta = atan2(dy, dx)
        while theta < startAngle { theta += 2 * .pi }
        if theta > endAngle { return false }
        let rn = ((dx / bodySemiX) * (dx / bodySemiX) + (dy / bodySemiY) * (dy / bodySemiY)).squareRoot()
        if rn <= 0 || rn > 1 { return false }
        let toSurface = (dx * dx + dy * dy).squareRoot() / rn
        let depth = (1 - rn) * toSurface
        let zc = z0 + zSlope * (theta - startAngle)
        let u = (depth - depthMM) / halfWidthMM, w = (z - zc) / halfHeightMM
        return u * u + w * w <= 1
    }
}

/// A lesion: an ellipsoid whose longest semi-axis (`semiAxes.x`, along `axisAngle` in the axial plane) is
/// exact, with an irregular margin that only ever pulls the surface inwards away from that axis, so the
/// lesion's longest diameter is exactly twice `semiAxes.x`.
struct IrregularEllipsoid: Solid {
    var center: Vec3
    var semiAxes: Vec3
    var axisAngle: Double
    var marginAmplitude: Double
    var marginFrequencies: (Double, Double)
    var marginPhases: (Double, Double)

    var bounds: Bounds {
        let r = max(semiAxes.x, semiAxes.y)
        return Bounds(minX: center.x - r, maxX: center.x + r, minY: center.y - r, maxY: center.y + r,
                      minZ: center.z - semiAxes.z, maxZ: center.z + semiAxes.z)
    }

    func contains(_ x: Double, _ y: Double, _ z: Double) -> Bool {
        let dx = x - center.x, dy = y - center.y, dz = z - center.z
        let c = cos(axisAngle), s = sin(axisAngle)
        let u = (c * dx + s * dy) / semiAxes.x, v = (-s * dx + c * dy) / semiAxes.y, w = dz / semiAxes.z
        let rho2 = u * u + v * v + w * w
        if rho2 > 1 { return false }
        let rho = rho2.squareRoot()
        if rho == 0 { return true }
        let du = u / rho
        let azimuth = atan2(w, v)
        let g = (1 - du * du) * (0.5 + 0.25 * sin(marginFrequencies.0 * azimuth + marginPhases.0)
                                  + 0.25 * sin(marginFrequencies.1 * azimuth + marginPhases.1))
        return rho <= 1 - marginAmplitude * g
    }
}
