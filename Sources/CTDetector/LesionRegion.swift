/// The lesion segmentation's largest region on the crop grid and its size.
public struct LesionRegion: Sendable, Hashable {
    /// The region's pixels (row-major flags, rows × columns).
    public let mask: [Bool]
    /// Bounding rows and columns (inclusive).
    public let rowRange: ClosedRange<Int>, columnRange: ClosedRange<Int>
    /// Longest distance between two of its pixel centres, in pixels, plus one pixel.
    public let longestAxisPixels: Double

    /// The largest 4-connected region of `flags` (rows × columns), or nil when nothing is set.
    public init?(flags: [Bool], rows: Int, columns: Int) {
        guard flags.count == rows * columns else { return nil }
        var label = [Int32](repeating: -1, count: flags.count)
        var best: [Int] = []
        var stack: [Int] = []
        for seed in flags.indices where flags[seed] && label[seed] < 0 {
            var component: [Int] = []
            label[seed] = 1
            stack.append(seed)
            while let p = stack.popLast() {
                component.append(p)
                let r = p / columns, c = p % columns
                for (nr, nc) in [(r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)]
                    where nr >= 0 && nr < rows && nc >= 0 && nc < columns {
                    let q = nr * columns + nc
                    if flags[q] && label[q] < 0 { label[q] = 1; stack.append(q) }
                }
            }
            if component.count > best.count { best = component }
        }
        guard !best.isEmpty else { return nil }
        var mask = [Bool](repeating: false, count: flags.count)
        var r0 = rows, r1 = -1, c0 = columns, c1 = -1
        for p in best {
            mask[p] = true
            let r = p / columns, c = p % columns
            r0 = min(r0, r); r1 = max(r1, r); c0 = min(c0, c); c1 = max(c1, c)
        }
        // Longest axis between boundary pixels (the farthest pair always lies on the boundary).
        let boundary = best.filter { p in
            let r = p / columns, c = p % columns
            return r == 0 || c == 0 || r == rows - 1 || c == columns - 1
                || !mask[p - columns] || !mask[p + columns] || !mask[p - 1] || !mask[p + 1]
        }
        var longest = 0
        for (i, a) in boundary.enumerated() {
            let ar = a / columns, ac = a % columns
            for b in boundary[(i + 1)...] {
                let dr = ar - b / columns, dc = ac - b % columns
                longest = max(longest, dr * dr + dc * dc)
            }
        }
        self.mask = mask
        rowRange = r0...r1
        columnRange = c0...c1
        longestAxisPixels = Double(longest).squareRoot() + 1
    }
}
