/// Puts planes of one series into a volume: checks that they agree, sorts them along the slice normal,
/// measures the slice spacing and reports gaps and uneven spacing.
enum SeriesAssembly {
    static func assemble(_ planesIn: [Plane], name: String) throws -> ImageVolume {
        guard let first = planesIn.first else { throw ImagingError(source: name, detail: "no images") }
        func fail(_ d: String) -> ImagingError { ImagingError(source: name, detail: d) }
        var warnings: [String] = []
        for p in planesIn {
            guard p.rows == first.rows, p.columns == first.columns else {
                throw fail("images differ in size (\(first.columns)x\(first.rows) in \(first.source), \(p.columns)x\(p.rows) in \(p.source))")
            }
            guard zip(p.orientation, first.orientation).allSatisfy({ abs($0 - $1) < 1e-4 }) else {
                throw fail("images differ in orientation (\(first.source) and \(p.source))")
            }
            guard zip(p.pixelSpacing, first.pixelSpacing).allSatisfy({ abs($0 - $1) <= 1e-4 * max(1, abs($1)) }) else {
                throw fail("images differ in pixel spacing (\(first.pixelSpacing) in \(first.source), \(p.pixelSpacing) in \(p.source))")
            }
            for w in p.warnings where !warnings.contains(w) { warnings.append(w) }
        }
        let rowDir = Array(first.orientation[0..<3]), colDir = Array(first.orientation[3..<6])
        let normal = cross(rowDir, colDir)
        var planes = planesIn
        var positions: [Double]
        if planes.count == 1 {
            positions = [planes[0].position.map { dot($0, normal) } ?? 0]
            if planes[0].position == nil { warnings.append("no Image Position (Patient): origin set to (0, 0, 0)") }
        } else {
            guard planes.allSatisfy({ $0.position != nil }) else {
                throw fail("\(planes.filter { $0.position == nil }.count) of \(planes.count) images have no Image Position (Patient): slices cannot be ordered")
            }
            planes.sort { dot($0.position!, normal) < dot($1.position!, normal) }
            positions = planes.map { dot($0.position!, normal) }
        }
        var sliceSpacing: Double? = nil
        if planes.count > 1 {
            let diffs = zip(positions.dropFirst(), positions).map { $0 - $1 }
            if let k = diffs.firstIndex(where: { $0 < 1e-3 }) {
                throw fail("two images at the same position along the slice normal (\(planes[k].source) and \(planes[k + 1].source))")
            }
            let sorted = diffs.sorted()
            let median = sorted[sorted.count / 2]
            sliceSpacing = median
            let tol = max(0.01, 0.01 * median)
            for (k, d) in diffs.enumerated() where abs(d - median) > tol {
                let missing = (d / median).rounded() - 1
                if missing >= 1 && abs(d - (missing + 1) * median) <= tol * (missing + 1) {
                    warnings.append("gap: about \(Int(missing)) slice(s) missing between positions \(fmt(positions[k])) and \(fmt(positions[k + 1])) mm (spacing \(fmt(median)) mm)")
                } else {
                    warnings.append("uneven slice spacing: \(fmt(d)) mm between positions \(fmt(positions[k])) and \(fmt(positions[k + 1])) mm (median \(fmt(median)) mm)")
                }
            }
            // Slices should line up along the normal: in-plane offsets mean a tilted gantry or mixed stacks.
            let p0 = planes[0].position!
            for p in planes.dropFirst() {
                let d = zip(p.position!, p0).map { $0 - $1 }
                let along = dot(d, normal)
                let off = (0..<3).map { d[$0] - along * normal[$0] }
                if dot(off, off).squareRoot() > 0.01 * max(1, abs(along)) + 1e-3 {
                    warnings.append("slices are not stacked along the slice normal (in-plane offset \(fmt(dot(off, off).squareRoot())) mm at \(p.source)): the volume grid is approximate")
                    break
                }
            }
        } else {
            sliceSpacing = first.spacingBetweenSlices
        }
        var voxels: [Float] = []
        voxels.reserveCapacity(planes.count * first.rows * first.columns)
        for p in planes { voxels.append(contentsOf: p.hu) }
        var meta = first.metadata
        for p in planes.dropFirst() where p.metadata != meta {
            if p.metadata.sliceThicknessMM != meta.sliceThicknessMM { meta.sliceThicknessMM = nil }
            if p.metadata.kvp != meta.kvp { meta.kvp = nil }
        }
        return ImageVolume(
            slices: planes.count, rows: first.rows, columns: first.columns, voxels: voxels,
            rowSpacingMM: first.pixelSpacing[0], columnSpacingMM: first.pixelSpacing[1], sliceSpacingMM: sliceSpacing,
            rowDirection: rowDir, columnDirection: colDir, originMM: planes[0].position ?? [0, 0, 0],
            slicePositionsMM: positions, sliceSources: planes.map(\.source), metadata: meta, warnings: warnings,
            pixelSpacingKnown: planes.allSatisfy(\.pixelSpacingKnown))
    }

    static func fmt(_ d: Double) -> String {
        let r = (d * 1000).rounded() / 1000
        return String(r)
    }
}
