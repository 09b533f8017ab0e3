import ImagingFormats

/// Pixel features of axial slices used to judge whether an abdomen is in the field of view, whatever
/// the header says.
///
/// On up to ``maxSampledSlices`` evenly spaced slices it measures, then takes the median of each:
/// - the body: the largest connected region of pixels above −500 HU (the CT table, separated from the
///   patient by air, is left out);
/// - `bodyAreaCM2`: body pixels × pixel area;
/// - `internalAirFraction`: pixels below −500 HU lying between the first and last body pixel of both
///   their row and their column (lungs, bowel gas, the gap above the table), over body + internal air;
/// - `softTissueFraction` (−200…250 HU), `fatFraction` (−200…−30 HU), `boneFraction` (> 300 HU), over
///   the body.
///
/// Limits: a heuristic, not a body-part classifier. It refuses chest slices (lung air), heads (skull
/// ring, no fat) and small objects (phantoms, limbs); it cannot tell an abdomen from a pelvis or from
/// lung bases, and very thin patients, massive ascites or metal can push it either way; a table touching the skin joins the body.
public struct AbdomenHeuristic: Sendable, Hashable {
    /// Slices measured at most.
    public static let maxSampledSlices = 9

    /// Median body cross-section, cm².
    public let bodyAreaCM2: Double
    /// Median fraction of enclosed air.
    public let internalAirFraction: Double
    /// Median fraction of soft tissue and fat.
    public let softTissueFraction: Double
    /// Median fraction of fat.
    public let fatFraction: Double
    /// Median fraction of bone.
    public let boneFraction: Double

    /// Measures `volume`.
    public init(volume: ImageVolume) {
        let n = volume.slices
        let count = min(n, Self.maxSampledSlices)
        let picks = (0..<count).map { count == 1 ? n / 2 : Int((Double($0) + 0.5) * Double(n) / Double(count)) }
        var area: [Double] = [], air: [Double] = [], soft: [Double] = [], fat: [Double] = [], bone: [Double] = []
        let pixelCM2 = volume.rowSpacingMM * volume.columnSpacingMM / 100
        for s in picks {
            let f = Self.sliceFeatures(volume, slice: s)
            area.append(Double(f.body) * pixelCM2)
            air.append(Double(f.internalAir) / Double(max(1, f.body + f.internalAir)))
            soft.append(Double(f.soft) / Double(max(1, f.body)))
            fat.append(Double(f.fat) / Double(max(1, f.body)))
            bone.append(Double(f.bone) / Double(max(1, f.body)))
        }
        bodyAreaCM2 = median(area)
        internalAirFraction = median(air)
        softTissueFraction = median(soft)
        fatFraction = median(fat)
        boneFraction = median(bone)
    }

    /// Why the features do not look like an abdomen under `criteria`, or nil when they do.
    public func failure(_ criteria: AbdomenCriteria) -> String? {
        func pct(_ x: Double) -> String { "\(Int((x * 100).rounded())) %" }
        if bodyAreaCM2 < criteria.minBodyAreaCM2 {
            return "the body's cross-section is \(Int(bodyAreaCM2.rounded())) cm², below the \(Int(criteria.minBodyAreaCM2)) cm² "
                + "an abdomen in the field of view should have (a small phantom, a limb, or a cropped field of view)"
        }
        if internalAirFraction > criteria.maxInternalAirFraction {
            return "\(pct(internalAirFraction)) of the body's outline is air (above \(pct(criteria.maxInternalAirFraction))): "
                + "the slices look like chest (lungs), not abdomen"
        }
        if boneFraction > criteria.maxBoneFraction {
            return "\(pct(boneFraction)) of the body is bone (above \(pct(criteria.maxBoneFraction))): the slices look like head or limbs, not abdomen"
        }
        if softTissueFraction < criteria.minSoftTissueFraction {
            return "only \(pct(softTissueFraction)) of the body is soft tissue or fat (below \(pct(criteria.minSoftTissueFraction))): not an abdomen"
        }
        if fatFraction < criteria.minFatFraction {
            return "only \(pct(fatFraction)) of the body is fat (below \(pct(criteria.minFatFraction))): the slices look like head or a phantom, not abdomen"
        }
        return nil
    }

    private static func sliceFeatures(_ v: ImageVolume, slice s: Int) -> (body: Int, internalAir: Int, soft: Int, fat: Int, bone: Int) {
        let rows = v.rows, cols = v.columns, base = s * rows * cols
        let hu = Array(v.voxels[base..<(base + rows * cols)])
        let body = largestComponent(hu.map { $0 > -500 }, rows: rows, columns: cols)
        var rowFirst = [Int](repeating: Int.max, count: rows), rowLast = [Int](repeating: -1, count: rows)
        var colFirst = [Int](repeating: Int.max, count: cols), colLast = [Int](repeating: -1, count: cols)
        var count = 0, soft = 0, fat = 0, bone = 0
        for r in 0..<rows {
            for c in 0..<cols where body[r * cols + c] {
                let x = hu[r * cols + c]
                count += 1
                if x >= -200, x <= 250 { soft += 1 }
                if x >= -200, x <= -30 { fat += 1 }
                if x > 300 { bone += 1 }
                rowFirst[r] = min(rowFirst[r], c); rowLast[r] = max(rowLast[r], c)
                colFirst[c] = min(colFirst[c], r); colLast[c] = max(colLast[c], r)
            }
        }
        var internalAir = 0
        for r in 0..<rows where rowLast[r] >= 0 {
            for c in rowFirst[r]...rowLast[r] where hu[r * cols + c] <= -500 && r > colFirst[c] && r < colLast[c] {
                internalAir += 1
            }
        }
        return (count, internalAir, soft, fat, bone)
    }

    /// The largest 4-connected region of `flags` (the body without the table, which air separates from it).
    static func largestComponent(_ flags: [Bool], rows: Int, columns: Int) -> [Bool] {
        var label = [Int32](repeating: 0, count: flags.count)
        var best: (id: Int32, size: Int) = (0, 0)
        var next: Int32 = 0
        var stack: [Int] = []
        for seed in flags.indices where flags[seed] && label[seed] == 0 {
            next += 1
            var size = 0
            label[seed] = next
            stack.append(seed)
            while let p = stack.popLast() {
                size += 1
                let r = p / columns, c = p % columns
                if r > 0, flags[p - columns], label[p - columns] == 0 { label[p - columns] = next; stack.append(p - columns) }
                if r < rows - 1, flags[p + columns], label[p + columns] == 0 { label[p + columns] = next; stack.append(p + columns) }
                if c > 0, flags[p - 1], label[p - 1] == 0 { label[p - 1] = next; stack.append(p - 1) }
                if c < columns - 1, flags[p + 1], label[p + 1] == 0 { label[p + 1] = next; stack.append(p + 1) }
            }
            if size > best.size { best = (next, size) }
        }
        return label.map { $0 == best.id && best.size > 0 }
    }
}

private func median(_ xs: [Double]) -> Double {
    guard !xs.isEmpty else { return 0 }
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
