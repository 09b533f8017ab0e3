/// A dense, row-major (C order) tensor of `Float` (IEEE-754 binary32) values.
///
/// `Tensor` is the value type that crosses module boundaries: readers produce it, detectors feed it to
/// models, tests compare it with reference fixtures. Storage is one contiguous `[Float]` with
/// copy-on-write semantics; `shape` lists the extent of each axis, outermost first.
///
/// ```swift
/// let x = Tensor(shape: [2, 3], storage: [1, 2, 3, 4, 5, 6])
/// let y = TensorCore.matmul(x, x.transposed([1, 0]))   // shape [2, 2]
/// ```
///
/// Shape mismatches are programming errors and stop with a `precondition` message that names both
/// shapes; data-dependent problems (a malformed file, a wrong model input) are reported as thrown errors
/// by the layers above.
public struct Tensor: Sendable, Equatable, CustomStringConvertible {
    /// The extent of each axis, outermost first. A scalar has shape `[]` and one element.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `storage.count == shape.product`.
    public var storage: [Float]

    /// Creates a tensor from a shape and its elements in row-major order.
    /// - Precondition: every extent is ≥ 0 and `storage.count` equals the product of `shape`.
    public init(shape: [Int], storage: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        precondition(storage.count == Tensor.elementCount(shape),
                     "Tensor: shape \(shape) needs \(Tensor.elementCount(shape)) elements, got \(storage.count)")
        self.shape = shape
        self.storage = storage
    }

    /// Creates a tensor of the given shape filled with `value` (zero by default).
    public init(shape: [Int], repeating value: Float = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        self.shape = shape
        self.storage = [Float](repeating: value, count: Tensor.elementCount(shape))
    }

    /// A rank-0 tensor holding one value.
    public init(scalar: Float) {
        self.shape = []
        self.storage = [scalar]
    }

    /// The number of elements a tensor of `shape` holds (1 for a scalar).
    @inlinable
    public static func elementCount(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape { n *= d }
        return n
    }

    /// Row-major strides, in elements, for `shape`.
    @inlinable
    public static func strides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            s[i] = acc
            acc *= shape[i]
        }
        return s
    }

    /// Number of elements.
    @inlinable public var count: Int { storage.count }
    /// Number of axes.
    @inlinable public var rank: Int { shape.count }

    /// The element at a full multi-index.
    public subscript(_ index: Int...) -> Float {
        get { storage[flatIndex(index)] }
        set { storage[flatIndex(index)] = newValue }
    }

    private func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "Tensor: index \(index) has rank \(index.count), tensor has shape \(shape)")
        var flat = 0
        for (i, (ix, d)) in zip(index, shape).enumerated() {
            precondition(ix >= 0 && ix < d, "Tensor: index \(index) out of bounds for shape \(shape) at axis \(i)")
            flat = flat * d + ix
        }
        return flat
    }

    /// The same elements viewed with another shape of equal element count. One extent may be -1 (inferred).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var s = newShape
        if let inferred = s.firstIndex(of: -1) {
            let known = s.enumerated().filter { $0.offset != inferred }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && count % known == 0, "Tensor.reshaped: cannot infer -1 in \(newShape) for \(count) elements (shape \(shape))")
            s[inferred] = count / known
        }
        precondition(Tensor.elementCount(s) == count, "Tensor.reshaped: shape \(shape) (\(count) elements) cannot become \(newShape)")
        return Tensor(shape: s, storage: storage)
    }

    /// Largest absolute element-wise difference to `other`; shapes must match.
    public func maxAbsDifference(_ other: Tensor) -> Float {
        precondition(shape == other.shape, "Tensor.maxAbsDifference: shapes \(shape) and \(other.shape) differ")
        var m: Float = 0
        for i in 0..<count { m = max(m, abs(storage[i] - other.storage[i])) }
        return m
    }

    public var description: String {
        let preview = storage.prefix(8).map { String(format: "%.5g", $0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(preview)\(count > 8 ? ", …" : "")])"
    }
}

import Foundation
