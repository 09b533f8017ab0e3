import Foundation
import Testing
@testable import TensorCore

/// Softmax along `axis`, one slice at a time in double precision (a straightforward second opinion).
private func naiveSoftmax(_ x: Tensor, axis: Int, log: Bool) -> Tensor {
    let ax = axis < 0 ? axis + x.rank : axis
    let outer = x.shape[..<ax].reduce(1, *), n = x.shape[ax], inner = x.shape[(ax + 1)...].reduce(1, *)
    var y = x
    for o in 0..<outer {
        for j in 0..<inner {
            let idx = (0..<n).map { o * n * inner + $0 * inner + j }
            let v = idx.map { Double(x.storage[$0]) }
            let m = v.max()!
            let s = v.reduce(0) { $0 + Foundation.exp($1 - m) }
            for (k, i) in idx.enumerated() { y.storage[i] = Float(log ? v[k] - m - Foundation.log(s) : Foundation.exp(v[k] - m) / s) }
        }
    }
    return y
}

@Suite struct SoftmaxTests {
    @Test(arguments: Fixtures.cases("softmax"))
    func softmaxMatchesReference(_ c: FixtureCase) throws {
        try c.loaded()
        let x = try c.input("input"), expected = try c.expected()
        let log = c.op == "LogSoftmax"
        #expect(c.op == "Softmax" || log, "unexpected op \(c.op)")
        let axis = c.int("axis", default: -1)   // opset-13 default
        expectClose(Softmax.softmax(x, axis: axis, log: log), expected, c.testDescription)
        // In place through the pointer form.
        var buf = x.storage
        buf.withUnsafeMutableBufferPointer { p in
            Softmax.softmax(UnsafePointer(p.baseAddress!), shape: x.shape, axis: axis, log: log, into: p.baseAddress!)
        }
        expectClose(Tensor(shape: x.shape, storage: buf), expected, "\(c.testDescription) in place")
    }

    @Test(arguments: [([64, 1000], -1), ([2, 21, 40, 40], 1), ([3, 130, 7], 1), ([5, 2, 300], 0)])
    func largeShapesMatchNaive(_ spec: ([Int], Int)) {
        let x = seededTensor(spec.0, seed: 7)
        for log in [false, true] {
            expectClose(Softmax.softmax(x, axis: spec.1, log: log), naiveSoftmax(x, axis: spec.1, log: log), "\(spec) log \(log)")
        }
    }

    @Test func stableForHugeLogitsAndRowsSumToOne() {
        let x = Tensor(shape: [2, 3], storage: [1e30, 1e30, -1e30, 88, 89, 90])
        let y = Softmax.softmax(x, axis: 1)
        #expect(y.storage.allSatisfy { $0.isFinite })
        expectClose(Tensor(shape: [2], storage: [y.storage[0..<3].reduce(0, +), y.storage[3..<6].reduce(0, +)]),
                    Tensor(shape: [2], storage: [1, 1]), "row sums")
        #expect(y.storage[0] == 0.5 && y.storage[2] == 0)
        let ly = Softmax.softmax(x, axis: -1, log: true)
        #expect(ly.storage[5] < 0 && ly.storage[5] > -0.5)
        #expect(ly.storage[0] == -Float(Foundation.log(2.0)))
    }
}
