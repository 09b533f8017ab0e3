import Foundation

/// One painted solid: later layers overwrite earlier ones; `clipToCavity` keeps organs inside the abdominal wall.
struct Layer: Sendable {
    enum Shape: Sendable {
        case ellipsoid(Ellipsoid)
        case cylinder(EllipticCylinder)
        case tube(Tube)
        case rib(Rib)
        case lesion(IrregularEllipsoid)
    }

    var shape: Shape
    var tissue: Tissue
    var clipToCavity = false

    var bounds: Bounds {
        switch shape {
        case .ellipsoid(let s): s.bounds
        case .cylinder(let s): s.bounds
        case .tube(let s): s.bounds
        case .rib(let s): s.bounds
        case .lesion(let s): s.bounds
        }
    }
}

/// Where the lesion of a positive phantom sits, and how big it is (ground truth).
public struct LesionTruth: Codable, Sendable, Equatable {
    /// Longest diameter (mm), in the axial plane.
    public var diameterMM: Double
    /// Centre in patient coordinates (mm).
    public var centerMM: [Double]
    /// Index of the slice through the lesion centre.
    public var centerSlice: Int
    /// Part of the pancreas: "head", "body" or "tail".
    public var region: String
    /// Mean lesion HU before noise.
    public var hu: Double
}

/// The randomly drawn anatomy of one phantom: painted layers in order, plus the abdominal cavity outline.
struct Anatomy: Sendable {
    var layers: [Layer]
    var cavity: EllipticCylinder
    var lesion: LesionTruth?

    /// Draws an abdomen at the pancreas level. `sliceZ` are the slice centres (mm); `lesionDiameterMM` nil gives a
    /// lesion-free phantom.
    static func draw(_ rng: inout SeededRandom, hu: TissueHU, sliceZ: [Double], lesionDiameterMM: Double?) -> Anatomy {
        var layers: [Layer] = []
        func add(_ s: Layer.Shape, _ t: Tissue, clip: Bool = false) { layers.append(Layer(shape: s, tissue: t, clipToCavity: clip)) }
        let zLo = (sliceZ.first ?? 0) - 400, zHi = (sliceZ.last ?? 0) + 400

        // Body, subcutaneous fat, abdominal wall muscle, cavity.
        let bx = rng.uniform(-5, 5), by = rng.uniform(-8, 4)
        let a = rng.uniform(140, 180), b = a * rng.uniform(0.68, 0.80)
        let fat = rng.uniform(10, 30), wall = rng.uniform(8, 14)
        let ac = a - fat - wall, bc = b - fat - wall
        let cavity = EllipticCylinder(centerX: bx, centerY: by, semiX: ac, semiY: bc)
        add(.cylinder(EllipticCylinder(centerX: bx, centerY: by, semiX: a, semiY: b)), .subcutaneousFat)
        add(.cylinder(EllipticCylinder(centerX: bx, centerY: by, semiX: a - fat, semiY: b - fat)), .muscle)
        add(.cylinder(cavity), .visceralFat)

        // Spine landmarks and paraspinal muscles.
        let vx = bx + rng.uniform(-3, 3), vy = by + b * rng.uniform(0.28, 0.36)
        let vSemiX = rng.uniform(19, 24), vSemiY = rng.uniform(14, 18)
        for side in [-1.0, 1.0] {
            let semiY = rng.uniform(15, 19)
            add(.cylinder(EllipticCylinder(centerX: vx + side * rng.uniform(28, 34), centerY: min(vy + vSemiY + 22, by + b - fat * 0.5 - semiY),
                                           semiX: rng.uniform(20, 26), semiY: semiY)), .muscle)
        }
        let zPan = rng.uniform(-8, 8)  // pancreas level
        for side in [-1.0, 1.0] {
            let px = vx + side * rng.uniform(28, 36)
            add(.tube(Tube(points: [Vec3(x: px, y: vy - 2, z: zPan + 40), Vec3(x: px + side * 8, y: vy - 4, z: zPan - 160)],
                           radii: [4, rng.uniform(16, 22)])), .muscle)
        }

        // Solid organs.
        let liver = Ellipsoid(center: Vec3(x: bx - ac * rng.uniform(0.4, 0.5), y: by + bc * rng.uniform(-0.1, 0.1), z: zPan + rng.uniform(15, 40)),
                              semiAxes: Vec3(x: ac * rng.uniform(0.5, 0.6), y: bc * rng.uniform(0.75, 0.9), z: rng.uniform(100, 130)),
                              angle: rng.uniform(-0.25, 0.15))
        add(.ellipsoid(liver), .liver, clip: true)
        if rng.unit() < 0.6 {
            add(.ellipsoid(Ellipsoid(center: Vec3(x: bx - ac * rng.uniform(0.25, 0.4), y: by - bc * rng.uniform(0.3, 0.45), z: zPan + rng.uniform(-5, 20)),
                                     semiAxes: Vec3(x: rng.uniform(11, 16), y: rng.uniform(14, 20), z: rng.uniform(25, 35)),
                                     angle: rng.uniform(-0.5, 0.5))), .fluid, clip: true)
        }
        let spleen = Ellipsoid(center: Vec3(x: bx + ac * rng.uniform(0.6, 0.75), y: vy + rng.uniform(0, 20), z: zPan + rng.uniform(10, 35)),
                               semiAxes: Vec3(x: rng.uniform(45, 60), y: rng.uniform(22, 32), z: rng.uniform(45, 60)),
                               angle: rng.uniform(0.8, 1.2))
        add(.ellipsoid(spleen), .spleen, clip: true)

        // Stomach (wall, fluid, gas cap anteriorly), colon, small bowel.
        let stomach = Ellipsoid(center: Vec3(x: bx + ac * rng.uniform(0.25, 0.45), y: by - bc * rng.uniform(0.35, 0.55), z: zPan + rng.uniform(45, 70)),
                                semiAxes: Vec3(x: rng.uniform(40, 55), y: rng.uniform(26, 36), z: rng.uniform(40, 55)), angle: rng.uniform(-0.4, 0.4))
        add(.ellipsoid(stomach), .bowelWall, clip: true)
        add(.ellipsoid(stomach.shrunk(by: 4)), .fluid, clip: true)
        var gasCap = stomach.shrunk(by: 4)
        gasCap.maxY = stomach.center.y - stomach.semiAxes.y * rng.uniform(0.5, 0.9)
        add(.ellipsoid(gasCap), .gas, clip: true)
        let colonR = rng.uniform(14, 22)
        for side in [-1.0, 1.0] {
            let cx = bx + side * ac * rng.uniform(0.72, 0.82), cy = by + rng.uniform(-15, 10)
            let colon = Tube(points: [Vec3(x: cx, y: cy, z: zPan - 200), Vec3(x: cx, y: cy - 5, z: zPan + rng.uniform(10, 40))], radii: [colonR, colonR])
            add(.tube(colon), .bowelWall, clip: true)
            add(.tube(Tube(points: colon.points, radii: [colonR - 3, colonR - 3])), rng.unit() < 0.4 ? .gas : .fluid, clip: true)
        }
        let tz = zPan + rng.uniform(-45, 0), ty = by - bc * rng.uniform(0.5, 0.7)
        let transverse = Tube(points: [Vec3(x: bx - ac * 0.75, y: ty + 20, z: tz + 15), Vec3(x: bx, y: ty, z: tz - rng.uniform(0, 15)),
                                       Vec3(x: bx + ac * 0.75, y: ty + 20, z: tz + 25)], radii: [colonR, colonR, colonR])
        add(.tube(transverse), .bowelWall, clip: true)
        add(.tube(Tube(points: transverse.points, radii: transverse.radii.map { $0 - 3 })), rng.unit() < 0.6 ? .gas : .fluid, clip: true)
        let loops = Int(rng.uniform(4, 10))
        for _ in 0..<loops {
            let e = Ellipsoid(center: Vec3(x: bx + ac * rng.uniform(-0.55, 0.55), y: by - bc * rng.uniform(0.25, 0.75), z: zPan + rng.uniform(-120, -15)),
                              semiAxes: Vec3(x: rng.uniform(10, 18), y: rng.uniform(10, 18), z: rng.uniform(15, 35)), angle: rng.uniform(0, .pi))
            add(.ellipsoid(e), .bowelWall, clip: true)
            add(.ellipsoid(e.shrunk(by: 2.5)), rng.unit() < 0.2 ? .gas : .fluid, clip: true)
        }

        // Kidneys: cortex, medulla, sinus fat; the left one sits higher.
        for side in [-1.0, 1.0] {
            let kc = Vec3(x: vx + side * rng.uniform(62, 78), y: vy + rng.uniform(0, 15), z: zPan - rng.uniform(5, 30) + (side > 0 ? 12 : 0))
            let k = Ellipsoid(center: kc, semiAxes: Vec3(x: rng.uniform(24, 30), y: rng.uniform(20, 26), z: rng.uniform(45, 60)), angle: side * rng.uniform(0.3, 0.7))
            add(.ellipsoid(k), .kidneyCortex, clip: true)
            var m = k
            m.semiAxes = Vec3(x: k.semiAxes.x * 0.65, y: k.semiAxes.y * 0.65, z: k.semiAxes.z * 0.8)
            m.center = kc + Vec3(x: -side * 4, y: -2, z: 0)
            add(.ellipsoid(m), .kidneyMedulla, clip: true)
            var sinus = k
            sinus.semiAxes = Vec3(x: k.semiAxes.x * 0.3, y: k.semiAxes.y * 0.35, z: k.semiAxes.z * 0.5)
            sinus.center = kc + Vec3(x: -side * 12, y: -4, z: 0)
            add(.ellipsoid(sinus), .visceralFat, clip: true)
        }

        // Great vessels.
        let aortaR = rng.uniform(9, 13)
        let ax = vx + rng.uniform(5, 15), ay = vy - vSemiY - aortaR - rng.uniform(0, 4)
        add(.cylinder(EllipticCylinder(centerX: ax, centerY: ay, semiX: aortaR, semiY: aortaR, minZ: zLo, maxZ: zHi)), .artery)
        add(.cylinder(EllipticCylinder(centerX: vx - rng.uniform(20, 30), centerY: vy - vSemiY - rng.uniform(5, 12), semiX: rng.uniform(10, 14),
                                       semiY: rng.uniform(7, 10), angle: rng.uniform(-0.3, 0.3), minZ: zLo, maxZ: zHi)), .vein)

        // Duodenal C-loop around the pancreatic head.
        let smvX = ax - rng.uniform(10, 16), smvY = ay - aortaR - rng.uniform(9, 14)
        let dR = rng.uniform(8, 12)
        let duo = Tube(points: [Vec3(x: smvX - 20, y: smvY - 35, z: zPan + 25), Vec3(x: smvX - 55, y: smvY - 10, z: zPan + 12),
                                Vec3(x: smvX - 55, y: smvY, z: zPan - 25), Vec3(x: smvX - 20, y: ay + 5, z: zPan - 42),
                                Vec3(x: ax + 20, y: ay - 5, z: zPan - 40), Vec3(x: ax + 35, y: smvY - 10, z: zPan - 28)],
                       radii: [dR, dR, dR, dR * 0.8, dR * 0.8, dR])
        add(.tube(duo), .bowelWall, clip: true)
        add(.tube(Tube(points: duo.points, radii: duo.radii.map { $0 - 2.5 })), rng.unit() < 0.2 ? .gas : .fluid, clip: true)

        // Pancreas: uncinate and head beside the duodenum, neck in front of the SMV, body over the SMA/aorta,
        // tail toward the splenic hilum; lobulated, flattened front to back.
        let shift = Vec3(x: rng.uniform(-6, 6), y: rng.uniform(-5, 5), z: 0)
        let tailRise = rng.uniform(5, 25), tailReach = rng.uniform(0.9, 1.1)
        let hilum = spleen.center
        var pts = [Vec3(x: smvX - 8, y: smvY + 10, z: zPan - 22), Vec3(x: smvX - 30, y: smvY + 2, z: zPan - 10),
                   Vec3(x: smvX - 22, y: smvY - 8, z: zPan), Vec3(x: smvX + 2, y: smvY - 13, z: zPan + 3),
                   Vec3(x: ax + 15, y: ay - aortaR - rng.uniform(14, 20), z: zPan + 0.4 * tailRise)]
        let tailStart = pts[4]
        let tailEnd = Vec3(x: hilum.x - 0.9 * spleen.semiAxes.y, y: hilum.y - 5, z: zPan + tailRise)
        pts.append(tailStart + (0.5 * tailReach) * (tailEnd - tailStart) + Vec3(x: 0, y: -8, z: 0))
        pts.append(tailStart + tailReach * (tailEnd - tailStart))
        pts = pts.map { $0 + shift }
        let thick = rng.uniform(0.85, 1.15)
        let pancreas = Tube(points: pts, radii: [10, 14, 13, 9, 10, 9, 7].map { $0 * thick },
                            lobulation: .draw(&rng, amplitudeMM: rng.uniform(1.2, 2.5), wavelengthMM: 7...14), yScale: rng.uniform(1.0, 1.25))
        add(.tube(pancreas), .pancreas, clip: true)

        // Mesenteric and portal veins, splenic vein behind the pancreas, SMA.
        let veinR = rng.uniform(5, 7)
        add(.tube(Tube(points: [Vec3(x: smvX, y: smvY, z: zPan - 200), Vec3(x: smvX, y: smvY, z: zPan - 5), Vec3(x: smvX - 8, y: smvY + 2, z: zPan + 8),
                                Vec3(x: liver.center.x + liver.semiAxes.x * 0.3, y: smvY - 5, z: zPan + 40)],
                       radii: [veinR, veinR, veinR + 1, veinR + 1.5])), .vein)
        let splenic = pts[3...].map { $0 + Vec3(x: 0, y: 11 * thick, z: 2) }
        add(.tube(Tube(points: [Vec3(x: smvX - 6, y: smvY + 1, z: zPan + 5)] + splenic, radii: [Double](repeating: rng.uniform(3.5, 5), count: splenic.count + 1))), .vein)
        add(.tube(Tube(points: [Vec3(x: ax, y: ay - aortaR + 2, z: zPan + 8), Vec3(x: ax - 2, y: ay - aortaR - 12, z: zPan - 5),
                                Vec3(x: ax - 4, y: ay - aortaR - 16, z: zPan - 200)], radii: [4, 4, 3.5])), .artery)

        // Lesion, painted over soft tissue (it may bulge the contour), never over bone.
        var lesionTruth: LesionTruth?
        if let d = lesionDiameterMM {
            let spacing = sliceZ.count > 1 ? sliceZ[1] - sliceZ[0] : 2.5
            var best: (Vec3, Double)?
            for _ in 0..<200 {
                let t = rng.uniform(0.05, 0.97)
                let (p, r) = pancreas.centerLine(at: t)
                let off = rng.uniform(0, 0.3 * r), th = rng.uniform(0, 2 * .pi)
                let c = p + Vec3(x: off * cos(th), y: off * sin(th), z: 0)
                if best == nil { best = (c, t) }
                if c.z - d / 2 >= sliceZ.first! - 0.5 * spacing, c.z + d / 2 <= sliceZ.last! + 0.5 * spacing { best = (c, t); break }
            }
            var (c, t) = best!
            let k = sliceZ.indices.min { abs(sliceZ[$0] - c.z) < abs(sliceZ[$1] - c.z) }!
            c.z = sliceZ[k]
            let semi = d / 2
            let shape = IrregularEllipsoid(center: c, semiAxes: Vec3(x: semi, y: semi * rng.uniform(0.7, 1.0), z: semi * rng.uniform(0.7, 1.0)),
                                           axisAngle: rng.uniform(0, .pi), marginAmplitude: rng.uniform(0.1, 0.25),
                                           marginFrequencies: (Double(Int(rng.uniform(3, 6))), Double(Int(rng.uniform(5, 9)))),
                                           marginPhases: (rng.uniform(0, 2 * .pi), rng.uniform(0, 2 * .pi)))
            add(.lesion(shape), .lesion)
            lesionTruth = LesionTruth(diameterMM: d, centerMM: [c.x, c.y, c.z], centerSlice: k,
                                      region: t < 0.42 ? "head" : (t < 0.72 ? "body" : "tail"), hu: hu[.lesion])
        }

        // Vertebra: cortical shell, cancellous body, canal, posterior elements; ribs.
        add(.cylinder(EllipticCylinder(centerX: vx, centerY: vy, semiX: vSemiX, semiY: vSemiY, minZ: zLo, maxZ: zHi)), .corticalBone)
        add(.cylinder(EllipticCylinder(centerX: vx, centerY: vy, semiX: vSemiX - 2, semiY: vSemiY - 2, minZ: zLo, maxZ: zHi)), .cancellousBone)
        add(.cylinder(EllipticCylinder(centerX: vx, centerY: vy + vSemiY + 12, semiX: 14, semiY: 9, minZ: zLo, maxZ: zHi)), .corticalBone)
        add(.cylinder(EllipticCylinder(centerX: vx, centerY: vy + vSemiY + 12, semiX: 10, semiY: 7, minZ: zLo, maxZ: zHi)), .spinalCanal)
        add(.cylinder(EllipticCylinder(centerX: vx, centerY: vy + vSemiY + 35, semiX: 5, semiY: 14, minZ: zLo, maxZ: zHi)), .corticalBone)
        for side in [-1.0, 1.0] {
            add(.cylinder(EllipticCylinder(centerX: vx + side * 26, centerY: vy + vSemiY + 14, semiX: 16, semiY: 4.5, angle: side * 0.3, minZ: zLo, maxZ: zHi)), .corticalBone)
        }
        for side in [-1.0, 1.0] {
            for i in 0..<5 {
                let z0 = zPan + 70 - Double(i) * rng.uniform(28, 34)
                // angles: posterior (y > 0) to lateral/anterior; left side mirrors the right.
                let start = side > 0 ? rng.uniform(-0.7, -0.3) : .pi - rng.uniform(-0.7, -0.3) - 1.3
                let end = start + rng.uniform(1.2, 1.4)
                let rib = Rib(bodyCenterX: bx, bodyCenterY: by, bodySemiX: a, bodySemiY: b, startAngle: start, endAngle: end,
                              depthMM: fat + wall * 0.6, z0: z0, zSlope: side * rng.uniform(45, 70), halfWidthMM: 5, halfHeightMM: 5)
                add(.rib(rib), .corticalBone)
                var inner = rib
                inner.halfWidthMM = 3
                inner.halfHeightMM = 4
                add(.rib(inner), .cancellousBone)
            }
        }
        return Anatomy(layers: layers, cavity: cavity, lesion: lesionTruth)
    }
}
